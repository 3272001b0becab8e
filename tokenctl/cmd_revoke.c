/* SPDX-License-Identifier: GPL-3.0-or-later */
/* revoke: by id (all or nothing), every personal token of a user, or the
 * token presented on stdin (whoever holds a leaked token may kill it). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <sodium.h>

#include "tokenctl.h"

#define STDIN_MAX 4096

/* Marks rec revoked in the transaction; an already revoked token is left
 * as it was (its revocation time is part of the audit trail). */
static int
revoke_one(const struct ctl *ctl, struct session *ses, struct ht_record *rec, int *changed)
{
	struct ht_error err = { 0 };

	if (rec->revoked) {
		tk_note("token %s was already revoked", ht_id_format(rec->id).s);
		return 0;
	}
	rec->revoked = 1;
	rec->revoked_at = ctl->now;
	if (ht_txn_put(ses->txn, rec, &err) != HT_OK)
		return tk_fail(&err);
	(*changed)++;
	return 0;
}

static int
finish(const struct ctl *ctl, struct session *ses, const struct id_list *done, int changed)
{
	int rc = changed > 0 ? session_commit(ses) : 0;

	session_end(ses);
	if (rc != 0)
		return rc;
	privs_drop();
	for (size_t i = 0; i < done->n; i++)
		audit_change(ctl, "revoke", &done->ids[i], NULL);
	if (ctl->json) {
		fputs("{\"revoked\":[", stdout);
		for (size_t i = 0; i < done->n; i++)
			printf("%s\"%s\"", i ? "," : "", ht_id_format(done->ids[i]).s);
		fputs("]}\n", stdout);
	} else if (changed > 0) {
		tk_note("revoked %d token%s", changed, changed == 1 ? "" : "s");
	}
	return EX_OK;
}

static int
revoke_ids(const struct ctl *ctl, int n, char **args)
{
	struct id_list done = { 0 };
	struct session ses;
	int rc, changed = 0;
	ht_id id;

	for (int i = 0; i < n; i++)
		if ((rc = parse_id(args[i], &id)) != 0)
			return rc;
	if ((rc = session_write(ctl, &ses)) != 0)
		return rc;
	for (int i = 0; i < n && rc == 0; i++) {
		struct ht_record rec;
		int before = changed;

		rc = session_get(ctl, &ses, args[i], &rec);
		if (rc == 0)
			rc = revoke_one(ctl, &ses, &rec, &changed);
		if (rc == 0 && changed > before)
			ids_add(&done, rec.id);
	}
	if (rc == 0 && done.failed)
		rc = tk_error(EX_OSERR, "out of memory");
	if (rc != 0) {
		/* All or nothing: one bad id leaves every token as it was. */
		session_end(&ses);
		tk_note("nothing was revoked");
		free(done.ids);
		return rc;
	}
	rc = finish(ctl, &ses, &done, changed);
	free(done.ids);
	return rc;
}

struct user_walk {
	const char *user;
	const struct caller *self;    /* non-administrators: by uid too */
	struct id_list ids;
};

static int
collect_user(const struct ht_record *rec, void *ctx)
{
	struct user_walk *w = ctx;

	if (rec->kind != HT_KIND_PERSONAL || rec->revoked || strcmp(rec->owner, w->user) != 0)
		return 0;
	if (w->self == NULL || caller_owns_token(w->self, rec))
		ids_add(&w->ids, rec->id);
	return w->ids.failed;
}

static int
revoke_user(const struct ctl *ctl, const char *user)
{
	struct user_walk w = { user, NULL, { 0 } };
	struct ht_error err = { 0 };
	struct session ses;
	int rc, changed = 0;

	if ((rc = session_write(ctl, &ses)) != 0)
		return rc;
	if (!ses.admin && !(ctl->who.has_name && strcmp(user, ctl->who.name) == 0)) {
		session_end(&ses);
		return tk_error(EX_NOPERM, "revoke: you may revoke only your own tokens");
	}
	if (!ses.admin)
		w.self = &ctl->who;
	/* Collect first: changing a GDBM file while walking it is undefined. */
	if (ht_store_foreach(ses.st, collect_user, &w, &err) != HT_OK)
		rc = tk_fail(&err);
	else if (w.ids.failed)
		rc = tk_error(EX_OSERR, "out of memory");
	for (size_t i = 0; rc == 0 && i < w.ids.n; i++) {
		struct ht_record rec;

		if (ht_store_get(ses.st, w.ids.ids[i], &rec, &err) != HT_OK)
			rc = tk_fail(&err);
		else
			rc = revoke_one(ctl, &ses, &rec, &changed);
	}
	if (rc != 0) {
		session_end(&ses);
		free(w.ids.ids);
		return rc;
	}
	if (changed == 0 && !ctl->json)
		tk_note("%s has no active personal tokens", user);
	rc = finish(ctl, &ses, &w.ids, changed);
	free(w.ids.ids);
	return rc;
}

/* Reads at most STDIN_MAX bytes; one trailing newline (or CRLF) is dropped. */
static int
read_presented(char *buf, size_t *len)
{
	size_t n = 0;

	while (n <= STDIN_MAX) {
		ssize_t r = read(STDIN_FILENO, buf + n, STDIN_MAX + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return tk_error(EX_IOERR, "revoke: reading the token: %s", strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > STDIN_MAX)
		return tk_error(EX_DATAERR, "revoke: input longer than %d bytes", STDIN_MAX);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	*len = n;
	return 0;
}

/* The secret must verify: knowing an id is not enough to revoke. The
 * same answer is given for an unknown id and a wrong secret. */
static int
revoke_presented(const struct ctl *ctl, const struct ht_token *tok)
{
	unsigned char hash[HT_HASH_BYTES];
	struct id_list done = { 0 };
	struct ht_error err = { 0 };
	struct ht_record rec;
	struct session ses;
	enum ht_status s;
	int rc, changed = 0;

	if ((rc = session_write(ctl, &ses)) != 0)
		return rc;
	s = ht_store_get(ses.st, tok->id, &rec, &err);
	if (s == HT_OK) {
		ht_secret_hash(&ses.key, tok, hash);
		if (crypto_verify_32(hash, rec.hash) != 0)
			s = HT_ERR_NOTFOUND;
		sodium_memzero(hash, sizeof(hash));
	}
	if (s == HT_ERR_NOTFOUND)
		rc = tk_error(EX_NOINPUT, "revoke: no such token in this store");
	else if (s != HT_OK)
		rc = tk_fail(&err);
	else
		rc = revoke_one(ctl, &ses, &rec, &changed);
	if (rc != 0) {
		session_end(&ses);
		return rc;
	}
	ids_add(&done, rec.id);
	rc = finish(ctl, &ses, &done, changed);
	free(done.ids);
	return rc;
}

static int
revoke_stdin(const struct ctl *ctl)
{
	char buf[STDIN_MAX + 1];
	struct ht_token tok;
	size_t len = 0;
	int rc = read_presented(buf, &len);

	if (rc == 0 && ht_token_parse(buf, len, &tok) != 0)
		rc = tk_error(EX_DATAERR, "revoke: standard input does not hold a token");
	sodium_memzero(buf, sizeof(buf));
	if (rc != 0)
		return rc;
	rc = revoke_presented(ctl, &tok);
	ht_token_wipe(&tok);
	return rc;
}

int
cmd_revoke(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *user = NULL, *token = NULL;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'u')
			user = optarg;
		else if (c == 't')
			token = optarg;
		else
			return unknown_option("revoke", c, argv);
	}
	if ((user != NULL) + (token != NULL) + (optind < argc) != 1)
		return tk_usage("revoke: give token ids, or --user USER, or --token -");
	if (token != NULL && strcmp(token, "-") != 0)
		return tk_usage("revoke: --token takes '-' (the token is read from standard "
		                "input, never from the command line)");
	if (user != NULL)
		return revoke_user(ctl, user);
	if (token != NULL)
		return revoke_stdin(ctl);
	return revoke_ids(ctl, argc - optind, argv + optind);
}

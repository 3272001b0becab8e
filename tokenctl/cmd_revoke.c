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

#include "fleetctl.h"
#include "tokenctl.h"

#define STDIN_MAX 4096

/* A reason: 1 to HT_REASON_MAX printable ASCII characters. */
int
revoke_reason_parse(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > HT_REASON_MAX)
		return tk_error(EX_DATAERR, "--reason: 1 to %d characters", HT_REASON_MAX);
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return tk_error(EX_DATAERR, "--reason: printable ASCII only");
	return 0;
}

/* A version-1 store keeps no reason; it shows as "revoked". */
void
revoke_reason_set(const struct session *ses, struct ht_record *rec, const char *reason)
{
	if (ht_store_schema(ses->st) >= HT_SCHEMA_VERSION)
		snprintf(rec->revoked_reason, sizeof(rec->revoked_reason), "%s", reason);
}

/* Marks rec revoked in the transaction; an already revoked token is left
 * as it was (its revocation time is part of the audit trail). */
static int
revoke_one(const struct ctl *ctl, struct session *ses, struct ht_record *rec,
           const char *reason, int *changed)
{
	struct ht_error err = { 0 };
	enum ht_status s;

	if (rec->revoked) {
		tk_note("token %s was already revoked", ht_id_format(rec->id).s);
		return 0;
	}
	rec->revoked = 1;
	rec->revoked_at = ctl->now;
	revoke_reason_set(ses, rec, reason);
	if ((s = session_put(ses, rec, &err)) != HT_OK)
		return tk_fail(s, &err);
	(*changed)++;
	return 0;
}

static int
finish(const struct ctl *ctl, struct session *ses, const struct id_list *done, int changed)
{
	int rc = changed > 0 ? session_commit(ses) : 0;
	struct owner_mail om;

	session_end(ses);
	if (rc != 0)
		return rc;
	owner_mail_prepare(ctl, done->ids, changed > 0 ? done->n : 0, &om);
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
	owner_mail_send(ctl, &om, "revoked");
	return EX_OK;
}

/* In a fleet whose database is unreachable, an administrator's revocation
 * of an id this replica does not hold yet is queued: the database may
 * have it. Others get "no such token" as always. */
static int
queue_later(const struct session *ses, const char *idtext, ht_id *id)
{
	struct ht_error err = { 0 };
	struct ht_record rec;
	int absent;

	if (ses->fw == NULL || ses->fw->pg != NULL || !ses->admin || parse_id(idtext, id) != 0)
		return 0;
	absent = ht_store_get(ses->st, *id, &rec, &err) == HT_ERR_NOTFOUND;
	sodium_memzero(&rec, sizeof(rec));
	return absent;
}

static int
queue_all(const struct ctl *ctl, const struct id_list *later)
{
	int rc = 0;

	for (size_t i = 0; i < later->n && rc == 0; i++) {
		rc = fleet_queue_append(ctl, later->ids[i], ctl->now);
		if (rc == 0)
			tk_note("token %s is not on this host yet; its revocation is queued for "
			        "the database", ht_id_format(later->ids[i]).s);
	}
	return rc;
}

static int
revoke_ids(const struct ctl *ctl, int n, char **args, const char *reason)
{
	struct id_list done = { 0 }, later = { 0 };
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

		if (queue_later(&ses, args[i], &id)) {
			ids_add(&later, id);
			continue;
		}
		rc = session_get(ctl, &ses, args[i], &rec);
		if (rc == 0)
			rc = revoke_one(ctl, &ses, &rec, reason, &changed);
		if (rc == 0 && changed > before)
			ids_add(&done, rec.id);
	}
	if (rc == 0 && (done.failed || later.failed))
		rc = tk_error(EX_OSERR, "out of memory");
	/* Queued under the writers' lock, before the local commit. */
	if (rc == 0)
		rc = queue_all(ctl, &later);
	if (rc != 0) {
		/* All or nothing: one bad id leaves every token as it was. */
		session_end(&ses);
		tk_note("nothing was revoked");
		free(done.ids);
		free(later.ids);
		return rc;
	}
	rc = finish(ctl, &ses, &done, changed);
	free(done.ids);
	free(later.ids);
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
		rc = tk_fail(s, &err);
	else
		rc = revoke_one(ctl, &ses, &rec, "revoked", &changed);
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

static int
parse_revoke(int argc, char **argv, struct bulk_args *b, const char **token, int *bulk)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "token", required_argument, NULL, 't' },
		{ "project", required_argument, NULL, 'P' },
		{ "repo", required_argument, NULL, 'R' },
		{ "unused", required_argument, NULL, 'U' },
		{ "dry-run", no_argument, NULL, 'n' },
		/* For root's hooks, e.g. "owner deleted" from the account-deletion
		 * hook; what the audit trail and show say. */
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long days;
	int c, rc;

	memset(b, 0, sizeof(*b));
	b->unused_days = -1;
	*bulk = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'u': b->user = optarg; *bulk = 1; break;
		case 't': *token = optarg; break;
		case 'P':
		case 'R':
			if (b->scope != NULL)
				return tk_usage("revoke: --project and --repo exclude each other");
			if (c == 'P' ? strchr(optarg, '/') != NULL : strchr(optarg, '/') == NULL)
				return tk_error(EX_DATAERR, "revoke: '%s' is not a %s", optarg,
				                c == 'P' ? "project key" : "repository (KEY/slug)");
			b->scope = optarg;
			*bulk = 1;
			break;
		case 'U':
			if ((rc = parse_ulong("--unused", optarg, 0, HT_MAX_DAYS_LIMIT, &days)) != 0)
				return rc;
			b->unused_days = (long)days;
			*bulk = 1;
			break;
		case 'n': b->dry_run = 1; break;
		case 'r':
			if ((rc = revoke_reason_parse(optarg)) != 0)
				return rc;
			b->reason = optarg;
			break;
		default: return unknown_option("revoke", c, argv);
		}
	}
	if (*bulk + (*token != NULL) + (optind < argc) != 1)
		return tk_usage("revoke: give token ids, or --token -, or selectors (--user, "
		                "--project or --repo, --unused)");
	if (b->reason != NULL && *token != NULL)
		return tk_usage("revoke: --reason is for ids and selectors");
	if (b->dry_run && !*bulk)
		return tk_usage("revoke: --dry-run is for --user, --project, --repo and --unused");
	if (*token != NULL && strcmp(*token, "-") != 0)
		return tk_usage("revoke: --token takes '-' (the token is read from standard "
		                "input, never from the command line)");
	return 0;
}

int
cmd_revoke(struct ctl *ctl, int argc, char **argv)
{
	const char *token = NULL;
	struct bulk_args b;
	int rc, bulk;

	if ((rc = parse_revoke(argc, argv, &b, &token, &bulk)) != 0)
		return rc;
	if (b.reason != NULL && ctl->who.uid != 0)
		return tk_error(EX_NOPERM, "revoke: --reason is for root (account hooks)");
	if (bulk)
		return revoke_bulk(ctl, &b);
	/* In a fleet, a revocation by id or by token goes ahead while the
	 * database is unreachable (queued); a bulk one does not. */
	ctl->offline_ok = 1;
	if (token != NULL)
		return revoke_stdin(ctl);
	return revoke_ids(ctl, argc - optind, argv + optind, b.reason ? b.reason : "revoked");
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* purge: removes revoked and/or expired tokens for good (they stay in the
 * store for audit and list until then), with their last-use files. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "lastused.h"
#include "tokenctl.h"

struct purge_walk {
	int revoked, expired;
	int asked_expired;       /* --expired given, or neither */
	const struct caller *self;   /* not a system administrator: own only */
	int64_t now, before;     /* only what ended before this time */
	ht_id *ids;
	size_t n, cap;
	int failed;
};

static int
wanted(const struct purge_walk *w, const struct ht_record *rec)
{
	if (w->self != NULL && !caller_owns_token(w->self, rec))
		return 0;
	switch (ht_record_state(rec, w->now)) {
	case HT_STATE_REVOKED: return w->revoked && rec->revoked_at <= w->before;
	case HT_STATE_EXPIRED: return w->expired && rec->expires <= w->before;
	case HT_STATE_ACTIVE:  return 0;
	}
	return 0;
}

static int
collect(const struct ht_record *rec, void *ctx)
{
	struct purge_walk *w = ctx;

	if (!wanted(w, rec))
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		ht_id *p = realloc(w->ids, cap * sizeof(*p));

		if (p == NULL) {
			w->failed = 1;
			return 1;
		}
		w->ids = p;
		w->cap = cap;
	}
	w->ids[w->n++] = rec->id;
	return 0;
}

static int
parse_purge(int argc, char **argv, struct purge_walk *w, int64_t now)
{
	static const struct option opts[] = {
		{ "revoked", no_argument, NULL, 'r' },
		{ "expired", no_argument, NULL, 'e' },
		{ "older-than", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long days;
	int c, rc;

	*w = (struct purge_walk){ 0 };
	w->now = w->before = now;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'r': w->revoked = 1; break;
		case 'e': w->expired = 1; break;
		case 'o':
			if ((rc = parse_ulong("--older-than", optarg, 0, HT_MAX_DAYS_LIMIT, &days)) != 0)
				return rc;
			w->before = now - (int64_t)days * HT_DAY;
			break;
		default: return unknown_option("purge", c, argv);
		}
	}
	if (optind != argc)
		return tk_usage("purge: unexpected argument '%s'", argv[optind]);
	if (!w->revoked && !w->expired)
		w->revoked = w->expired = 1;
	w->asked_expired = w->expired;
	return 0;
}

static int
purge(struct session *ses, struct purge_walk *w)
{
	struct ht_error err = { 0 };
	enum ht_status s;

	/* Collect first: deleting while walking a GDBM file skips keys. */
	if ((s = ht_store_foreach(ses->st, collect, w, &err)) != HT_OK)
		return tk_fail(s, &err);
	if (w->failed)
		return tk_error(EX_OSERR, "out of memory");
	for (size_t i = 0; i < w->n; i++)
		if ((s = ht_txn_delete(ses->txn, w->ids[i], &err)) != HT_OK)
			return tk_fail(s, &err);
	/* Written afresh even when nothing went: what an older version left
	 * in the file's free space goes too. */
	ht_txn_compact(ses->txn);
	return session_commit(ses);
}

int
cmd_purge(struct ctl *ctl, int argc, char **argv)
{
	struct purge_walk w;
	struct session ses;
	int rc;

	if ((rc = parse_purge(argc, argv, &w, ctl->now)) != 0)
		return rc;
	if ((rc = session_write(ctl, &ses)) != 0)
		return rc;
	/* Everyone may purge their own revoked personal tokens (the
	 * max-tokens-per-user limit counts them); the rest is the system
	 * administrators'. */
	if (!ses.sysadmin && w.asked_expired)
		rc = tk_error(EX_NOPERM, "purge: permission denied (system administrators only; "
		              "'purge --revoked' removes your own revoked tokens)");
	else {
		if (!ses.sysadmin)
			w.self = &ctl->who;
		rc = purge(&ses, &w);
	}
	session_end(&ses);
	if (rc == 0) {
		/* Only once the tokens are gone for good. */
		for (size_t i = 0; i < w.n; i++) {
			ht_lastused_remove(ctl->db, w.ids[i]);
			audit_change(ctl, "purge", &w.ids[i], NULL);
		}
		privs_drop();
		if (ctl->json)
			printf("{\"purged\":%zu}\n", w.n);
		else
			tk_note("purged %zu token%s", w.n, w.n == 1 ? "" : "s");
	}
	free(w.ids);
	return rc;
}

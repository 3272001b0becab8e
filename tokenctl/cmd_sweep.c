/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sweep: refuse the personal tokens of owners whose account is locked,
 * expired or missing, and lift the refusal of locked or expired owners
 * when that ends. The refusals are sealed entries in the store (see
 * lib/refusal.h), which the module reads where it cannot read the shadow
 * entry itself (Apache as www-data). sweep never revokes.
 *
 * A missing owner (the account database answered that there is no such
 * account, or the name now has another uid) stays refused until an
 * administrator revokes the tokens or runs `sweep --reinstate USER`: an
 * account created later under the same name and uid inherits nothing.
 * When many owners vanish at once, the account database is more likely
 * unreachable than the accounts deleted (an LDAP or NSS outage), so sweep
 * then changes nothing, logs why, and exits 75. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sysexits.h>

#include "account.h"
#include "tokenctl.h"

/* Newly missing owners allowed in one run: the larger of these two. */
#define MISSING_MIN     2
#define MISSING_PERCENT 10

struct owner {
	uid_t uid;
	char name[HT_OWNER_MAX + 1];
	enum ht_refusal had, want;
	int failed;                /* the lookup did not answer */
	int has_entry;
};

struct owners {
	struct owner *v;
	size_t n, cap;
	size_t sorted;             /* v[0..sorted) is sorted and unique */
	int oom;
};

struct sweep_args {
	int dry_run;
	const char *reinstate;
	long max_missing;          /* -1: the default rule */
};

static struct owner *
owners_add(struct owners *o, uid_t uid, const char *name)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 64;
		struct owner *p = realloc(o->v, cap * sizeof(*p));

		if (p == NULL) {
			o->oom = 1;
			return NULL;
		}
		o->v = p;
		o->cap = cap;
	}
	memset(&o->v[o->n], 0, sizeof(o->v[0]));
	o->v[o->n].uid = uid;
	snprintf(o->v[o->n].name, sizeof(o->v[0].name), "%s", name);
	return &o->v[o->n++];
}

static int
owner_cmp(const void *a, const void *b)
{
	const struct owner *x = a, *y = b;

	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return strcmp(x->name, y->name);
}

static struct owner *
owners_find(const struct owners *o, uid_t uid, const char *name)
{
	struct owner key;

	memset(&key, 0, sizeof(key));
	key.uid = uid;
	snprintf(key.name, sizeof(key.name), "%s", name);
	return o->sorted == 0 ? NULL : bsearch(&key, o->v, o->sorted, sizeof(key), owner_cmp);
}

/* Sorted, one entry per (uid, name). */
static void
owners_unique(struct owners *o)
{
	size_t out = 0;

	if (o->n == 0)
		return;
	qsort(o->v, o->n, sizeof(o->v[0]), owner_cmp);
	for (size_t i = 1; i < o->n; i++)
		if (owner_cmp(&o->v[out], &o->v[i]) != 0)
			o->v[++out] = o->v[i];
	o->n = out + 1;
	o->sorted = o->n;
}

struct collect {
	struct owners *live;
	int64_t now;
};

/* Owners of personal tokens that could still authenticate. */
static int
collect_owner(const struct ht_record *rec, void *ctx)
{
	struct collect *c = ctx;

	if (rec->kind != HT_KIND_PERSONAL || ht_record_state(rec, c->now) != HT_STATE_ACTIVE)
		return 0;
	return owners_add(c->live, rec->owner_uid, rec->owner) == NULL;
}

/* Entries of earlier sweeps; those of owners without live tokens become
 * owners to forget (want stays NONE, had set). */
static int
collect_entry(const struct ht_owner_refusal *r, void *ctx)
{
	struct owners *o = ctx;
	struct owner *w = owners_find(o, r->uid, r->name);

	if (w == NULL) {
		/* Appended unsorted: found again only by the final pass. */
		w = owners_add(o, r->uid, r->name);
		if (w == NULL)
			return 1;
		w->failed = -1;    /* no live token: nothing to look up */
	}
	w->had = r->reason;
	w->has_entry = 1;
	return 0;
}

/* What the account databases say of one owner now. */
static void
judge(struct owner *w, int64_t now)
{
	enum ht_owner_state state;
	uid_t uid;

	switch (ht_account_passwd(w->name, &uid)) {
	case HT_LOOKUP_ERROR:
		w->failed = 1;
		w->want = w->had;
		return;
	case HT_LOOKUP_MISSING:
		w->want = HT_REFUSE_MISSING;
		return;
	case HT_LOOKUP_FOUND:
		break;
	}
	if (uid != w->uid) {
		/* The name belongs to another account now. */
		w->want = HT_REFUSE_MISSING;
		return;
	}
	switch (ht_account_shadow(w->name, now, &state)) {
	case HT_LOOKUP_ERROR:
		w->failed = 1;
		w->want = w->had;
		return;
	case HT_LOOKUP_MISSING:   /* no shadow entry (LDAP): nothing to judge */
		w->want = HT_REFUSE_NONE;
		return;
	case HT_LOOKUP_FOUND:
		break;
	}
	w->want = state == HT_OWNER_LOCKED ? HT_REFUSE_LOCKED :
	          state == HT_OWNER_EXPIRED ? HT_REFUSE_EXPIRED : HT_REFUSE_NONE;
}

static void
judge_all(struct owners *o, size_t live, int64_t now)
{
	for (size_t i = 0; i < o->n; i++) {
		struct owner *w = &o->v[i];

		if (i < live)
			judge(w, now);
		/* Only an administrator lifts "missing". */
		if (w->had == HT_REFUSE_MISSING)
			w->want = HT_REFUSE_MISSING;
		if (i >= live)
			w->want = HT_REFUSE_NONE;   /* no live tokens: forget */
	}
}

/* Why the run must change nothing (an outage of the account database),
 * or NULL. */
static const char *
outage(const struct owners *o, size_t live, long max_missing, size_t *newly)
{
	uid_t uid;
	long allowed = max_missing;

	*newly = 0;
	for (size_t i = 0; i < live; i++)
		if (o->v[i].want == HT_REFUSE_MISSING && o->v[i].had != HT_REFUSE_MISSING)
			(*newly)++;
	if (ht_account_passwd("root", &uid) != HT_LOOKUP_FOUND || uid != 0)
		return "the account database does not find root";
	if (allowed < 0) {
		allowed = (long)(live * MISSING_PERCENT / 100);
		if (allowed < MISSING_MIN)
			allowed = MISSING_MIN;
	}
	if ((long)*newly > allowed)
		return "too many owners vanished at once";
	return NULL;
}

/* Under the writers' lock: each owner's entry as it is now (another sweep
 * or the hook may have run since the survey), then the change. */
static int
apply(struct session *ses, struct owners *o, size_t live, int64_t now, int *changes)
{
	struct ht_error err = { 0 };
	enum ht_status fs;

	*changes = 0;
	for (size_t i = 0; i < o->n; i++) {
		struct owner *w = &o->v[i];
		struct ht_owner_refusal r;
		enum ht_status s;

		if ((fs = ht_refusal_get(ses->st, w->uid, w->name, &r, &err)) != HT_OK)
			return tk_fail(fs, &err);
		w->had = r.reason;
		if (w->had == HT_REFUSE_MISSING && i < live)
			w->want = HT_REFUSE_MISSING;
		if (w->want == w->had)
			continue;
		memset(&r, 0, sizeof(r));
		r.uid = w->uid;
		snprintf(r.name, sizeof(r.name), "%s", w->name);
		r.reason = w->want;
		r.since = now;
		if (w->want == HT_REFUSE_NONE)
			s = ht_refusal_delete(ses->txn, w->uid, w->name, &err);
		else
			s = ht_refusal_put(ses->txn, &r, &err);
		if (s != HT_OK)
			return tk_fail(s, &err);
		(*changes)++;
	}
	return 0;
}

/* Takes the writers' lock only when there is something to change: a
 * writer copies the whole store, and the timer runs every minute. */
static int
apply_locked(const struct ctl *ctl, struct owners *o, size_t live, int *changes)
{
	struct session ses;
	int rc;

	if ((rc = session_write(ctl, &ses)) != 0)
		return rc;
	if (!ses.sysadmin)
		rc = tk_error(EX_NOPERM, "sweep: permission denied (system administrators only)");
	if (rc == 0)
		rc = apply(&ses, o, live, ctl->now, changes);
	if (rc == 0 && *changes > 0)
		rc = session_commit(&ses);
	session_end(&ses);
	return rc;
}

static void
report_json(const struct owners *o, size_t live, const struct sweep_args *a,
            const char *why, size_t newly, int changes)
{
	const char *sep = "";

	printf("{\"dry_run\":%s,\"changes\":%d,\"outage\":", a->dry_run ? "true" : "false",
	       changes);
	if (why != NULL)
		printf("\"%s\"", why);
	else
		fputs("null", stdout);
	printf(",\"newly_missing\":%zu,\"owners\":[", newly);
	for (size_t i = 0; i < o->n; i++) {
		const struct owner *w = &o->v[i];
		const char *want = ht_refusal_str(w->want), *had = ht_refusal_str(w->had);

		if (w->want == w->had && !(w->failed > 0) && w->want == HT_REFUSE_NONE)
			continue;
		printf("%s{\"user\":", sep);
		out_json_str(stdout, w->name);
		printf(",\"uid\":%u,\"refused\":%s%s%s,\"was\":%s%s%s,\"lookup_failed\":%s,"
		       "\"live_tokens\":%s}", (unsigned)w->uid,
		       want ? "\"" : "", want ? want : "null", want ? "\"" : "",
		       had ? "\"" : "", had ? had : "null", had ? "\"" : "",
		       w->failed > 0 ? "true" : "false", i < live ? "true" : "false");
		sep = ",";
	}
	fputs("]}\n", stdout);
}

static void
report_text(const struct owners *o, size_t live)
{
	for (size_t i = 0; i < o->n; i++) {
		const struct owner *w = &o->v[i];

		if (w->failed > 0) {
			fputs("lookup failed (kept as it was): ", stdout);
		} else if (w->want == w->had) {
			continue;
		} else if (w->want == HT_REFUSE_NONE) {
			fputs(i < live ? "lifted: " : "forgotten (no live tokens): ", stdout);
		} else {
			printf("refused (%s): ", ht_refusal_str(w->want));
		}
		out_safe(stdout, w->name);
		printf(" (uid %u)\n", (unsigned)w->uid);
	}
}

static void
audit(const struct ctl *ctl, const struct owners *o)
{
	for (size_t i = 0; i < o->n; i++) {
		const struct owner *w = &o->v[i];
		const char *want = ht_refusal_str(w->want);

		if (w->want != w->had)
			audit_change(ctl, "sweep", NULL, "owner=%s uid=%u %s%s", w->name,
			             (unsigned)w->uid, want ? "refused=" : "lifted", want ? want : "");
	}
}

static int
parse_sweep(int argc, char **argv, struct sweep_args *a)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "reinstate", required_argument, NULL, 'r' },
		{ "max-missing", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c, rc = 0;

	*a = (struct sweep_args){ 0, NULL, -1 };
	optind = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'n': a->dry_run = 1; break;
		case 'r': a->reinstate = optarg; break;
		case 'm':
			rc = parse_ulong("--max-missing", optarg, 0, 1000000, &v);
			a->max_missing = (long)v;
			break;
		default: return unknown_option("sweep", c, argv);
		}
	}
	if (rc == 0 && optind != argc)
		rc = tk_usage("sweep: unexpected argument '%s'", argv[optind]);
	return rc;
}

/* --reinstate USER: lift a "missing" refusal for the account that has the
 * name now, when it has the uid the tokens were made for. */
static int
reinstate(const struct ctl *ctl, struct session *ses, const char *user, int dry_run)
{
	struct ht_owner_refusal r;
	struct ht_error err = { 0 };
	enum ht_status fs;
	uid_t uid;
	int rc;

	if (ht_account_passwd(user, &uid) != HT_LOOKUP_FOUND)
		return tk_error(EX_DATAERR, "sweep: no such account '%s'", user);
	if ((fs = ht_refusal_get(ses->st, uid, user, &r, &err)) != HT_OK)
		return tk_fail(fs, &err);
	if (r.reason != HT_REFUSE_MISSING)
		return tk_error(EX_DATAERR, "sweep: %s (uid %u) is not refused as missing",
		                user, (unsigned)uid);
	if (dry_run) {
		tk_note("would reinstate %s (uid %u)", user, (unsigned)uid);
		return EX_OK;
	}
	if ((fs = ht_refusal_delete(ses->txn, uid, user, &err)) != HT_OK)
		return tk_fail(fs, &err);
	if ((rc = session_commit(ses)) != 0)
		return rc;
	audit_change(ctl, "sweep", NULL, "owner=%s uid=%u reinstated", user, (unsigned)uid);
	tk_note("reinstated %s (uid %u): the owner's tokens work again", user, (unsigned)uid);
	return EX_OK;
}

/* Without the lock: the owners of live tokens, the entries of earlier
 * sweeps, and what the account databases say now (lookups that may be
 * slow, an LDAP server's, must never hold up a revocation). */
static int
survey(const struct ctl *ctl, struct owners *o, size_t *live)
{
	struct ht_error err = { 0 };
	enum ht_status fs;
	struct collect c = { o, ctl->now };
	struct session ses;
	int rc;

	if ((rc = session_read(ctl, &ses)) != 0)
		return rc;
	if (!ses.sysadmin)
		rc = tk_error(EX_NOPERM, "sweep: permission denied (system administrators only)");
	else if ((fs = ht_store_foreach(ses.st, collect_owner, &c, &err)) != HT_OK)
		rc = tk_fail(fs, &err);
	if (rc == 0) {
		owners_unique(o);
		*live = o->n;
		if ((fs = ht_refusal_foreach(ses.st, collect_entry, o, &err)) != HT_OK)
			rc = tk_fail(fs, &err);
	}
	session_end(&ses);
	if (rc == 0 && o->oom)
		rc = tk_error(EX_OSERR, "out of memory");
	if (rc == 0)
		judge_all(o, *live, ctl->now);
	return rc;
}

static int
sweep(const struct ctl *ctl, const struct sweep_args *a, struct owners *o)
{
	const char *why;
	size_t live = 0, newly;
	int rc, changes = 0;

	if ((rc = survey(ctl, o, &live)) != 0)
		return rc;
	why = outage(o, live, a->max_missing, &newly);
	for (size_t i = 0; i < o->n; i++)
		changes += o->v[i].want != o->v[i].had;
	if (why == NULL && !a->dry_run && changes > 0 &&
	    (rc = apply_locked(ctl, o, live, &changes)) != 0)
		return rc;
	if (ctl->json)
		report_json(o, live, a, why, newly, changes);
	else
		report_text(o, live);
	if (why != NULL) {
		syslog(LOG_WARNING, "sweep: changed nothing: %s (%zu of %zu owners newly "
		       "missing); if the accounts were really deleted, revoke their tokens or "
		       "run sweep --max-missing N", why, newly, live);
		return tk_error(EX_TEMPFAIL, "sweep: changed nothing: %s (%zu of %zu owners "
		                "newly missing). If those accounts were really deleted, revoke "
		                "their tokens, or run sweep --max-missing %zu", why, newly, live,
		                newly);
	}
	if (!a->dry_run)
		audit(ctl, o);
	if (!ctl->json)
		tk_note("%s%d change%s%s, %zu owner%s checked", a->dry_run ? "dry run: " : "",
		        changes, changes == 1 ? "" : "s", a->dry_run ? " (not made)" : "",
		        live, live == 1 ? "" : "s");
	return EX_OK;
}

int
cmd_sweep(struct ctl *ctl, int argc, char **argv)
{
	struct owners o = { 0 };
	struct sweep_args a;
	struct session ses;
	int rc;

	if ((rc = parse_sweep(argc, argv, &a)) != 0)
		return rc;
	if (a.reinstate != NULL) {
		if ((rc = session_write(ctl, &ses)) != 0)
			return rc;
		if (!ses.sysadmin)
			rc = tk_error(EX_NOPERM, "sweep: permission denied (system administrators "
			              "only)");
		else
			rc = reinstate(ctl, &ses, a.reinstate, a.dry_run);
		session_end(&ses);
	} else {
		rc = sweep(ctl, &a, &o);
	}
	free(o.v);
	if (rc == EX_OK && fflush(stdout) != 0)
		rc = tk_error(EX_IOERR, "sweep: write error on standard output");
	return rc;
}

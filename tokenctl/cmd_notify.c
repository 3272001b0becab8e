/* SPDX-License-Identifier: GPL-3.0-or-later */
/* notify --expiring DAYS: one mail per recipient listing their tokens that
 * expire within DAYS. A personal token's expiry goes to its owner; a
 * project or repository token's to its scope's administrators in the
 * registry, or to the account that created it when none is registered
 * (notify_to.c; the mail says which). What was announced is remembered in the store (lib/notified.h), so
 * a second run sends nothing new; the memory is written under the
 * writers' lock, the mail sent after it is released, and the memory of a
 * mail that failed is taken back so that the next run tries again. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "account.h"
#include "fleetctl.h"
#include "notified.h"
#include "notify_to.h"
#include "tokenctl.h"

#define DAY 86400
#define NOTIFY_DAYS_MAX 365

struct notify_args {
	unsigned long days;
	int dry_run;
	const char *user;
};

struct item {
	struct ht_record rec;
	char to[HT_OWNER_MAX + 1];   /* who is mailed about it */
	int as_admin;                /* to administers its scope */
	int failed;
};

struct items {
	struct item *v;
	size_t n, cap;
	int oom;
};

struct stale {
	ht_id *v;
	size_t n, cap;
	int oom;
};

struct walk {
	const struct ctl *ctl;
	struct ht_store *st;
	const struct notify_args *a;
	struct items *items;
	struct recipients to;        /* reused for every token */
	struct ht_error *err;
	enum ht_status failed;   /* HT_OK, or what stopped the walk */
};

static int
parse_notify(int argc, char **argv, struct notify_args *a)
{
	static const struct option opts[] = {
		{ "expiring", required_argument, NULL, 'x' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "user", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc = 0, has_days = 0;

	*a = (struct notify_args){ 0, 0, NULL };
	optind = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'x':
			rc = parse_days("--expiring", optarg, NOTIFY_DAYS_MAX, &a->days);
			has_days = 1;
			break;
		case 'n': a->dry_run = 1; break;
		case 'u': a->user = optarg; break;
		default: return unknown_option("notify", c, argv);
		}
	}
	if (rc == 0 && optind != argc)
		rc = tk_usage("notify: unexpected argument '%s'", argv[optind]);
	if (rc == 0 && !has_days)
		rc = tk_usage("notify: --expiring DAYS is required");
	return rc;
}

static int
items_add(struct items *l, const struct ht_record *rec, const char *to, int as_admin)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct item *p = realloc(l->v, cap * sizeof(*p));

		if (p == NULL)
			return l->oom = 1;
		l->v = p;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].rec = *rec;
	snprintf(l->v[l->n].to, sizeof(l->v[0].to), "%s", to);
	l->v[l->n++].as_admin = as_admin;
	return 0;
}

/* Tokens that expire within the window and were not announced yet (with
 * this expiry). */
static int
collect(const struct ht_record *rec, void *ctx)
{
	struct walk *w = ctx;
	struct ht_notified n;
	enum ht_status s;
	int found;

	if (ht_record_state(rec, w->ctl->now) != HT_STATE_ACTIVE || rec->expires == 0 ||
	    rec->expires > w->ctl->now + (int64_t)w->a->days * HT_DAY)
		return 0;
	if ((s = ht_notified_get(w->st, rec->id, &n, &found, w->err)) != HT_OK ||
	    (s = notify_recipients(w->st, rec, &w->to, w->err)) != HT_OK) {
		w->failed = s;
		return 1;
	}
	if (found && n.expires == rec->expires)
		return 0;
	for (size_t i = 0; i < w->to.n; i++)
		if ((w->a->user == NULL || strcmp(w->to.names[i], w->a->user) == 0) &&
		    items_add(w->items, rec, w->to.names[i], w->to.admins))
			return 1;
	return 0;
}

struct stale_walk {
	struct ht_store *st;
	int64_t now;
	struct stale *stale;
};

/* Announcements of tokens that are gone, revoked or expired: forgotten. */
static int
collect_stale(ht_id id, const struct ht_notified *n, void *ctx)
{
	struct stale_walk *w = ctx;
	struct ht_error err = { 0 };
	struct ht_record rec;
	enum ht_status s = ht_store_get(w->st, id, &rec, &err);

	(void)n;
	if (s == HT_OK && ht_record_state(&rec, w->now) == HT_STATE_ACTIVE)
		return 0;
	if (w->stale->n == w->stale->cap) {
		size_t cap = w->stale->cap ? w->stale->cap * 2 : 32;
		ht_id *p = realloc(w->stale->v, cap * sizeof(*p));

		if (p == NULL)
			return w->stale->oom = 1;
		w->stale->v = p;
		w->stale->cap = cap;
	}
	w->stale->v[w->stale->n++] = id;
	return 0;
}

static int
by_recipient(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = strcmp(x->to, y->to);

	if (c != 0)
		return c;
	return x->rec.expires < y->rec.expires ? -1 : x->rec.expires > y->rec.expires;
}

static int
remember(const struct ctl *ctl, struct session *ses, const struct items *items,
         const struct stale *stale)
{
	struct ht_error err = { 0 };
	enum ht_status fs;

	for (size_t i = 0; i < items->n; i++) {
		struct ht_notified n = { items->v[i].rec.expires, ctl->now };
		if ((fs = ht_notified_put(ses->txn, items->v[i].rec.id, &n, &err)) != HT_OK)
			return tk_fail(fs, &err);
	}
	for (size_t i = 0; i < stale->n; i++)
		if ((fs = ht_notified_delete(ses->txn, stale->v[i], &err)) != HT_OK)
			return tk_fail(fs, &err);
	return items->n + stale->n > 0 ? session_commit(ses) : 0;
}

static void
write_row(FILE *f, const struct ht_record *rec)
{
	char expires[32];

	out_time(expires, sizeof(expires), rec->expires, "never");
	fprintf(f, "  %s  %-10s %-5s  expires %s UTC  ", ht_id_format(rec->id).s,
	        ht_kind_str(rec->kind), ht_perm_str(rec->perm), expires);
	if (rec->scope[0] != '\0') {
		out_safe(f, rec->scope);
		fputs("  ", f);
	}
	fputc('"', f);
	out_safe(f, rec->name);
	fputs("\"\n", f);
}

static void
write_body(FILE *f, const char *host, const char *to, unsigned long days,
           const struct item *v, size_t n)
{
	int created = 0, administered = 0;

	fprintf(f, "Hello %s,\n\nthese HTTP access tokens on %s expire within %lu day%s:\n\n",
	        to, host, days, days == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		write_row(f, &v[i].rec);
		created |= v[i].rec.kind != HT_KIND_PERSONAL && !v[i].as_admin;
		administered |= v[i].as_admin;
	}
	fputs("\nTo keep access, replace a token before it expires:\n"
	      "    tokenctl rotate ID\n"
	      "gives a new token with the same name and permission (the old one stops\n"
	      "working at once); then give the new token to whatever uses it, e.g. its\n"
	      "git credential helper. A token you no longer need can simply expire.\n", f);
	if (administered)
		fputs("\nYou receive the project and repository tokens above because you\n"
		      "administer their project or repository (tokenctl project show KEY).\n", f);
	if (created)
		fputs("\nYou receive the project and repository tokens above because you\n"
		      "created them: no administrator of their project or repository is\n"
		      "registered. If someone else looks after them now, please pass this on.\n", f);
	fputs("\nThis message was sent once, by tokenctl notify. It contains no token.\n", f);
}

/* Mails one recipient's items; marks them failed when the mail fails. */
static int
send_one(const struct ctl *ctl, const char *host, const struct notify_args *a,
         struct item *v, size_t n)
{
	char subject[160];
	struct mail m;
	int rc;

	snprintf(subject, sizeof(subject), "%zu HTTP access token%s on %s expire%s within %lu day%s",
	         n, n == 1 ? "" : "s", host, n == 1 ? "s" : "", a->days, a->days == 1 ? "" : "s");
	rc = mail_open(ctl, &m, v[0].to, subject);
	if (rc == 0) {
		write_body(m.f, host, v[0].to, a->days, v, n);
		rc = mail_close(&m, v[0].to);
	}
	for (size_t i = 0; rc != 0 && i < n; i++)
		v[i].failed = 1;
	return rc;
}

/* Whether the recipient is an account to mail now. */
static int
deliverable(const char *name)
{
	uid_t uid;

	return mail_recipient_valid(name) && ht_account_passwd(name, &uid) == HT_LOOKUP_FOUND;
}

static void
report(const struct ctl *ctl, const struct notify_args *a, const struct item *v, size_t n,
       size_t start, size_t end, int sent)
{
	if (ctl->json) {
		printf("%s{\"to\":", start == 0 ? "" : ",");
		out_json_str(stdout, v[start].to);
		printf(",\"sent\":%s,\"ids\":[", sent ? "true" : "false");
		for (size_t i = start; i < end; i++)
			printf("%s\"%s\"", i == start ? "" : ",", ht_id_format(v[i].rec.id).s);
		fputs("]}", stdout);
		return;
	}
	(void)n;
	printf("%s ", a->dry_run ? "would mail" : sent ? "mailed" : "NOT mailed");
	out_safe(stdout, v[start].to);
	printf(": %zu token%s\n", end - start, end - start == 1 ? "" : "s");
}

/* Sends one mail per recipient; returns how many failed. */
static int
send_all(const struct ctl *ctl, const struct notify_args *a, struct items *items)
{
	char host[256] = "this host";
	int failures = 0;

	if (gethostname(host, sizeof(host) - 1) != 0 || !mail_recipient_valid(host))
		snprintf(host, sizeof(host), "this host");
	if (ctl->json)
		printf("{\"dry_run\":%s,\"mails\":[", a->dry_run ? "true" : "false");
	for (size_t start = 0, end; start < items->n; start = end) {
		int sent = 0;

		for (end = start + 1; end < items->n &&
		     strcmp(items->v[end].to, items->v[start].to) == 0; end++)
			;
		if (!deliverable(items->v[start].to)) {
			tk_note("notify: %s is no account that can receive mail; not mailed",
			        items->v[start].to);
			for (size_t i = start; i < end; i++)
				items->v[i].failed = 1;
		} else if (!a->dry_run) {
			sent = send_one(ctl, host, a, items->v + start, end - start) == 0;
			failures += !sent;
		}
		for (size_t i = start; sent && i < end; i++)
			audit_change(ctl, "notify", &items->v[i].rec.id, "to=%s expiry announced",
			             items->v[i].to);
		report(ctl, a, items->v, items->n, start, end, sent);
	}
	if (ctl->json)
		fputs("]}\n", stdout);
	return failures;
}

static int
any_failed(const struct items *items)
{
	for (size_t i = 0; i < items->n; i++)
		if (items->v[i].failed)
			return 1;
	return 0;
}

/* Takes back the memory of announcements whose mail failed. */
static int
forget_failed(const struct ctl *ctl, const struct items *items)
{
	struct ht_error err = { 0 };
	enum ht_status fs;
	struct session ses;
	int rc;

	if ((rc = session_write(ctl, &ses)) != 0)
		return rc;
	for (size_t i = 0; i < items->n; i++)
		if (items->v[i].failed &&
		    (fs = ht_notified_delete(ses.txn, items->v[i].rec.id, &err)) != HT_OK) {
			session_end(&ses);
			return tk_fail(fs, &err);
		}
	rc = session_commit(&ses);
	session_end(&ses);
	return rc;
}

static int
gather(const struct ctl *ctl, struct session *ses, const struct notify_args *a,
       struct items *items, struct stale *stale)
{
	struct ht_error err = { 0 };
	enum ht_status fs;
	struct walk w = { ctl, ses->st, a, items, { 0 }, &err, 0 };
	struct stale_walk sw = { ses->st, ctl->now, stale };

	fs = ht_store_foreach(ses->st, collect, &w, &err);
	recipients_free(&w.to);
	if (fs != HT_OK || (fs = w.failed) != HT_OK)
		return tk_fail(fs, &err);
	if ((fs = ht_notified_foreach(ses->st, collect_stale, &sw, &err)) != HT_OK)
		return tk_fail(fs, &err);
	if (items->oom || stale->oom)
		return tk_error(EX_OSERR, "out of memory");
	if (items->n > 1)
		qsort(items->v, items->n, sizeof(items->v[0]), by_recipient);
	return 0;
}

int
cmd_notify(struct ctl *ctl, int argc, char **argv)
{
	struct items items = { 0 };
	struct stale stale = { 0 };
	struct notify_args a;
	struct session ses;
	struct ht_pg *lock = NULL;
	uid_t uid;
	int rc, failures;

	if ((rc = parse_notify(argc, argv, &a)) != 0)
		return rc;
	if (a.user != NULL && ht_account_passwd(a.user, &uid) != HT_LOOKUP_FOUND)
		return tk_error(EX_DATAERR, "notify: no such account '%s'", a.user);
	if (!a.dry_run && (rc = mail_available(ctl)) != 0)
		return rc;
	if ((rc = session_write(ctl, &ses)) != 0)
		return rc;
	if (!ses.sysadmin)
		rc = tk_error(EX_NOPERM, "notify: permission denied (system administrators only)");
	/* In a fleet, held from before the memory is read until the last
	 * mail went out. */
	if (rc == 0 && !a.dry_run)
		rc = fleet_notify_lock(ctl, &lock);
	if (rc == 0)
		rc = gather(ctl, &ses, &a, &items, &stale);
	if (rc == 0 && !a.dry_run)
		rc = remember(ctl, &ses, &items, &stale);
	session_end(&ses);    /* the lock is released before any mail goes out */
	if (rc == 0) {
		failures = send_all(ctl, &a, &items);
		if (!a.dry_run && any_failed(&items))
			rc = forget_failed(ctl, &items);
		if (rc == 0 && failures > 0)
			rc = tk_error(EX_UNAVAILABLE, "notify: %d mail%s not sent; the next run "
			              "tries again", failures, failures == 1 ? "" : "s");
		if (rc == 0 && !ctl->json && items.n == 0)
			tk_note("notify: nothing new to announce");
	}
	ht_pg_close(lock);
	free(items.v);
	free(stale.v);
	if (rc == 0 && fflush(stdout) != 0)
		rc = tk_error(EX_IOERR, "notify: write error on standard output");
	return rc;
}

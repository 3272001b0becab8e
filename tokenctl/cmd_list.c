/* SPDX-License-Identifier: GPL-3.0-or-later */
/* list: tokens streamed as the store is walked (nothing is loaded whole),
 * as a table or a JSON array. Without a filter: the caller's own. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "fleetctl.h"
#include "lastused.h"
#include "scope.h"
#include "tokenctl.h"

enum list_what { L_MINE, L_USER, L_ALL, L_PROJECT, L_REPO };

struct list_args {
	enum list_what what;
	const char *arg;
	int has_state;
	enum ht_token_state state;
	long expiring;               /* days, -1: not asked */
	long unused;                 /* days, -1: not asked */
};

struct list_walk {
	const struct ctl *ctl;
	struct ht_store *st;
	const struct list_args *a;
	unsigned long shown;
	struct fleet_lastuse lu;     /* a fleet's last uses */
};

static int
set_what(struct list_args *a, enum list_what w, const char *arg)
{
	if (a->what != L_MINE)
		return tk_usage("list: choose one of --user, --all, --project, --repo");
	a->what = w;
	a->arg = arg;
	return 0;
}

static int
parse_list(int argc, char **argv, struct list_args *a)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "all", no_argument, NULL, 'a' },
		{ "project", required_argument, NULL, 'P' },
		{ "repo", required_argument, NULL, 'R' },
		{ "expiring", required_argument, NULL, 'x' },
		{ "status", required_argument, NULL, 's' },
		{ "unused", required_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long days;
	int c, rc = 0;

	*a = (struct list_args){ L_MINE, NULL, 0, HT_STATE_ACTIVE, -1, -1 };
	optind = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'u': rc = set_what(a, L_USER, optarg); break;
		case 'a': rc = set_what(a, L_ALL, NULL); break;
		case 'P': rc = set_what(a, L_PROJECT, optarg); break;
		case 'R': rc = set_what(a, L_REPO, optarg); break;
		case 'x':
			rc = parse_ulong("--expiring", optarg, 0, HT_MAX_DAYS_LIMIT, &days);
			a->expiring = (long)days;
			break;
		case 'U':
			rc = parse_ulong("--unused", optarg, 0, HT_MAX_DAYS_LIMIT, &days);
			a->unused = (long)days;
			break;
		case 's':
			if (ht_state_parse(optarg, &a->state) != 0)
				rc = tk_usage("--status: expected active, expired or revoked, "
				              "got '%s'", optarg);
			a->has_state = 1;
			break;
		default: return unknown_option("list", c, argv);
		}
	}
	if (rc == 0 && optind != argc)
		rc = tk_usage("list: unexpected argument '%s'", argv[optind]);
	return rc;
}

/* Whether a non-administrator may ask for this listing: their own, or a
 * project or repository they administer. */
static int
allowed(const struct ctl *ctl, const struct session *ses, const struct list_args *a)
{
	enum role role;

	if (a->what == L_MINE)
		return 1;
	if (a->what == L_USER)
		return a->arg != NULL && ctl->who.has_name && strcmp(a->arg, ctl->who.name) == 0;
	if ((a->what == L_PROJECT && !ht_project_key_valid(a->arg)) ||
	    (a->what == L_REPO && !ht_repo_valid(a->arg)))
		return 0;
	if ((a->what == L_PROJECT || a->what == L_REPO) &&
	    role_on_scope(ctl, ses, a->arg, &role) == 0)
		return role >= (a->what == L_PROJECT ? ROLE_PROJECT_ADMIN : ROLE_REPO_ADMIN);
	return 0;
}

/* --unused DAYS: last use, or creation when never used, older than DAYS.
 * Advisory: last use is kept to the granularity. */
static int
unused_for(const struct ht_record *rec, const struct ht_lastuse *use, int64_t now, long days)
{
	int64_t last = use->time != 0 ? use->time : rec->created;

	return last <= now - (int64_t)days * HT_DAY;
}

static int
selected(const struct list_walk *w, const struct ht_record *rec)
{
	const struct list_args *a = w->a;
	size_t n;

	switch (a->what) {
	case L_MINE:
		if (!caller_owns_token(&w->ctl->who, rec))
			return 0;
		break;
	case L_USER:
		if (rec->kind != HT_KIND_PERSONAL || strcmp(rec->owner, a->arg) != 0)
			return 0;
		break;
	case L_ALL:
		break;
	case L_PROJECT:
		/* The project's own tokens and those of its repositories. */
		n = strlen(a->arg);
		if (rec->kind == HT_KIND_PERSONAL || strncmp(rec->scope, a->arg, n) != 0 ||
		    (rec->scope[n] != '\0' && rec->scope[n] != '/'))
			return 0;
		break;
	case L_REPO:
		if (rec->kind != HT_KIND_REPO || strcmp(rec->scope, a->arg) != 0)
			return 0;
		break;
	}
	if (a->has_state && ht_record_state(rec, w->ctl->now) != a->state)
		return 0;
	if (a->expiring >= 0 &&
	    (ht_record_state(rec, w->ctl->now) != HT_STATE_ACTIVE || rec->expires == 0 ||
	     rec->expires > w->ctl->now + (int64_t)a->expiring * HT_DAY))
		return 0;
	return 1;
}

static int
visit(const struct ht_record *rec, void *ctx)
{
	struct list_walk *w = ctx;
	struct ht_lastuse use;

	if (!selected(w, rec))
		return 0;
	(void)ht_lastused_read(w->ctl->db, rec->id, &use);
	fleet_lastuse_merge(&w->lu, rec->id, &use);
	if (w->a->unused >= 0 && !unused_for(rec, &use, w->ctl->now, w->a->unused))
		return 0;
	if (w->ctl->json) {
		fputs(w->shown == 0 ? "\n" : ",\n", stdout);
		out_record_json(stdout, rec, w->ctl->now, &use, 0, owner_refusal(w->st, rec));
	} else {
		if (w->shown == 0)
			out_list_header(stdout);
		out_list_row(stdout, rec, w->ctl->now, &use);
	}
	w->shown++;
	return 0;
}

int
cmd_list(struct ctl *ctl, int argc, char **argv)
{
	struct ht_error err = { 0 };
	struct list_walk w = { ctl, NULL, NULL, 0, { 0 } };
	struct list_args a;
	struct session ses;
	enum ht_status s;
	int rc;

	if ((rc = parse_list(argc, argv, &a)) != 0)
		return rc;
	if ((rc = session_read(ctl, &ses)) != 0)
		return rc;
	if (!ses.admin && !allowed(ctl, &ses, &a)) {
		session_end(&ses);
		return tk_error(EX_NOPERM, "list: permission denied (you may list only your "
		                "own tokens and those of what you administer)");
	}
	/* A user's own listing is by uid as well as name: a recycled user
	 * name does not inherit an old account's tokens. */
	if (!ses.admin && a.what == L_USER)
		a.what = L_MINE;
	w.a = &a;
	w.st = ses.st;
	fleet_lastuse_load(ctl, NULL, &w.lu);
	if (ctl->json)
		fputs("[", stdout);
	s = ht_store_foreach(ses.st, visit, &w, &err);
	session_end(&ses);
	fleet_lastuse_free(&w.lu);
	if (ctl->json)
		fputs(w.shown == 0 ? "]\n" : "\n]\n", stdout);
	if (fflush(stdout) != 0)
		return tk_error(EX_IOERR, "list: write error on standard output");
	if (s != HT_OK)
		return tk_fail(s, &err);
	if (w.shown == 0 && !ctl->json)
		tk_note("no tokens");
	return EX_OK;
}

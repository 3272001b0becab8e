/* SPDX-License-Identifier: GPL-3.0-or-later */
/* project list|show and repo list|show: the registry and who administers
 * what, as text or JSON. Anyone may read it. list --mine keeps what the
 * registry lets the caller administer: the web page learns a user's
 * projects and repositories from it. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "registry_store.h"
#include "scope.h"
#include "tokenctl.h"

struct show_walk {
	const struct ctl *ctl;
	const struct session *ses;
	int repo;
	const char *under;      /* repo list KEY: only KEY's */
	int mine;               /* --mine: only what the caller administers */
	int rc;                 /* an entry that does not verify, under --mine */
	unsigned long shown;
};

/* "alice,@devs", or "-"; returns the width printed. */
static int
admins_text(FILE *f, const struct ht_entry *e)
{
	int width = 0;

	if (e->n_admins == 0) {
		fputs("-", f);
		return 1;
	}
	for (unsigned i = 0; i < e->n_admins; i++) {
		if (i > 0)
			width += fputc(',', f) != EOF;
		if (e->admins[i].type == HT_ADMIN_GROUP)
			width += fputc('@', f) != EOF;
		out_safe(f, e->admins[i].name);
		width += (int)strlen(e->admins[i].name);
	}
	return width;
}

static void
admins_json(FILE *f, const struct ht_entry *e)
{
	fputc('[', f);
	for (unsigned i = 0; i < e->n_admins; i++) {
		fprintf(f, "%s{\"type\":\"%s\",\"name\":", i ? "," : "",
		        e->admins[i].type == HT_ADMIN_GROUP ? "group" : "user");
		out_json_str(f, e->admins[i].name);
		fprintf(f, ",\"id\":%lu}", (unsigned long)e->admins[i].id);
	}
	fputc(']', f);
}

static void
entry_json(FILE *f, const struct ht_entry *e, int repo)
{
	fprintf(f, "{\"%s\":", repo ? "repo" : "project");
	out_json_str(f, e->scope);
	fputs(",\"description\":", f);
	out_json_str(f, e->description);
	fputs(",\"created\":", f);
	out_json_time(f, e->created);
	fputs(",\"admins\":", f);
	admins_json(f, e);
	fputc('}', f);
}

static void
list_row(const struct ht_entry *e)
{
	int width;

	out_safe(stdout, e->scope);
	printf("%*s  ", 30 - (int)strlen(e->scope) > 0 ? 30 - (int)strlen(e->scope) : 0, "");
	width = admins_text(stdout, e);
	printf("%*s  ", 30 - width > 0 ? 30 - width : 0, "");
	out_safe(stdout, e->description);
	fputc('\n', stdout);
}

static int
visit_list(const struct ht_entry *e, void *ctx)
{
	struct show_walk *w = ctx;
	int is_repo = strchr(e->scope, '/') != NULL;
	size_t n;

	if (is_repo != w->repo)
		return 0;
	if (w->under != NULL) {
		n = strlen(w->under);
		if (strncmp(e->scope, w->under, n) != 0 || e->scope[n] != '/')
			return 0;
	}
	if (w->mine) {
		enum role role;

		/* A project's administrators administer its repositories too. */
		if ((w->rc = role_named(w->ctl, w->ses, e->scope, &role)) != 0)
			return 1;
		if (role < (w->repo ? ROLE_REPO_ADMIN : ROLE_PROJECT_ADMIN))
			return 0;
	}
	if (w->ctl->json) {
		fputs(w->shown == 0 ? "\n" : ",\n", stdout);
		entry_json(stdout, e, w->repo);
	} else {
		if (w->shown == 0)
			printf("%-30s  %-30s  %s\n", w->repo ? "REPOSITORY" : "PROJECT", "ADMINS",
			       "DESCRIPTION");
		list_row(e);
	}
	w->shown++;
	return 0;
}

static int
list(const struct ctl *ctl, struct session *ses, int repo, const char *under, int mine)
{
	struct ht_error err = { 0 };
	struct show_walk w = { ctl, ses, repo, under, mine, 0, 0 };
	enum ht_status s;

	if (ctl->json)
		fputs("[", stdout);
	s = ht_store_foreach_entry(ses->st, visit_list, &w, &err);
	if (ctl->json)
		fputs(w.shown == 0 ? "]\n" : "\n]\n", stdout);
	if (fflush(stdout) != 0)
		return tk_error(EX_IOERR, "write error on standard output");
	if (s != HT_OK)
		return tk_fail(s, &err);
	if (w.rc != 0)
		return w.rc;
	if (w.shown == 0 && !ctl->json)
		tk_note(mine ? "you administer no %s" : "no %s registered",
		        repo ? "repositories" : "projects");
	return 0;
}

static int
show(const struct ctl *ctl, struct session *ses, int repo, const char *scope)
{
	struct ht_error err = { 0 };
	struct ht_entry e;
	enum ht_status s = ht_store_get_entry(ses->st, scope, &e, &err);
	char created[32];

	if (s == HT_ERR_NOTFOUND)
		return tk_error(EX_NOINPUT, "no such %s %s", repo ? "repository" : "project", scope);
	if (s != HT_OK)
		return tk_fail(s, &err);
	if (ctl->json) {
		entry_json(stdout, &e, repo);
		fputc('\n', stdout);
	} else {
		printf("%-12s ", repo ? "repository:" : "project:");
		out_safe(stdout, e.scope);
		fputs("\ndescription: ", stdout);
		out_safe(stdout, e.description);
		out_time(created, sizeof(created), e.created, "-");
		printf("\ncreated:     %s\nadmins:      ", created);
		admins_text(stdout, &e);
		fputc('\n', stdout);
	}
	if (!repo && !ctl->json) {
		struct show_walk w = { ctl, ses, 1, scope, 0, 0, 0 };

		fputs("repositories:\n", stdout);
		if ((s = ht_store_foreach_entry(ses->st, visit_list, &w, &err)) != HT_OK)
			return tk_fail(s, &err);
	}
	return fflush(stdout) == 0 ? 0 : tk_error(EX_IOERR, "write error on standard output");
}

int
registry_show(struct ctl *ctl, int repo, int argc, char **argv)
{
	static const struct option opts[] = { { "mine", no_argument, NULL, 'm' },
	                                      { NULL, 0, NULL, 0 } };
	const char *what = repo ? "repo" : "project";
	int is_list = strcmp(argv[0], "list") == 0, mine = 0;
	struct session ses;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'm' || !is_list)
			return unknown_option(what, c, argv);
		mine = 1;
	}
	if (is_list ? (argc - optind > (repo ? 1 : 0)) : argc - optind != 1)
		return tk_usage("%s %s: expected %s", what, argv[0], is_list
		                ? (repo ? "at most a project KEY" : "no arguments")
		                : (repo ? "one KEY/SLUG" : "one project KEY"));
	if (!is_list && (repo ? !ht_repo_valid(argv[optind]) : !ht_project_key_valid(argv[optind])))
		return tk_error(EX_DATAERR, "%s show: '%s' is not a %s", what, argv[optind],
		                repo ? "repository (KEY/slug)" : "project key");
	if ((rc = session_read(ctl, &ses)) != 0)
		return rc;
	privs_drop();
	if (is_list)
		rc = list(ctl, &ses, repo, optind < argc ? argv[optind] : NULL, mine);
	else
		rc = show(ctl, &ses, repo, argv[optind]);
	session_end(&ses);
	return rc;
}

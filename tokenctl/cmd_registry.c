/* SPDX-License-Identifier: GPL-3.0-or-later */
/* project and repo: the registry of projects and repositories and their
 * administrators (add, edit, remove; list and show in registry_out.c).
 * Token and system administrators register projects; a project's
 * administrators add its repositories and name their administrators; a
 * repository's administrators name theirs. Authority is checked first:
 * a scope the caller does not administer gets 77 whether or not it exists. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "registry_store.h"
#include "scope.h"
#include "tokenctl.h"

struct reg_args {
	int repo;                      /* repo ... rather than project ... */
	const char *what;              /* "project" or "repo", for messages */
	const char *verb;
	const char *scope;
	const char *description;
	struct ht_admin add[HT_ADMINS_MAX];
	unsigned n_add;
	struct ht_admin drop[HT_ADMINS_MAX];
	unsigned n_drop;
	int force;
};

static int
add_admin(struct ht_admin *list, unsigned *n, const char *opt, const char *arg, int resolve)
{
	int rc;

	if (*n >= HT_ADMINS_MAX)
		return tk_error(EX_DATAERR, "%s: at most %d administrators", opt, HT_ADMINS_MAX);
	if (resolve) {
		if ((rc = admin_parse(opt, arg, &list[*n])) != 0)
			return rc;
	} else {
		/* Removal needs no lookup: the account may be gone already. */
		const char *name = arg[0] == '@' ? arg + 1 : arg;

		if (name[0] == '\0' || strlen(name) > HT_ADMIN_NAME_MAX)
			return tk_error(EX_DATAERR, "%s: expected USER or @GROUP, got '%s'", opt, arg);
		list[*n].type = arg[0] == '@' ? HT_ADMIN_GROUP : HT_ADMIN_USER;
		snprintf(list[*n].name, sizeof(list[*n].name), "%s", name);
	}
	(*n)++;
	return 0;
}

static int
parse_options(int argc, char **argv, struct reg_args *a)
{
	static const struct option opts[] = {
		{ "admin", required_argument, NULL, 'a' },
		{ "add-admin", required_argument, NULL, 'a' },
		{ "remove-admin", required_argument, NULL, 'r' },
		{ "description", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc = 0;

	optind = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'a': rc = add_admin(a->add, &a->n_add, "--admin", optarg, 1); break;
		case 'r': rc = add_admin(a->drop, &a->n_drop, "--remove-admin", optarg, 0); break;
		case 'd':
			if (!description_valid(optarg))
				return tk_error(EX_DATAERR, "--description: at most %d bytes of UTF-8 "
				                "without control or invisible characters", HT_DESC_MAX);
			a->description = optarg;
			break;
		case 'f': a->force = 1; break;
		default: return unknown_option(a->what, c, argv);
		}
	}
	if (rc == 0 && argc - optind != 1)
		rc = tk_usage("%s %s: expected one %s", a->what, a->verb,
		              a->repo ? "KEY/SLUG" : "project KEY");
	if (rc == 0)
		a->scope = argv[optind];
	return rc;
}

/* Which options each verb takes. */
static int
check_options(const struct reg_args *a)
{
	int add = strcmp(a->verb, "add") == 0, edit = strcmp(a->verb, "edit") == 0;

	if ((a->n_add || a->description) && !add && !edit)
		return tk_usage("%s %s: --admin and --description are for add and edit", a->what,
		                a->verb);
	if (a->n_drop && !edit)
		return tk_usage("%s %s: --remove-admin is for edit", a->what, a->verb);
	if (a->force && strcmp(a->verb, "remove") != 0)
		return tk_usage("%s %s: --force is for remove", a->what, a->verb);
	if (edit && !a->n_add && !a->n_drop && !a->description)
		return tk_usage("%s edit: nothing to change", a->what);
	if (a->repo ? !ht_repo_valid(a->scope) : !ht_project_key_valid(a->scope))
		return tk_error(EX_DATAERR, "%s %s: '%s' is not a %s", a->what, a->verb, a->scope,
		                a->repo ? "repository (KEY/slug)" : "project key (a letter, then "
		                "letters, digits or _)");
	if (a->repo && add && !ht_registry_scope_valid(a->scope))
		return tk_error(EX_DATAERR, "repo add: a slug must not end in .git (git-http-backend "
		                "serves a.git for a): register '%.*s'", (int)strlen(a->scope) - 4,
		                a->scope);
	return 0;
}

/* The least role each verb needs on the scope. */
static enum role
needed_role(const struct reg_args *a)
{
	if (!a->repo)
		return strcmp(a->verb, "edit") == 0 ? ROLE_PROJECT_ADMIN : ROLE_TOKEN_ADMIN;
	return strcmp(a->verb, "edit") == 0 ? ROLE_REPO_ADMIN : ROLE_PROJECT_ADMIN;
}

static int
authorise(const struct ctl *ctl, const struct session *ses, const struct reg_args *a,
          enum role *role)
{
	int rc = role_on_scope(ctl, ses, a->scope, role);

	if (rc != 0)
		return rc;
	if (*role < needed_role(a))
		return tk_error(EX_NOPERM, "%s %s %s: permission denied (%s)", a->what, a->verb,
		                a->scope, !a->repo && needed_role(a) == ROLE_TOKEN_ADMIN
		                ? "only token and system administrators register projects"
		                : "you do not administer it");
	return 0;
}

/* Tokens of scope and below (a project's include its repositories'). */
struct scope_walk {
	const char *scope;
	int64_t now;
	unsigned long tokens, active;
	struct id_list ids;       /* active ones, when collecting */
	int collect;
};

static int
visit_token(const struct ht_record *rec, void *ctx)
{
	struct scope_walk *w = ctx;

	if (rec->kind == HT_KIND_PERSONAL || !ht_scope_covers(w->scope, rec->scope))
		return 0;
	w->tokens++;
	if (ht_record_state(rec, w->now) != HT_STATE_ACTIVE)
		return 0;
	w->active++;
	if (w->collect)
		ids_add(&w->ids, rec->id);
	return w->ids.failed;
}

struct repo_walk {
	const char *key;
	char (*slugs)[HT_SCOPE_MAX + 1];
	size_t n, cap;
	int failed;
};

static int
visit_repo(const struct ht_entry *e, void *ctx)
{
	struct repo_walk *w = ctx;
	size_t n = strlen(w->key);

	if (strncmp(e->scope, w->key, n) != 0 || e->scope[n] != '/')
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		void *p = realloc(w->slugs, cap * sizeof(*w->slugs));

		if (p == NULL) {
			w->failed = 1;
			return 1;
		}
		w->slugs = p;
		w->cap = cap;
	}
	snprintf(w->slugs[w->n++], HT_SCOPE_MAX + 1, "%s", e->scope);
	return 0;
}

/* Revokes the collected tokens with a reason (in the transaction). */
static int
revoke_collected(const struct ctl *ctl, struct session *ses, const struct scope_walk *w,
                 const char *reason)
{
	for (size_t i = 0; i < w->ids.n; i++) {
		struct ht_error err = { 0 };
		struct ht_record rec;
		enum ht_status s;

		if ((s = ht_store_get(ses->st, w->ids.ids[i], &rec, &err)) != HT_OK)
			return tk_fail(s, &err);
		rec.revoked = 1;
		rec.revoked_at = ctl->now;
		snprintf(rec.revoked_reason, sizeof(rec.revoked_reason), "%s", reason);
		if ((s = session_put(ses, &rec, &err)) != HT_OK)
			return tk_fail(s, &err);
	}
	return 0;
}

static int
do_add(const struct ctl *ctl, struct session *ses, const struct reg_args *a,
       struct scope_walk *w)
{
	struct ht_error err = { 0 };
	struct ht_entry e;
	enum ht_status s = ht_store_get_entry(ses->st, a->scope, &e, &err);

	if (s == HT_OK)
		return tk_error(EX_CANTCREAT, "%s add: %s is registered already", a->what, a->scope);
	if (s != HT_ERR_NOTFOUND)
		return tk_fail(s, &err);
	if (a->repo) {
		char key[HT_SCOPE_MAX + 1];

		snprintf(key, sizeof(key), "%.*s", (int)strcspn(a->scope, "/"), a->scope);
		s = ht_store_get_entry(ses->st, key, &e, &err);
		if (s == HT_ERR_NOTFOUND)
			return tk_error(EX_NOINPUT, "repo add: no such project %s (register it with "
			                "'tokenctl project add')", key);
		if (s != HT_OK)
			return tk_fail(s, &err);
	}
	memset(&e, 0, sizeof(e));
	snprintf(e.scope, sizeof(e.scope), "%s", a->scope);
	e.created = ctl->now;
	snprintf(e.description, sizeof(e.description), "%s", a->description ? a->description : "");
	for (unsigned i = 0; i < a->n_add; i++)
		(void)ht_entry_add_admin(&e, &a->add[i]);
	if ((s = session_put_entry(ses, &e, &err)) != HT_OK)
		return tk_fail(s, &err);
	/* Existing tokens of the scope are adopted: its administrators now act
	 * on them. They are counted for the record. */
	if ((s = ht_store_foreach(ses->st, visit_token, w, &err)) != HT_OK)
		return tk_fail(s, &err);
	return 0;
}

static int
get_registered(struct session *ses, const struct reg_args *a, struct ht_entry *e)
{
	struct ht_error err = { 0 };
	enum ht_status s = ht_store_get_entry(ses->st, a->scope, e, &err);

	if (s == HT_ERR_NOTFOUND)
		return tk_error(EX_NOINPUT, "%s %s: no such %s %s", a->what, a->verb,
		                a->repo ? "repository" : "project", a->scope);
	return s == HT_OK ? 0 : tk_fail(s, &err);
}

static int
do_edit(struct session *ses, const struct reg_args *a)
{
	struct ht_error err = { 0 };
	struct ht_entry e;
	enum ht_status s;
	int rc = get_registered(ses, a, &e);

	if (rc != 0)
		return rc;
	for (unsigned i = 0; i < a->n_drop; i++)
		if (ht_entry_remove_admin(&e, a->drop[i].type, a->drop[i].name) != 0)
			return tk_error(EX_DATAERR, "%s edit: %s%s is not an administrator of %s",
			                a->what, a->drop[i].type == HT_ADMIN_GROUP ? "@" : "",
			                a->drop[i].name, a->scope);
	for (unsigned i = 0; i < a->n_add; i++)
		if (ht_entry_add_admin(&e, &a->add[i]) != 0)
			return tk_error(EX_DATAERR, "%s edit: at most %d administrators", a->what,
			                HT_ADMINS_MAX);
	if (a->description)
		snprintf(e.description, sizeof(e.description), "%s", a->description);
	if ((s = session_put_entry(ses, &e, &err)) != HT_OK)
		return tk_fail(s, &err);
	return 0;
}

static int
do_remove(const struct ctl *ctl, struct session *ses, const struct reg_args *a,
          struct scope_walk *w)
{
	struct repo_walk repos = { a->scope, NULL, 0, 0, 0 };
	struct ht_error err = { 0 };
	struct ht_entry e;
	enum ht_status s;
	int rc = get_registered(ses, a, &e);

	if (rc == 0 && !a->repo &&
	    ((s = ht_store_foreach_entry(ses->st, visit_repo, &repos, &err)) != HT_OK || repos.failed))
		rc = repos.failed ? tk_error(EX_OSERR, "out of memory") : tk_fail(s, &err);
	w->collect = 1;
	if (rc == 0 && (s = ht_store_foreach(ses->st, visit_token, w, &err)) != HT_OK)
		rc = tk_fail(s, &err);
	if (rc == 0 && w->ids.failed)
		rc = tk_error(EX_OSERR, "out of memory");
	if (rc == 0 && !a->force && (w->active > 0 || repos.n > 0))
		rc = tk_error(EX_DATAERR, "%s remove: %s has %lu active token%s and %zu "
		              "repositor%s; revoke and remove them first, or use --force",
		              a->what, a->scope, w->active, w->active == 1 ? "" : "s", repos.n,
		              repos.n == 1 ? "y" : "ies");
	if (rc == 0)
		rc = revoke_collected(ctl, ses, w, a->repo ? "repository removed" : "project removed");
	for (size_t i = 0; rc == 0 && i < repos.n; i++)
		if ((s = session_delete_entry(ses, repos.slugs[i], &err)) != HT_OK)
			rc = tk_fail(s, &err);
	if (rc == 0 && (s = session_delete_entry(ses, a->scope, &err)) != HT_OK)
		rc = tk_fail(s, &err);
	free(repos.slugs);
	return rc;
}

static int
change(const struct ctl *ctl, struct session *ses, const struct reg_args *a,
       struct scope_walk *w, enum role *role)
{
	int rc = authorise(ctl, ses, a, role);

	if (rc != 0)
		return rc;
	if (ht_store_schema(ses->st) < HT_SCHEMA_VERSION)
		return tk_error(EX_DATAERR, "%s %s: the registry needs a store of version 2; run "
		                "'tokenctl upgrade' (system administrator)", a->what, a->verb);
	if (strcmp(a->verb, "add") == 0)
		rc = do_add(ctl, ses, a, w);
	else if (strcmp(a->verb, "edit") == 0)
		rc = do_edit(ses, a);
	else
		rc = do_remove(ctl, ses, a, w);
	return rc != 0 ? rc : session_commit(ses);
}

static void
report(const struct ctl *ctl, const struct reg_args *a, enum role role,
       const struct scope_walk *w)
{
	char admins[HT_ADMINS_MAX * (HT_ADMIN_NAME_MAX + 2) + 1] = "";

	for (unsigned i = 0; i < a->n_add; i++)
		snprintf(admins + strlen(admins), sizeof(admins) - strlen(admins), "%s%s%s",
		         i ? "," : "", a->add[i].type == HT_ADMIN_GROUP ? "@" : "", a->add[i].name);
	audit_change(ctl, a->what, NULL, "%s %s role=%s admins=%s removed-admins=%u "
	             "description=%s tokens=%lu revoked=%zu", a->verb, a->scope, role_name(role),
	             admins[0] ? admins : "-", a->n_drop, a->description ? "set" : "kept",
	             w->tokens, w->ids.n);
	if (ctl->json) {
		printf("{\"%s\":", a->repo ? "repo" : "project");
		out_json_str(stdout, a->scope);
		printf(",\"%s\":true,\"tokens\":%lu,\"revoked\":%zu}\n",
		       strcmp(a->verb, "add") == 0 ? "added" : strcmp(a->verb, "edit") == 0
		       ? "edited" : "removed", w->tokens, w->ids.n);
	} else if (strcmp(a->verb, "add") == 0) {
		tk_note("registered %s%s", a->scope, w->tokens == 0 ? "" : "; its existing tokens "
		        "are now administered through it");
	} else if (strcmp(a->verb, "edit") == 0) {
		tk_note("%s %s updated", a->what, a->scope);
	} else {
		tk_note("removed %s; revoked %zu token%s", a->scope, w->ids.n,
		        w->ids.n == 1 ? "" : "s");
	}
}

static int
registry_change(struct ctl *ctl, struct reg_args *a, int argc, char **argv)
{
	struct scope_walk w = { 0 };
	struct session ses;
	enum role role = ROLE_NONE;
	int rc;

	if ((rc = parse_options(argc, argv, a)) != 0 || (rc = check_options(a)) != 0)
		return rc;
	if ((rc = session_write(ctl, &ses)) != 0)
		return rc;
	w.scope = a->scope;
	w.now = ctl->now;
	rc = change(ctl, &ses, a, &w, &role);
	session_end(&ses);
	if (rc == 0) {
		privs_drop();
		report(ctl, a, role, &w);
	}
	free(w.ids.ids);
	return rc;
}

static int
registry_main(struct ctl *ctl, int repo, int argc, char **argv)
{
	struct reg_args a;

	memset(&a, 0, sizeof(a));
	a.repo = repo;
	a.what = repo ? "repo" : "project";
	if (argc < 2)
		return tk_usage("%s: expected add, edit, remove, list or show", a.what);
	a.verb = argv[1];
	if (strcmp(a.verb, "list") == 0 || strcmp(a.verb, "show") == 0)
		return registry_show(ctl, repo, argc - 1, argv + 1);
	if (strcmp(a.verb, "add") == 0 || strcmp(a.verb, "edit") == 0 ||
	    strcmp(a.verb, "remove") == 0)
		return registry_change(ctl, &a, argc - 1, argv + 1);
	return tk_usage("%s: expected add, edit, remove, list or show, got '%s'", a.what, a.verb);
}

int
cmd_project(struct ctl *ctl, int argc, char **argv)
{
	return registry_main(ctl, 0, argc, argv);
}

int
cmd_repo(struct ctl *ctl, int argc, char **argv)
{
	return registry_main(ctl, 1, argc, argv);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who may act on a project or repository: the roles of the registry.
 * Authority follows the scope: the project's administrators act on the
 * project's tokens and its repositories', a repository's on that
 * repository's; token and system administrators on everything. The
 * registry names administrators; it never hands anyone a personal token. */
#include "config.h"

#include <pwd.h>
#include <string.h>
#include <sysexits.h>

#include "account.h"
#include "registry_store.h"
#include "tokenctl.h"

const char *
role_name(enum role r)
{
	switch (r) {
	case ROLE_NONE:          return "user";
	case ROLE_REPO_ADMIN:    return "repository-administrator";
	case ROLE_PROJECT_ADMIN: return "project-administrator";
	case ROLE_TOKEN_ADMIN:   return "token-administrator";
	case ROLE_SYSADMIN:      return "system-administrator";
	}
	return "?";
}

enum role
role_global(const struct session *ses)
{
	if (ses->sysadmin)
		return ROLE_SYSADMIN;
	return ses->admin ? ROLE_TOKEN_ADMIN : ROLE_NONE;
}

/* A named administrator is the caller while the name and the number the
 * registry keeps still agree with the account and group databases. */
static int
admin_is_caller(const struct caller *who, const struct ht_admin *a)
{
	gid_t gid;

	if (a->type == HT_ADMIN_USER)
		return who->has_name && (uint32_t)who->uid == a->id &&
		       strcmp(who->name, a->name) == 0;
	return lookup_group(a->name, &gid) && (uint32_t)gid == a->id && caller_has_gid(who, gid);
}

int
entry_admits(const struct caller *who, const struct ht_entry *e)
{
	for (unsigned i = 0; i < e->n_admins; i++)
		if (admin_is_caller(who, &e->admins[i]))
			return 1;
	return 0;
}

/* Whether the caller administers the entry of scope (*yes; an entry that
 * is not registered grants nothing). 0, or an exit status (69) when the
 * entry does not verify: a damaged entry grants nothing and says so. */
static int
admits(const struct ctl *ctl, const struct session *ses, const char *scope, int *yes)
{
	struct ht_error err = { 0 };
	struct ht_entry e;
	enum ht_status s = ht_store_get_entry(ses->st, scope, &e, &err);

	*yes = 0;
	if (s == HT_ERR_NOTFOUND)
		return 0;
	if (s != HT_OK)
		return tk_fail(s, &err);
	*yes = entry_admits(&ctl->who, &e);
	return 0;
}

/* A locked or expired account administers nothing while it stays so, as
 * its personal tokens stop working: a shell opened before the lock must
 * not keep minting project tokens. (Deletion takes the name out of the
 * registry for good: registry_forget.c.) */
static int
caller_disabled(const struct ctl *ctl)
{
	enum ht_owner_state state = HT_OWNER_UNJUDGED;

	if (!ctl->who.has_name ||
	    ht_account_shadow(ctl->who.name, ctl->now, &state) != HT_LOOKUP_FOUND)
		return 0;
	return state == HT_OWNER_LOCKED || state == HT_OWNER_EXPIRED;
}

int
role_on_scope(const struct ctl *ctl, const struct session *ses, const char *scope,
              enum role *role)
{
	*role = role_global(ses);
	if (*role != ROLE_NONE)
		return 0;
	return role_named(ctl, ses, scope, role);
}

int
role_named(const struct ctl *ctl, const struct session *ses, const char *scope,
           enum role *role)
{
	char project[HT_SCOPE_MAX + 1];
	int rc, yes;

	*role = ROLE_NONE;
	if (caller_disabled(ctl))
		return 0;
	snprintf(project, sizeof(project), "%.*s", (int)strcspn(scope, "/"), scope);
	if ((rc = admits(ctl, ses, project, &yes)) != 0)
		return rc;
	if (yes) {
		*role = ROLE_PROJECT_ADMIN;
		return 0;
	}
	if (strchr(scope, '/') == NULL)
		return 0;
	if ((rc = admits(ctl, ses, scope, &yes)) != 0)
		return rc;
	if (yes)
		*role = ROLE_REPO_ADMIN;
	return 0;
}

int
caller_may_act_on(const struct ctl *ctl, const struct session *ses,
                  const struct ht_record *rec)
{
	enum role role;

	if (ses->admin)
		return 1;
	if (rec->kind == HT_KIND_PERSONAL)
		return caller_owns_token(&ctl->who, rec);
	/* A damaged entry (said on stderr) makes the token unknown to them. */
	if (role_on_scope(ctl, ses, rec->scope, &role) != 0)
		return 0;
	return role >= (rec->kind == HT_KIND_REPO ? ROLE_REPO_ADMIN : ROLE_PROJECT_ADMIN);
}

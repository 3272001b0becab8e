/* SPDX-License-Identifier: GPL-3.0-or-later */
/* create: a new token, printed once, alone, on stdout. Personal tokens
 * belong to the caller (there is no way to name another owner); project
 * and repository tokens are for administrators. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <sodium.h>

#include "accounts.h"
#include "safefile.h"
#include "scope.h"
#include "tokenctl.h"

struct create_args {
	const char *name;
	enum ht_perm perm;
	long days;               /* -1: not given */
	enum ht_kind kind;
	const char *scope;
	struct token_limits limits;
};

static int
parse_create(int argc, char **argv, struct create_args *a)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "perm", required_argument, NULL, 'p' },
		{ "expires", required_argument, NULL, 'e' },
		{ "project", required_argument, NULL, 'P' },
		{ "repo", required_argument, NULL, 'R' },
		{ "use", required_argument, NULL, 'u' },
		{ "only", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long days;
	int c, rc;

	memset(a, 0, sizeof(*a));
	a->perm = HT_PERM_READ;
	a->days = -1;
	a->kind = HT_KIND_PERSONAL;
	a->scope = "";
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'n': a->name = optarg; break;
		case 'p':
			if (ht_perm_parse(optarg, &a->perm) != 0)
				return tk_usage("--perm: expected read, write or admin, got '%s'", optarg);
			break;
		case 'e':
			if ((rc = parse_days("--expires", optarg, HT_MAX_DAYS_LIMIT, &days)) != 0)
				return rc;
			a->days = (long)days;
			break;
		case 'P':
		case 'R':
			if (a->kind != HT_KIND_PERSONAL)
				return tk_usage("create: --project and --repo exclude each other");
			a->kind = c == 'P' ? HT_KIND_PROJECT : HT_KIND_REPO;
			a->scope = optarg;
			break;
		case 'u':
		case 'o':
			if ((rc = limits_option(&a->limits, c, optarg)) != 0)
				return rc;
			break;
		default: return unknown_option("create", c, argv);
		}
	}
	if (optind != argc)
		return tk_usage("create: unexpected argument '%s'", argv[optind]);
	if (a->name == NULL)
		return tk_usage("create: --name is required");
	return 0;
}

static int
check_create(const struct create_args *a)
{
	if (!ht_name_valid(a->name))
		return tk_error(EX_DATAERR, "create: invalid name: it must be 1 to %d bytes "
		                "of UTF-8 without control or invisible format characters "
		                "(Unicode Cc, Cf, Zl, Zp)", HT_NAME_MAX);
	if (a->kind == HT_KIND_PROJECT && !ht_project_key_valid(a->scope))
		return tk_error(EX_DATAERR, "create: invalid project key '%s' (a letter, then "
		                "letters, digits or _)", a->scope);
	if (a->kind == HT_KIND_REPO && !ht_repo_valid(a->scope))
		return tk_error(EX_DATAERR, "create: invalid repository '%s' (PROJECT/slug)",
		                a->scope);
	return 0;
}

/* System accounts get no personal tokens (a compromised web application
 * must not mint itself a git credential), and policy token-users may
 * narrow them to one group. Root is allowed. */
static int
may_create_personal(const struct ctl *ctl, const struct session *ses)
{
	struct ht_uid_range accounts;

	if (ctl->who.uid == 0)
		return 0;
	(void)ht_uid_range_load(HT_LOGIN_DEFS, &accounts);
	if (ht_uid_is_system(ctl->who.uid, &accounts))
		return tk_error(EX_NOPERM, "create: %s (uid %u) is a system account; system "
		                "accounts get no personal tokens", ctl->who.name,
		                (unsigned)ctl->who.uid);
	if (ses->pol.token_users.name[0] != '\0' &&
	    !caller_in_group_ref(&ctl->who, ses->pol.token_users.name, ses->pol.token_users.gid))
		return tk_error(EX_NOPERM, "create: personal tokens are for members of the group "
		                "%s (policy token-users)", ses->pol.token_users.name);
	return limits_quota(ctl, ses);
}

/* Authority first (77 for a scope the caller does not administer, even
 * one that does not exist), then the registry (66 for an unregistered
 * project or repository). A version-1 store has no registry: there, as
 * in version 1, token administrators create them. */
static int
may_create_scoped(const struct ctl *ctl, const struct session *ses,
                  const struct create_args *a)
{
	enum role need = a->kind == HT_KIND_REPO ? ROLE_REPO_ADMIN : ROLE_PROJECT_ADMIN;
	enum role role;
	int rc = role_on_scope(ctl, ses, a->scope, &role);

	if (rc != 0)
		return rc;
	if (role < need)
		return tk_error(EX_NOPERM, "create: permission denied: you do not administer %s "
		                "(project and repository tokens are for its administrators)",
		                a->scope);
	if (ht_store_schema(ses->st) < HT_SCHEMA_VERSION)
		return 0;
	return registered(ses, a->scope, "create");
}

/* Fills the record and stores it; tok gets the new token. */
static int
store_new(const struct ctl *ctl, struct session *ses, const struct create_args *a,
          struct ht_record *rec, struct ht_token *tok)
{
	struct ht_error err = { 0 };
	int rc;
	enum ht_status s;

	memset(rec, 0, sizeof(*rec));
	if ((s = ht_policy_expiry_for_create(&ses->pol, a->days, ctl->now, &rec->expires,
	                                &err)) != HT_OK)
		return tk_fail(s, &err);
	if ((rc = session_new_id(ses, tok)) != 0)
		return rc;
	rec->id = tok->id;
	rec->version = ht_store_schema(ses->st);
	rec->kind = a->kind;
	rec->perm = a->perm;
	rec->created = ctl->now;
	rec->owner_uid = ctl->who.uid;
	snprintf(rec->owner, sizeof(rec->owner), "%s", ctl->who.name);
	snprintf(rec->scope, sizeof(rec->scope), "%s", a->scope);
	snprintf(rec->name, sizeof(rec->name), "%s", a->name);
	/* A version-1 store cannot say "http only": its tokens are read with
	 * the uses the upgrade would give them. */
	if (rec->version < HT_SCHEMA_VERSION)
		ht_record_v1_uses(rec);
	else
		ht_record_default_uses(rec);
	if ((rc = limits_apply(ses, &a->limits, ses->admin, rec)) != 0) {
		ht_token_wipe(tok);
		return rc;
	}
	ht_secret_hash(&ses->key, tok, rec->hash);
	if ((s = session_put(ses, rec, &err)) != HT_OK)
		return tk_fail(s, &err);
	return session_commit(ses);
}

int
cmd_create(struct ctl *ctl, int argc, char **argv)
{
	char text[HT_TOKEN_LEN + 1];
	struct create_args a;
	struct session ses;
	struct ht_record rec;
	struct ht_token tok;
	int rc;

	if ((rc = parse_create(argc, argv, &a)) != 0 || (rc = check_create(&a)) != 0)
		return rc;
	if (!ctl->who.has_name)
		return tk_error(EX_NOPERM, "create: uid %u has no user name",
		                (unsigned)ctl->who.uid);
	if ((rc = out_check_stdout()) != 0)
		return rc;
	if ((rc = session_write(ctl, &ses)) != 0)
		return rc;
	if (a.kind != HT_KIND_PERSONAL)
		rc = may_create_scoped(ctl, &ses, &a);
	else
		rc = may_create_personal(ctl, &ses);
	if (rc == 0)
		rc = store_new(ctl, &ses, &a, &rec, &tok);
	session_end(&ses);
	if (rc != 0) {
		/* A token generated but not stored (commit failed) is wiped too. */
		ht_token_wipe(&tok);
		return rc;
	}
	privs_drop();
	audit_change(ctl, "create", &rec.id, "kind=%s perm=%s%s%s", ht_kind_str(rec.kind),
	             ht_perm_str(rec.perm), rec.scope[0] ? " scope=" : "", rec.scope);
	ht_token_format(&tok, text);
	ht_token_wipe(&tok);
	rc = out_new_token(ctl, &rec, text);
	sodium_memzero(text, sizeof(text));
	return rc;
}

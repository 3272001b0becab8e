/* SPDX-License-Identifier: GPL-3.0-or-later */
/* policy [show] and policy set: the global expiry policy, the admin
 * group and the last-use granularity. Anyone may read it; only an
 * administrator may change it. */
#include "config.h"

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "scope.h"
#include "tokenctl.h"

static const char *
group_or(const struct ht_group_ref *g, const char *none)
{
	return g->name[0] != '\0' ? g->name : none;
}

static void
json_group(const char *name)
{
	if (name[0] != '\0')
		out_json_str(stdout, name);
	else
		fputs("null", stdout);
}

/* The account that may open web sessions, as the policy names it. */
static const char *
web_user(const struct ht_policy *pol)
{
	return pol->web_user[0] != '\0' ? pol->web_user : HT_WEB_USER_DEFAULT;
}

static void
print_v2_json(const struct ht_policy *pol)
{
	char uses[HT_USES_MAX * (HT_USE_MAX + 1) + 1];

	fputs(",\"sysadmin_group\":", stdout);
	json_group(pol->sysadmin_group.name);
	fputs(",\"token_users\":", stdout);
	json_group(pol->token_users.name);
	printf(",\"max_tokens_per_user\":%u,\"allowed_uses\":", pol->max_tokens_per_user);
	out_words(uses, sizeof(uses), pol->allowed_uses[0], sizeof(pol->allowed_uses[0]),
	          pol->n_allowed_uses, "any");
	out_json_str(stdout, uses);
	fputs(",\"web_user\":", stdout);
	out_json_str(stdout, web_user(pol));
	printf(",\"session_minutes\":%u", pol->session_minutes);
	printf(",\"schema\":%u", pol->version == 0 ? HT_POLICY_VERSION : pol->version);
}

static void
print_v2_text(const struct ht_policy *pol)
{
	char uses[HT_USES_MAX * (HT_USE_MAX + 1) + 1];

	fputs("sysadmin-group:       ", stdout);
	out_safe(stdout, group_or(&pol->sysadmin_group, "none"));
	fputs("\ntoken-users:          ", stdout);
	out_safe(stdout, group_or(&pol->token_users, "any"));
	printf("\nmax-tokens-per-user:  %u\n", pol->max_tokens_per_user);
	out_words(uses, sizeof(uses), pol->allowed_uses[0], sizeof(pol->allowed_uses[0]),
	          pol->n_allowed_uses, "any");
	printf("allowed-uses:         %s\n", uses);
	fputs("web-user:             ", stdout);
	out_safe(stdout, web_user(pol));
	printf("\nsession-minutes:      %u\n", pol->session_minutes);
	if (pol->version == 1)
		fputs("store version:        1 (run 'tokenctl upgrade' for the settings above)\n",
		      stdout);
}

static void
print_policy(const struct ctl *ctl, const struct ht_policy *pol)
{
	if (ctl->json) {
		printf("{\"expiry_required\":%s,\"max_days\":%u,\"enforce_existing\":%s,"
		       "\"admin_group\":", pol->expiry_required ? "true" : "false",
		       pol->max_days, pol->enforce_existing ? "true" : "false");
		if (pol->admin_group[0] != '\0')
			out_json_str(stdout, pol->admin_group);
		else
			fputs("null", stdout);
		printf(",\"lastused_granularity\":%u,\"notify_owner\":%s", pol->lastused_granularity,
		       pol->notify_owner ? "true" : "false");
		print_v2_json(pol);
		fputs("}\n", stdout);
		return;
	}
	printf("expiry-required:      %s\n", pol->expiry_required ? "yes" : "no");
	printf("max-days:             %u\n", pol->max_days);
	printf("enforce-existing:     %s\n", pol->enforce_existing ? "yes" : "no");
	fputs("admin-group:          ", stdout);
	out_safe(stdout, pol->admin_group[0] != '\0' ? pol->admin_group : "none");
	printf("\nlastused-granularity: %u\n", pol->lastused_granularity);
	printf("notify-owner:         %s\n", pol->notify_owner ? "yes" : "no");
	print_v2_text(pol);
}

static int
policy_show(const struct ctl *ctl, int argc)
{
	struct session ses;
	int rc;

	if (argc > 0)
		return tk_usage("policy show: no arguments expected");
	if ((rc = session_read(ctl, &ses)) != 0)
		return rc;
	session_end(&ses);
	privs_drop();
	print_policy(ctl, &ses.pol);
	return fflush(stdout) == 0 ? EX_OK : tk_error(EX_IOERR, "write error on standard output");
}

/* A group named with the gid it has now (see caller_in_group_ref). */
static int
set_group_ref(struct ht_group_ref *g, const char *group, const char *unset)
{
	gid_t gid;

	if (strcmp(group, unset) == 0) {
		g->name[0] = '\0';
		g->gid = HT_GID_UNKNOWN;
		return 0;
	}
	if (strlen(group) > HT_GROUP_MAX || !lookup_group(group, &gid))
		return tk_error(EX_DATAERR, "policy set: no such group '%s'", group);
	strcpy(g->name, group);
	g->gid = (uint32_t)gid;
	return 0;
}

static int
set_group(struct ht_policy *pol, const char *group)
{
	struct ht_group_ref g;
	int rc = set_group_ref(&g, group, "none");

	if (rc == 0) {
		memcpy(pol->admin_group, g.name, sizeof(pol->admin_group));
		pol->admin_gid = g.gid;
	}
	return rc;
}

/* --web-user NAME: an account, named with the uid it has now, so that an
 * account deleted and re-created under the name opens no sessions. */
static int
set_web_user(struct ht_policy *pol, const char *name)
{
	struct passwd *pw;

	if (strlen(name) > HT_WEB_USER_MAX || !ht_user_name_valid(name))
		return tk_error(EX_DATAERR, "policy set: --web-user: '%s' is not a user name of "
		                "at most %d characters", name, HT_WEB_USER_MAX);
	if ((pw = getpwnam(name)) == NULL)
		return tk_error(EX_DATAERR, "policy set: --web-user: no such user '%s'", name);
	if (pw->pw_uid == 0)
		return tk_error(EX_DATAERR, "policy set: --web-user: root may always open web "
		                "sessions; name the web page's own account");
	strcpy(pol->web_user, name);
	pol->web_uid = (uint32_t)pw->pw_uid;
	return 0;
}

/* --allowed-uses WORD,...|any */
static int
set_uses(struct ht_policy *pol, const char *arg)
{
	struct token_limits l = { 0 };
	int rc;

	if (strcmp(arg, "any") == 0) {
		pol->uses_any = 1;
		pol->n_allowed_uses = 0;
		memset(pol->allowed_uses, 0, sizeof(pol->allowed_uses));
		return 0;
	}
	if ((rc = limits_add_use(&l, arg)) != 0)
		return rc;
	pol->uses_any = 0;
	pol->n_allowed_uses = l.n_uses;
	memcpy(pol->allowed_uses, l.uses, sizeof(pol->allowed_uses));
	return 0;
}

/* Applies the options to pol; *changes counts them. */
static int
parse_set(int argc, char **argv, struct ht_policy *pol, int *changes)
{
	static const struct option opts[] = {
		{ "expiry-required", required_argument, NULL, 'r' },
		{ "max-days", required_argument, NULL, 'm' },
		{ "enforce-existing", required_argument, NULL, 'e' },
		{ "admin-group", required_argument, NULL, 'g' },
		{ "lastused-granularity", required_argument, NULL, 'l' },
		{ "sysadmin-group", required_argument, NULL, 'S' },
		{ "token-users", required_argument, NULL, 'T' },
		{ "max-tokens-per-user", required_argument, NULL, 'M' },
		{ "allowed-uses", required_argument, NULL, 'U' },
		{ "notify-owner", required_argument, NULL, 'N' },
		{ "web-user", required_argument, NULL, 'W' },
		{ "session-minutes", required_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c, rc = 0;

	optind = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rc = parse_yesno("--expiry-required", optarg, &pol->expiry_required); break;
		case 'e': rc = parse_yesno("--enforce-existing", optarg, &pol->enforce_existing); break;
		case 'N': rc = parse_yesno("--notify-owner", optarg, &pol->notify_owner); break;
		case 'g': rc = set_group(pol, optarg); break;
		case 'm':
			rc = parse_ulong("--max-days", optarg, 1, HT_MAX_DAYS_LIMIT, &v);
			pol->max_days = (unsigned)v;
			break;
		case 'l':
			rc = parse_ulong("--lastused-granularity", optarg, 0, HT_GRANULARITY_LIMIT, &v);
			pol->lastused_granularity = (unsigned)v;
			break;
		case 'S': rc = set_group_ref(&pol->sysadmin_group, optarg, "none"); break;
		case 'T': rc = set_group_ref(&pol->token_users, optarg, "any"); break;
		case 'U': rc = set_uses(pol, optarg); break;
		case 'W': rc = set_web_user(pol, optarg); break;
		case 'I':
			rc = parse_ulong("--session-minutes", optarg, 1, HT_SESSION_MINUTES_LIMIT, &v);
			pol->session_minutes = (unsigned)v;
			break;
		case 'M':
			rc = parse_ulong("--max-tokens-per-user", optarg, 1, HT_MAX_TOKENS_LIMIT, &v);
			pol->max_tokens_per_user = (unsigned)v;
			break;
		default: return unknown_option("policy set", c, argv);
		}
		(*changes)++;
	}
	if (rc == 0 && optind != argc)
		rc = tk_usage("policy set: unexpected argument '%s'", argv[optind]);
	if (rc == 0 && *changes == 0)
		rc = tk_usage("policy set: nothing to change");
	return rc;
}

static int
policy_set(const struct ctl *ctl, int argc, char **argv)
{
	struct ht_error err = { 0 };
	struct ht_policy pol;
	struct session ses;
	int rc, changes = 0;
	enum ht_status s;

	/* Parse against a scratch copy first: usage errors need no store. */
	ht_policy_defaults(&pol);
	if ((rc = parse_set(argc, argv, &pol, &changes)) != 0)
		return rc;
	if ((rc = session_write(ctl, &ses)) != 0)
		return rc;
	if (!ses.sysadmin) {
		session_end(&ses);
		return tk_error(EX_NOPERM, "policy set: permission denied (system administrators "
		                "only)");
	}
	pol = ses.pol;
	changes = 0;
	if ((rc = parse_set(argc, argv, &pol, &changes)) == 0 && pol.version == 1 &&
	    ht_policy_needs_v2(&pol))
		rc = tk_error(EX_DATAERR, "policy set: --sysadmin-group, --token-users, "
		              "--max-tokens-per-user, --allowed-uses, --notify-owner, --web-user "
		              "and --session-minutes need a store of version 2; run 'tokenctl "
		              "upgrade'");
	if (rc == 0 && (s = session_put_policy(&ses, &pol, &err)) != HT_OK)
		rc = tk_fail(s, &err);
	if (rc == 0)
		rc = session_commit(&ses);
	session_end(&ses);
	if (rc != 0)
		return rc;
	privs_drop();
	audit_change(ctl, "policy", NULL, "expiry-required=%s max-days=%u enforce-existing=%s "
	             "admin-group=%s lastused-granularity=%u notify-owner=%s sysadmin-group=%s "
	             "token-users=%s max-tokens-per-user=%u web-user=%s session-minutes=%u "
	             "role=system-administrator",
	             pol.expiry_required ? "yes" : "no", pol.max_days,
	             pol.enforce_existing ? "yes" : "no",
	             pol.admin_group[0] ? pol.admin_group : "none", pol.lastused_granularity,
	             pol.notify_owner ? "yes" : "no",
	             group_or(&pol.sysadmin_group, "none"), group_or(&pol.token_users, "any"),
	             pol.max_tokens_per_user, web_user(&pol), pol.session_minutes);
	if (ctl->json)
		print_policy(ctl, &pol);
	else
		tk_note("policy updated");
	return EX_OK;
}

int
cmd_policy(struct ctl *ctl, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "show") == 0)
		return policy_show(ctl, argc < 2 ? 0 : argc - 2);
	if (strcmp(argv[1], "set") == 0)
		return policy_set(ctl, argc - 1, argv + 1);
	return tk_usage("policy: expected 'show' or 'set', got '%s'", argv[1]);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* policy [show] and policy set: the global expiry policy, the admin
 * group and the last-use granularity. Anyone may read it; only an
 * administrator may change it. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "tokenctl.h"

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
		printf(",\"lastused_granularity\":%u,\"notify_owner\":%s}\n",
		       pol->lastused_granularity, pol->notify_owner ? "true" : "false");
		return;
	}
	printf("expiry-required:      %s\n", pol->expiry_required ? "yes" : "no");
	printf("max-days:             %u\n", pol->max_days);
	printf("enforce-existing:     %s\n", pol->enforce_existing ? "yes" : "no");
	fputs("admin-group:          ", stdout);
	out_safe(stdout, pol->admin_group[0] != '\0' ? pol->admin_group : "none");
	printf("\nlastused-granularity: %u\n", pol->lastused_granularity);
	printf("notify-owner:         %s\n", pol->notify_owner ? "yes" : "no");
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

static int
set_group(struct ht_policy *pol, const char *group)
{
	gid_t gid;

	if (strcmp(group, "none") == 0) {
		pol->admin_group[0] = '\0';
		return 0;
	}
	if (strlen(group) > HT_GROUP_MAX || !lookup_group(group, &gid))
		return tk_error(EX_DATAERR, "policy set: no such group '%s'", group);
	strcpy(pol->admin_group, group);
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
		{ "notify-owner", required_argument, NULL, 'N' },
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
	if (!ses.admin) {
		session_end(&ses);
		return tk_error(EX_NOPERM, "policy set: permission denied (administrators only)");
	}
	pol = ses.pol;
	changes = 0;
	if ((rc = parse_set(argc, argv, &pol, &changes)) == 0 &&
	    (s = session_put_policy(&ses, &pol, &err)) != HT_OK)
		rc = tk_fail(s, &err);
	if (rc == 0)
		rc = session_commit(&ses);
	session_end(&ses);
	if (rc != 0)
		return rc;
	privs_drop();
	audit_change(ctl, "policy", NULL, "expiry-required=%s max-days=%u enforce-existing=%s "
	             "admin-group=%s lastused-granularity=%u notify-owner=%s",
	             pol.expiry_required ? "yes" : "no", pol.max_days,
	             pol.enforce_existing ? "yes" : "no",
	             pol.admin_group[0] ? pol.admin_group : "none", pol.lastused_granularity,
	             pol.notify_owner ? "yes" : "no");
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

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* upgrade: converts a version-1 store to schema 2, explicitly (the package
 * never runs it). Until then every command reads and writes the version-1
 * layout. A version-1 module still loaded in a long-running process
 * refuses the converted store (unknown schema): it fails closed. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <sysexits.h>

#include "upgrade.h"
#include "tokenctl.h"

/* The gid the version-1 admin-group has now; it is stored from here on. */
static uint32_t
admin_gid_now(const struct ht_policy *pol)
{
	gid_t gid;

	if (pol->admin_group[0] == '\0')
		return HT_GID_UNKNOWN;
	if (!lookup_group(pol->admin_group, &gid)) {
		tk_note("upgrade: admin-group '%s' no longer exists; the setting is dropped",
		        pol->admin_group);
		return HT_GID_UNKNOWN;
	}
	return (uint32_t)gid;
}

static int
convert(const struct ctl *ctl, struct session *ses, unsigned long *count)
{
	struct ht_error err = { 0 };
	enum ht_status s;

	if (!ses->sysadmin)
		return tk_error(EX_NOPERM, "upgrade: permission denied (system administrators "
		                "only)");
	if (ht_store_schema(ses->st) == HT_SCHEMA_VERSION) {
		tk_note("upgrade: %s is of version %d already; nothing to do", ctl->db,
		        HT_SCHEMA_VERSION);
		*count = (unsigned long)-1;
		return 0;
	}
	s = ht_txn_upgrade(ses->txn, admin_gid_now(&ses->pol), count, &err);
	if (s != HT_OK)
		return tk_fail(s, &err);
	return session_commit(ses);
}

int
cmd_upgrade(struct ctl *ctl, int argc, char **argv)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	struct session ses;
	unsigned long count = 0;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", none, NULL)) != -1)
		return unknown_option("upgrade", c, argv);
	if (optind != argc)
		return tk_usage("upgrade: no arguments expected");
	if ((rc = session_write(ctl, &ses)) != 0)
		return rc;
	rc = convert(ctl, &ses, &count);
	session_end(&ses);
	if (rc != 0)
		return rc;
	privs_drop();
	if (count == (unsigned long)-1) {
		if (ctl->json)
			printf("{\"upgraded\":false,\"schema\":%d,\"tokens\":0}\n", HT_SCHEMA_VERSION);
		return EX_OK;
	}
	audit_change(ctl, "upgrade", NULL, "schema=%d tokens=%lu", HT_SCHEMA_VERSION, count);
	if (ctl->json)
		printf("{\"upgraded\":true,\"schema\":%d,\"tokens\":%lu}\n", HT_SCHEMA_VERSION,
		       count);
	else
		tk_note("upgraded %s to version %d: %lu token%s converted (personal tokens "
		        "keep the uses http and login)", ctl->db, HT_SCHEMA_VERSION, count,
		        count == 1 ? "" : "s");
	return EX_OK;
}

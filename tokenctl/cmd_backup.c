/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backup FILE and restore FILE: a consistent copy of the live store, and
 * its atomic replacement by a copy that verifies under the current key.
 * They name files, so a setuid caller cannot use them at all. */
#include "config.h"

#include <stdio.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "safefile.h"
#include "tokenctl.h"

static int
one_file_arg(const char *cmd, int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-')
		return tk_usage("%s: expected one file name", cmd);
	return 0;
}

static int
load_key(const struct ctl *ctl, struct ht_key *key)
{
	struct ht_error err = { 0 };

	if (ht_key_load(ctl->keyfile, key, &err) != HT_OK)
		return tk_fail(&err);
	return 0;
}

static void
report(const struct ctl *ctl, const char *key, const char *what, const char *file)
{
	if (ctl->json) {
		printf("{\"%s\":", key);
		out_json_str(stdout, file);
		fputs("}\n", stdout);
	} else {
		tk_note("%s %s", what, file);
	}
}

/* Backup replaces FILE: never with the store's own key, store or lock,
 * which would destroy what it is meant to save (a lost key loses every
 * token for good). */
static int
is_live_file(const struct ctl *ctl, const char *file)
{
	const char *live[] = { ctl->db, ctl->keyfile };
	struct stat f, l;

	if (stat(file, &f) != 0)
		return 0;
	for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++)
		if (stat(live[i], &l) == 0 && l.st_dev == f.st_dev && l.st_ino == f.st_ino)
			return 1;
	return 0;
}

int
cmd_backup(struct ctl *ctl, int argc, char **argv)
{
	struct ht_error err = { 0 };
	struct session ses;
	int rc;

	if ((rc = one_file_arg("backup", argc, argv)) != 0)
		return rc;
	if (ctl->who.elevated)
		return tk_error(EX_NOPERM, "backup: only root may back up the installed store");
	if (is_live_file(ctl, argv[1]))
		return tk_usage("backup: %s is the live store or key; choose another file",
		                argv[1]);
	if ((rc = session_read(ctl, &ses)) != 0)
		return rc;
	if (!ses.admin)
		rc = tk_error(EX_NOPERM, "backup: permission denied (administrators only)");
	else if (ht_store_backup(ctl->db, &ses.key, argv[1], &err) != HT_OK)
		rc = tk_fail(&err);
	session_end(&ses);
	if (rc != 0)
		return rc;
	audit_change(ctl, "backup", NULL, "to=%s", argv[1]);
	report(ctl, "backup", "backed up to", argv[1]);
	return EX_OK;
}

/* The live store may be damaged or missing (that is when one restores),
 * so the administrator test cannot read its policy: root, or the owner of
 * the store (or of its directory when there is no store). */
static int
may_restore(const struct ctl *ctl)
{
	char dir[4096];
	struct stat st;

	if (ctl->who.uid == 0 || caller_owns_file(&ctl->who, ctl->db))
		return 1;
	if (lstat(ctl->db, &st) == 0 || ht_dirname(ctl->db, dir, sizeof(dir)) < 0)
		return 0;
	return caller_owns_file(&ctl->who, dir);
}

int
cmd_restore(struct ctl *ctl, int argc, char **argv)
{
	struct ht_error err = { 0 };
	struct ht_key key;
	long kept = 0;
	int rc;

	if ((rc = one_file_arg("restore", argc, argv)) != 0)
		return rc;
	if (ctl->who.elevated || !may_restore(ctl))
		return tk_error(EX_NOPERM, "restore: permission denied (administrators only)");
	if ((rc = load_key(ctl, &key)) != 0)
		return rc;
	if (ht_store_restore(ctl->db, &key, argv[1], ctl->wait_ms, &kept, &err) != HT_OK)
		rc = tk_fail(&err);
	ht_key_wipe(&key);
	if (rc != 0)
		return rc;
	audit_change(ctl, "restore", NULL, "from=%s kept_revoked=%ld", argv[1], kept);
	if (kept > 0)
		tk_note("kept %ld revocation%s made after the backup", kept, kept == 1 ? "" : "s");
	else if (kept < 0)
		tk_note("the replaced store could not be read: tokens revoked after the "
		        "backup was made are active again; revoke them anew");
	report(ctl, "restored_from", "restored from", argv[1]);
	return EX_OK;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backup FILE and restore FILE: a consistent copy of the live store, and
 * its atomic replacement by a copy that verifies under the current key.
 * They name files, so a setuid caller cannot use them at all. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "safefile.h"
#include "fleetctl.h"
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
	enum ht_status s;

	if ((s = ht_key_load(ctl->keyfile, key, &err)) != HT_OK)
		return tk_fail(s, &err);
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

/* Whether a and b name the same file (both existing). */
static int
same_file(const char *a, const char *b)
{
	struct stat x, y;

	return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev &&
	       x.st_ino == y.st_ino;
}

/* Whether file would land on PATH.lock or PATH.tmp.* beside the store
 * (existing or not): the same directory and one of those names. */
static int
is_store_sibling(const char *db, const char *file)
{
	char dbdir[HT_PATH_MAX], dir[HT_PATH_MAX], lock[HT_PATH_MAX], tmp[HT_PATH_MAX];
	const char *base = strrchr(db, '/'), *fbase = strrchr(file, '/');

	base = base ? base + 1 : db;
	fbase = fbase ? fbase + 1 : file;
	if (ht_dirname(db, dbdir, sizeof(dbdir)) < 0 || ht_dirname(file, dir, sizeof(dir)) < 0 ||
	    !same_file(dbdir, dir))
		return 0;
	snprintf(lock, sizeof(lock), "%s.lock", base);
	snprintf(tmp, sizeof(tmp), "%s.tmp.", base);
	return strcmp(fbase, lock) == 0 || strncmp(fbase, tmp, strlen(tmp)) == 0;
}

/* Backup replaces FILE: never with the store's own key, store, lock file
 * or a writer's temp file, which would destroy what it is meant to save
 * (a lost key loses every token for good) or, for the lock, let two
 * writers run at once. */
static int
is_live_file(const struct ctl *ctl, const char *file)
{
	char lock[HT_PATH_MAX];

	if (snprintf(lock, sizeof(lock), "%s.lock", ctl->db) >= (int)sizeof(lock))
		return 1;
	return same_file(file, ctl->db) || same_file(file, ctl->keyfile) ||
	       same_file(file, lock) || is_store_sibling(ctl->db, file);
}

int
cmd_backup(struct ctl *ctl, int argc, char **argv)
{
	struct ht_error err = { 0 };
	struct session ses;
	int rc;
	enum ht_status s;

	if ((rc = one_file_arg("backup", argc, argv)) != 0 ||
	    (rc = fleet_refuse_copy(ctl, "backup")) != 0)
		return rc;
	if (ctl->who.elevated)
		return tk_error(EX_NOPERM, "backup: only root may back up the installed store");
	if (is_live_file(ctl, argv[1]))
		return tk_usage("backup: %s is the live store, its key or its lock file; "
		                "choose another file", argv[1]);
	if ((rc = session_read(ctl, &ses)) != 0)
		return rc;
	if (!ses.admin)
		rc = tk_error(EX_NOPERM, "backup: permission denied (administrators only)");
	else if ((s = ht_store_backup(ctl->db, &ses.key, argv[1], &err)) != HT_OK)
		rc = tk_fail(s, &err);
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
	char dir[HT_PATH_MAX];
	struct stat st;

	if (ctl->who.uid == 0 || caller_owns_file(&ctl->who, ctl->db))
		return 1;
	if (lstat(ctl->db, &st) == 0 || ht_dirname(ctl->db, dir, sizeof(dir)) < 0)
		return 0;
	return caller_owns_file(&ctl->who, dir);
}

static int
parse_restore(int argc, char **argv, struct ht_restore_options *opt)
{
	static const struct option opts[] = {
		{ "with-policy", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'p')
			return unknown_option("restore", c, argv);
		opt->with_policy = 1;
	}
	if (argc - optind != 1)
		return tk_usage("restore: expected one file name");
	return 0;
}

/* What restore did, on stderr: how many tokens, which revocations it
 * kept, whose policy the store has now. */
static void
report_restore(const struct ctl *ctl, const char *file, const struct ht_restore_options *opt,
               const struct ht_restore_report *rep)
{
	tk_note("restored %lu token%s from %s", rep->tokens, rep->tokens == 1 ? "" : "s", file);
	if (!rep->live_read)
		tk_note("the replaced store could not be read: tokens revoked after the "
		        "backup was made are active again; revoke them anew");
	else
		tk_note("kept %lu revocation%s made after the backup", rep->kept_revoked,
		        rep->kept_revoked == 1 ? "" : "s");
	if (rep->policy == HT_RESTORE_POLICY_KEPT)
		tk_note("kept the current policy (--with-policy takes the backup's)");
	else
		tk_note("the policy is the backup's%s", !rep->live_read
		        ? " (the replaced store's could not be read)" : !opt->with_policy
		        ? " (the replaced store's is of another store version)" : "");
	if (ctl->json) {
		printf("{\"restored_from\":");
		out_json_str(stdout, file);
		printf(",\"tokens\":%lu,\"kept_revoked\":%lu,\"policy\":\"%s\"}\n",
		       rep->tokens, rep->kept_revoked,
		       rep->policy == HT_RESTORE_POLICY_KEPT ? "kept" : "backup");
	}
}

int
cmd_restore(struct ctl *ctl, int argc, char **argv)
{
	struct ht_restore_options opt = { 0 };
	struct ht_restore_report rep;
	struct ht_error err = { 0 };
	struct ht_key key;
	const char *file;
	enum ht_status s;
	int rc;

	if ((rc = parse_restore(argc, argv, &opt)) != 0 ||
	    (rc = fleet_refuse_copy(ctl, "restore")) != 0)
		return rc;
	file = argv[optind];
	if (ctl->who.elevated || !may_restore(ctl))
		return tk_error(EX_NOPERM, "restore: permission denied (administrators only)");
	if ((rc = load_key(ctl, &key)) != 0)
		return rc;
	opt.timeout_ms = ctl->wait_ms;
	s = ht_store_restore(ctl->db, &key, file, &opt, &rep, &err);
	ht_key_wipe(&key);
	/* A backup that fails its checks is bad input, not an unusable store. */
	if (s == HT_ERR_CORRUPT)
		return tk_error(EX_DATAERR, "%s", err.msg);
	if (s != HT_OK)
		return tk_fail(s, &err);
	audit_change(ctl, "restore", NULL, "from=%s kept_revoked=%lu policy=%s", file,
	             rep.kept_revoked, rep.policy == HT_RESTORE_POLICY_KEPT ? "kept" : "backup");
	report_restore(ctl, file, &opt, &rep);
	return EX_OK;
}

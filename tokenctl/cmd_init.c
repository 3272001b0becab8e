/* SPDX-License-Identifier: GPL-3.0-or-later */
/* init: a new key, an empty store, the writers' lock file and the
 * last-use directory, optionally readable by a group (the web server's). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "lastused.h"
#include "safefile.h"
#include "tokenctl.h"


/* Creates the missing directories above path, 0755, like mkdir -p. */
static int
make_parents(const char *path)
{
	char dir[HT_PATH_MAX];

	if (ht_dirname(path, dir, sizeof(dir)) < 0)
		return tk_error(EX_CANTCREAT, "%s: path too long", path);
	for (char *p = dir + 1; ; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		/* chmod: the umask (077 here) must not make the directory private. */
		if (mkdir(dir, 0755) == 0 ? chmod(dir, 0755) < 0 : errno != EEXIST)
			return tk_error(EX_CANTCREAT, "cannot create directory %s: %s", dir,
			                strerror(errno));
		*p = c;
		if (c == '\0')
			return 0;
	}
}

static int
refuse_existing(const char *path, const char *what)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return tk_error(EX_CANTCREAT, "%s %s already exists, not replaced", what, path);
	return 0;
}

static int
make_lock_file(const char *db)
{
	char lock[HT_PATH_MAX];
	int fd;

	if (snprintf(lock, sizeof(lock), "%s.lock", db) >= (int)sizeof(lock))
		return tk_error(EX_CANTCREAT, "%s: path too long", db);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0)
		return tk_error(EX_CANTCREAT, "lock file %s: %s", lock, strerror(errno));
	close(fd);
	return 0;
}

static int
create_all(const struct ctl *ctl, gid_t gid)
{
	struct ht_error err = { 0 };
	struct ht_key key;
	enum ht_status s;

	if ((s = ht_key_create(ctl->keyfile, gid, &err)) != HT_OK)
		return tk_fail(s, &err);
	s = ht_key_load(ctl->keyfile, &key, &err);
	if (s == HT_OK)
		s = ht_store_create(ctl->db, &key, gid, &err);
	ht_key_wipe(&key);
	if (s != HT_OK) {
		/* The key was made a moment ago for this store only. */
		unlink(ctl->keyfile);
		return tk_fail(s, &err);
	}
	if (ht_lastused_dir_create(ctl->db, gid) < 0)
		return tk_error(EX_CANTCREAT, "last-use directory %s.lastused: %s", ctl->db,
		                strerror(errno));
	return make_lock_file(ctl->db);
}

int
cmd_init(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "group", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	const char *group = NULL;
	gid_t gid = (gid_t)-1;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'g')
			return unknown_option("init", c, argv);
		group = optarg;
	}
	if (optind != argc)
		return tk_usage("init: unexpected argument '%s'", argv[optind]);
	if (ctl->who.elevated)
		return tk_error(EX_NOPERM, "init: permission denied (administrators only)");
	if (group != NULL && !lookup_group(group, &gid))
		return tk_error(EX_DATAERR, "init: no such group '%s'", group);
	if ((rc = refuse_existing(ctl->keyfile, "key file")) != 0 ||
	    (rc = refuse_existing(ctl->db, "store")) != 0 ||
	    (rc = make_parents(ctl->keyfile)) != 0 || (rc = make_parents(ctl->db)) != 0 ||
	    (rc = create_all(ctl, gid)) != 0)
		return rc;
	audit_change(ctl, "init", NULL, "store=%s group=%s", ctl->db, group ? group : "-");
	if (ctl->json) {
		fputs("{\"store\":", stdout);
		out_json_str(stdout, ctl->db);
		fputs(",\"keyfile\":", stdout);
		out_json_str(stdout, ctl->keyfile);
		fputs("}\n", stdout);
	} else {
		tk_note("created key %s and store %s", ctl->keyfile, ctl->db);
	}
	return EX_OK;
}

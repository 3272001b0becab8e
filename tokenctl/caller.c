/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who is calling and what they may do. Identity comes from the real uid
 * only: under setuid the effective uid says nothing about the caller. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tokenctl.h"

#define NSS_BUF_START 4096
#define NSS_BUF_MAX   (1024 * 1024)

int
caller_identify(struct caller *who)
{
	char buf[16384];
	struct passwd pw, *res = NULL;

	memset(who, 0, sizeof(*who));
	who->uid = getuid();
	who->gid = getgid();
	who->elevated = who->uid != geteuid() || who->gid != getegid();
	if (getpwuid_r(who->uid, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return 0;
	if (strlen(pw.pw_name) >= sizeof(who->name) || pw.pw_name[0] == '\0')
		return 0;
	strcpy(who->name, pw.pw_name);
	who->has_name = 1;
	return 0;
}

/* getgrnam_r with a buffer that grows: large groups need more than a page.
 * Returns the group in *gr (backed by *bufp, to be freed), 1 when found. */
static int
group_entry(const char *name, struct group *gr, char **bufp)
{
	size_t size = NSS_BUF_START;
	struct group *res = NULL;

	*bufp = NULL;
	for (;;) {
		char *buf = realloc(*bufp, size);
		int rc;

		if (buf == NULL)
			return 0;
		*bufp = buf;
		rc = getgrnam_r(name, gr, buf, size, &res);
		if (rc == ERANGE && size < NSS_BUF_MAX) {
			size *= 2;
			continue;
		}
		return rc == 0 && res != NULL;
	}
}

int
lookup_group(const char *name, gid_t *gid)
{
	struct group gr;
	char *buf;
	int found = group_entry(name, &gr, &buf);

	if (found)
		*gid = gr.gr_gid;
	free(buf);
	return found;
}

static int
process_has_group(gid_t gid)
{
	int n = getgroups(0, NULL);
	gid_t *groups;
	int found = 0;

	if (n <= 0)
		return 0;
	groups = calloc((size_t)n, sizeof(*groups));
	if (groups == NULL)
		return 0;
	n = getgroups(n, groups);
	for (int i = 0; i < n && !found; i++)
		found = groups[i] == gid;
	free(groups);
	return found;
}

/* Membership as the session has it (real gid, supplementary groups) or as
 * the group database lists it, so that a newly added admin need not log in
 * again. */
int
caller_in_group(const struct caller *who, const char *group)
{
	struct group gr;
	char *buf;
	int member = 0;

	if (!group_entry(group, &gr, &buf)) {
		free(buf);
		return 0;
	}
	if (who->gid == gr.gr_gid || process_has_group(gr.gr_gid))
		member = 1;
	for (char **m = gr.gr_mem; !member && who->has_name && m && *m; m++)
		member = strcmp(*m, who->name) == 0;
	free(buf);
	return member;
}

int
caller_owns_file(const struct caller *who, const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && st.st_uid == who->uid;
}

/* Root, the policy's admin group, or (not setuid) the owner of the store:
 * the tool cannot protect a file from the user who owns it. */
int
caller_is_admin(const struct ctl *ctl, const struct ht_policy *pol)
{
	if (ctl->who.uid == 0)
		return 1;
	if (pol != NULL && pol->admin_group[0] != '\0' &&
	    caller_in_group(&ctl->who, pol->admin_group))
		return 1;
	return !ctl->who.elevated && caller_owns_file(&ctl->who, ctl->db);
}

int
caller_owns_token(const struct caller *who, const struct ht_record *rec)
{
	return rec->kind == HT_KIND_PERSONAL && who->has_name &&
	       rec->owner_uid == who->uid && strcmp(rec->owner, who->name) == 0;
}

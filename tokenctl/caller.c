/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who is calling and what they may do. Identity comes from a uid the
 * kernel vouches for: the real uid of this process, or the peer of
 * httptokend's socket (SO_PEERCRED); never from anything the caller says. */
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
#define NGROUPS_CAP   65536

/* The account behind uid: its name and primary group from the password
 * database. An uid without an entry keeps gid and owns nothing. */
int
caller_from_uid(struct caller *who, uid_t uid, gid_t gid)
{
	char buf[16384];
	struct passwd pw, *res = NULL;

	memset(who, 0, sizeof(*who));
	who->uid = uid;
	who->gid = gid;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return 0;
	if (strlen(pw.pw_name) >= sizeof(who->name) || pw.pw_name[0] == '\0')
		return 0;
	strcpy(who->name, pw.pw_name);
	who->gid = pw.pw_gid;
	who->account_gid = pw.pw_gid;
	who->has_name = 1;
	return 0;
}

int
caller_identify(struct caller *who)
{
	caller_from_uid(who, getuid(), getgid());
	who->elevated = getuid() != geteuid() || getgid() != getegid();
	return 0;
}

/* getgrnam_r with a buffer that grows: large groups need more than a page.
 * Returns the group in *gr (backed by *bufp, to be freed), 1 when found. */
int
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

/* Whether the group database lists gid among the caller's groups
 * (getgrouplist on the account name: /etc/group, LDAP, SSSD), never the
 * supplementary groups of a process: httptokend runs as root, and someone
 * removed from a group must lose what it grants on their next command,
 * not when every shell they have open has ended. A caller without an
 * account name belongs to no group. */
int
caller_has_gid(const struct caller *who, gid_t gid)
{
	int n = 64;

	if (!who->has_name)
		return 0;
	for (;;) {
		gid_t *groups = malloc((size_t)n * sizeof(*groups));
		int want = n, got, found = 0;

		if (groups == NULL)
			return 0;
		got = getgrouplist(who->name, who->account_gid, groups, &want);
		for (int i = 0; got >= 0 && i < want && !found; i++)
			found = groups[i] == gid;
		free(groups);
		/* Too small a list: want says how many there are; ask again. */
		if (got >= 0 || want <= n || want > NGROUPS_CAP)
			return found;
		n = want;
	}
}

/* Membership of a group named now, by the group database. */
int
caller_in_group(const struct caller *who, const char *group)
{
	gid_t gid;

	return lookup_group(group, &gid) && caller_has_gid(who, gid);
}

int
caller_owns_file(const struct caller *who, const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && st.st_uid == who->uid;
}

/* A group the policy names: by name only in a version-1 policy (which
 * kept no gid), else while the name still has the gid it had when it was
 * named, so that a group deleted and re-created grants nothing. */
int
caller_in_group_ref(const struct caller *who, const char *name, uint32_t gid)
{
	gid_t now;

	if (name[0] == '\0')
		return 0;
	if (gid == HT_GID_UNKNOWN)
		return caller_in_group(who, name);
	return lookup_group(name, &now) && now == (gid_t)gid && caller_has_gid(who, now);
}

/* Root, the policy's sysadmin-group, or (not through httptokend) the owner of the
 * store: the tool cannot protect a file from the user who owns it. */
int
caller_is_sysadmin(const struct ctl *ctl, const struct ht_policy *pol)
{
	if (ctl->who.uid == 0)
		return 1;
	if (pol != NULL && caller_in_group_ref(&ctl->who, pol->sysadmin_group.name,
	                                       pol->sysadmin_group.gid))
		return 1;
	return !ctl->who.elevated && caller_owns_file(&ctl->who, ctl->db);
}

/* A token administrator (admin-group) or a system administrator. */
int
caller_is_admin(const struct ctl *ctl, const struct ht_policy *pol)
{
	if (caller_is_sysadmin(ctl, pol))
		return 1;
	return pol != NULL && caller_in_group_ref(&ctl->who, pol->admin_group, pol->admin_gid);
}

int
caller_owns_token(const struct caller *who, const struct ht_record *rec)
{
	return rec->kind == HT_KIND_PERSONAL && who->has_name &&
	       rec->owner_uid == who->uid && strcmp(rec->owner, who->name) == 0;
}

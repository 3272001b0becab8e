/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "account.h"

#define DAY 86400
#define NSS_BUF_START 1024
#define NSS_BUF_MAX   (1024 * 1024)

int
ht_shadow_locked(const char *pwdp)
{
	const char *p = pwdp;

	if (p == NULL || p[0] != '!')
		return 0;
	while (*p == '!')
		p++;
	return *p != '\0' && *p != '*';
}

enum ht_owner_state
ht_shadow_judge(const char *pwdp, long sp_expire, int64_t now)
{
	if (sp_expire != -1 && now / DAY >= (int64_t)sp_expire)
		return HT_OWNER_EXPIRED;
	return ht_shadow_locked(pwdp) ? HT_OWNER_LOCKED : HT_OWNER_ACTIVE;
}

/* A getXXnam_r call with a buffer that grows on ERANGE. */
typedef int (*lookup_fn)(const char *name, void *ent, char *buf, size_t size, void **res);

static enum ht_lookup
lookup(lookup_fn fn, const char *name, void *ent, char **bufp, size_t *sizep)
{
	size_t size = NSS_BUF_START;

	*bufp = NULL;
	*sizep = 0;
	for (;;) {
		char *buf = realloc(*bufp, size);
		void *res = NULL;
		int rc;

		if (buf == NULL)
			return HT_LOOKUP_ERROR;
		*bufp = buf;
		*sizep = size;
		errno = 0;
		rc = fn(name, ent, buf, size, &res);
		if (rc == ERANGE && size < NSS_BUF_MAX) {
			size *= 2;
			continue;
		}
		if (rc == 0 && res != NULL)
			return HT_LOOKUP_FOUND;
		/* No entry and no error, or ENOENT (how some NSS wrappers say
		 * "none"): the database answered that there is none. Any other
		 * error is a failed lookup: the caller keeps what it knew
		 * rather than declare an owner gone. */
		return rc == 0 || rc == ENOENT ? HT_LOOKUP_MISSING : HT_LOOKUP_ERROR;
	}
}

static int
pw_fn(const char *name, void *ent, char *buf, size_t size, void **res)
{
	return getpwnam_r(name, ent, buf, size, (struct passwd **)res);
}

static int
sp_fn(const char *name, void *ent, char *buf, size_t size, void **res)
{
	return getspnam_r(name, ent, buf, size, (struct spwd **)res);
}

enum ht_lookup
ht_account_passwd(const char *name, uid_t *uid)
{
	struct passwd pw;
	char *buf;
	size_t size;
	enum ht_lookup r = lookup(pw_fn, name, &pw, &buf, &size);

	if (r == HT_LOOKUP_FOUND)
		*uid = pw.pw_uid;
	free(buf);
	return r;
}

enum ht_lookup
ht_account_shadow(const char *name, int64_t now, enum ht_owner_state *state)
{
	struct spwd sp;
	char *buf;
	size_t size;
	enum ht_lookup r = lookup(sp_fn, name, &sp, &buf, &size);

	*state = HT_OWNER_UNJUDGED;
	if (r == HT_LOOKUP_FOUND)
		*state = ht_shadow_judge(sp.sp_pwdp, sp.sp_expire, now);
	/* The buffer held a password hash. */
	if (buf != NULL)
		sodium_memzero(buf, size);
	free(buf);
	return r;
}

/* Reads the file a line at a time and parses only the line that starts
 * with "name:" (sgetspent_r: reentrant, the caller's buffer). A line
 * longer than the buffer is skipped whole. */
static enum ht_lookup
scan_shadow(FILE *f, const char *name, int64_t now, enum ht_owner_state *state)
{
	char line[4096], buf[4096];
	struct spwd sp, *res = NULL;
	size_t n = strlen(name);
	enum ht_lookup r = HT_LOOKUP_MISSING;
	int at_start = 1;

	while (r == HT_LOOKUP_MISSING && fgets(line, sizeof(line), f) != NULL) {
		int whole = strchr(line, '\n') != NULL || feof(f);

		if (at_start && whole && strncmp(line, name, n) == 0 && line[n] == ':') {
			if (sgetspent_r(line, &sp, buf, sizeof(buf), &res) == 0 && res != NULL &&
			    strcmp(sp.sp_namp, name) == 0) {
				*state = ht_shadow_judge(sp.sp_pwdp, sp.sp_expire, now);
				r = HT_LOOKUP_FOUND;
			}
		}
		at_start = whole;
	}
	if (r == HT_LOOKUP_MISSING && ferror(f))
		r = HT_LOOKUP_ERROR;
	sodium_memzero(line, sizeof(line));
	sodium_memzero(buf, sizeof(buf));
	return r;
}

enum ht_lookup
ht_account_shadow_file(const char *path, const char *name, int64_t now,
                       enum ht_owner_state *state)
{
	struct stat st;
	enum ht_lookup r;
	FILE *f;
	int fd;

	*state = HT_OWNER_UNJUDGED;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return HT_LOOKUP_ERROR;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return HT_LOOKUP_ERROR;
	}
	r = scan_shadow(f, name, now, state);
	if (r != HT_LOOKUP_FOUND)
		*state = HT_OWNER_UNJUDGED;
	fclose(f);
	return r;
}

const char *
ht_owner_state_str(enum ht_owner_state s)
{
	switch (s) {
	case HT_OWNER_UNJUDGED: return "unjudged";
	case HT_OWNER_ACTIVE:   return "active";
	case HT_OWNER_LOCKED:   return "locked";
	case HT_OWNER_EXPIRED:  return "expired";
	}
	return "?";
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <shadow.h>
#include <stdlib.h>
#include <string.h>

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
		/* No entry and no error: the database said there is none. glibc
		 * also reports a missing entry as ENOENT from some backends. */
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

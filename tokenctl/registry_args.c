/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Administrators as the command line names them, USER or @GROUP, resolved
 * to the uid or gid they have now (kept with the name), and descriptions. */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "registry.h"
#include "scope.h"
#include "utf8.h"
#include "tokenctl.h"

static int
lookup_user(const char *name, uid_t *uid)
{
	char buf[16384];
	struct passwd pw, *res = NULL;

	if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return 0;
	*uid = pw.pw_uid;
	return 1;
}

int
admin_parse(const char *opt, const char *arg, struct ht_admin *a)
{
	const char *name = arg[0] == '@' ? arg + 1 : arg;
	uid_t uid;
	gid_t gid;

	memset(a, 0, sizeof(*a));
	if (name[0] == '\0' || strlen(name) > HT_ADMIN_NAME_MAX)
		return tk_error(EX_DATAERR, "%s: expected USER or @GROUP, got '%s'", opt, arg);
	snprintf(a->name, sizeof(a->name), "%s", name);
	if (arg[0] == '@') {
		a->type = HT_ADMIN_GROUP;
		if (!lookup_group(name, &gid))
			return tk_error(EX_DATAERR, "%s: no such group '%s'", opt, name);
		a->id = (uint32_t)gid;
	} else {
		a->type = HT_ADMIN_USER;
		if (!lookup_user(name, &uid))
			return tk_error(EX_DATAERR, "%s: no such user '%s'", opt, name);
		a->id = (uint32_t)uid;
	}
	return 0;
}

/* Control and invisible format characters (Unicode Cc, Cf, Zl, Zp) would
 * let a description hide or reorder what a terminal shows. */
static int
invisible(unsigned long c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xad ||
	       (c >= 0x600 && c <= 0x605) || c == 0x61c || c == 0x6dd || c == 0x70f ||
	       c == 0x8e2 || c == 0x180e || (c >= 0x200b && c <= 0x200f) ||
	       (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x2064) ||
	       (c >= 0x2066 && c <= 0x206f) || c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb) ||
	       c == 0x110bd || c == 0x110cd || (c >= 0x13430 && c <= 0x1343f) ||
	       (c >= 0x1bca0 && c <= 0x1bca3) || (c >= 0x1d173 && c <= 0x1d17a) ||
	       c == 0xe0001 || (c >= 0xe0020 && c <= 0xe007f);
}

int
description_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);

	if (len > HT_DESC_MAX)
		return 0;
	for (size_t i = 0; i < len;) {
		unsigned long cp;
		size_t n = ht_utf8_decode(p + i, len - i, &cp);

		if (n == 0 || invisible(cp))
			return 0;
		i += n;
	}
	return 1;
}

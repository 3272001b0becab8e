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

int
description_valid(const char *s)
{
	return ht_text_valid(s, 0, HT_DESC_MAX);
}

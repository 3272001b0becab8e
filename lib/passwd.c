/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>

#include "verify.h"

/* getpwnam_r's buffer: enough for any ordinary entry; grown on ERANGE up
 * to a bound, for directory services that return long entries. */
#define PW_BUF_START 1024
#define PW_BUF_MAX   (1024 * 1024)

enum ht_user_lookup
ht_owner_lookup_passwd(const char *name, uid_t *uid)
{
	struct passwd pw, *found = NULL;
	size_t size = PW_BUF_START;
	char *buf = NULL;
	int rc = ERANGE;

	while (rc == ERANGE && size <= PW_BUF_MAX) {
		char *bigger = realloc(buf, size);

		if (bigger == NULL)
			break;
		buf = bigger;
		rc = getpwnam_r(name, &pw, buf, size, &found);
		size *= 2;
	}
	if (rc == 0 && found != NULL)
		*uid = pw.pw_uid;
	free(buf);
	return rc == 0 && found != NULL ? HT_USER_FOUND : HT_USER_MISSING;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LD_PRELOAD shim for tests: getpwnam_r fails (EIO, no entry) for the
 * user names listed in HTK_NSS_FAIL (comma-separated), as a directory
 * service that does not answer would; every other lookup goes on to the
 * next definition (nss_wrapper, or libc). Lets a test tell "no such
 * account" from "the lookup failed" without a broken directory. */
#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

typedef int (*getpwnam_r_fn)(const char *, struct passwd *, char *, size_t, struct passwd **);

static int
listed(const char *name)
{
	const char *list = getenv("HTK_NSS_FAIL");
	size_t n = strlen(name);

	while (list != NULL && *list != '\0') {
		const char *end = strchr(list, ',');
		size_t len = end != NULL ? (size_t)(end - list) : strlen(list);

		if (len == n && strncmp(list, name, n) == 0)
			return 1;
		list = end != NULL ? end + 1 : NULL;
	}
	return 0;
}

int
getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size,
           struct passwd **result)
{
	getpwnam_r_fn next;

	if (listed(name)) {
		*result = NULL;
		return EIO;
	}
	next = (getpwnam_r_fn)dlsym(RTLD_NEXT, "getpwnam_r");
	if (next == NULL) {
		*result = NULL;
		return ENOSYS;
	}
	return next(name, pw, buf, size, result);
}

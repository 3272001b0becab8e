/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Hygiene for tokenctl and httptokend: sane standard descriptors, a private
 * umask, no core dumps. tokenctl is not installed setuid (users go through
 * httptokend), but should a site set the bit anyway, it takes no
 * environment from the caller and returns to the caller's ids, verified,
 * once root is not needed. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tokenctl.h"

#define SAFE_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

/* A closed 0, 1 or 2 would let the next open() (say, the store's temp
 * copy) become "stdout" and receive the printed token. They get /dev/null
 * opened the wrong way round, as glibc does for setuid programs, so that
 * create sees an unwritable stdout and refuses rather than print the
 * token into nowhere. */
static void
ensure_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", (fd == 0 ? O_WRONLY : O_RDONLY) | O_NOCTTY) != fd)
			_exit(71);
	}
}

void
privs_sanitize(int elevated)
{
	struct rlimit no_core = { 0, 0 };

	ensure_std_fds();
	/* Files are given their modes explicitly; anything else stays private. */
	umask(077);
	/* The key and fresh secrets pass through this process's memory: no
	 * core file, and no ptrace by the caller, even when run by root
	 * (setuid runs get this from the kernel already). */
	if (setrlimit(RLIMIT_CORE, &no_core) != 0 || prctl(PR_SET_DUMPABLE, 0) != 0) {
		fputs("tokenctl: cannot disable core dumps\n", stderr);
		_exit(71);
	}
	if (elevated) {
		/* Nothing the caller put in the environment (locale, TZ, GDBM or
		 * libc tunables, TMPDIR, PATH) reaches a root process. */
		if (clearenv() != 0 || setenv("PATH", SAFE_PATH, 1) != 0) {
			fputs("tokenctl: cannot clear the environment\n", stderr);
			_exit(71);
		}
	}
}

static int
ids_are(uid_t uid, gid_t gid)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return 0;
	return ru == uid && eu == uid && su == uid && rg == gid && eg == gid && sg == gid;
}

/* Gives up the setuid/setgid identity for good. A failure here is fatal:
 * continuing as root when we meant not to is never acceptable. */
void
privs_drop(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (ids_are(uid, gid))
		return;
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0 ||
	    !ids_are(uid, gid) || (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))) {
		fputs("tokenctl: cannot drop privileges\n", stderr);
		_exit(71);
	}
}

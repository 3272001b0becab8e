/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A command's stdout and stderr, held in memory while it runs. The
 * commands print with stdio as any tool does; here descriptors 1 and 2 are
 * memfds while they run, so no write can block on a pipe or terminal the
 * caller controls, whatever the command prints and whenever. The text is
 * handed over when the command has returned, when no lock is held. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "json.h"
#include "tokenctl.h"

static const char *const names[2] = { "tokenctl-stdout", "tokenctl-stderr" };

/* keep_real: remember the real descriptors and put them back at the end
 * (tokenctl); httptokend's child has no use for its own. Whether the real
 * stdout can be written is what create checks before making a token. */
int
capture_start(struct capture *c, int keep_real)
{
	int fl = fcntl(STDOUT_FILENO, F_GETFL);

	if (keep_real)
		out_stdout_usable(fl >= 0 && (fl & O_ACCMODE) != O_RDONLY);
	fflush(stdout);
	fflush(stderr);
	for (int i = 0; i < 2; i++) {
		c->mem[i] = memfd_create(names[i], MFD_CLOEXEC);
		c->saved[i] = keep_real ? fcntl(i + 1, F_DUPFD_CLOEXEC, 3) : -1;
		if (c->mem[i] < 0 || (keep_real && c->saved[i] < 0) ||
		    dup2(c->mem[i], i + 1) < 0)
			return -1;
	}
	return 0;
}

static int
slurp(int fd, struct jbuf *b)
{
	char chunk[8192];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		jbuf_put(b, chunk, (size_t)n);
	}
	explicit_bzero(chunk, sizeof(chunk));
	return n == 0 && !b->failed ? 0 : -1;
}

int
capture_end(struct capture *c, struct jbuf *out, struct jbuf *err)
{
	int rc = 0;

	fflush(stdout);
	fflush(stderr);
	for (int i = 0; i < 2; i++) {
		if (c->saved[i] >= 0) {
			if (dup2(c->saved[i], i + 1) < 0)
				rc = -1;
			close(c->saved[i]);
		}
		if (slurp(c->mem[i], i == 0 ? out : err) != 0)
			rc = -1;
		/* The pages (stdout may hold a new token) go back to the kernel. */
		if (ftruncate(c->mem[i], 0) != 0)
			rc = -1;
		close(c->mem[i]);
	}
	return rc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The listening socket. Under systemd it is handed over as descriptor 3
 * (LISTEN_PID is ours, LISTEN_FDS is 1: sd_listen_fds(3) without
 * libsystemd); otherwise it is bound here, mode 0666 (anyone may ask;
 * authority comes from SO_PEERCRED), after making sure no other daemon
 * answers on it and that what is there is a stale socket, not a file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "safefile.h"
#include "httptokend.h"

#define SD_LISTEN_FDS_START 3
#define BACKLOG 128

static int
activated_fd(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	char *end;
	long n;

	if (pid == NULL || fds == NULL)
		return -1;
	n = strtol(pid, &end, 10);
	if (*pid == '\0' || *end != '\0' || n != (long)getpid())
		return -1;
	n = strtol(fds, &end, 10);
	if (*fds == '\0' || *end != '\0' || n != 1) {
		fprintf(stderr, "httptokend: LISTEN_FDS=%s: exactly one socket expected\n", fds);
		return -2;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return SD_LISTEN_FDS_START;
}

static int
check_activated(int fd)
{
	int type = 0, listening = 0;
	socklen_t len = sizeof(type);
	struct sockaddr_un sa;
	socklen_t salen = sizeof(sa);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM ||
	    getsockname(fd, (struct sockaddr *)&sa, &salen) != 0 || sa.sun_family != AF_UNIX ||
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) {
		fputs("httptokend: descriptor 3 is not a listening Unix stream socket\n", stderr);
		return -1;
	}
	return 0;
}

/* 1 when something answers on path, 0 when nothing does. */
static int
someone_listens(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), up;

	if (fd < 0)
		return 0;
	up = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return up;
}

static int
clear_stale(const struct sockaddr_un *sa)
{
	struct stat st;

	if (lstat(sa->sun_path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "httptokend: %s exists and is not a socket\n", sa->sun_path);
		return -1;
	}
	if (someone_listens(sa)) {
		fprintf(stderr, "httptokend: another daemon answers on %s\n", sa->sun_path);
		return -1;
	}
	return unlink(sa->sun_path);
}

static int
bind_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path) || ht_dirname(path, dir, sizeof(dir)) < 0) {
		fprintf(stderr, "httptokend: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	/* The default's directory, /run/httptoken, vanishes at boot. It must
	 * be searchable by everyone (our umask is 077). */
	if (mkdir(dir, 0755) == 0) {
		if (chmod(dir, 0755) != 0) {
			fprintf(stderr, "httptokend: %s: %s\n", dir, strerror(errno));
			return -1;
		}
	} else if (errno != EEXIST) {
		fprintf(stderr, "httptokend: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (clear_stale(&sa) != 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || chmod(path, 0666) != 0 ||
	    listen(fd, BACKLOG) != 0) {
		fprintf(stderr, "httptokend: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int
listen_open(const struct htd_options *o, int *activated)
{
	int fd = activated_fd();

	*activated = fd >= 0;
	if (fd == -2 || (fd >= 0 && check_activated(fd) != 0))
		return -1;
	if (fd < 0 && !o->foreground) {
		fputs("httptokend: not started by systemd (no LISTEN_FDS for this process); "
		      "run it with --foreground\n", stderr);
		return -1;
	}
	if (fd < 0)
		fd = bind_socket(o->socket);
	if (fd < 0)
		return -1;
	/* Accepting never blocks: a connection may vanish between poll and
	 * accept. Accepted sockets do not inherit this. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
		perror("httptokend: fcntl");
		return -1;
	}
	return fd;
}

void
listen_close(const struct htd_options *o, int fd, int activated)
{
	close(fd);
	if (!activated)
		unlink(o->socket);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A client of httptokend that misbehaves on purpose, for
 * tests/daemon/protocol.sh and tests/daemon/vectors.sh. Prints what it
 * got back, one line: "exit=N stderr=TEXT", "no reply (WHY)", ...
 *
 *   hostile-client raw SOCK             stdin's bytes as they are, then a
 *                                       half-close; prints the reply
 *   hostile-client send SOCK            the same with stdin as one frame
 *   hostile-client half SOCK            stdin's bytes as one frame, of
 *                                       which it sends half, says "half
 *                                       sent" and waits for the reply
 *   hostile-client stop SOCK WHEN       stops itself (SIGSTOP) with the
 *                                       frame from stdin half sent
 *                                       (WHEN=mid) or whole (WHEN=sent);
 *                                       when continued, reads the reply
 *   hostile-client noread SOCK          sends stdin as one frame, says
 *                                       "sent", never reads; sleeps
 *   hostile-client flood SOCK N         makes N connections and keeps
 *                                       them, says "held K", sleeps
 *   hostile-client burst SOCK N         N requests one after the other, as
 *                                       fast as replies come; prints
 *                                       "rate-limited K of N"
 *
 * "Says" means a line on stdout with its pid, flushed, so that the test
 * knows when to act and on which process. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "proto.h"

#define INPUT_MAX (1 << 20)

static int
dial(const char *path, int nonblock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static size_t
read_input(unsigned char *buf, size_t max)
{
	size_t n = 0;
	ssize_t r;

	while (n < max && (r = read(STDIN_FILENO, buf + n, max - n)) > 0)
		n += (size_t)r;
	return n;
}

/* stdin as one frame: the length prefix, then the bytes. */
static size_t
framed_input(unsigned char *buf, size_t max)
{
	size_t n = read_input(buf + 4, max - 4);

	buf[0] = (unsigned char)(n >> 24);
	buf[1] = (unsigned char)(n >> 16);
	buf[2] = (unsigned char)(n >> 8);
	buf[3] = (unsigned char)n;
	return n + 4;
}

static int
send_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A line the test waits for, with our pid (to stop, continue or freeze). */
static void
say(const char *what)
{
	printf("%s %ld\n", what, (long)getpid());
	fflush(stdout);
}

static int
print_reply(int fd)
{
	struct htd_reply rep;
	const char *why = NULL;
	char *buf;
	size_t len;

	if (htd_read_frame(fd, HTD_REPLY_MAX, 30000, &buf, &len, &why) != 0) {
		printf("no reply (%s)\n", why);
		return 0;
	}
	if (htd_reply_parse(buf, len, &rep, &why) != 0) {
		printf("malformed reply (%s)\n", why);
		free(buf);
		return 1;
	}
	printf("exit=%ld stderr=%.*s", rep.exit, (int)rep.err_len, rep.err);
	if (rep.err_len == 0 || rep.err[rep.err_len - 1] != '\n')
		putchar('\n');
	printf("stdout=%.*s\n", (int)rep.out_len, rep.out);
	htd_reply_free(&rep);
	free(buf);
	return 0;
}

static void __attribute__((noreturn))
flood(const char *path, long n)
{
	struct rlimit rl;
	long held = 0;
	char line[64];

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* A full backlog answers EAGAIN: try again, as a patient client would. */
	for (long i = 0; i < n; i++) {
		int fd, tries = 0;

		while ((fd = dial(path, 1)) < 0 && errno == EAGAIN && tries++ < 2000)
			usleep(1000);
		held += fd >= 0;
	}
	snprintf(line, sizeof(line), "held %ld", held);
	say(line);
	for (;;)
		pause();
}

/* One small request ("{}", refused at once) and its reply; 1 when the
 * reply is the rate limit's. */
static int
rate_limited(const char *path)
{
	static const unsigned char req[] = { 0, 0, 0, 2, '{', '}' };
	struct htd_reply rep;
	const char *why = NULL;
	char *buf;
	size_t len;
	int fd = dial(path, 0), hit = 0;

	if (fd < 0)
		return 0;
	if (send_all(fd, req, sizeof(req)) == 0 &&
	    htd_read_frame(fd, HTD_REPLY_MAX, 30000, &buf, &len, &why) == 0) {
		if (htd_reply_parse(buf, len, &rep, &why) == 0) {
			hit = rep.exit == 75 && rep.err_len > 0 &&
			      strstr(rep.err, "in a short time") != NULL;
			htd_reply_free(&rep);
		}
		free(buf);
	}
	close(fd);
	return hit;
}

static int
burst(const char *path, long n)
{
	long hits = 0;

	for (long i = 0; i < n; i++)
		hits += rate_limited(path);
	printf("rate-limited %ld of %ld\n", hits, n);
	return 0;
}

int
main(int argc, char **argv)
{
	static unsigned char in[INPUT_MAX];
	const char *mode, *path;
	size_t n;
	int fd;

	if (argc < 3)
		return 2;
	mode = argv[1];
	path = argv[2];
	if (strcmp(mode, "flood") == 0 && argc == 4)
		flood(path, atol(argv[3]));
	if (strcmp(mode, "burst") == 0 && argc == 4)
		return burst(path, atol(argv[3]));
	n = strcmp(mode, "raw") == 0 ? read_input(in, sizeof(in)) : framed_input(in, sizeof(in));
	if ((fd = dial(path, 0)) < 0) {
		printf("cannot connect: %s\n", strerror(errno));
		return 1;
	}
	if (strcmp(mode, "raw") == 0 || strcmp(mode, "send") == 0) {
		send_all(fd, in, n);
		shutdown(fd, SHUT_WR);
	} else if (strcmp(mode, "half") == 0 ||
	           (strcmp(mode, "stop") == 0 && argc == 4 && strcmp(argv[3], "mid") == 0)) {
		send_all(fd, in, n / 2);
		say("half sent");
		if (strcmp(mode, "stop") == 0) {
			raise(SIGSTOP);
			send_all(fd, in + n / 2, n - n / 2);
		}
	} else if (strcmp(mode, "stop") == 0) {
		send_all(fd, in, n);
		say("sent");
		raise(SIGSTOP);
	} else if (strcmp(mode, "noread") == 0) {
		send_all(fd, in, n);
		say("sent");
		for (;;)
			pause();
	} else {
		return 2;
	}
	return print_reply(fd);
}

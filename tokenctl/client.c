/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tokenctl as a client of httptokend: the command line goes to the daemon
 * in one request, the daemon runs it for the uid the kernel reports for
 * this socket, and its exit status, stdout and stderr come back in one
 * reply, printed as if the command had run here. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sysexits.h>
#include <unistd.h>

#include <sodium.h>

#include "json.h"
#include "proto.h"
#include "safefile.h"
#include "tokenctl.h"

#define FWD_GLOBALS 7               /* --json --db X --keyfile Y --wait N */

/* A command reads standard input when one of its arguments is "-" (as in
 * revoke --token -): only then is stdin read and sent, so that a client
 * inside a `while read` loop does not swallow the loop's input. */
static int
wants_stdin(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (strcmp(argv[i], "-") == 0 || (n > 2 && strcmp(argv[i] + n - 2, "=-") == 0))
			return 1;
	}
	return 0;
}

static int
read_stdin(struct jbuf *in)
{
	char chunk[4096];
	ssize_t n;

	while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sodium_memzero(chunk, sizeof(chunk));
			return tk_error(EX_IOERR, "reading standard input: %s", strerror(errno));
		}
		jbuf_put(in, chunk, (size_t)n);
		if (in->len > HTD_REQUEST_MAX)
			break;
	}
	sodium_memzero(chunk, sizeof(chunk));
	if (in->failed)
		return tk_error(EX_OSERR, "out of memory");
	if (in->len > HTD_REQUEST_MAX)
		return tk_error(EX_DATAERR, "standard input is longer than %d bytes",
		                HTD_REQUEST_MAX);
	return 0;
}

/* The command line the daemon gets: the global options in a canonical
 * form (getopt_long also takes abbreviations; --socket stays here), then
 * the command and its arguments as given. */
static int
forward_argv(const struct ctl *ctl, int argc, char **argv, const char ***fwd)
{
	const char **v = calloc((size_t)argc + FWD_GLOBALS + 1, sizeof(*v));
	int n = 0;

	if (v == NULL)
		return -1;
	if (ctl->json)
		v[n++] = "--json";
	if (ctl->paths_given & TK_GAVE_DB) {
		v[n++] = "--db";
		v[n++] = ctl->db;
	}
	if (ctl->paths_given & TK_GAVE_KEY) {
		v[n++] = "--keyfile";
		v[n++] = ctl->keyfile;
	}
	if (ctl->wait_arg != NULL) {
		v[n++] = "--wait";
		v[n++] = ctl->wait_arg;
	}
	for (int i = 0; i < argc; i++)
		v[n++] = argv[i];
	*fwd = v;
	return n;
}

static int
connect_daemon(const char *path, int *fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path))
		return tk_usage("--socket: path too long");
	strcpy(sa.sun_path, path);
	if ((*fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return tk_error(EX_OSERR, "socket: %s", strerror(errno));
	if (connect(*fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return 0;
	if (errno == ENOENT || errno == ECONNREFUSED)
		tk_error(EX_UNAVAILABLE, "httptokend is not running (%s: %s); start it with "
		         "'systemctl enable --now httptokend.socket' (or 'httptokend "
		         "--foreground')", path, strerror(errno));
	else
		tk_error(EX_UNAVAILABLE, "cannot reach httptokend at %s: %s", path,
		         strerror(errno));
	close(*fd);
	return EX_UNAVAILABLE;
}

static int
exchange(const char *path, const struct jbuf *req, struct htd_reply *rep)
{
	const char *why = NULL;
	size_t len;
	char *buf;
	int fd = -1, rc, send_errno = 0;

	if ((rc = connect_daemon(path, &fd)) != 0)
		return rc;
	/* A daemon that refuses at once (busy) replies without reading the
	 * request: its reply is read even when sending failed. */
	if (htd_write_frame(fd, req) != 0)
		send_errno = errno;
	shutdown(fd, SHUT_WR);
	rc = htd_read_frame(fd, HTD_REPLY_MAX, -1, &buf, &len, &why);
	close(fd);
	if (rc != 0 && send_errno != 0)
		return tk_error(EX_UNAVAILABLE, "sending the request to httptokend: %s",
		                strerror(send_errno));
	if (rc != 0)
		return tk_error(EX_UNAVAILABLE, "httptokend gave no reply (%s); see its log",
		                why);
	rc = htd_reply_parse(buf, len, rep, &why);
	sodium_memzero(buf, len);
	free(buf);
	if (rc != 0)
		return tk_error(EX_PROTOCOL, "httptokend sent a malformed reply (%s)", why);
	return 0;
}

int
client_run(const struct ctl *ctl, int argc, char **argv)
{
	struct jbuf in = { 0 }, req = { 0 };
	const char *payload = NULL;
	struct htd_reply rep;
	const char **fwd = NULL;
	int n = 0, rc = 0;

	if (wants_stdin(argc, argv)) {
		rc = read_stdin(&in);
		payload = in.data != NULL ? in.data : "";
	}
	if (rc == 0 && (n = forward_argv(ctl, argc, argv, &fwd)) < 0)
		rc = tk_error(EX_OSERR, "out of memory");
	if (rc == 0) {
		htd_request_encode(&req, n, fwd, payload, in.len, out_stdout_ok());
		if (req.failed)
			rc = tk_error(EX_OSERR, "out of memory");
		else if (req.len - 4 > HTD_REQUEST_MAX)
			rc = tk_error(EX_USAGE, "the command is longer than httptokend takes "
			              "(%d bytes)", HTD_REQUEST_MAX);
	}
	if (rc == 0)
		rc = exchange(ctl->socket, &req, &rep);
	jbuf_free(&in);
	jbuf_free(&req);
	free(fwd);
	if (rc != 0)
		return rc;
	fflush(stdout);
	fflush(stderr);
	rc = (int)rep.exit;
	if (ht_write_all(STDOUT_FILENO, rep.out, rep.out_len) < 0) {
		int code = out_lost(rep.out, rep.out_len, errno);

		rc = rc == EX_OK ? code : rc;
	}
	(void)ht_write_all(STDERR_FILENO, rep.err, rep.err_len);
	htd_reply_free(&rep);
	return rc;
}

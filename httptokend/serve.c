/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One connection, in its own process: read the request whole (or give up
 * after HTD_READ_TIMEOUT_MS) before anything is opened or locked; run the
 * command line with tokenctl's own code for the peer the kernel names,
 * its stdin from the request and its stdout and stderr in memory; then,
 * the command done and its lock released, send one reply under a send
 * timeout. A caller that never reads its reply loses it, nothing else. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "json.h"
#include "proto.h"
#include "safefile.h"
#include "tokenctl.h"
#include "httptokend.h"

#define DEFAULT_WAIT_MS 10000

static void send_message(int fd, int code, const char *msg);

static void
send_reply(int fd, int code, const struct jbuf *out, const struct jbuf *err)
{
	struct jbuf b = { 0 };

	htd_reply_encode(&b, code, out->data ? out->data : "", out->len,
	                 err->data ? err->data : "", err->len);
	if (!b.failed && b.len - 4 > HTD_REPLY_MAX) {
		jbuf_free(&b);
		send_message(fd, EX_SOFTWARE, "the output is too large for a reply; run the "
		             "command as root directly on the store");
		return;
	}
	if (htd_write_frame(fd, &b) != 0)
		syslog(LOG_INFO, "reply not delivered: %s", strerror(errno));
	jbuf_free(&b);
}

static void
send_message(int fd, int code, const char *msg)
{
	struct jbuf out = { 0 }, err = { 0 };

	jbuf_puts(&err, "tokenctl: ");
	jbuf_puts(&err, msg);
	jbuf_puts(&err, "\n");
	send_reply(fd, code, &out, &err);
	jbuf_free(&err);
}

void
serve_refuse(int fd, int code, const char *msg)
{
	struct jbuf err = { 0 }, b = { 0 };

	jbuf_puts(&err, "tokenctl: httptokend is busy (");
	jbuf_puts(&err, msg);
	jbuf_puts(&err, "); try again\n");
	htd_reply_encode(&b, code, "", 0, err.data, err.len);
	/* Never waits: a full socket buffer just loses the reply. */
	if (htd_frame_seal(&b) == 0)
		(void)send(fd, b.data, b.len, MSG_DONTWAIT | MSG_NOSIGNAL);
	jbuf_free(&b);
	jbuf_free(&err);
}

/* Standard input of the command: the request's payload, or nothing. */
static int
stdin_from(const struct htd_request *req)
{
	int fd = memfd_create("tokenctl-stdin", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if ((req->in != NULL && ht_write_all(fd, req->in, req->in_len) != 0) ||
	    lseek(fd, 0, SEEK_SET) != 0 || dup2(fd, STDIN_FILENO) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
caller_of(struct ctl *ctl, const struct ucred *peer, const struct htd_options *o)
{
	caller_from_uid(&ctl->who, peer->uid, peer->gid);
	/* A user's request may not name files; root's may, as on the
	 * command line. */
	ctl->who.elevated = peer->uid != 0;
	ctl->serving = 1;
	ctl->db = o->db;
	ctl->keyfile = o->keyfile;
	ctl->wait_ms = DEFAULT_WAIT_MS;
	ctl->now = (int64_t)time(NULL);
}

/* Runs the request; the reply's parts land in out and err. */
static int
run(const struct htd_request *req, const struct ucred *peer, const struct htd_options *o,
    struct jbuf *out, struct jbuf *err)
{
	static char prog[] = "tokenctl";
	struct ctl ctl = { 0 };
	struct capture cap;
	char **argv;
	int rc, in;

	if ((argv = calloc((size_t)req->argc + 2, sizeof(*argv))) == NULL)
		return -1;
	argv[0] = prog;
	memcpy(argv + 1, req->argv, (size_t)req->argc * sizeof(*argv));
	caller_of(&ctl, peer, o);
	out_stdout_usable(req->stdout_ok);
	if ((in = stdin_from(req)) < 0 || capture_start(&cap, 0) != 0) {
		free(argv);
		return -1;
	}
	rc = tk_dispatch(&ctl, req->argc + 1, argv);
	if (capture_end(&cap, out, err) != 0)
		rc = -1;
	if (ftruncate(in, 0) != 0)
		rc = -1;
	close(in);
	free(argv);
	return rc;
}

static void
answer(int fd, const struct ucred *peer, const struct htd_options *o)
{
	struct jbuf out = { 0 }, err = { 0 };
	struct htd_request req;
	const char *why = NULL;
	char *buf;
	size_t len;
	int rc;

	if (htd_read_frame(fd, HTD_REQUEST_MAX, HTD_READ_TIMEOUT_MS, &buf, &len, &why) != 0) {
		syslog(LOG_INFO, "uid %u: request not read: %s", (unsigned)peer->uid, why);
		if (errno == EMSGSIZE)
			send_message(fd, EX_USAGE, "request refused: empty or over 64 KiB");
		else if (errno == ETIMEDOUT)
			send_message(fd, EX_USAGE, "request refused: not received within 5 s");
		return;
	}
	rc = htd_request_parse(buf, len, &req, &why);
	sodium_memzero(buf, len);
	free(buf);
	if (rc != 0) {
		char msg[128];

		syslog(LOG_INFO, "uid %u: malformed request: %s", (unsigned)peer->uid, why);
		snprintf(msg, sizeof(msg), "request refused: %s", why);
		send_message(fd, EX_USAGE, msg);
		return;
	}
	rc = run(&req, peer, o, &out, &err);
	htd_request_free(&req);
	if (rc < 0)
		send_message(fd, EX_OSERR, "httptokend could not run the command");
	else
		send_reply(fd, rc, &out, &err);
	jbuf_free(&out);
	jbuf_free(&err);
}

void
serve(int fd, const struct ucred *peer, const struct htd_options *o)
{
	struct timeval tv = { HTD_SEND_TIMEOUT_S, 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		_exit(EX_OSERR);
	answer(fd, peer, o);
	close(fd);
	_exit(0);
}

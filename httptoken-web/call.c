/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one way httptoken-web acts: a request to httptokend on its socket,
 * in the protocol tokenctl speaks (httptokend/proto.h). The daemon knows
 * this process by its uid (the web account); everything a user does runs
 * in their session, whose secret is the first line of stdin. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <sodium.h>

#include "proto.h"
#include "web.h"

static int
connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
web_call(const char *socket, const char *const *argv, int argc, const char *in,
         size_t in_len, struct web_reply *rep)
{
	struct jbuf req = { 0 };
	struct htd_reply r;
	const char *why = NULL;
	char *buf = NULL;
	size_t len;
	int fd, rc = -1;

	memset(rep, 0, sizeof(*rep));
	htd_request_encode(&req, argc, argv, in, in_len, 1);
	if (req.failed || (fd = connect_to(socket)) < 0) {
		jbuf_free(&req);
		return -1;
	}
	if (htd_write_frame(fd, &req) == 0 && shutdown(fd, SHUT_WR) == 0 &&
	    htd_read_frame(fd, HTD_REPLY_MAX, 30000, &buf, &len, &why) == 0) {
		if (htd_reply_parse(buf, len, &r, &why) == 0) {
			rep->exit = (int)r.exit;
			rep->out = r.out;
			rep->out_len = r.out_len;
			rep->err = r.err;
			rep->err_len = r.err_len;
			rc = 0;
		}
		sodium_memzero(buf, len);
		free(buf);
	}
	close(fd);
	jbuf_free(&req);
	return rc;
}

void
web_reply_free(struct web_reply *rep)
{
	struct htd_reply r = { rep->exit, rep->out, rep->err, rep->out_len, rep->err_len };

	htd_reply_free(&r);
	memset(rep, 0, sizeof(*rep));
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* See proto.h. Both ends share this file, so that what the client writes
 * is by construction what the daemon reads. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "proto.h"

/* Fields of an object may come in any order, each at most once. */
struct seen {
	unsigned version : 1, argv : 1, in : 1, out : 1, exit : 1, err : 1;
};

static int
parse_argv(struct jreader *r, struct htd_request *req)
{
	size_t cap = 8;

	if (json_punct(r, '[') != 0)
		return -1;
	if ((req->argv = calloc(cap + 1, sizeof(*req->argv))) == NULL)
		return -1;
	if (json_punct(r, ']') == 0)
		return 0;
	do {
		size_t len;

		if ((size_t)req->argc == cap) {
			char **p;

			if (cap >= HTD_ARGV_MAX)
				return -1;
			cap *= 2;
			if ((p = realloc(req->argv, (cap + 1) * sizeof(*p))) == NULL)
				return -1;
			req->argv = p;
		}
		if (json_string(r, &req->argv[req->argc], &len) != 0)
			return -1;
		req->argv[++req->argc] = NULL;
	} while (json_punct(r, ',') == 0);
	return json_punct(r, ']');
}

static int
request_field(struct jreader *r, const char *key, void *ctx, struct seen *s,
              const char **why)
{
	struct htd_request *req = ctx;

	if (strcmp(key, "version") == 0 && !s->version) {
		s->version = 1;
		*why = "version is not a small integer";
		return json_int(r, 0, 1000000, &req->version);
	}
	if (strcmp(key, "argv") == 0 && !s->argv) {
		s->argv = 1;
		*why = "argv is not an array of at most 4096 strings";
		return parse_argv(r, req);
	}
	if (strcmp(key, "stdin") == 0 && !s->in) {
		s->in = 1;
		*why = "stdin is not a string";
		return json_string(r, &req->in, &req->in_len);
	}
	if (strcmp(key, "stdout") == 0 && !s->out) {
		s->out = 1;
		*why = "stdout is not a boolean";
		return json_bool(r, &req->stdout_ok);
	}
	*why = "unknown or repeated field";
	return -1;
}

/* Walks "{ key: value, ... }", handing each key to field(). */
static int
parse_object(struct jreader *r, int (*field)(struct jreader *, const char *, void *,
                                             struct seen *, const char **),
             void *ctx, struct seen *s, const char **why)
{
	*why = "not a JSON object";
	if (json_punct(r, '{') != 0)
		return -1;
	if (json_punct(r, '}') == 0)
		return 0;
	do {
		char *key;
		size_t len;
		int rc;

		*why = "malformed field name";
		if (json_string(r, &key, &len) != 0 || json_punct(r, ':') != 0) {
			free(key);
			return -1;
		}
		rc = field(r, key, ctx, s, why);
		free(key);
		if (rc != 0)
			return -1;
		*why = "malformed object";
	} while (json_punct(r, ',') == 0);
	if (json_punct(r, '}') != 0)
		return -1;
	*why = "bytes after the object";
	return json_end(r);
}

int
htd_request_parse(const char *buf, size_t len, struct htd_request *req, const char **why)
{
	struct jreader r;
	struct seen s = { 0 };

	memset(req, 0, sizeof(*req));
	req->stdout_ok = 1;
	json_init(&r, buf, len);
	if (parse_object(&r, request_field, req, &s, why) != 0)
		goto bad;
	*why = "version or argv missing";
	if (!s.version || !s.argv)
		goto bad;
	*why = "unsupported protocol version";
	if (req->version != HTD_PROTO_VERSION)
		goto bad;
	*why = "empty argv";
	if (req->argc == 0)
		goto bad;
	return 0;
bad:
	htd_request_free(req);
	return -1;
}

void
htd_request_free(struct htd_request *req)
{
	for (int i = 0; req->argv != NULL && req->argv[i] != NULL; i++)
		free(req->argv[i]);
	free(req->argv);
	if (req->in != NULL) {
		sodium_memzero(req->in, req->in_len);
		free(req->in);
	}
	memset(req, 0, sizeof(*req));
	req->stdout_ok = 1;
}

static int
reply_field(struct jreader *r, const char *key, void *ctx, struct seen *s, const char **why)
{
	struct htd_reply *rep = ctx;
	long version;

	*why = "malformed reply field";
	if (strcmp(key, "version") == 0 && !s->version) {
		s->version = 1;
		return json_int(r, HTD_PROTO_VERSION, HTD_PROTO_VERSION, &version);
	}
	if (strcmp(key, "exit") == 0 && !s->exit) {
		s->exit = 1;
		return json_int(r, 0, 255, &rep->exit);
	}
	if (strcmp(key, "stdout") == 0 && !s->out) {
		s->out = 1;
		return json_string(r, &rep->out, &rep->out_len);
	}
	if (strcmp(key, "stderr") == 0 && !s->err) {
		s->err = 1;
		return json_string(r, &rep->err, &rep->err_len);
	}
	return -1;
}

int
htd_reply_parse(const char *buf, size_t len, struct htd_reply *rep, const char **why)
{
	struct jreader r;
	struct seen s = { 0 };

	memset(rep, 0, sizeof(*rep));
	json_init(&r, buf, len);
	if (parse_object(&r, reply_field, rep, &s, why) == 0 && s.version && s.exit &&
	    s.out && s.err)
		return 0;
	if (*why == NULL)
		*why = "incomplete reply";
	htd_reply_free(rep);
	return -1;
}

void
htd_reply_free(struct htd_reply *rep)
{
	if (rep->out != NULL) {
		sodium_memzero(rep->out, rep->out_len);
		free(rep->out);
	}
	free(rep->err);
	memset(rep, 0, sizeof(*rep));
}

/* Room for the length prefix, filled in by htd_write_frame. */
static void
frame_start(struct jbuf *b)
{
	jbuf_put(b, "\0\0\0\0", 4);
}

void
htd_request_encode(struct jbuf *b, int argc, const char *const *argv, const char *in,
                   size_t in_len, int stdout_ok)
{
	frame_start(b);
	jbuf_puts(b, "{\"version\":");
	jbuf_int(b, HTD_PROTO_VERSION);
	jbuf_puts(b, ",\"argv\":[");
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			jbuf_puts(b, ",");
		jbuf_str(b, argv[i], strlen(argv[i]));
	}
	jbuf_puts(b, "]");
	if (in != NULL) {
		jbuf_puts(b, ",\"stdin\":");
		jbuf_str(b, in, in_len);
	}
	if (!stdout_ok)
		jbuf_puts(b, ",\"stdout\":false");
	jbuf_puts(b, "}");
}

void
htd_reply_encode(struct jbuf *b, int exit_code, const char *out, size_t out_len,
                 const char *err, size_t err_len)
{
	frame_start(b);
	jbuf_puts(b, "{\"version\":");
	jbuf_int(b, HTD_PROTO_VERSION);
	jbuf_puts(b, ",\"exit\":");
	jbuf_int(b, exit_code);
	jbuf_puts(b, ",\"stdout\":");
	jbuf_str(b, out, out_len);
	jbuf_puts(b, ",\"stderr\":");
	jbuf_str(b, err, err_len);
	jbuf_puts(b, "}");
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads exactly len bytes before the deadline (-1: none). */
static int
read_exact(int fd, unsigned char *buf, size_t len, int64_t deadline, const char **why)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int wait = -1;
		ssize_t n;

		if (deadline >= 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0) {
				*why = "timed out";
				errno = ETIMEDOUT;
				return -1;
			}
			wait = (int)left;
		}
		if (poll(&pfd, 1, wait) < 0) {
			if (errno == EINTR)
				continue;
			*why = "poll failed";
			return -1;
		}
		if (pfd.revents == 0)
			continue;
		n = read(fd, buf + got, len - got);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			*why = "read failed";
			return -1;
		}
		if (n == 0) {
			*why = got == 0 && len == 4 ? "no data" : "truncated";
			errno = EPIPE;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

int
htd_read_frame(int fd, size_t max, int timeout_ms, char **buf, size_t *len,
               const char **why)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	unsigned char head[4];
	uint32_t n;
	char *p;

	*buf = NULL;
	if (read_exact(fd, head, sizeof(head), deadline, why) != 0)
		return -1;
	n = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 | (uint32_t)head[2] << 8 | head[3];
	if (n == 0 || n > max) {
		*why = "bad length";
		errno = EMSGSIZE;
		return -1;
	}
	if ((p = malloc(n)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	if (read_exact(fd, (unsigned char *)p, n, deadline, why) != 0) {
		sodium_memzero(p, n);
		free(p);
		return -1;
	}
	*buf = p;
	*len = n;
	return 0;
}

int
htd_frame_seal(const struct jbuf *b)
{
	uint32_t n;

	if (b->failed || b->len < 4 || b->len - 4 > 0xffffffffUL) {
		errno = ENOMEM;
		return -1;
	}
	n = (uint32_t)(b->len - 4);
	b->data[0] = (char)(n >> 24);
	b->data[1] = (char)(n >> 16);
	b->data[2] = (char)(n >> 8);
	b->data[3] = (char)n;
	return 0;
}

int
htd_write_frame(int fd, const struct jbuf *b)
{
	if (htd_frame_seal(b) != 0)
		return -1;
	for (size_t done = 0; done < b->len;) {
		/* MSG_NOSIGNAL: a peer that went away is an error, not SIGPIPE. */
		ssize_t w = send(fd, b->data + done, b->len - done, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

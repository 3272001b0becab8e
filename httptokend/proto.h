/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The protocol between tokenctl and httptokend: one request and one reply
 * per connection, each a frame of a 4-byte big-endian length followed by
 * that many bytes of JSON.
 *
 *   request  {"version":1,"argv":["--json","list"],"stdin":"...","stdout":true}
 *   reply    {"version":1,"exit":0,"stdout":"...","stderr":"..."}
 *
 * argv is the command line after the program name; "stdin" (optional) is
 * what the command reads on standard input; "stdout" (optional, default
 * true) is false when the caller has no writable standard output, so that
 * create refuses before making a token nobody could see. Nothing in a
 * request says who the caller is: the daemon asks the kernel. */
#ifndef HTD_PROTO_H
#define HTD_PROTO_H

#include <stddef.h>

#include "json.h"

#define HTD_PROTO_VERSION 1
#define HTD_REQUEST_MAX   65536            /* bytes of JSON */
#define HTD_REPLY_MAX     (64UL << 20)
#define HTD_ARGV_MAX      4096

struct htd_request {
	long version;
	int argc;
	char **argv;             /* argc strings and a NULL */
	char *in;                /* NULL when absent */
	size_t in_len;
	int stdout_ok;
};

struct htd_reply {
	long exit;
	char *out, *err;
	size_t out_len, err_len;
};

/* Parsers: 0, or -1 with *why saying what was wrong (static text). */
int htd_request_parse(const char *buf, size_t len, struct htd_request *req,
                      const char **why);
void htd_request_free(struct htd_request *req);
int htd_reply_parse(const char *buf, size_t len, struct htd_reply *rep, const char **why);
void htd_reply_free(struct htd_reply *rep);

void htd_request_encode(struct jbuf *b, int argc, const char *const *argv, const char *in,
                        size_t in_len, int stdout_ok);
void htd_reply_encode(struct jbuf *b, int exit_code, const char *out, size_t out_len,
                      const char *err, size_t err_len);

/* Framing. htd_read_frame reads one whole frame of at most max bytes
 * within timeout_ms (-1: no limit) from the moment it is called; returns
 * 0, or -1 with *why set (and errno where the system said why).
 * htd_write_frame writes a frame; the socket's SO_SNDTIMEO bounds it. */
int htd_read_frame(int fd, size_t max, int timeout_ms, char **buf, size_t *len,
                   const char **why);
int htd_write_frame(int fd, const struct jbuf *b);
/* Fills in the length prefix of an encoded frame; -1 when it cannot be
 * sent (allocation failed, or too large). */
int htd_frame_seal(const struct jbuf *b);

#endif

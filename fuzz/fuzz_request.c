/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: httptokend's request parser (and the reply parser the
 * client uses), on any bytes. Checks: no crash, leak or overread; what is
 * accepted is a version-1 request with at least one argument; and writing
 * an accepted request out again and reading it back gives the same
 * request (argv, stdin, stdout flag), so that client and daemon agree. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void
same_request(const struct htd_request *a, const struct htd_request *b)
{
	if (a->argc != b->argc || a->stdout_ok != b->stdout_ok || (a->in == NULL) != (b->in == NULL))
		abort();
	for (int i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], b->argv[i]) != 0)
			abort();
	if (a->in != NULL && (a->in_len != b->in_len || memcmp(a->in, b->in, a->in_len) != 0))
		abort();
}

static void
round_trip(const struct htd_request *req)
{
	struct htd_request again;
	struct jbuf b = { 0 };
	const char *why = NULL;

	htd_request_encode(&b, req->argc, (const char *const *)req->argv, req->in, req->in_len,
	                   req->stdout_ok);
	if (b.failed || htd_request_parse(b.data + 4, b.len - 4, &again, &why) != 0)
		abort();
	same_request(req, &again);
	htd_request_free(&again);
	jbuf_free(&b);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct htd_request req;
	struct htd_reply rep;
	const char *why = NULL;

	if (htd_request_parse((const char *)data, size, &req, &why) == 0) {
		if (req.version != HTD_PROTO_VERSION || req.argc < 1 || req.argv[req.argc] != NULL)
			abort();
		round_trip(&req);
		htd_request_free(&req);
	} else if (why == NULL) {
		abort();
	}
	if (htd_reply_parse((const char *)data, size, &rep, &why) == 0)
		htd_reply_free(&rep);
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tokenctl: manage HTTP access tokens. Decides who the caller is, runs one
 * command line (here, or through httptokend) with its output held in
 * memory, and prints that output once the command has returned: nothing
 * is written to a descriptor the caller controls while the writers' lock
 * is held, so a caller who stops reading cannot stall anyone's revoke. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "safefile.h"
#include "tokenctl.h"

#define DEFAULT_WAIT_S 10

static int
print_captured(const struct jbuf *out, const struct jbuf *err, int rc)
{
	int lost = out->len > 0 && ht_write_all(STDOUT_FILENO, out->data, out->len) < 0;
	int errnum = errno;

	if (err->len > 0)
		(void)ht_write_all(STDERR_FILENO, err->data, err->len);
	if (lost) {
		int code = out_lost(out->data, out->len, errnum);

		if (rc == EX_OK)
			rc = code;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	struct jbuf out = { 0 }, err = { 0 };
	struct ctl ctl = { 0 };
	struct capture cap;
	const char *env_socket;
	int rc;

	if (argc < 1)
		return EX_USAGE;
	/* The environment is cleaned before anything (even a passwd lookup)
	 * could consult it, should the binary be installed setuid. */
	privs_sanitize(getuid() != geteuid() || getgid() != getegid());
	caller_identify(&ctl.who);
	ctl.db = tk_default_db();
	ctl.keyfile = tk_default_key();
	ctl.wait_ms = DEFAULT_WAIT_S * 1000;
	ctl.now = (int64_t)time(NULL);
	env_socket = getenv("HTTPTOKEN_SOCKET");
	if (env_socket != NULL && env_socket[0] != '\0')
		ctl.socket = env_socket;
	audit_open();
	if (capture_start(&cap, 1) != 0) {
		fputs("tokenctl: cannot set up the output buffer\n", stderr);
		return EX_OSERR;
	}
	rc = tk_dispatch(&ctl, argc, argv);
	if (capture_end(&cap, &out, &err) != 0) {
		fputs("tokenctl: the command's output was lost\n", stderr);
		rc = rc == EX_OK ? EX_IOERR : rc;
	}
	rc = print_captured(&out, &err, rc);
	jbuf_free(&out);
	jbuf_free(&err);
	return rc;
}

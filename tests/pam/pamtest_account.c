/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The auth-then-account sequence through libpamtest (pam_wrapper's own
 * test library), with a conversation of our own that counts every
 * message: one handle, the operations in order, each expected result.
 *
 *   pamtest_account SERVICE USER TOKEN
 * SERVICE is the observation stack of pamenv.sh: the module's PAM_IGNORE
 * shows as the stub's PAM_MAXTRIES. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpamtest.h>

#include "pam_codes.h"
#include "tap.h"

struct answer {
	const char *password;
	unsigned prompts, others;
};

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp, void *appdata)
{
	struct answer *a = appdata;
	struct pam_response *r;

	if (n != 1 || msg[0]->msg_style != PAM_PROMPT_ECHO_OFF) {
		a->others += (unsigned)n;
		return PAM_CONV_ERR;
	}
	a->prompts++;
	r = calloc(1, sizeof(*r));
	if (r == NULL || (r->resp = strdup(a->password)) == NULL) {
		free(r);
		return PAM_BUF_ERR;
	}
	*resp = r;
	return PAM_SUCCESS;
}

/* Runs the cases in one handle and reports each one. */
static void
run(const char *what, const char *service, const char *user, const char *password,
    struct pam_testcase *cases, size_t n)
{
	struct answer a = { password, 0, 0 };
	enum pamtest_err perr = _pamtest_conv(service, user, conv, &a, cases, n, NULL);

	for (size_t i = 0; i < n; i++)
		ok(cases[i].op_rv == cases[i].expected_rv, "%s: step %zu gives %s (got %s)", what,
		   i + 1, pam_code_name(cases[i].expected_rv), pam_code_name(cases[i].op_rv));
	ok(perr == PAMTEST_ERR_OK, "%s: libpamtest reports %s", what, pamtest_strerror(perr));
	ok(a.prompts == 1 && a.others == 0, "%s: one prompt, no other message (%u, %u)",
	   what, a.prompts, a.others);
}

int
main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: pamtest_account SERVICE USER TOKEN\n");
		return 2;
	}
	{
		struct pam_testcase cases[] = {
			pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
			pam_test(PAMTEST_ACCOUNT, PAM_SUCCESS),
			pam_test(PAMTEST_SETCRED, PAM_SUCCESS),
		};
		run("owner's token", argv[1], argv[2], argv[3], cases, 3);
	}
	{
		struct pam_testcase cases[] = {
			pam_test(PAMTEST_AUTHENTICATE, PAM_AUTH_ERR),
		};
		run("another user", argv[1], "someone-else", argv[3], cases, 1);
	}
	{
		struct pam_testcase cases[] = {
			pam_test(PAMTEST_AUTHENTICATE, PAM_MAXTRIES),
			pam_test(PAMTEST_ACCOUNT, PAM_MAXTRIES),
		};
		run("ordinary password: ignored by auth and account", argv[1], argv[2],
		    "hunter2", cases, 2);
	}
	return done();
}

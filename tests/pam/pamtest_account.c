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

#include "conv.h"
#include "pam_codes.h"
#include "tap.h"

/* Runs the cases in one handle and reports each one. */
static void
run(const char *what, const char *service, const char *user, const char *password,
    struct pam_testcase *cases, size_t n)
{
	struct conv_answer a = conv_answer_of(password);
	enum pamtest_err perr = _pamtest_conv(service, user, conv_answer_password, &a, cases, n,
	                                      NULL);

	for (size_t i = 0; i < n; i++)
		is_named(cases[i].op_rv, cases[i].expected_rv, pam_code_name, "%s: step %zu gives %s",
		         what, i + 1, pam_code_name(cases[i].expected_rv));
	ok(perr == PAMTEST_ERR_OK, "%s: libpamtest reports %s", what, pamtest_strerror(perr));
	is_int(a.prompts, 1, "%s: one prompt", what);
	is_int(a.others, 0, "%s: no other message", what);
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

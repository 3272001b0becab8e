/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A stand-in for the modules stacked around pam_httptoken in the tests.
 *
 *   prompt      ask for the password as pam_unix does (pam_get_authtok),
 *               leaving it in PAM_AUTHTOK for the modules after it
 *   set=TEXT    put TEXT in PAM_AUTHTOK without asking
 *   rc=NAME     what to return: success, ignore, auth_err or maxtries
 *               (default maxtries: a code no other module here gives, so
 *               a result of PAM_MAXTRIES proves the stack reached this
 *               module)
 */
#include "config.h"

#include <string.h>

#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#include <security/pam_ext.h>
#include <security/pam_modules.h>

static int
code_of(const char *name)
{
	if (strcmp(name, "success") == 0)
		return PAM_SUCCESS;
	if (strcmp(name, "ignore") == 0)
		return PAM_IGNORE;
	if (strcmp(name, "auth_err") == 0)
		return PAM_AUTH_ERR;
	return PAM_MAXTRIES;
}

static int
run(pam_handle_t *pamh, int argc, const char **argv)
{
	int rc = PAM_MAXTRIES;

	for (int i = 0; i < argc; i++) {
		const char *tok = NULL;

		if (strcmp(argv[i], "prompt") == 0) {
			if (pam_get_authtok(pamh, PAM_AUTHTOK, &tok, NULL) != PAM_SUCCESS)
				return PAM_AUTH_ERR;
		} else if (strncmp(argv[i], "set=", 4) == 0) {
			if (pam_set_item(pamh, PAM_AUTHTOK, argv[i] + 4) != PAM_SUCCESS)
				return PAM_SYSTEM_ERR;
		} else if (strncmp(argv[i], "rc=", 3) == 0) {
			rc = code_of(argv[i] + 3);
		}
	}
	return rc;
}

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	return run(pamh, argc, argv);
}

PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}

PAM_EXTERN int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	return run(pamh, argc, argv);
}

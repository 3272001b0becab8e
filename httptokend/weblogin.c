/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Logging in to the web page: who may ask (the web account and root, so
 * that no local user gains a way to try other people's passwords), and
 * the password check itself, through the PAM service httptoken-web. */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>
#include <sodium.h>

#include "websession.h"

int
ws_may_open(const struct ws_config *c, uid_t peer)
{
	struct passwd *pw;

	if (peer == 0)
		return 1;
	pw = getpwnam(c->web_user);
	return pw != NULL && pw->pw_uid == peer && peer != 0;
}

struct answer {
	const char *password;
};

/* Answers the password prompts with the password, and nothing else. */
static int
conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct pam_response *r;

	if (n <= 0 || n > PAM_MAX_NUM_MSG || (r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_CONV_ERR;
	for (int i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF) {
			if ((r[i].resp = strdup(((const struct answer *)data)->password)) == NULL)
				goto fail;
		} else if (msg[i]->msg_style != PAM_ERROR_MSG && msg[i]->msg_style != PAM_TEXT_INFO) {
			goto fail;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (int i = 0; i < n; i++) {
		if (r[i].resp != NULL) {
			sodium_memzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	}
	free(r);
	return PAM_CONV_ERR;
}

/* 0 when the password is right and the account may log in now. */
int
ws_authenticate(const struct ws_config *c, const char *user, const char *password)
{
	struct answer a = { password };
	struct pam_conv pc = { conv, &a };
	pam_handle_t *h = NULL;
	int rc;

	/* --pam-dir: the service from a directory of the administrator's
	 * choosing (root's option), as the tests run it. */
	if ((c->pam_dir != NULL ? pam_start_confdir(WS_PAM_SERVICE, user, &pc, c->pam_dir, &h)
	                        : pam_start(WS_PAM_SERVICE, user, &pc, &h)) != PAM_SUCCESS)
		return -1;
	(void)pam_set_item(h, PAM_RUSER, "httptoken-web");
	rc = pam_authenticate(h, PAM_DISALLOW_NULL_AUTHTOK);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(h, PAM_DISALLOW_NULL_AUTHTOK);
	pam_end(h, rc);
	return rc == PAM_SUCCESS ? 0 : -1;
}

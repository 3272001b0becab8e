/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Logging in to the web page: who may ask (the web account the policy
 * names, and root, so that no local user gains a way to try other
 * people's passwords), and the password check itself, through the PAM
 * service httptoken-web. */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <syslog.h>

#include <security/pam_appl.h>
#include <sodium.h>

#include "key.h"
#include "policy.h"
#include "store.h"
#include "websession.h"

int
ws_settings(const struct ws_config *base, const char *db, const char *keyfile,
            struct ws_config *out, struct jbuf *err)
{
	struct ht_error e = { 0 };
	struct ht_store *st = NULL;
	struct ht_policy pol;
	struct ht_key key;
	enum ht_status s;

	*out = *base;
	if ((s = ht_key_load(keyfile, &key, &e)) == HT_OK) {
		if ((s = ht_store_open(db, &key, &st, &e)) == HT_OK) {
			s = ht_store_get_policy(st, &pol, &e);
			ht_store_close(st);
		}
		ht_key_wipe(&key);
	}
	if (s != HT_OK) {
		syslog(LOG_ERR, "web sessions refused: the policy cannot be read: %s", e.msg);
		jbuf_puts(err, "tokenctl: the token store cannot be read: web sessions are not "
		          "available\n");
		return EX_UNAVAILABLE;
	}
	snprintf(out->web_user, sizeof(out->web_user), "%s",
	         pol.web_user[0] != '\0' ? pol.web_user : HT_WEB_USER_DEFAULT);
	out->web_uid = pol.web_uid;
	out->idle_s = (int)pol.session_minutes * 60;
	return 0;
}

int
ws_may_open(const struct ws_config *c, uid_t peer)
{
	struct passwd *pw;

	if (peer == 0)
		return 1;
	pw = getpwnam(c->web_user);
	/* Named in the policy, the account is also its uid then: one deleted
	 * and re-created under the name opens nothing. */
	return pw != NULL && pw->pw_uid == peer &&
	       (c->web_uid == HT_UID_UNKNOWN || c->web_uid == (uint32_t)peer);
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

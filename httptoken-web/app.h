/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the pages of httptoken-web share: the request, the calls made in
 * the user's session (main.c), and the pages for project and repository
 * administrators (admin.c, view_admin.c). */
#ifndef HTTPTOKEN_WEB_APP_H
#define HTTPTOKEN_WEB_APP_H

#include "web.h"

#define CSRF_HEX 64

struct req {
	const char *self;            /* SCRIPT_NAME: where forms post */
	const char *socket;
	char secret[WEB_SECRET_LEN + 1];
	int has_secret;
	struct web_fields form;
};

/* main.c */
void csrf_of(const char *secret, char out[CSRF_HEX + 1]);
/* A command run in the session (nonce: a form's, or NULL): 0 and the
 * reply, or -1 when the daemon could not be reached. */
int in_session(const struct req *r, const char *nonce, const char *const *args, int nargs,
               struct web_reply *rep);
/* A fresh nonce: 0, -1 when the session is gone, -2 when the daemon is. */
int new_nonce(const struct req *r, char nonce[40]);
void first_error(const struct web_reply *rep, char *buf, size_t size);
int is_token_line(const struct web_reply *rep);
/* The arguments of a form's command (at most FORM_ARGS_MAX), or -1 when
 * the form is not one of ours; scope: the page's, or NULL for "My tokens".
 * The "only" field's scopes are split into scratch, which the arguments
 * point into. */
#define FORM_ARGS_MAX 48
int form_command(const struct web_fields *f, const char *action, const char *scope,
                 const char **args, char scratch[WEB_VALUE_MAX + 1]);
/* The login page after a failed new_nonce (its result rc). */
void session_gone(const struct req *r, int rc);

/* admin.c: what the user administers (n < 0: could not be read). */
int admin_scopes(const struct req *r, struct web_scope *s, int max);
/* GET ?scope=S[&edit=ID] */
void admin_page(const struct req *r, const char *scope, const char *edit);
/* A POST of a form that carries a scope, its CSRF value checked. */
void admin_act(const struct req *r, const char *scope);

#endif

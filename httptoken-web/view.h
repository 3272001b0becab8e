/* SPDX-License-Identifier: GPL-3.0-or-later */
/* httptoken-web's pages: the login form and "My tokens" (view.c), the
 * pages of project and repository administrators (view_admin.c). */
#ifndef HTTPTOKEN_WEB_VIEW_H
#define HTTPTOKEN_WEB_VIEW_H

#include "web.h"

void view_login(const char *self, const char *status, const char *cookie, const char *msg);
/* n < 0: the list could not be read. token: a new token to show once.
 * The caller ends the page (page_end), after view_scopes. */
void view_tokens(const char *self, const char *status, const char *cookie, const char *cls,
                 const char *msg, const char *token, const struct web_token *t, int n,
                 const char *csrf, const char *nonce);
/* The parts the pages share. */
void view_hidden(const char *action, const char *csrf, const char *nonce);
void view_form_open(const char *self);
void view_new_token(const char *token);
void view_cell(const char *label, const char *value);
void view_scope_field(const char *scope);
/* A labelled text input; its name is the part of id after a '-'. */
void view_text_field(const char *id, const char *label, const char *value, int required,
                     int max);
void view_perm_select(const char *id, const char *current);
/* The rotate and revoke buttons of a token; scope: the page's, or NULL. */
void view_token_actions(const char *self, const struct web_token *t, const char *scope,
                        const char *csrf, const char *nonce);

/* view_admin.c. n < 0: could not be read. */
void view_scopes(const char *self, const struct web_scope *s, int n);
struct view_scope {
	const char *scope;
	const struct web_token *tokens;
	int n;
	const struct web_token *editing;   /* the token whose edit form is open */
};
void view_scope(const char *self, const char *status, const char *cls, const char *msg,
                const char *token, const struct view_scope *v, const char *csrf,
                const char *nonce);
/* A refusal or an error, with the way back. */
void view_status(const char *self, const char *status, const char *msg);

#endif

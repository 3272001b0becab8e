/* SPDX-License-Identifier: GPL-3.0-or-later */
/* httptoken-web's two pages (view.c): the login form and "My tokens". */
#ifndef HTTPTOKEN_WEB_VIEW_H
#define HTTPTOKEN_WEB_VIEW_H

#include "web.h"

void view_login(const char *self, const char *status, const char *cookie, const char *msg);
/* n < 0: the list could not be read. token: a new token to show once. */
void view_tokens(const char *self, const char *status, const char *cookie, const char *cls,
                 const char *msg, const char *token, const struct web_token *t, int n,
                 const char *csrf, const char *nonce);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pages of project and repository administrators: a scope's tokens,
 * and creating, editing, rotating and revoking them. What a user
 * administers comes from `tokenctl project|repo list --mine` run in the
 * session; a scope not in it gets one refusal (whether it exists or not)
 * before anything runs, and tokenctl checks the role again on every
 * command. */
#include "config.h"

#include <string.h>
#include <sysexits.h>

#include <sodium.h>

#include "app.h"
#include "page.h"
#include "view.h"
#include "web.h"

#define REFUSED "You do not administer that project or repository, or it is not " \
	"registered: nothing was done."

static int
scopes_of(const struct req *r, const char *what, struct web_scope *s, int max)
{
	const char *args[] = { "--json", what, "list", "--mine" };
	struct web_reply rep;
	int n = -1;

	if (in_session(r, NULL, args, 4, &rep) != 0)
		return -1;
	if (rep.exit != 0 || web_scopes_parse(rep.out, rep.out_len, s, max, &n) != 0)
		n = -1;
	web_reply_free(&rep);
	return n;
}

int
admin_scopes(const struct req *r, struct web_scope *s, int max)
{
	int projects = scopes_of(r, "project", s, max), repos;

	if (projects < 0 || (repos = scopes_of(r, "repo", s + projects, max - projects)) < 0)
		return -1;
	return projects + repos;
}

/* 1 or 0; -1 when the list could not be read (the session ended). */
static int
administers(const struct req *r, const char *scope)
{
	static struct web_scope s[WEB_SCOPES_MAX];
	int n = admin_scopes(r, s, WEB_SCOPES_MAX);

	for (int i = 0; i < n; i++)
		if (strcmp(s[i].scope, scope) == 0)
			return 1;
	return n < 0 ? -1 : 0;
}

/* The tokens of scope (a project's include its repositories'). */
static int
tokens_of(const struct req *r, const char *scope, struct web_token *t, int max)
{
	const char *args[] = { "--json", "list", strchr(scope, '/') != NULL ? "--repo" : "--project",
	                       scope };
	struct web_reply rep;
	int n = -1;

	if (in_session(r, NULL, args, 4, &rep) != 0)
		return -1;
	if (rep.exit != 0 || web_list_parse(rep.out, rep.out_len, 0, t, max, &n) != 0)
		n = -1;
	web_reply_free(&rep);
	return n;
}

/* The page of scope, the user's administering it checked. */
static void
scope_page(const struct req *r, const char *scope, const char *edit, const char *status,
           const char *cls, const char *msg, const char *token)
{
	static struct web_token list[WEB_LIST_MAX];
	struct view_scope v = { scope, list, 0, NULL };
	char nonce[40], csrf[CSRF_HEX + 1];
	int rc;

	if ((rc = new_nonce(r, nonce)) != 0) {
		session_gone(r, rc);
		return;
	}
	if (administers(r, scope) != 1) {
		view_status(r->self, "403 Forbidden", REFUSED);
		return;
	}
	v.n = tokens_of(r, scope, list, WEB_LIST_MAX);
	for (int i = 0; edit != NULL && i < v.n; i++)
		if (strcmp(list[i].id, edit) == 0 && strcmp(list[i].status, "revoked") != 0)
			v.editing = &list[i];
	if (edit != NULL && v.editing == NULL) {
		view_status(r->self, "404 Not Found", "No such token in this project or "
		            "repository, or it is revoked.");
		return;
	}
	csrf_of(r->secret, csrf);
	view_scope(r->self, status, cls, msg, token, &v, csrf, nonce);
	sodium_memzero(csrf, sizeof(csrf));
}

void
admin_page(const struct req *r, const char *scope, const char *edit)
{
	scope_page(r, scope, edit, "200 OK", NULL, NULL, NULL);
}

/* What the page says after the command ran. */
static void
answer(const struct req *r, const char *scope, const char *const *args,
       struct web_reply *rep)
{
	char msg[256];

	if (rep->exit == EX_NOPERM && strstr(rep->err != NULL ? rep->err : "",
	                                     "not logged in") != NULL) {
		scope_page(r, scope, NULL, "409 Conflict", "error", "That form was already used "
		           "(a reload or a second click), or your session ended: nothing was done.",
		           NULL);
	} else if (rep->exit != 0) {
		first_error(rep, msg, sizeof(msg));
		scope_page(r, scope, NULL, rep->exit == EX_NOPERM ? "403 Forbidden"
		           : "400 Bad Request", "error", msg, NULL);
	} else if (strcmp(args[0], "revoke") == 0 || strcmp(args[0], "edit") == 0) {
		snprintf(msg, sizeof(msg), "Token %s is %s.", args[1],
		         args[0][0] == 'r' ? "revoked" : "updated");
		scope_page(r, scope, NULL, "200 OK", "note", msg, NULL);
	} else if (is_token_line(rep)) {
		rep->out[rep->out_len - 1] = '\0';
		scope_page(r, scope, NULL, "200 OK", "note", NULL, rep->out);
	} else {
		scope_page(r, scope, NULL, "502 Bad Gateway", "error", "The token service gave an "
		           "unexpected answer; look at the tokens below before trying again.", NULL);
	}
}

void
admin_act(const struct req *r, const char *scope)
{
	const char *action = web_field(&r->form, "action"), *nonce = web_field(&r->form, "nonce");
	const char *args[FORM_ARGS_MAX];
	char scratch[WEB_VALUE_MAX + 1];
	struct web_reply rep;
	int n, rc;

	/* Refused before the nonce is spent: a forged scope does nothing. */
	if ((rc = administers(r, scope)) != 1) {
		if (rc < 0)
			session_gone(r, -1);
		else
			view_status(r->self, "403 Forbidden", REFUSED);
		return;
	}
	if ((n = form_command(&r->form, action, scope, args, scratch)) < 0) {
		scope_page(r, scope, NULL, "400 Bad Request", "error", "That form was incomplete: "
		           "nothing was done.", NULL);
		return;
	}
	if (in_session(r, nonce, args, n, &rep) != 0) {
		page_plain("503 Service Unavailable", "The token service is not running; try "
		           "again later.");
		return;
	}
	answer(r, scope, args, &rep);
	web_reply_free(&rep);
}

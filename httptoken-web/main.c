/* SPDX-License-Identifier: GPL-3.0-or-later */
/* httptoken-web: a CGI program, run as its own account (httptoken-web),
 * that lets people manage their personal tokens in a browser. It holds no
 * key and opens no store: it logs a user in through httptokend (session
 * open, PAM service httptoken-web) and runs that user's commands in the
 * session (tokenctl --session -). The session secret lives in the cookie
 * __Host-httptoken; every form carries a CSRF value derived from it and a
 * single-use nonce that httptokend keeps, so that a forged, replayed or
 * reloaded form does nothing. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include <sodium.h>

#include "app.h"
#include "page.h"
#include "token.h"
#include "view.h"
#include "web.h"

/* The CSRF value of a session: a keyed hash with the secret as key. A
 * page elsewhere cannot compute it, as it cannot read the cookie. */
void
csrf_of(const char *secret, char out[CSRF_HEX + 1])
{
	static const char what[] = "httptoken-web form";
	unsigned char h[CSRF_HEX / 2];

	crypto_generichash(h, sizeof(h), (const unsigned char *)what, sizeof(what) - 1,
	                   (const unsigned char *)secret, WEB_SECRET_LEN);
	sodium_bin2hex(out, CSRF_HEX + 1, h, sizeof(h));
}

/* httptokend's reply to a command run in the session. in: the secret, the
 * nonce if any. */
int
in_session(const struct req *r, const char *nonce, const char *const *args, int nargs,
           struct web_reply *rep)
{
	const char *argv[FORM_ARGS_MAX + 4];
	char in[WEB_SECRET_LEN + 64];
	int n = 0, rc;

	if (nargs > FORM_ARGS_MAX)
		return -1;
	argv[n++] = "--session";
	argv[n++] = "-";
	if (nonce != NULL) {
		argv[n++] = "--nonce";
		argv[n++] = "-";
	}
	memcpy(argv + n, args, (size_t)nargs * sizeof(*argv));
	n += nargs;
	snprintf(in, sizeof(in), "%s\n%s%s", r->secret, nonce != NULL ? nonce : "",
	         nonce != NULL ? "\n" : "");
	rc = web_call(r->socket, argv, n, in, strlen(in), rep);
	sodium_memzero(in, sizeof(in));
	return rc;
}

int
new_nonce(const struct req *r, char nonce[40])
{
	static const char *const argv[] = { "session", "nonce" };
	struct web_reply rep;
	char in[WEB_SECRET_LEN + 2];
	int ok;

	snprintf(in, sizeof(in), "%s\n", r->secret);
	if (web_call(r->socket, argv, 2, in, strlen(in), &rep) != 0)
		return -2;
	ok = rep.exit == 0 && rep.out_len == 33 && rep.out[32] == '\n';
	if (ok) {
		memcpy(nonce, rep.out, 32);
		nonce[32] = '\0';
	}
	web_reply_free(&rep);
	return ok ? 0 : -1;
}

/* The "My tokens" page; token: a token just made, shown once. */
static void
show_tokens(const struct req *r, const char *cookie, const char *status, const char *cls,
            const char *msg, const char *token)
{
	static const char *const args[] = { "--json", "list" };
	static struct web_token list[WEB_LIST_MAX];
	static struct web_scope scopes[WEB_SCOPES_MAX];
	struct web_reply rep;
	char nonce[40], csrf[CSRF_HEX + 1];
	int n = 0, nscopes, rc;

	if ((rc = new_nonce(r, nonce)) != 0) {
		session_gone(r, rc);
		return;
	}
	if (in_session(r, NULL, args, 2, &rep) != 0 || rep.exit != 0 ||
	    web_list_parse(rep.out, rep.out_len, 1, list, WEB_LIST_MAX, &n) != 0) {
		n = -1;
	}
	if (rep.out != NULL || rep.err != NULL)
		web_reply_free(&rep);
	nscopes = admin_scopes(r, scopes, WEB_SCOPES_MAX);
	csrf_of(r->secret, csrf);
	view_tokens(r->self, status, cookie, cls, msg, token, list, n, csrf, nonce);
	view_scopes(r->self, scopes, nscopes);
	page_end();
	sodium_memzero(csrf, sizeof(csrf));
}

void
session_gone(const struct req *r, int rc)
{
	view_login(r->self, rc == -2 ? "503 Service Unavailable" : "200 OK",
	           rc == -2 ? NULL : "",
	           rc == -2 ? "The token service is not running; try again later." :
	           "Your session has ended. Log in again.");
}

/* The first line of a command's stderr, without "tokenctl: ". */
void
first_error(const struct web_reply *rep, char *buf, size_t size)
{
	const char *s = rep->err != NULL ? rep->err : "";
	size_t n;

	if (strncmp(s, "tokenctl: ", 10) == 0)
		s += 10;
	n = strcspn(s, "\n");
	snprintf(buf, size, "%.*s", (int)n, s);
	if (buf[0] == '\0')
		snprintf(buf, size, "The command failed.");
}

static int
digits(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
id_ok(const char *s)
{
	if (s == NULL || strlen(s) != 16)
		return 0;
	for (int i = 0; i < 16; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* The arguments of a form's command, or -1 when the form is not one of
 * ours. scope: the project or repository page's (create makes a token of
 * it; edit is only there), or NULL for "My tokens". */
/* The "only" field, "KEY, KEY/slug ..." (commas or spaces between), as
 * one --only per scope; tokenctl checks each and their number (one more
 * than it takes is passed on, for its message). */
static int
only_args(const char *only, const char **args, int n, char scratch[WEB_VALUE_MAX + 1])
{
	char *save = NULL, *word;

	snprintf(scratch, WEB_VALUE_MAX + 1, "%s", only);
	for (word = strtok_r(scratch, ", ", &save); word != NULL;
	     word = strtok_r(NULL, ", ", &save)) {
		if (n + 2 > FORM_ARGS_MAX)
			return -1;
		args[n++] = "--only";
		args[n++] = word;
	}
	return n;
}

int
form_command(const struct web_fields *f, const char *action, const char *scope,
             const char **args, char scratch[WEB_VALUE_MAX + 1])
{
	const char *name = web_field(f, "name"), *perm = web_field(f, "perm");
	const char *days = web_field(f, "expires"), *id = web_field(f, "id");
	const char *uses = web_field(f, "uses"), *only = web_field(f, "only");
	int n = 0;

	if (strcmp(action, "revoke") == 0 || strcmp(action, "rotate") == 0) {
		if (!id_ok(id))
			return -1;
		args[n++] = action;
		args[n++] = id;
		return n;
	}
	if (strcmp(action, "create") == 0 && name != NULL && perm != NULL && days != NULL) {
		args[n++] = "create";
		if (scope != NULL) {
			args[n++] = strchr(scope, '/') != NULL ? "--repo" : "--project";
			args[n++] = scope;
		}
	} else if (strcmp(action, "edit") == 0 && scope != NULL && id_ok(id) && name != NULL &&
	           perm != NULL) {
		args[n++] = "edit";
		args[n++] = id;
	} else {
		return -1;
	}
	args[n++] = "--name";
	args[n++] = name;
	args[n++] = "--perm";
	args[n++] = perm;
	if (days != NULL && days[0] != '\0') {
		if (!digits(days, 5))
			return -1;
		args[n++] = "--expires";
		args[n++] = days;
	}
	if (uses != NULL && uses[0] != '\0') {
		args[n++] = "--use";
		args[n++] = uses;
	}
	/* --only narrows a personal token; a scope's page has no such field. */
	if (only != NULL && only[0] != '\0') {
		if (scope != NULL || strcmp(args[0], "create") != 0)
			return -1;
		n = only_args(only, args, n, scratch);
	}
	return n;
}

int
is_token_line(const struct web_reply *rep)
{
	return rep->out_len == HT_TOKEN_LEN + 1 && strncmp(rep->out, "htk_", 4) == 0 &&
	       rep->out[HT_TOKEN_LEN] == '\n';
}

static void
act(struct req *r)
{
	const char *action = web_field(&r->form, "action");
	const char *csrf = web_field(&r->form, "csrf"), *nonce = web_field(&r->form, "nonce");
	const char *args[FORM_ARGS_MAX];
	char want[CSRF_HEX + 1], msg[256], scratch[WEB_VALUE_MAX + 1];
	struct web_reply rep;
	int n;

	csrf_of(r->secret, want);
	if (csrf == NULL || strlen(csrf) != CSRF_HEX || nonce == NULL ||
	    sodium_memcmp(csrf, want, CSRF_HEX) != 0) {
		sodium_memzero(want, sizeof(want));
		show_tokens(r, NULL, "403 Forbidden", "error", "This form did not come from this "
		            "page, or it has expired: nothing was done. Use the form below.",
		            NULL);
		return;
	}
	sodium_memzero(want, sizeof(want));
	if (strcmp(action, "logout") == 0) {
		static const char *const close_argv[] = { "session", "close" };
		char in[WEB_SECRET_LEN + 2];

		snprintf(in, sizeof(in), "%s\n", r->secret);
		if (web_call(r->socket, close_argv, 2, in, strlen(in), &rep) == 0)
			web_reply_free(&rep);
		sodium_memzero(in, sizeof(in));
		view_login(r->self, "200 OK", "", "You are logged out.");
		return;
	}
	if (web_field(&r->form, "scope") != NULL) {
		admin_act(r, web_field(&r->form, "scope"));
		return;
	}
	if ((n = form_command(&r->form, action, NULL, args, scratch)) < 0) {
		show_tokens(r, NULL, "400 Bad Request", "error", "That form was incomplete: "
		            "nothing was done.", NULL);
		return;
	}
	if (in_session(r, nonce, args, n, &rep) != 0) {
		page_plain("503 Service Unavailable", "The token service is not running; try "
		           "again later.");
		return;
	}
	if (rep.exit == EX_NOPERM) {
		show_tokens(r, NULL, "409 Conflict", "error", "That form was already used (a "
		            "reload or a second click), or your session ended: nothing was done.",
		            NULL);
	} else if (rep.exit != 0) {
		first_error(&rep, msg, sizeof(msg));
		show_tokens(r, NULL, "400 Bad Request", "error", msg, NULL);
	} else if (args[0][0] == 'r' && args[0][1] == 'e') {
		snprintf(msg, sizeof(msg), "Token %s is revoked.", args[1]);
		show_tokens(r, NULL, "200 OK", "note", msg, NULL);
	} else if (is_token_line(&rep)) {
		rep.out[HT_TOKEN_LEN] = '\0';
		show_tokens(r, NULL, "200 OK", "note", NULL, rep.out);
	} else {
		show_tokens(r, NULL, "502 Bad Gateway", "error", "The token service gave an "
		            "unexpected answer; look at your tokens below before trying again.",
		            NULL);
	}
	web_reply_free(&rep);
}

static void
login(struct req *r)
{
	static const char *const argv[] = { "session", "open" };
	const char *user = web_field(&r->form, "user"), *pw = web_field(&r->form, "password");
	char in[2 * (WEB_VALUE_MAX + 1)], secret[WEB_SECRET_LEN + 1];
	struct web_reply rep;

	if (user == NULL || pw == NULL || user[0] == '\0' || pw[0] == '\0') {
		view_login(r->self, "400 Bad Request", NULL, "Give your user name and password.");
		return;
	}
	snprintf(in, sizeof(in), "%s\n%s\n", user, pw);
	if (web_call(r->socket, argv, 2, in, strlen(in), &rep) != 0) {
		sodium_memzero(in, sizeof(in));
		view_login(r->self, "503 Service Unavailable", NULL,
		           "The token service is not running; try again later.");
		return;
	}
	sodium_memzero(in, sizeof(in));
	if (rep.exit == 0 && rep.out_len == WEB_SECRET_LEN + 1) {
		memcpy(secret, rep.out, WEB_SECRET_LEN);
		secret[WEB_SECRET_LEN] = '\0';
		page_redirect(r->self, secret);
		sodium_memzero(secret, sizeof(secret));
	} else {
		view_login(r->self, "403 Forbidden", NULL, "The user name or password is wrong. "
		           "Use your login password (not a token); after several failures, "
		           "wait 15 minutes.");
	}
	web_reply_free(&rep);
}

/* A POST from another site, as the browser says: Sec-Fetch-Site where it
 * sends that, else the Origin. (With Referrer-Policy no-referrer, Chromium
 * sends "Origin: null" even for our own forms: that says nothing, and the
 * CSRF value and nonce still decide.) */
static int
cross_site(void)
{
	const char *origin = getenv("HTTP_ORIGIN"), *site = getenv("HTTP_SEC_FETCH_SITE");
	const char *host = getenv("HTTP_HOST");

	if (site != NULL)
		return strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0;
	if (origin != NULL && strcmp(origin, "null") != 0)
		return host == NULL || strncmp(origin, "https://", 8) != 0 ||
		       strcmp(origin + 8, host) != 0;
	return 0;
}

static void
post(struct req *r)
{
	const char *why = NULL, *action;

	/* The body is read first: a server may want it consumed. */
	if (web_body_read(0, getenv("CONTENT_TYPE"), getenv("CONTENT_LENGTH"), &r->form,
	                  &why) != 0 || (action = web_field(&r->form, "action")) == NULL) {
		page_plain("400 Bad Request", why != NULL ? why : "no action");
		return;
	}
	if (cross_site()) {
		page_plain("403 Forbidden", "This form was sent from another site: refused.");
		return;
	}
	if (strcmp(action, "login") == 0)
		login(r);
	else if (!r->has_secret)
		view_login(r->self, "403 Forbidden", NULL, "Your session has ended. Log in again.");
	else
		act(r);
}

int
main(void)
{
	const char *method = getenv("REQUEST_METHOD"), *https = getenv("HTTPS"), *page;
	struct web_fields q;
	struct req r = { 0 };

	umask(077);
	if (sodium_init() < 0)
		return 1;
	r.self = getenv("SCRIPT_NAME");
	r.socket = getenv("HTTPTOKEN_SOCKET");
	if (r.socket == NULL || r.socket[0] == '\0')
		r.socket = HT_DEFAULT_SOCKET;
	if (r.self == NULL || r.self[0] != '/' || method == NULL) {
		page_plain("500 Internal Server Error", "Run this program as a CGI.");
		return 0;
	}
	if (https == NULL || strcmp(https, "on") != 0) {
		page_plain("403 Forbidden", "Use https.");
		return 0;
	}
	r.has_secret = web_cookie_secret(getenv("HTTP_COOKIE"), r.secret) == 0;
	if (web_query_parse(getenv("QUERY_STRING"), &q) != 0) {
		page_plain("400 Bad Request", "Malformed query.");
	} else if (strcmp(method, "POST") == 0) {
		post(&r);
	} else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		page_plain("405 Method Not Allowed", "Only GET and POST.");
	} else if ((page = web_field(&q, "page")) != NULL && strcmp(page, "style") == 0) {
		page_css();
	} else if (page != NULL) {
		page_plain("404 Not Found", "No such page.");
	} else if (r.has_secret && web_field(&q, "scope") != NULL) {
		admin_page(&r, web_field(&q, "scope"), web_field(&q, "edit"));
	} else if (r.has_secret) {
		show_tokens(&r, NULL, "200 OK", NULL, NULL, NULL);
	} else {
		view_login(r.self, "200 OK", NULL, NULL);
	}
	fflush(stdout);
	sodium_memzero(&r, sizeof(r));
	return 0;
}

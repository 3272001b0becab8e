/* SPDX-License-Identifier: GPL-3.0-or-later */
/* httptoken-web, the CGI program behind the web page: its parsers (each
 * strict, bounded, and fuzzed), its HTML output, and its calls to
 * httptokend. The program holds no key and reads no store. */
#ifndef HTTPTOKEN_WEB_H
#define HTTPTOKEN_WEB_H

#include <stddef.h>
#include <stdio.h>

#define WEB_FIELDS_MAX  8            /* fields in a query or a form */
#define WEB_KEY_MAX     16
#define WEB_VALUE_MAX   600          /* bytes of a decoded value */
#define WEB_BODY_MAX    4096         /* bytes of a urlencoded body */
#define WEB_QUERY_MAX   512          /* ?scope=KEY/slug&edit=ID */
#define WEB_COOKIE_MAX  4096
#define WEB_SECRET_LEN  64           /* the session secret: hex */
#define WEB_COOKIE_NAME "__Host-httptoken"

struct web_field {
	char key[WEB_KEY_MAX + 1];
	char value[WEB_VALUE_MAX + 1];
};

struct web_fields {
	int n;
	struct web_field f[WEB_FIELDS_MAX];
};

/* urlenc.c: "k=v&k=v" (application/x-www-form-urlencoded) into fields:
 * keys are [a-z_], 1 to WEB_KEY_MAX, each at most once; values are
 * %-decoded ('+' is a space) and hold no control character. 0 or -1. */
int web_pairs_parse(const char *s, size_t len, struct web_fields *out);
/* The value of key, or NULL. */
const char *web_field(const struct web_fields *f, const char *key);

/* query.c: QUERY_STRING, at most WEB_QUERY_MAX bytes. */
int web_query_parse(const char *qs, struct web_fields *out);

/* body.c: a POST body of the form type, CONTENT_LENGTH bytes (at most
 * WEB_BODY_MAX) read from fd. 0, or -1 with *why. */
int web_body_read(int fd, const char *content_type, const char *content_length,
                  struct web_fields *out, const char **why);
int web_body_parse(const char *buf, size_t len, struct web_fields *out);

/* cookie.c: the session secret from an HTTP_COOKIE header: 0 and the 64
 * hex digits in secret, or -1 (absent, malformed, or given twice). */
int web_cookie_secret(const char *header, char secret[WEB_SECRET_LEN + 1]);

/* html.c: the one escaping function every value goes through. */
void web_html(FILE *f, const char *s);
void web_html_n(FILE *f, const char *s, size_t n);

/* call.c: one command sent to httptokend as this process (the web
 * account), its standard input in, the reply in rep (free with
 * web_reply_free). 0, or -1 when the daemon could not be reached. */
struct web_reply {
	int exit;
	char *out, *err;
	size_t out_len, err_len;
};
int web_call(const char *socket, const char *const *argv, int argc, const char *in,
             size_t in_len, struct web_reply *rep);
void web_reply_free(struct web_reply *rep);

/* list.c: the tokens of `tokenctl --json list`: the personal ones
 * (personal 1, "My tokens") or the project and repository ones (personal
 * 0, a scope's page). uses, only: the token's uses and --only scopes
 * joined by commas. */
#define WEB_LIST_MAX 500
#define WEB_SCOPE_MAX 257          /* KEY (128), "/", slug (128) */
struct web_token {
	char id[17];
	char kind[12];
	char scope[WEB_SCOPE_MAX + 1];
	char perm[8];
	char status[12];
	char created[32];
	char expires[32];
	char last_used[32];
	char uses[8 * 33 + 1];
	char only[16 * (WEB_SCOPE_MAX + 1) + 1];   /* a personal token's --only, whole */
	char name[WEB_VALUE_MAX + 1];
};
int web_list_parse(const char *json, size_t len, int personal, struct web_token *t, int max,
                   int *n);

/* list.c: the scopes of `tokenctl --json project|repo list --mine`, each
 * a project key or KEY/slug. */
#define WEB_SCOPES_MAX 200
struct web_scope {
	char scope[WEB_SCOPE_MAX + 1];
	char description[WEB_VALUE_MAX + 1];
};
int web_scopes_parse(const char *json, size_t len, struct web_scope *s, int max, int *n);

#endif

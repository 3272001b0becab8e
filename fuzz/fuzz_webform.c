/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: httptoken-web's parsers (form pairs, query string,
 * POST body, Cookie header, token list) and its HTML escaper, on any
 * bytes. Checks: no crash, leak or overread; every accepted field has a
 * key of [a-z_] and a value without control characters; a cookie secret
 * is 64 hex digits; the escaper's output holds no markup character. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void
fields_sane(const struct web_fields *f)
{
	for (int i = 0; i < f->n; i++) {
		if (f->f[i].key[0] == '\0' || strspn(f->f[i].key, "abcdefghijklmnopqrstuvwxyz_") !=
		    strlen(f->f[i].key))
			abort();
		for (const char *p = f->f[i].value; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
	}
}

static void
escaped_clean(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return;
	web_html_n(f, s, n);
	fclose(f);
	if (memchr(buf, '<', len) || memchr(buf, '>', len) || memchr(buf, '"', len) ||
	    memchr(buf, '\'', len) || memchr(buf, '`', len))
		abort();
	free(buf);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct web_token list[8];
	static struct web_scope scopes[8];
	char *s = malloc(size + 1), secret[WEB_SECRET_LEN + 1];
	struct web_fields f;
	int n;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (web_pairs_parse(s, size, &f) == 0)
		fields_sane(&f);
	if (web_body_parse(s, size, &f) == 0)
		fields_sane(&f);
	if (web_query_parse(s, &f) == 0)
		fields_sane(&f);
	if (web_cookie_secret(s, secret) == 0 &&
	    (strlen(secret) != WEB_SECRET_LEN ||
	     strspn(secret, "0123456789abcdef") != WEB_SECRET_LEN))
		abort();
	(void)web_list_parse(s, size, 1, list, 8, &n);
	(void)web_list_parse(s, size, 0, list, 8, &n);
	if (web_scopes_parse(s, size, scopes, 8, &n) == 0)
		for (int i = 0; i < n; i++)
			if (scopes[i].scope[0] == '\0' ||
			    strlen(scopes[i].scope) > WEB_SCOPE_MAX)
				abort();
	escaped_clean(s, size);
	free(s);
	return 0;
}

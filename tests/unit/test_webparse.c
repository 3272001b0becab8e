/* SPDX-License-Identifier: GPL-3.0-or-later */
/* httptoken-web's parsers and its HTML escaper: what our forms send is
 * read back exactly; anything a browser would not send for them, or that
 * is too large, repeated or malformed, is refused whole. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "web.h"

static const char *SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void
pairs(void)
{
	struct web_fields f;
	char big[WEB_VALUE_MAX + 20];

	is_int(web_pairs_parse("action=create&name=my+laptop%21&perm=read", 41, &f), 0,
	       "a form of ours parses");
	is_int(f.n, 3, "three fields");
	is_str(web_field(&f, "name"), "my laptop!", "'+' and %%21 decoded");
	is_str(web_field(&f, "perm"), "read", "a plain value");
	ok(web_field(&f, "id") == NULL, "an absent field is NULL");
	is_int(web_pairs_parse("name=%3Cscript%3E", 17, &f), 0, "escaped markup parses");
	is_str(web_field(&f, "name"), "<script>", "and is kept as text");
	is_int(web_pairs_parse("name=", 5, &f), 0, "an empty value");
	is_str(web_field(&f, "name"), "", "is empty");
	is_int(web_pairs_parse("", 0, &f), 0, "an empty form");
	is_int(f.n, 0, "has no fields");
	is_int(web_pairs_parse("name=%C3%A9", 11, &f), 0, "UTF-8 in a value");

	static const char *const bad[] = {
		"name", "=x", "name=a&name=b", "Name=x", "na-me=x", "name=%", "name=%4",
		"name=%zz", "name=%00", "name=%0a", "name=%7f", "name=a b", "name=a=b",
		"name=a&", "&name=a", "name=a&&perm=b", "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9",
		"abcdefghijklmnopq=1", "name=\xc3\xa9", "name=a\nb",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(web_pairs_parse(bad[i], strlen(bad[i]), &f), -1, "refused: '%s'", bad[i]);
	memset(big, 'a', sizeof(big));
	memcpy(big, "name=", 5);
	is_int(web_pairs_parse(big, 5 + WEB_VALUE_MAX, &f), 0, "a value of the largest size");
	is_int(web_pairs_parse(big, 5 + WEB_VALUE_MAX + 1, &f), -1, "one byte more is refused");
}

static void
query(void)
{
	struct web_fields f;
	char big[WEB_QUERY_MAX + 2];

	is_int(web_query_parse("page=style", &f), 0, "the stylesheet's query");
	is_str(web_field(&f, "page"), "style", "page=style");
	is_int(web_query_parse(NULL, &f), 0, "no query");
	is_int(web_query_parse("page=style&page=x", &f), -1, "a repeated key is refused");
	memset(big, 'a', sizeof(big));
	memcpy(big, "page=", 5);
	big[WEB_QUERY_MAX + 1] = '\0';
	is_int(web_query_parse(big, &f), -1, "an overlong query is refused");
	big[WEB_QUERY_MAX] = '\0';
	is_int(web_query_parse(big, &f), 0, "the longest query is taken");
}

/* web_body_read on a pipe holding data; *left gets how many bytes it
 * did not read (NULL: not asked). */
static int
body_left(const char *data, size_t len, const char *type, const char *length,
          struct web_fields *f, const char **why, size_t *left)
{
	char rest[64];
	int p[2], rc;
	ssize_t n;

	if (pipe(p) != 0 || write(p[1], data, len) != (ssize_t)len)
		abort();
	close(p[1]);
	rc = web_body_read(p[0], type, length, f, why);
	if (left != NULL)
		for (*left = 0; (n = read(p[0], rest, sizeof(rest))) > 0;)
			*left += (size_t)n;
	close(p[0]);
	return rc;
}

static int
body_from(const char *data, size_t len, const char *type, const char *length,
          struct web_fields *f, const char **why)
{
	return body_left(data, len, type, length, f, why, NULL);
}

static void
body(void)
{
	const char *form = "action=login&user=alice&password=p%26w";
	const char *t = "application/x-www-form-urlencoded", *why = NULL;
	char len[16];
	struct web_fields f;

	snprintf(len, sizeof(len), "%zu", strlen(form));
	is_int(body_from(form, strlen(form), t, len, &f, &why), 0, "a login form is read");
	is_str(web_field(&f, "password"), "p&w", "its password decoded");
	is_int(body_from(form, strlen(form), "application/x-www-form-urlencoded; charset=UTF-8",
	                 len, &f, &why), 0, "with a charset parameter");
	is_int(body_from(form, strlen(form), "multipart/form-data", len, &f, &why), -1,
	       "another type is refused");
	is_str(why, "not a form", "and says so");
	{
		size_t left = 1;

		body_left(form, strlen(form), "text/plain", len, &f, &why, &left);
		is_int((int)left, 0, "another type's body is read all the same (the server "
		       "may still be writing it)");
	}
	is_int(body_from(form, strlen(form), NULL, len, &f, &why), -1, "no type is refused");
	is_int(body_from(form, strlen(form), t, NULL, &f, &why), -1, "no length is refused");
	is_int(body_from(form, strlen(form), t, "-1", &f, &why), -1, "a negative length");
	is_int(body_from(form, strlen(form), t, "4097", &f, &why), -1, "a length over the bound");
	is_str(why, "the form is too large", "says too large");
	is_int(body_from(form, strlen(form), t, "99999999999", &f, &why), -1, "a huge length");
	is_int(body_from(form, 10, t, len, &f, &why), -1, "a body shorter than its length");
	is_str(why, "the form was cut short", "says cut short");
	is_int(body_from(form, strlen(form), t, "12", &f, &why), 0,
	       "only the stated length is read");
	is_int(f.n, 1, "one field of it");
	is_int(web_body_parse("name=a\0b", 8, &f), -1, "a NUL in the body is refused");
}

static void
cookie(void)
{
	char s[WEB_SECRET_LEN + 1], h[512];

	snprintf(h, sizeof(h), "__Host-httptoken=%s", SECRET);
	is_int(web_cookie_secret(h, s), 0, "our cookie alone");
	is_str(s, SECRET, "its secret");
	snprintf(h, sizeof(h), "theme=dark; __Host-httptoken=%s; x=\"y z\"", SECRET);
	is_int(web_cookie_secret(h, s), 0, "among others of the site");
	is_str(s, SECRET, "its secret again");
	snprintf(h, sizeof(h), "__Host-httptoken=%s; __Host-httptoken=%s", SECRET, SECRET);
	is_int(web_cookie_secret(h, s), -1, "given twice: refused");
	snprintf(h, sizeof(h), "__Host-httptoken=%.63s", SECRET);
	is_int(web_cookie_secret(h, s), -1, "one digit short: refused");
	snprintf(h, sizeof(h), "__Host-httptoken=%sa", SECRET);
	is_int(web_cookie_secret(h, s), -1, "one digit long: refused");
	snprintf(h, sizeof(h), "__Host-httptoken=%.63sG", SECRET);
	is_int(web_cookie_secret(h, s), -1, "a non-hex digit: refused");
	snprintf(h, sizeof(h), "httptoken=%s", SECRET);
	is_int(web_cookie_secret(h, s), -1, "without the __Host- prefix: not ours");
	snprintf(h, sizeof(h), "__Host-httptoken=%s\n", SECRET);
	is_int(web_cookie_secret(h, s), -1, "a control character: refused");
	is_int(web_cookie_secret("", s), -1, "an empty header");
	is_int(web_cookie_secret(NULL, s), -1, "no header");
}

static void
html(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	web_html(f, "<script>alert(\"x\" & 'y')</script>`\x01");
	fclose(f);
	is_str(buf, "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;&#96;"
	       "\xef\xbf\xbd", "markup, quotes and control characters are escaped");
	free(buf);
}

static void
list(void)
{
	static struct web_token t[4];
	const char *json = "[\n{\"id\":\"9b57630fd7a2f5f2\",\"kind\":\"personal\",\"owner\":\"a\","
		"\"owner_uid\":1000,\"scope\":null,\"perm\":\"read\",\"status\":\"active\","
		"\"created\":\"2026-11-29T11:47:04Z\",\"expires\":null,\"policy_refused\":false,"
		"\"name\":\"a\\\"b<\",\"uses\":[\"http\",\"login\"],\"only\":[]},\n"
		"{\"id\":\"0000000000000001\",\"kind\":\"project\",\"scope\":\"PROJ\","
		"\"uses\":[\"http\"],\"only\":[\"X\"],\"name\":\"p\"},\n"
		"{\"id\":\"0000000000000002\",\"kind\":\"repo\",\"scope\":\"PROJ/r\","
		"\"uses\":[],\"name\":\"r\"}\n]\n";
	int n;

	is_int(web_list_parse(json, strlen(json), 1, t, 4, &n), 0, "a list parses");
	is_int(n, 1, "personal tokens only");
	is_str(t[0].name, "a\"b<", "the name decoded");
	is_str(t[0].perm, "read", "the level");
	is_str(t[0].expires, "", "no expiry");
	is_str(t[0].uses, "http,login", "the uses, joined");
	is_int(web_list_parse(json, strlen(json), 0, t, 4, &n), 0, "the list again");
	is_int(n, 2, "project and repository tokens only");
	is_str(t[0].scope, "PROJ", "a project token's scope");
	is_str(t[0].uses, "http", "its uses ('only' skipped)");
	is_str(t[1].kind, "repo", "a repository token");
	is_str(t[1].uses, "", "no uses");
	is_int(web_list_parse("[]", 2, 1, t, 4, &n), 0, "an empty list");
	is_int(web_list_parse("[{]", 3, 1, t, 4, &n), -1, "a broken list is refused");
	is_int(web_list_parse("[] x", 4, 1, t, 4, &n), -1, "trailing bytes are refused");
	json = "[{\"uses\":[1]}]";
	is_int(web_list_parse(json, strlen(json), 1, t, 4, &n), -1,
	       "uses that are not strings are refused");
	json = "[{\"only\":[[[[[[1]]]]]]}]";
	is_int(web_list_parse(json, strlen(json), 1, t, 4, &n), -1,
	       "a value nested too deep is refused");
}

static void
scopes(void)
{
	static struct web_scope s[2];
	const char *json = "[\n{\"project\":\"PROJ\",\"description\":\"a <b>\","
		"\"created\":\"2026-11-29T11:47:04Z\",\"admins\":[{\"type\":\"user\","
		"\"name\":\"alice\",\"id\":1000},{\"type\":\"group\",\"name\":\"devs\","
		"\"id\":1001}]},\n{\"repo\":\"PROJ/r\",\"description\":\"\",\"admins\":[]},\n"
		"{\"repo\":\"PROJ/s\"}\n]\n";
	int n;

	is_int(web_scopes_parse(json, strlen(json), s, 2, &n), 0, "a registry list parses");
	is_int(n, 2, "at most max entries kept");
	is_str(s[0].scope, "PROJ", "a project");
	is_str(s[0].description, "a <b>", "its description");
	is_str(s[1].scope, "PROJ/r", "a repository");
	is_int(web_scopes_parse("[]\n", 3, s, 2, &n), 0, "no entries");
	is_int(n, 0, "none kept");
	json = "[{\"project\":1}]";
	is_int(web_scopes_parse(json, strlen(json), s, 2, &n), -1,
	       "a key that is not a string is refused");
	json = "[{\"project\":\"P\"}";
	is_int(web_scopes_parse(json, strlen(json), s, 2, &n), -1, "a truncated list is refused");
}

int
main(void)
{
	pairs();
	query();
	body();
	scopes();
	cookie();
	html();
	list();
	return done();
}

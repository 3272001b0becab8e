/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Authorization header as mod_authn_httptoken reads it. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "authheader.h"
#include "tap.h"

static char buf[HTK_BASIC_MAX + 1];

static enum htk_scheme
parse(const char *value, struct htk_credentials *c)
{
	return htk_parse_authorization(value, buf, c);
}

/* "Basic " + base64 of the len bytes of text. */
static const char *
basic(const char *text, size_t len)
{
	static char out[2 * HTK_BASIC_MAX + 16];

	strcpy(out, "Basic ");
	sodium_bin2base64(out + 6, sizeof(out) - 6, (const unsigned char *)text, len,
	                  sodium_base64_VARIANT_ORIGINAL);
	return out;
}

static void
test_basic(void)
{
	struct htk_credentials c;
	char big[HTK_BASIC_MAX + 2];

	ok(parse(basic("alice:s3cret", 12), &c) == HTK_SCHEME_BASIC &&
	   strcmp(c.user, "alice") == 0 && strcmp(c.password, "s3cret") == 0 &&
	   c.password_len == 6, "Basic: user and password");
	ok(parse(basic("bob:pa:ss", 9), &c) == HTK_SCHEME_BASIC && strcmp(c.user, "bob") == 0 &&
	   strcmp(c.password, "pa:ss") == 0, "Basic: the first colon splits, the password keeps the rest");
	ok(parse(basic(":tok", 4), &c) == HTK_SCHEME_BASIC && c.user[0] == '\0' &&
	   strcmp(c.password, "tok") == 0, "Basic: empty user name kept empty");
	ok(parse(basic("alice:", 6), &c) == HTK_SCHEME_BASIC && c.password_len == 0,
	   "Basic: empty password kept empty");
	ok(parse("bAsIc YWxpY2U6eA==", &c) == HTK_SCHEME_BASIC && strcmp(c.user, "alice") == 0,
	   "Basic: the scheme is case-insensitive");
	ok(parse("Basic    YWxpY2U6eA==  \t", &c) == HTK_SCHEME_BASIC,
	   "Basic: several spaces before, blanks after");
	ok(parse(basic("nocolon", 7), &c) == HTK_SCHEME_MALFORMED, "Basic without a colon: malformed");
	ok(parse(basic("alice\0x:pw", 10), &c) == HTK_SCHEME_MALFORMED,
	   "Basic with a NUL in the user name: malformed");
	ok(parse(basic("alice:pw\0tail", 13), &c) == HTK_SCHEME_MALFORMED,
	   "Basic with a NUL in the password: malformed");
	ok(parse("Basic YWxpY2U6eA", &c) == HTK_SCHEME_MALFORMED, "Basic without padding: malformed");
	ok(parse("Basic YWxp Y2U6eA==", &c) == HTK_SCHEME_MALFORMED, "Basic with two credentials: malformed");
	ok(parse("Basic YWxpY2U6eA==,", &c) == HTK_SCHEME_MALFORMED, "Basic with a trailing comma: malformed");
	ok(parse("Basic", &c) == HTK_SCHEME_MALFORMED, "Basic alone: malformed");
	ok(parse("Basic ", &c) == HTK_SCHEME_MALFORMED, "Basic and a space: malformed");
	ok(parse("Basic\tYWxpY2U6eA==", &c) == HTK_SCHEME_OTHER, "Basic and a tab: not Basic");
	ok(parse("Basic Y*xpY2U6eA==", &c) == HTK_SCHEME_MALFORMED, "Basic outside base64: malformed");
	memset(big, 'a', sizeof(big));
	big[0] = 'u';
	big[1] = ':';
	ok(parse(basic(big, HTK_BASIC_MAX), &c) == HTK_SCHEME_BASIC &&
	   c.password_len == HTK_BASIC_MAX - 2, "Basic of %d bytes: accepted", HTK_BASIC_MAX);
	ok(parse(basic(big, HTK_BASIC_MAX + 1), &c) == HTK_SCHEME_MALFORMED,
	   "Basic of %d bytes: malformed", HTK_BASIC_MAX + 1);
}

static void
test_bearer(void)
{
	struct htk_credentials c;
	const char *v = "Bearer htk_0123456789abcdef";

	ok(parse(v, &c) == HTK_SCHEME_BEARER && c.token == v + 7 && c.token_len == 20,
	   "Bearer: the token in place, 20 bytes");
	ok(parse("bearer  a-b.c_d~e+f/g==\t ", &c) == HTK_SCHEME_BEARER && c.token_len == 15,
	   "Bearer: b64token characters, case-insensitive scheme, blanks after");
	ok(parse("Bearer a b", &c) == HTK_SCHEME_MALFORMED, "Bearer with two tokens: malformed");
	ok(parse("Bearer a=b", &c) == HTK_SCHEME_MALFORMED, "Bearer with '=' inside: malformed");
	ok(parse("Bearer =", &c) == HTK_SCHEME_MALFORMED, "Bearer of padding only: malformed");
	ok(parse("Bearer", &c) == HTK_SCHEME_MALFORMED, "Bearer alone: malformed");
	ok(parse("Bearer tok\"", &c) == HTK_SCHEME_MALFORMED, "Bearer with a quote: malformed");
	ok(parse("Bearerx tok", &c) == HTK_SCHEME_OTHER, "Bearerx: another scheme");
}

static void
test_other(void)
{
	struct htk_credentials c;

	ok(parse(NULL, &c) == HTK_SCHEME_NONE && c.scheme == HTK_SCHEME_NONE, "no header: none");
	ok(parse("", &c) == HTK_SCHEME_OTHER, "empty header: another scheme");
	ok(parse("Digest username=\"a\"", &c) == HTK_SCHEME_OTHER && c.user == NULL &&
	   c.token == NULL, "Digest: another scheme, nothing set");
	ok(parse(" Basic YWxpY2U6eA==", &c) == HTK_SCHEME_OTHER, "leading space: not Basic");
}

int
main(void)
{
	if (sodium_init() < 0)
		return 99;
	test_basic();
	test_bearer();
	test_other();
	return done();
}

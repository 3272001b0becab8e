/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "authheader.h"

static int
is_alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
 * RFC 7235 token68 is the same set of characters. */
static size_t
b64token_len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0' && (is_alnum((unsigned char)s[n]) || strchr("-._~+/", s[n]) != NULL))
		n++;
	if (n == 0)
		return 0;
	while (s[n] == '=')
		n++;
	return n;
}

static int
only_blanks(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* The scheme's name at the start of value, followed by at least one space;
 * the credential after the spaces in *rest. */
static int
scheme_is(const char *value, const char *name, const char **rest)
{
	size_t n = strlen(name);

	if (strncasecmp(value, name, n) != 0 || (value[n] != ' ' && value[n] != '\0'))
		return 0;
	*rest = value + n + strspn(value + n, " ");
	return 1;
}

static enum htk_scheme
parse_basic(const char *cred, char *buf, struct htk_credentials *out)
{
	size_t n = b64token_len(cred), len;
	char *colon;

	if (n == 0 || !only_blanks(cred + n))
		return HTK_SCHEME_MALFORMED;
	if (sodium_base642bin((unsigned char *)buf, HTK_BASIC_MAX, cred, n, NULL, &len, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return HTK_SCHEME_MALFORMED;
	buf[len] = '\0';
	/* A NUL inside would let the user name or password judged differ
	 * from what was sent. */
	colon = memchr(buf, ':', len);
	if (colon == NULL || memchr(buf, '\0', len) != NULL) {
		sodium_memzero(buf, len);
		return HTK_SCHEME_MALFORMED;
	}
	*colon = '\0';
	out->user = buf;
	out->password = colon + 1;
	out->password_len = len - (size_t)(colon + 1 - buf);
	return HTK_SCHEME_BASIC;
}

static enum htk_scheme
parse_bearer(const char *cred, struct htk_credentials *out)
{
	size_t n = b64token_len(cred);

	if (n == 0 || !only_blanks(cred + n))
		return HTK_SCHEME_MALFORMED;
	out->token = cred;
	out->token_len = n;
	return HTK_SCHEME_BEARER;
}

enum htk_scheme
htk_parse_authorization(const char *value, char *buf, struct htk_credentials *out)
{
	const char *cred;

	memset(out, 0, sizeof(*out));
	if (value == NULL)
		return out->scheme = HTK_SCHEME_NONE;
	if (scheme_is(value, "Basic", &cred))
		return out->scheme = parse_basic(cred, buf, out);
	if (scheme_is(value, "Bearer", &cred))
		return out->scheme = parse_bearer(cred, out);
	return out->scheme = HTK_SCHEME_OTHER;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the Authorization header as mod_authn_httptoken reads
 * it. Besides not crashing, what the parser returns must be exactly what
 * was sent: Basic credentials re-encode to the credential in the header,
 * the user name has no ':', the password's length is right (no NUL
 * inside), and a Bearer token lies inside the header, made of b64token
 * characters. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "authheader.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* The credential after the scheme's name and its spaces. */
static const char *
credential(const char *value)
{
	const char *p = strchr(value, ' ');

	if (p == NULL)
		abort();
	return p + strspn(p, " ");
}

static void
check_basic(const char *value, const char *buf, const struct htk_credentials *c)
{
	char joined[HTK_BASIC_MAX + 1];
	char b64[sodium_base64_ENCODED_LEN(HTK_BASIC_MAX, sodium_base64_VARIANT_ORIGINAL)];
	size_t ulen = strlen(c->user), n;

	if (strncasecmp(value, "Basic ", 6) != 0 || c->user != buf || strchr(c->user, ':') != NULL ||
	    c->password != c->user + ulen + 1 || strlen(c->password) != c->password_len)
		abort();
	n = ulen + 1 + c->password_len;
	if (n > HTK_BASIC_MAX)
		abort();
	memcpy(joined, c->user, ulen);
	joined[ulen] = ':';
	memcpy(joined + ulen + 1, c->password, c->password_len);
	sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)joined, n,
	                  sodium_base64_VARIANT_ORIGINAL);
	if (strncmp(credential(value), b64, strlen(b64)) != 0)
		abort();
}

static void
check_bearer(const char *value, const struct htk_credentials *c)
{
	const char *end = value + strlen(value);

	if (strncasecmp(value, "Bearer ", 7) != 0 || c->token != credential(value) ||
	    c->token_len == 0 || c->token + c->token_len > end ||
	    c->token[strspn(c->token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                              "0123456789-._~+/=")] != c->token[c->token_len])
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char buf[HTK_BASIC_MAX + 1];
	struct htk_credentials c;
	char *value;

	if (size > 16384)
		return 0;
	/* Apache hands over a C string: what follows a NUL is never seen. */
	value = malloc(size + 1);
	if (value == NULL)
		return 0;
	memcpy(value, data, size);
	value[size] = '\0';
	switch (htk_parse_authorization(value, buf, &c)) {
	case HTK_SCHEME_BASIC:
		check_basic(value, buf, &c);
		break;
	case HTK_SCHEME_BEARER:
		check_bearer(value, &c);
		break;
	default:
		if (c.user != NULL || c.password != NULL || c.token != NULL)
			abort();
		break;
	}
	free(value);
	return 0;
}

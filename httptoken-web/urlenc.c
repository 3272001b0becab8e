/* SPDX-License-Identifier: GPL-3.0-or-later */
/* application/x-www-form-urlencoded, strictly: what a browser sends for
 * our own forms and nothing else. Anything odd (a key we could not have
 * written, a repeated key, a bad escape, a control character, too many or
 * too long fields) refuses the whole input. */
#include "config.h"

#include <string.h>

#include "web.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes in[0..len) into out (NUL-terminated). */
static int
decode(const char *in, size_t len, char *out, size_t max)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)in[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len || (hi = hexval(in[i + 1])) < 0 ||
			    (lo = hexval(in[i + 2])) < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		} else if (c == '+') {
			c = ' ';
		} else if (c <= ' ' || c >= 0x7f || c == '&' || c == '=') {
			return -1;       /* a browser escapes these */
		}
		if (c < 0x20 || c == 0x7f || o == max)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

static int
key_ok(const char *s, size_t len)
{
	if (len == 0 || len > WEB_KEY_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return 0;
	return 1;
}

const char *
web_field(const struct web_fields *f, const char *key)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->f[i].key, key) == 0)
			return f->f[i].value;
	return NULL;
}

int
web_pairs_parse(const char *s, size_t len, struct web_fields *out)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	if (len == 0)
		return 0;
	while (i <= len) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t end = amp != NULL ? (size_t)(amp - s) : len;
		const char *eq = memchr(s + i, '=', end - i);
		struct web_field *f;

		if (eq == NULL || out->n == WEB_FIELDS_MAX || !key_ok(s + i, (size_t)(eq - (s + i))))
			return -1;
		f = &out->f[out->n];
		memcpy(f->key, s + i, (size_t)(eq - (s + i)));
		f->key[eq - (s + i)] = '\0';
		if (web_field(out, f->key) != NULL)
			return -1;
		if (decode(eq + 1, end - (size_t)(eq + 1 - s), f->value, WEB_VALUE_MAX) != 0)
			return -1;
		out->n++;
		if (amp == NULL)
			break;
		i = end + 1;
		if (i == len)
			return -1;       /* a trailing '&' */
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Cookie header: "name=value; name=value". Only our cookie matters;
 * it must be there once, and be 64 lowercase hex digits. Other cookies of
 * the site are skipped, however they look, but the header as a whole
 * must be plausible (bounded, no control characters). */
#include "config.h"

#include <string.h>

#include "web.h"

static int
is_secret(const char *s, size_t n)
{
	if (n != WEB_SECRET_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int
web_cookie_secret(const char *h, char secret[WEB_SECRET_LEN + 1])
{
	const size_t name_len = sizeof(WEB_COOKIE_NAME) - 1;
	size_t len, i = 0;
	int found = 0;

	if (h == NULL || (len = strlen(h)) == 0 || len > WEB_COOKIE_MAX)
		return -1;
	for (size_t k = 0; k < len; k++)
		if ((unsigned char)h[k] < 0x20 || h[k] == 0x7f)
			return -1;
	while (i < len) {
		const char *semi = memchr(h + i, ';', len - i);
		size_t end = semi != NULL ? (size_t)(semi - h) : len;

		while (i < end && h[i] == ' ')
			i++;
		if (end - i > name_len && memcmp(h + i, WEB_COOKIE_NAME "=", name_len + 1) == 0) {
			const char *v = h + i + name_len + 1;
			size_t n = end - (i + name_len + 1);

			if (found++ || !is_secret(v, n))
				return -1;
			memcpy(secret, v, n);
			secret[n] = '\0';
		}
		i = end + 1;
	}
	return found == 1 ? 0 : -1;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A POST body: only our forms' type, a length the server stated and that
 * fits WEB_BODY_MAX, read whole before anything is parsed. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "web.h"

#define FORM_TYPE "application/x-www-form-urlencoded"

static int
length_of(const char *s, size_t *n)
{
	size_t v = 0;

	if (s == NULL || s[0] == '\0' || strlen(s) > 5)
		return -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (size_t)(*p - '0');
	}
	*n = v;
	return 0;
}

int
web_body_parse(const char *buf, size_t len, struct web_fields *out)
{
	if (len > WEB_BODY_MAX || memchr(buf, '\0', len) != NULL)
		return -1;
	return web_pairs_parse(buf, len, out);
}

int
web_body_read(int fd, const char *content_type, const char *content_length,
              struct web_fields *out, const char **why)
{
	char buf[WEB_BODY_MAX];
	size_t n, got = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (length_of(content_length, &n) != 0 || n > sizeof(buf)) {
		*why = "the form is too large";
		return -1;
	}
	/* A body of a size we take is read before its type is judged: a
	 * server still writing it to a program that has exited answers 502
	 * instead of our refusal. */
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*why = "the form was cut short";
			sodium_memzero(buf, sizeof(buf));
			return -1;
		}
		got += (size_t)r;
	}
	/* Exactly the type, or with a charset parameter browsers may add. */
	if (content_type == NULL || (strcmp(content_type, FORM_TYPE) != 0 &&
	    strncmp(content_type, FORM_TYPE "; charset=", sizeof(FORM_TYPE) + 9) != 0)) {
		*why = "not a form";
		sodium_memzero(buf, sizeof(buf));
		return -1;
	}
	rc = web_body_parse(buf, n, out);
	sodium_memzero(buf, sizeof(buf));
	if (rc != 0)
		*why = "the form is malformed";
	return rc;
}

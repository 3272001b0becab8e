/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accounts.h"

#define DEFS_MAX 65536   /* login.defs is a few KiB; more is not read */

void
ht_uid_range_defaults(struct ht_uid_range *r)
{
	r->min = HT_UID_MIN_DEFAULT;
	r->max = HT_UID_MAX_DEFAULT;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A decimal number in [p, end) from 1 to 2^32-2; -1 otherwise. */
static int
number(const char *p, const char *end, unsigned long *out)
{
	unsigned long v = 0;

	if (p == end)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9' || v > 429496729ul)
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > 0xfffffffeul)
		return -1;
	*out = v;
	return 0;
}

/* One line [p, end): "NAME VALUE" with optional blanks and comment. */
static int
parse_line(const char *p, const char *end, struct ht_uid_range *r)
{
	const char *name, *name_end, *val, *val_end;
	unsigned long *slot;
	const char *hash = memchr(p, '#', (size_t)(end - p));

	if (hash != NULL)
		end = hash;
	while (p < end && is_blank(*p))
		p++;
	name = p;
	while (p < end && !is_blank(*p))
		p++;
	name_end = p;
	while (p < end && is_blank(*p))
		p++;
	val = p;
	while (p < end && !is_blank(*p))
		p++;
	val_end = p;
	if ((size_t)(name_end - name) == 7 && memcmp(name, "UID_MIN", 7) == 0)
		slot = &r->min;
	else if ((size_t)(name_end - name) == 7 && memcmp(name, "UID_MAX", 7) == 0)
		slot = &r->max;
	else
		return 0;
	while (p < end && is_blank(*p))
		p++;
	if (p != end)
		return -1;
	return number(val, val_end, slot);
}

int
ht_uid_range_parse(const char *text, size_t len, struct ht_uid_range *r)
{
	const char *p = text, *end = text + len;
	int rc = 0;

	ht_uid_range_defaults(r);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl != NULL ? nl : end;

		if (parse_line(p, line_end, r) != 0)
			rc = -1;
		p = nl != NULL ? nl + 1 : end;
	}
	if (r->min > r->max) {
		ht_uid_range_defaults(r);
		rc = -1;
	}
	return rc;
}

int
ht_uid_range_load(const char *path, struct ht_uid_range *r)
{
	char *buf;
	size_t len = 0;
	int fd, rc;

	ht_uid_range_defaults(r);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	/* On the heap: the module runs on the small stacks of server threads. */
	buf = malloc(DEFS_MAX);
	while (buf != NULL && len < DEFS_MAX) {
		ssize_t n = read(fd, buf + len, DEFS_MAX - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (buf == NULL)
		return -1;
	/* A file longer than we read: never parse a line cut in the middle
	 * ("UID_MIN 10" of "UID_MIN 1000"). */
	if (len == DEFS_MAX)
		while (len > 0 && buf[len - 1] != '\n')
			len--;
	rc = ht_uid_range_parse(buf, len, r);
	free(buf);
	return rc;
}

int
ht_uid_is_system(uid_t uid, const struct ht_uid_range *r)
{
	struct ht_uid_range d;

	if (r == NULL) {
		ht_uid_range_defaults(&d);
		r = &d;
	}
	return uid != 0 && ((unsigned long)uid < r->min || (unsigned long)uid > r->max);
}

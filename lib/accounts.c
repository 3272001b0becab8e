/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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
	const char *name, *name_end, *val, *val_end, *hash;
	unsigned long *slot;

	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p != 'U')      /* comments and blank lines: most of it */
		return 0;
	hash = memchr(p, '#', (size_t)(end - p));
	if (hash != NULL)
		end = hash;
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

/* Reads the file in small pieces, a line at a time: the module runs on
 * the small stacks of server threads, and under memcheck a large buffer
 * cost milliseconds per authentication. A line longer than the buffer
 * (no such line matters) is skipped whole, and at most DEFS_MAX bytes are
 * read; a line cut there is not parsed (never "UID_MIN 10" of "1000"). */
int
ht_uid_range_load(const char *path, struct ht_uid_range *r)
{
	char buf[4096];
	size_t have = 0, total = 0;
	int fd, rc = 0, skipping = 0;

	ht_uid_range_defaults(r);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	while (total < DEFS_MAX) {
		size_t want = sizeof(buf) - have < DEFS_MAX - total ? sizeof(buf) - have
		                                                    : DEFS_MAX - total;
		ssize_t n = read(fd, buf + have, want);
		char *p = buf, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		total += (size_t)n;
		while ((nl = memchr(p, '\n', have - (size_t)(p - buf))) != NULL) {
			if (!skipping && parse_line(p, nl, r) != 0)
				rc = -1;
			skipping = 0;
			p = nl + 1;
		}
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
		if (have == sizeof(buf)) {      /* a line longer than the buffer */
			skipping = 1;
			have = 0;
		}
	}
	close(fd);
	/* The last line without a newline, when the whole file was read. */
	if (total < DEFS_MAX && !skipping && have > 0 && parse_line(buf, buf + have, r) != 0)
		rc = -1;
	if (r->min > r->max) {
		ht_uid_range_defaults(r);
		rc = -1;
	}
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

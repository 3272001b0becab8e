/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lastused.h"
#include "safefile.h"

#define STAMP_DIGITS 20
#define STAMP_LEN 21   /* version 1: 20 digits and a newline */

static int
entry_path(const char *db_path, ht_id id, char *buf, size_t size)
{
	struct ht_id_text t = ht_id_format(id);

	if (snprintf(buf, size, "%s.lastused/%s", db_path, t.s) >= (int)size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int
open_entry(const char *db_path, ht_id id, int flags)
{
	char path[HT_PATH_MAX];
	struct stat st;
	int fd;

	if (entry_path(db_path, id, path, sizeof(path)) < 0)
		return -1;
	fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0660);
	if (fd < 0)
		return -1;
	/* The directory is group-writable: a second link may be a member's
	 * plant pointing at a file it could not write itself, which a root
	 * process (sshd) must not overwrite. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/* A field on the line: "-" (none) or 1..max printable ASCII, no blank. */
static int
parse_field(const char *s, size_t len, size_t max, char *out)
{
	if (len == 0 || len > max)
		return -1;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return -1;
	if (len == 1 && s[0] == '-')
		len = 0;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

static int
parse_time(const char *s, size_t len, int64_t *t)
{
	uint64_t v = 0;

	if (len != STAMP_DIGITS)
		return -1;
	for (size_t i = 0; i < len; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9' || v > ((uint64_t)INT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*t = (int64_t)v;
	return 0;
}

/* The next field of the line at *p (before end); *sep: whether a blank
 * followed it. */
static const char *
next_field(const char **p, const char *end, size_t *len, int *sep)
{
	const char *start = *p, *q = start;

	while (q < end && *q != ' ')
		q++;
	*len = (size_t)(q - start);
	*sep = q < end;
	*p = q < end ? q + 1 : q;
	return start;
}

/* TIME SERVICE FROM HOST, single blanks between, none after. */
static int
parse_line(const char *line, size_t n, struct ht_lastuse *use)
{
	const char *p = line, *end = line + n, *f;
	size_t len;
	int sep;

	f = next_field(&p, end, &len, &sep);
	if (!sep || parse_time(f, len, &use->time) != 0)
		return -1;
	f = next_field(&p, end, &len, &sep);
	if (!sep || parse_field(f, len, HT_LASTUSE_SERVICE_MAX, use->service) != 0)
		return -1;
	f = next_field(&p, end, &len, &sep);
	if (!sep || parse_field(f, len, HT_LASTUSE_FROM_MAX, use->from) != 0)
		return -1;
	f = next_field(&p, end, &len, &sep);
	if (sep || parse_field(f, len, HT_LASTUSE_HOST_MAX, use->host) != 0)
		return -1;
	return 0;
}

int
ht_lastuse_parse(const unsigned char *buf, size_t len, struct ht_lastuse *use)
{
	const unsigned char *nl;
	int rc = -1;

	memset(use, 0, sizeof(*use));
	if (len == STAMP_LEN && buf[STAMP_DIGITS] == '\n') {
		rc = parse_time((const char *)buf, STAMP_DIGITS, &use->time);
	} else if (len == HT_LASTUSE_FILE_LEN &&
	           (nl = memchr(buf, '\n', len)) != NULL) {
		size_t n = (size_t)(nl - buf);
		rc = 0;
		for (size_t i = n + 1; i < len && rc == 0; i++)
			rc = buf[i] == '\0' ? 0 : -1;
		if (rc == 0)
			rc = parse_line((const char *)buf, n, use);
	}
	if (rc != 0)
		memset(use, 0, sizeof(*use));
	return rc;
}

/* A value as written: cut to max, non-printable bytes as '?', "-" for none. */
static void
clean_field(const char *in, size_t max, char *out)
{
	size_t i;

	for (i = 0; in != NULL && in[i] != '\0' && i < max; i++)
		out[i] = (unsigned char)in[i] >= 0x21 && (unsigned char)in[i] <= 0x7e ? in[i] : '?';
	if (i == 0)
		out[i++] = '-';
	out[i] = '\0';
}

int
ht_lastuse_format(const struct ht_lastuse *use, unsigned char out[HT_LASTUSE_FILE_LEN])
{
	char service[HT_LASTUSE_SERVICE_MAX + 1], from[HT_LASTUSE_FROM_MAX + 1];
	char host[HT_LASTUSE_HOST_MAX + 1];

	if (use->time < 0)
		return -1;
	clean_field(use->service, HT_LASTUSE_SERVICE_MAX, service);
	clean_field(use->from, HT_LASTUSE_FROM_MAX, from);
	clean_field(use->host, HT_LASTUSE_HOST_MAX, host);
	memset(out, 0, HT_LASTUSE_FILE_LEN);
	/* At most 20 + 64 + 255 + 64 + 4 bytes: always fits. */
	snprintf((char *)out, HT_LASTUSE_FILE_LEN, "%020" PRId64 " %s %s %s\n", use->time,
	         service, from, host);
	return 0;
}

/* Whether the recorded use must be rewritten for the new one. */
static int
needs_rewrite(const struct ht_lastuse *old, const unsigned char *new_bytes,
              const unsigned char *old_bytes, int old_valid, int64_t now, unsigned granularity)
{
	if (!old_valid || old->time == 0 || now < old->time ||
	    now - old->time >= (int64_t)granularity)
		return 1;
	/* Same time bucket: rewrite only when who or where changed, that is
	 * when everything after the time differs. */
	return memcmp(old_bytes + STAMP_DIGITS, new_bytes + STAMP_DIGITS,
	              HT_LASTUSE_FILE_LEN - STAMP_DIGITS) != 0;
}

int
ht_lastused_record(const char *db_path, ht_id id, unsigned granularity,
                   const struct ht_lastuse *use)
{
	unsigned char old_bytes[HT_LASTUSE_FILE_LEN + 1], new_bytes[HT_LASTUSE_FILE_LEN];
	struct ht_lastuse old;
	struct stat st;
	ssize_t n;
	int fd, rc = 0, old_valid;

	if (ht_lastuse_format(use, new_bytes) != 0) {
		errno = EINVAL;
		return -1;
	}
	fd = open_entry(db_path, id, O_RDWR);
	if (fd < 0 && errno == ENOENT) {
		/* The umask of the host process must not lock out the other
		 * services that share the directory's group. */
		fd = open_entry(db_path, id, O_RDWR | O_CREAT | O_EXCL);
		if (fd >= 0)
			(void)fchmod(fd, 0660);
	}
	if (fd < 0)
		return -1;
	n = pread(fd, old_bytes, sizeof(old_bytes), 0);
	old_valid = n == HT_LASTUSE_FILE_LEN &&
	            ht_lastuse_parse(old_bytes, (size_t)n, &old) == 0;
	if (!old_valid)
		memset(old_bytes, 0, sizeof(old_bytes));
	if (needs_rewrite(&old, new_bytes, old_bytes, old_valid, use->time, granularity)) {
		rc = pwrite(fd, new_bytes, sizeof(new_bytes), 0) == (ssize_t)sizeof(new_bytes)
		     ? 0 : -1;
		if (rc == 0 && (fstat(fd, &st) < 0 || st.st_size != HT_LASTUSE_FILE_LEN))
			rc = ftruncate(fd, HT_LASTUSE_FILE_LEN);
	}
	close(fd);
	return rc;
}

int
ht_lastused_touch(const char *db_path, ht_id id, unsigned granularity, int64_t now)
{
	struct ht_lastuse use;

	memset(&use, 0, sizeof(use));
	use.time = now;
	return ht_lastused_record(db_path, id, granularity, &use);
}

int64_t
ht_lastused_read(const char *db_path, ht_id id, struct ht_lastuse *use)
{
	unsigned char buf[HT_LASTUSE_FILE_LEN + 1];
	int fd = open_entry(db_path, id, O_RDONLY);
	ssize_t n;

	memset(use, 0, sizeof(*use));
	if (fd < 0)
		return 0;
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n > 0)
		(void)ht_lastuse_parse(buf, (size_t)n, use);
	return use->time;
}

int64_t
ht_lastused_get(const char *db_path, ht_id id)
{
	struct ht_lastuse use;

	return ht_lastused_read(db_path, id, &use);
}

void
ht_lastused_remove(const char *db_path, ht_id id)
{
	char path[HT_PATH_MAX];

	if (entry_path(db_path, id, path, sizeof(path)) == 0)
		unlink(path);
}

int
ht_lastused_dir_create(const char *db_path, gid_t gid)
{
	char path[HT_PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s.lastused", db_path) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (mkdir(path, 0700) < 0)
		return errno == EEXIST ? 0 : -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if ((gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) < 0) || fchmod(fd, 03770) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

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

#define STAMP_LEN 21   /* 20 digits and a newline: fixed, so no truncation */

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

static int64_t
read_stamp(int fd)
{
	char buf[STAMP_LEN + 1];
	char *end;
	ssize_t n = pread(fd, buf, STAMP_LEN, 0);
	long long v;

	if (n != STAMP_LEN || buf[STAMP_LEN - 1] != '\n')
		return 0;
	buf[STAMP_LEN - 1] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		return 0;
	return (int64_t)v;
}

int
ht_lastused_touch(const char *db_path, ht_id id, unsigned granularity, int64_t now)
{
	char buf[STAMP_LEN + 1];
	int64_t last;
	int fd = open_entry(db_path, id, O_RDWR);
	int rc = 0;

	if (fd < 0 && errno == ENOENT) {
		/* The umask of the host process must not lock out the other
		 * services that share the directory's group. */
		fd = open_entry(db_path, id, O_RDWR | O_CREAT | O_EXCL);
		if (fd >= 0)
			(void)fchmod(fd, 0660);
	}
	if (fd < 0)
		return -1;
	last = read_stamp(fd);
	if (last == 0 || now < last || now - last >= (int64_t)granularity) {
		snprintf(buf, sizeof(buf), "%020" PRId64 "\n", now);
		rc = pwrite(fd, buf, STAMP_LEN, 0) == STAMP_LEN ? 0 : -1;
	}
	close(fd);
	return rc;
}

int64_t
ht_lastused_get(const char *db_path, ht_id id)
{
	int fd = open_entry(db_path, id, O_RDONLY);
	int64_t t;

	if (fd < 0)
		return 0;
	t = read_stamp(fd);
	close(fd);
	return t;
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

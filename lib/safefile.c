/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "safefile.h"

static int
owner_trusted(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

int
ht_dirname(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t len;

	if (slash == NULL) {
		if (size < 2)
			return -1;
		strcpy(buf, ".");
		return 0;
	}
	len = slash == path ? 1 : (size_t)(slash - path);
	if (len >= size)
		return -1;
	memcpy(buf, path, len);
	buf[len] = '\0';
	return 0;
}

enum ht_status
ht_check_parent_dir(const char *path, const char *what, struct ht_error *err)
{
	char dir[HT_PATH_MAX];
	struct stat st;

	if (ht_dirname(path, dir, sizeof(dir)) < 0)
		return ht_error_set(err, HT_ERR_CONFIG, "%s %s: path too long", what, path);
	/* Only the containing directory is checked (OpenSSH's StrictModes
	 * walks every component up to the home directory); the directories
	 * above it are the operator's responsibility. */
	if (lstat(dir, &st) < 0)
		return ht_error_set(err, HT_ERR_UNAVAIL, "%s %s: directory %s: %s",
		                    what, path, dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return ht_error_set(err, HT_ERR_CONFIG, "%s %s: %s is not a directory",
		                    what, path, dir);
	if (!owner_trusted(st.st_uid))
		return ht_error_set(err, HT_ERR_CONFIG,
		                    "%s %s: directory %s is owned by uid %u, must be owned by root",
		                    what, path, dir, (unsigned)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return ht_error_set(err, HT_ERR_CONFIG,
		                    "%s %s: directory %s is writable by group or others (mode %04o)",
		                    what, path, dir, (unsigned)(st.st_mode & 07777));
	return HT_OK;
}

enum ht_status
ht_check_file(int fd, const char *path, const char *what, struct stat *st,
              struct ht_error *err)
{
	if (fstat(fd, st) < 0)
		return ht_error_set(err, HT_ERR_IO, "%s %s: %s", what, path, strerror(errno));
	if (!S_ISREG(st->st_mode))
		return ht_error_set(err, HT_ERR_CONFIG, "%s %s: not a regular file", what, path);
	if (!owner_trusted(st->st_uid))
		return ht_error_set(err, HT_ERR_CONFIG,
		                    "%s %s: owned by uid %u, must be owned by root",
		                    what, path, (unsigned)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return ht_error_set(err, HT_ERR_CONFIG,
		                    "%s %s: writable by group or others (mode %04o)",
		                    what, path, (unsigned)(st->st_mode & 07777));
	return HT_OK;
}

enum ht_status
ht_open_safely(const char *path, const char *what, struct stat *st, int *fd_out,
               struct ht_error *err)
{
	enum ht_status s = ht_check_parent_dir(path, what, err);
	int fd;

	*fd_out = -1;
	if (s != HT_OK)
		return s;
	/* O_NONBLOCK: opening a FIFO planted here must not hang a login. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;

		return ht_error_set(err, e == ELOOP ? HT_ERR_CONFIG : HT_ERR_UNAVAIL,
		                    "%s %s: %s", what, path,
		                    e == ELOOP ? "is a symbolic link" : strerror(e));
	}
	s = ht_check_file(fd, path, what, st, err);
	if (s != HT_OK) {
		close(fd);
		return s;
	}
	*fd_out = fd;
	return HT_OK;
}

int
ht_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ht_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newfile.h"

int
ht_make_temp(const char *path, char *tmp, size_t size)
{
	int fd;

	if (snprintf(tmp, size, "%s" HT_TEMP_INFIX "XXXXXX", path) >= (int)size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* Left 0600 (the tokenctl umask is 077): it is created with the
	 * caller's group, so callers set the ownership first and only then
	 * widen the mode, or another user could open it in between and read
	 * the file through that descriptor. */
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0 && fchmod(fd, 0600) < 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	return fd;
}

int
ht_copy_fd(int src_fd, int dst_fd)
{
	char buf[65536];
	off_t off = 0;

	for (;;) {
		ssize_t n = pread(src_fd, buf, sizeof(buf), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return lseek(dst_fd, 0, SEEK_SET) == 0 ? 0 : -1;
		if (ht_write_all(dst_fd, buf, (size_t)n) < 0)
			return -1;
		off += n;
	}
}

/* Owner before mode: the temp file starts 0600, so the caller's group
 * never gets a window on it. */
static enum ht_status
set_owner(int fd, const char *tmp, const struct ht_file_owner *own, struct ht_error *err)
{
	if ((own->uid != (uid_t)-1 || own->gid != (gid_t)-1) &&
	    fchown(fd, own->uid, own->gid) < 0)
		return ht_error_set(err, errno == EPERM ? HT_ERR_PERM : HT_ERR_IO,
		                    "%s: chown: %s", tmp, strerror(errno));
	if (fchmod(fd, own->mode) < 0)
		return ht_error_set(err, HT_ERR_IO, "%s: chmod: %s", tmp, strerror(errno));
	return HT_OK;
}

enum ht_status
ht_newfile_open(struct ht_newfile *nf, const char *path, const struct ht_file_owner *own,
                struct ht_error *err)
{
	enum ht_status s;

	nf->path = path;
	nf->fd = ht_make_temp(path, nf->tmp, sizeof(nf->tmp));
	if (nf->fd < 0)
		return ht_error_set(err, errno == EACCES ? HT_ERR_PERM : HT_ERR_IO,
		                    "%s: cannot write a new file beside it: %s", path,
		                    strerror(errno));
	s = set_owner(nf->fd, nf->tmp, own, err);
	if (s != HT_OK)
		ht_newfile_discard(nf);
	return s;
}

void
ht_newfile_discard(struct ht_newfile *nf)
{
	if (nf->fd < 0)
		return;
	close(nf->fd);
	unlink(nf->tmp);
	nf->fd = -1;
}

/* Puts the finished temp file in place: rename over path, or for
 * HT_WRITE_NEW a link that never replaces what is there. */
static enum ht_status
put_in_place(const char *tmp, const char *path, enum ht_write_how how, struct ht_error *err)
{
	char dir[HT_PATH_MAX];

	if (how == HT_WRITE_NEW && link(tmp, path) < 0)
		return ht_error_set(err, errno == EEXIST ? HT_ERR_EXISTS : HT_ERR_IO,
		                    "%s: %s", path, errno == EEXIST ?
		                    "already exists, not replaced" : strerror(errno));
	if (how == HT_WRITE_REPLACE && rename(tmp, path) < 0)
		return ht_error_set(err, HT_ERR_IO, "%s: rename: %s", path, strerror(errno));
	if (ht_dirname(path, dir, sizeof(dir)) < 0 || ht_fsync_dir(dir) < 0)
		return ht_error_set(err, HT_ERR_IO, "directory of %s: fsync: %s", path,
		                    strerror(errno));
	return HT_OK;
}

enum ht_status
ht_newfile_publish(struct ht_newfile *nf, enum ht_write_how how, struct ht_error *err)
{
	enum ht_status s = HT_OK;

	if (fsync(nf->fd) < 0)
		s = ht_error_set(err, HT_ERR_IO, "%s: fsync: %s", nf->tmp, strerror(errno));
	if (s == HT_OK)
		s = put_in_place(nf->tmp, nf->path, how, err);
	close(nf->fd);
	nf->fd = -1;
	/* After a rename there is nothing left to remove; after a link, or a
	 * failure, the temp name goes and the target stays as it was. */
	if (s != HT_OK || how == HT_WRITE_NEW)
		unlink(nf->tmp);
	return s;
}

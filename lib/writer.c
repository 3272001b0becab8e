/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one way a store file is written: every writer (a transaction's
 * commit, init's new store, restore, backup) builds a fresh GDBM file in a
 * temp file beside its target and publishes it whole. Building it fresh,
 * record by record, rather than copying the old file's bytes, is what
 * keeps purged tokens out of it: GDBM leaves deleted and replaced values
 * in its free space, and a byte copy would carry them along for good. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "safefile.h"
#include "store_impl.h"

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

static int
copy_fd(int src_fd, int dst_fd)
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
			return 0;
		if (ht_write_all(dst_fd, buf, (size_t)n) < 0)
			return -1;
		off += n;
	}
}

int
ht_private_copy(int src_fd, const char *path)
{
	char tmp[HT_PATH_MAX];
	int fd = ht_make_temp(path, tmp, sizeof(tmp));
	int e;

	if (fd < 0)
		return -1;
	/* Nameless from here on: nobody can open it, and nothing is left
	 * behind whatever happens to this process. */
	unlink(tmp);
	if (copy_fd(src_fd, fd) == 0 && lseek(fd, 0, SEEK_SET) == 0)
		return fd;
	e = errno;
	close(fd);
	errno = e;
	return -1;
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

/* Opens the temp file as a new, empty store, lets fill write it, and
 * closes it with everything on disk. fd is consumed. */
static enum ht_status
build(int fd, const char *tmp, const struct ht_key *key, ht_store_fill fill, void *ctx,
      struct ht_error *err)
{
	struct ht_store dst;
	enum ht_status s;

	/* The file is reachable by no reader until it is published: no
	 * locking, and no mmap (DESIGN-NOTES: readahead of a large file). */
	s = ht_store_attach(fd, tmp, GDBM_NEWDB | GDBM_NOLOCK, key, &dst, err);
	if (s != HT_OK)
		return s;
	s = fill(&dst, ctx, err);
	if (s == HT_OK && gdbm_sync(dst.dbf) != 0)
		s = ht_error_set(err, HT_ERR_IO, "%s: sync failed: %s", tmp,
		                 gdbm_strerror(gdbm_last_errno(dst.dbf)));
	if (gdbm_close(dst.dbf) != 0 && s == HT_OK)
		s = ht_error_set(err, HT_ERR_IO, "%s: close failed", tmp);
	return s;
}

/* Puts the finished temp file in place: rename over path, or for
 * HT_WRITE_NEW a link that never replaces what is there. */
static enum ht_status
publish(const char *tmp, const char *path, enum ht_write_how how, struct ht_error *err)
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
ht_store_write(const char *path, const struct ht_key *key, const struct ht_file_owner *own,
               enum ht_write_how how, ht_store_fill fill, void *ctx, struct ht_error *err)
{
	char tmp[HT_PATH_MAX];
	enum ht_status s;
	int fd, keep;

	fd = ht_make_temp(path, tmp, sizeof(tmp));
	if (fd < 0)
		return ht_error_set(err, errno == EACCES ? HT_ERR_PERM : HT_ERR_IO,
		                    "%s: cannot write a new file beside it: %s", path,
		                    strerror(errno));
	/* Our own descriptor for the fsync: gdbm_close closes its own. */
	keep = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (keep < 0) {
		s = ht_error_set(err, HT_ERR_IO, "%s: %s", tmp, strerror(errno));
		close(fd);
	} else if ((s = set_owner(keep, tmp, own, err)) != HT_OK) {
		close(fd);
	} else {
		s = build(fd, tmp, key, fill, ctx, err);
	}
	if (s == HT_OK && fsync(keep) < 0)
		s = ht_error_set(err, HT_ERR_IO, "%s: fsync: %s", tmp, strerror(errno));
	if (s == HT_OK)
		s = publish(tmp, path, how, err);
	if (keep >= 0)
		close(keep);
	/* After a rename there is nothing left to remove; after a link, or a
	 * failure, the temp name goes and the target stays as it was. */
	if (s != HT_OK || how == HT_WRITE_NEW)
		unlink(tmp);
	return s;
}

static enum ht_status
copy_one(void *dst, const char *name, size_t name_len, const unsigned char *val, size_t len,
         struct ht_error *err)
{
	return ht_store_put_raw_n(dst, name, name_len, val, len, err);
}

static enum ht_status
fill_copy(struct ht_store *dst, void *src, struct ht_error *err)
{
	return ht_store_foreach_raw(src, copy_one, dst, err);
}

enum ht_status
ht_store_write_copy(struct ht_store *src, const char *path, const struct ht_file_owner *own,
                    struct ht_error *err)
{
	return ht_store_write(path, src->key, own, HT_WRITE_REPLACE, fill_copy, src, err);
}

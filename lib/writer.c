/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one way a store file is written: every writer (a transaction, init's
 * new store, restore, backup) makes a temp file beside its target with
 * ht_newfile_open, writes it, and ht_newfile_publish fsyncs it, renames
 * (or links) it into place and fsyncs the directory, or removes it.
 *
 * GDBM leaves deleted values, and replaced ones whose size changed, in its
 * free space. A file that lost any is never published as it is: its
 * records are inserted into a fresh file (ht_store_write), so nothing of
 * a purged token stays behind and the file shrinks. */
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

enum ht_status
ht_newfile_attach(struct ht_newfile *nf, int flags, const struct ht_key *key,
                  struct ht_store *st, struct ht_error *err)
{
	/* gdbm_close closes the descriptor it is given: it gets its own. */
	int fd = fcntl(nf->fd, F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		return ht_error_set(err, HT_ERR_IO, "%s: %s", nf->tmp, strerror(errno));
	/* The file is reachable by no reader until it is published: no
	 * locking. */
	return ht_store_attach(fd, nf->tmp, flags | GDBM_NOLOCK, key, st, err);
}

enum ht_status
ht_store_close_written(struct ht_store *st, struct ht_error *err)
{
	enum ht_status s = HT_OK;

	if (gdbm_sync(st->dbf) != 0)
		s = ht_error_set(err, HT_ERR_IO, "%s: sync failed: %s", st->path,
		                 gdbm_strerror(gdbm_last_errno(st->dbf)));
	if (gdbm_close(st->dbf) != 0 && s == HT_OK)
		s = ht_error_set(err, HT_ERR_IO, "%s: close failed", st->path);
	st->dbf = NULL;
	return s;
}

enum ht_status
ht_store_write(const char *path, const struct ht_key *key, const struct ht_file_owner *own,
               enum ht_write_how how, ht_store_fill fill, void *ctx, struct ht_error *err)
{
	struct ht_newfile nf;
	struct ht_store dst;
	enum ht_status s;

	s = ht_newfile_open(&nf, path, own, err);
	if (s != HT_OK)
		return s;
	s = ht_newfile_attach(&nf, GDBM_NEWDB, key, &dst, err);
	if (s == HT_OK) {
		s = fill(&dst, ctx, err);
		if (ht_store_close_written(&dst, err) != HT_OK && s == HT_OK)
			s = HT_ERR_IO;
	}
	if (s == HT_OK)
		return ht_newfile_publish(&nf, how, err);
	ht_newfile_discard(&nf);
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

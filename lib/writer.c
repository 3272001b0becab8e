/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing a store file, through the writer path of newfile.h: a
 * transaction's commit, init's new store, restore and backup.
 *
 * GDBM leaves deleted values, and replaced ones whose size changed, in its
 * free space. A file that lost any is never published as it is: its
 * records are inserted into a fresh file (ht_store_write), so nothing of
 * a purged token stays behind and the file shrinks. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "store_impl.h"

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

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "safefile.h"
#include "store_impl.h"

#define PATH_BUF 4096

/* Copies src_fd into a fresh temp beside dest and renames it over dest. */
static enum ht_status
copy_to(int src_fd, const char *dest, mode_t mode, uid_t uid, gid_t gid,
        struct ht_error *err)
{
	char tmp[PATH_BUF];
	enum ht_status s;
	int fd = ht_copy_to_temp(src_fd, dest, uid, gid, mode, tmp, sizeof(tmp));

	if (fd < 0)
		return ht_error_set(err, HT_ERR_IO, "%s: cannot write a copy: %s", dest,
		                    strerror(errno));
	s = ht_publish(fd, tmp, dest, err);
	close(fd);
	if (s != HT_OK)
		unlink(tmp);
	return s;
}

enum ht_status
ht_store_backup(const char *path, const struct ht_key *key, const char *dest,
                struct ht_error *err)
{
	struct ht_store *st;
	unsigned long count;
	enum ht_status s;

	/* The live file is never written in place, so the inode we opened is a
	 * consistent snapshot for as long as we hold it. */
	if (ht_store_open(path, key, &st, err) != HT_OK)
		return err->status;
	s = ht_store_verify(st, &count, err);
	if (s == HT_OK)
		s = copy_to(gdbm_fdesc(st->dbf), dest, 0600, geteuid(), getegid(), err);
	ht_store_close(st);
	return s;
}

/* Opens src as a store and checks every value under key. */
static enum ht_status
open_verified(const char *src, const struct ht_key *key, struct ht_store *st,
              struct ht_error *err)
{
	unsigned long count;
	struct stat sb;
	int fd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return ht_error_set(err, HT_ERR_UNAVAIL, "backup %s: %s", src,
		                    errno == ELOOP ? "is a symbolic link" : strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return ht_error_set(err, HT_ERR_DATA, "backup %s: not a regular file", src);
	}
	if (ht_store_attach(fd, src, GDBM_READER | GDBM_NOMMAP | GDBM_XVERIFY | GDBM_NOLOCK,
	                    key, st, err) != HT_OK ||
	    ht_store_verify(st, &count, err) != HT_OK) {
		if (st->dbf != NULL)
			gdbm_close(st->dbf);
		st->dbf = NULL;
		err->status = HT_ERR_DATA;
		return HT_ERR_DATA;
	}
	return HT_OK;
}

/* Revocations in the live store, to carry over into a restored one. */
struct revocations {
	ht_id *ids;
	int64_t *when;
	size_t n, cap;
	int failed;
};

static int
collect_revoked(const struct ht_record *rec, void *ctx)
{
	struct revocations *r = ctx;

	if (!rec->revoked)
		return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		ht_id *ids = realloc(r->ids, cap * sizeof(*ids));
		int64_t *when;

		if (ids == NULL) {
			r->failed = 1;
			return 1;
		}
		r->ids = ids;
		when = realloc(r->when, cap * sizeof(*when));
		if (when == NULL) {
			r->failed = 1;
			return 1;
		}
		r->when = when;
		r->cap = cap;
	}
	r->ids[r->n] = rec->id;
	r->when[r->n] = rec->revoked_at;
	r->n++;
	return 0;
}

/* Reads the live store's revocations; 0, or -1 when it cannot be read
 * (missing or damaged: then there is nothing to carry over). */
static int
read_live_revocations(const char *path, const struct ht_key *key, struct revocations *r)
{
	struct ht_error err = { 0 };
	struct ht_store *live;
	enum ht_status s;

	if (ht_store_open(path, key, &live, &err) != HT_OK)
		return -1;
	s = ht_store_foreach(live, collect_revoked, r, &err);
	ht_store_close(live);
	return s == HT_OK && !r->failed ? 0 : -1;
}

/* Marks revoked, in the copy being restored, every token the live store
 * had revoked; counts them in *kept. */
static enum ht_status
apply_revocations(struct ht_store *copy, const struct revocations *r, long *kept,
                  struct ht_error *err)
{
	unsigned char buf[HT_RECORD_MAX];
	char name[HT_RECORD_KEY_LEN + 1];

	for (size_t i = 0; i < r->n; i++) {
		struct ht_record rec;
		enum ht_status s = ht_store_get(copy, r->ids[i], &rec, err);
		size_t len;

		if (s == HT_ERR_NOTFOUND)
			continue;
		if (s != HT_OK)
			return s;
		if (rec.revoked)
			continue;
		rec.revoked = 1;
		rec.revoked_at = r->when[i];
		len = ht_record_encode(&rec, copy->key, buf);
		ht_record_key(rec.id, name);
		if (len == 0 || ht_store_put_raw(copy, name, buf, len, err) != HT_OK)
			return ht_error_set(err, HT_ERR_IO, "restore: cannot keep a revocation");
		(*kept)++;
	}
	return HT_OK;
}

/* Copies the verified backup to a temp file beside the live store, carries
 * the live revocations into it, and renames it over the live store. */
static enum ht_status
restore_copy(const char *path, const struct ht_key *key, struct ht_store *backup,
             const struct revocations *r, const struct stat *live, long *kept,
             struct ht_error *err)
{
	struct ht_store copy;
	char tmp[PATH_BUF];
	enum ht_status s;
	int fd = ht_copy_to_temp(gdbm_fdesc(backup->dbf), path, live->st_uid, live->st_gid,
	                         live->st_mode & 0644, tmp, sizeof(tmp));
	int keep;

	if (fd < 0)
		return ht_error_set(err, HT_ERR_IO, "%s: cannot write a copy: %s", path,
		                    strerror(errno));
	/* Our own descriptor for the fsync: gdbm_close closes its own. */
	keep = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (keep < 0) {
		s = ht_error_set(err, HT_ERR_IO, "%s: %s", path, strerror(errno));
		close(fd);
		goto out;
	}
	/* The copy is reachable by no reader until it is renamed: no locking. */
	s = ht_store_attach(fd, tmp, GDBM_WRITER | GDBM_NOMMAP | GDBM_NOLOCK, key, &copy, err);
	if (s != HT_OK)
		goto out;
	copy.schema = backup->schema;
	s = apply_revocations(&copy, r, kept, err);
	if (gdbm_close(copy.dbf) != 0 && s == HT_OK)
		s = ht_error_set(err, HT_ERR_IO, "%s: close failed", tmp);
	if (s == HT_OK)
		s = ht_publish(keep, tmp, path, err);
out:
	if (keep >= 0)
		close(keep);
	if (s != HT_OK)
		unlink(tmp);
	return s;
}

enum ht_status
ht_store_restore(const char *path, const struct ht_key *key, const char *src,
                 int timeout_ms, long *kept_revoked, struct ht_error *err)
{
	struct ht_store backup = { 0 };
	struct revocations r = { 0 };
	struct stat live;
	enum ht_status s;
	long kept = 0;
	int lock_fd;

	if (open_verified(src, key, &backup, err) != HT_OK)
		return err->status;
	/* The live store may be damaged or missing: restoring is the cure, so
	 * only its directory and the writers' lock are required. */
	s = ht_check_parent_dir(path, "store", err);
	if (s == HT_OK)
		s = ht_store_lock(path, timeout_ms, &lock_fd, err);
	if (s == HT_OK) {
		ht_store_remove_stale_temps(path);
		if (read_live_revocations(path, key, &r) < 0)
			kept = -1;
		if (lstat(path, &live) < 0 || !S_ISREG(live.st_mode)) {
			live.st_uid = geteuid();
			live.st_gid = getegid();
			live.st_mode = 0640;
		}
		s = restore_copy(path, key, &backup, &r, &live, kept < 0 ? &(long){ 0 } : &kept, err);
		close(lock_fd);
	}
	gdbm_close(backup.dbf);
	free(r.ids);
	free(r.when);
	if (kept_revoked != NULL)
		*kept_revoked = kept;
	return s;
}

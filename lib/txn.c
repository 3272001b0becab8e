/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "quota.h"
#include "safefile.h"
#include "store_impl.h"

#define TEMP_INFIX  ".tmp."
#define PATH_BUF    4096

struct ht_txn {
	struct ht_store st;
	int lock_fd;
	int tmp_fd;           /* the copy's descriptor, owned by gdbm while open */
	char path[PATH_BUF];
	char tmp[PATH_BUF];
};

int
ht_make_temp(const char *path, char *tmp, size_t size)
{
	int fd;

	if (snprintf(tmp, size, "%s" TEMP_INFIX "XXXXXX", path) >= (int)size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* Left 0600 (the tokenctl umask is 077): it is created with the
	 * caller's group, so callers set the ownership first and only then
	 * widen the mode, or another user could open it in between and read
	 * the copy through that descriptor. */
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
ht_copy_to_temp(int src_fd, const char *path, uid_t uid, gid_t gid, mode_t mode,
                char *tmp, size_t size)
{
	int fd = ht_make_temp(path, tmp, size);
	int e;

	if (fd < 0)
		return -1;
	/* Owner before mode: the temp file starts 0600, so the caller's group
	 * never gets a window on it. */
	if (fchown(fd, uid, gid) == 0 && fchmod(fd, mode) == 0 && copy_fd(src_fd, fd) == 0 &&
	    lseek(fd, 0, SEEK_SET) == 0)
		return fd;
	e = errno;
	close(fd);
	unlink(tmp);
	errno = e;
	return -1;
}

enum ht_status
ht_publish(int fd, const char *tmp, const char *path, struct ht_error *err)
{
	char dir[PATH_BUF];

	if (fsync(fd) < 0)
		return ht_error_set(err, HT_ERR_IO, "store %s: fsync: %s", tmp, strerror(errno));
	if (rename(tmp, path) < 0)
		return ht_error_set(err, HT_ERR_IO, "store %s: rename: %s", path, strerror(errno));
	if (ht_dirname(path, dir, sizeof(dir)) < 0 || ht_fsync_dir(dir) < 0)
		return ht_error_set(err, HT_ERR_IO, "store directory of %s: fsync: %s", path,
		                    strerror(errno));
	return HT_OK;
}

/* The lock file names its holder, so that an operator facing a writer that
 * hangs (stopped, or blocked on output) knows which process to end: every
 * writer survives being killed. */
static void
record_holder(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) == 0)
		(void)!pwrite(fd, buf, (size_t)n, 0);
}

static long
lock_holder(const char *lock)
{
	char buf[32] = { 0 };
	int fd = open(lock, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	long pid = 0;

	if (fd >= 0) {
		if (pread(fd, buf, sizeof(buf) - 1, 0) > 0)
			pid = strtol(buf, NULL, 10);
		close(fd);
	}
	return pid;
}

enum ht_status
ht_store_lock(const char *path, int timeout_ms, int *lock_fd, struct ht_error *err)
{
	char lock[PATH_BUF];
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int fd, waited = 0;

	if (snprintf(lock, sizeof(lock), "%s.lock", path) >= (int)sizeof(lock))
		return ht_error_set(err, HT_ERR_USAGE, "store %s: path too long", path);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
	if (fd < 0)
		return ht_error_set(err, errno == ENOENT ? HT_ERR_UNAVAIL : HT_ERR_IO,
		                    "lock file %s: %s", lock, strerror(errno));
	/* flock, not fcntl: fcntl locks vanish when any descriptor of the file
	 * is closed, and a killed writer's flock is released by the kernel. */
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= timeout_ms) {
			int e = errno;
			close(fd);
			if (e == EWOULDBLOCK)
				return ht_error_set(err, HT_ERR_BUSY, "store %s: another change is "
				                    "in progress (process %ld holds %s); try again. "
				                    "A writer killed there loses nothing",
				                    path, lock_holder(lock), lock);
			return ht_error_set(err, HT_ERR_IO, "lock file %s: %s", lock, strerror(e));
		}
		nanosleep(&pause, NULL);
		waited += 10;
	}
	record_holder(fd);
	*lock_fd = fd;
	return HT_OK;
}

/* Under the lock no other writer runs, so any temp file present was left by
 * a writer that died: remove it. */
void
ht_store_remove_stale_temps(const char *path)
{
	char dir[PATH_BUF], prefix[PATH_BUF], victim[PATH_BUF * 2];
	const char *base = strrchr(path, '/');
	struct dirent *de;
	DIR *d;

	base = base ? base + 1 : path;
	if (ht_dirname(path, dir, sizeof(dir)) < 0 ||
	    snprintf(prefix, sizeof(prefix), "%s" TEMP_INFIX, base) >= (int)sizeof(prefix))
		return;
	d = opendir(dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 ||
		    strlen(de->d_name) != strlen(prefix) + 6)
			continue;
		snprintf(victim, sizeof(victim), "%s/%s", dir, de->d_name);
		unlink(victim);
	}
	closedir(d);
}

/* Copies the live store (checked like any reader's) into a fresh temp file
 * owned like the original and with its mode, and opens the copy for writing. */
static enum ht_status
open_copy(struct ht_txn *txn, const struct ht_key *key, struct ht_error *err)
{
	struct ht_store *live;
	struct stat sb;
	unsigned schema;
	int fd;

	if (ht_store_open(txn->path, key, &live, err) != HT_OK)
		return err->status;
	/* Ownership and mode as the administrator set them: a store made
	 * private (0600) must not become group-readable on the next write. */
	sb = *ht_store_stat(live);
	schema = ht_store_schema(live);
	fd = ht_copy_to_temp(gdbm_fdesc(live->dbf), txn->path, sb.st_uid, sb.st_gid,
	                     sb.st_mode & 0644, txn->tmp, sizeof(txn->tmp));
	if (fd < 0) {
		ht_store_close(live);
		return ht_error_set(err, errno == EACCES ? HT_ERR_PERM : HT_ERR_IO,
		                    "store %s: cannot make a working copy: %s",
		                    txn->path, strerror(errno));
	}
	ht_store_close(live);
	txn->tmp_fd = fd;
	/* The copy is reachable by no reader until it is renamed: no locking. */
	if (ht_store_attach(fd, txn->tmp, GDBM_WRITER | GDBM_NOMMAP | GDBM_NOLOCK, key,
	                    &txn->st, err) != HT_OK) {
		unlink(txn->tmp);
		return err->status;
	}
	txn->st.schema = schema;
	return HT_OK;
}

enum ht_status
ht_txn_begin(const char *path, const struct ht_key *key, int timeout_ms,
             struct ht_txn **out, struct ht_error *err)
{
	struct ht_txn *txn;

	*out = NULL;
	txn = calloc(1, sizeof(*txn));
	if (txn == NULL)
		return ht_error_set(err, HT_ERR_NOMEM, "out of memory");
	txn->lock_fd = -1;
	if (snprintf(txn->path, sizeof(txn->path), "%s", path) >= (int)sizeof(txn->path)) {
		free(txn);
		return ht_error_set(err, HT_ERR_USAGE, "store %s: path too long", path);
	}
	if (ht_check_parent_dir(path, "store", err) != HT_OK ||
	    ht_store_lock(path, timeout_ms, &txn->lock_fd, err) != HT_OK) {
		free(txn);
		return err->status;
	}
	ht_store_remove_stale_temps(path);
	if (open_copy(txn, key, err) != HT_OK) {
		close(txn->lock_fd);
		free(txn);
		return err->status;
	}
	txn->st.path = txn->path;
	*out = txn;
	return HT_OK;
}

struct ht_store *
ht_txn_store(struct ht_txn *txn)
{
	return &txn->st;
}

enum ht_status
ht_txn_put(struct ht_txn *txn, const struct ht_record *rec, struct ht_error *err)
{
	unsigned char buf[HT_RECORD_MAX];
	char name[HT_RECORD_KEY_LEN + 1];
	size_t len;

	if ((rec->version == 0 ? HT_RECORD_VERSION : rec->version) != txn->st.schema)
		return ht_error_set(err, HT_ERR_DATA, "store %s is of schema %u: run "
		                    "'tokenctl upgrade' first", txn->path, txn->st.schema);
	len = ht_record_encode(rec, txn->st.key, buf);
	if (len == 0)
		return ht_error_set(err, HT_ERR_USAGE, "token record too large");
	if (ht_quota_note_put(&txn->st, rec, err) != HT_OK)
		return err->status;
	ht_record_key(rec->id, name);
	return ht_store_put_raw(&txn->st, name, buf, len, err);
}

enum ht_status
ht_txn_delete(struct ht_txn *txn, ht_id id, struct ht_error *err)
{
	char name[HT_RECORD_KEY_LEN + 1];
	datum k = { name, HT_RECORD_KEY_LEN };

	if (ht_quota_note_delete(&txn->st, id, err) != HT_OK)
		return err->status;
	ht_record_key(id, name);
	if (gdbm_delete(txn->st.dbf, k) == 0)
		return HT_OK;
	/* Only a missing key is "no such token"; a failed write is not. */
	if (gdbm_last_errno(txn->st.dbf) == GDBM_ITEM_NOT_FOUND)
		return ht_error_set(err, HT_ERR_NOTFOUND, "no such token");
	return ht_error_set(err, HT_ERR_IO, "store %s: delete failed: %s", txn->tmp,
	                    gdbm_strerror(gdbm_last_errno(txn->st.dbf)));
}

enum ht_status
ht_txn_put_policy(struct ht_txn *txn, const struct ht_policy *pol, struct ht_error *err)
{
	unsigned char buf[HT_POLICY_MAX];
	size_t len;

	if ((pol->version == 0 ? HT_POLICY_VERSION : pol->version) != txn->st.schema)
		return ht_error_set(err, HT_ERR_DATA, "store %s is of schema %u: run "
		                    "'tokenctl upgrade' first", txn->path, txn->st.schema);
	len = ht_policy_encode(pol, txn->st.key, buf);
	if (len == 0)
		return ht_error_set(err, HT_ERR_USAGE, "policy record too large");
	return ht_store_put_raw(&txn->st, HT_POLICY_KEY, buf, len, err);
}

static void
txn_free(struct ht_txn *txn)
{
	if (txn->lock_fd >= 0)
		close(txn->lock_fd);
	free(txn);
}

enum ht_status
ht_txn_commit(struct ht_txn *txn, struct ht_error *err)
{
	enum ht_status s = HT_OK;
	int fd;

	if (gdbm_sync(txn->st.dbf) != 0)
		s = ht_error_set(err, HT_ERR_IO, "store %s: sync failed: %s", txn->tmp,
		                 gdbm_strerror(gdbm_last_errno(txn->st.dbf)));
	/* Keep a descriptor of our own for the fsync: gdbm_close closes its own. */
	fd = fcntl(txn->tmp_fd, F_DUPFD_CLOEXEC, 0);
	if (gdbm_close(txn->st.dbf) != 0 && s == HT_OK)
		s = ht_error_set(err, HT_ERR_IO, "store %s: close failed", txn->tmp);
	txn->st.dbf = NULL;
	if (fd < 0 && s == HT_OK)
		s = ht_error_set(err, HT_ERR_IO, "store %s: %s", txn->tmp, strerror(errno));
	if (s == HT_OK)
		s = ht_publish(fd, txn->tmp, txn->path, err);
	if (fd >= 0)
		close(fd);
	if (s != HT_OK)
		unlink(txn->tmp);
	txn_free(txn);
	return s;
}

void
ht_txn_abort(struct ht_txn *txn)
{
	if (txn == NULL)
		return;
	if (txn->st.dbf != NULL)
		gdbm_close(txn->st.dbf);
	unlink(txn->tmp);
	txn_free(txn);
}

static enum ht_status
fill_new_store(int fd, const char *tmp, const struct ht_key *key, struct ht_error *err)
{
	struct ht_store st;
	struct ht_policy pol;
	unsigned char buf[HT_POLICY_MAX];
	size_t len;
	enum ht_status s;
	int keep = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	if (keep < 0)
		return ht_error_set(err, HT_ERR_IO, "store %s: %s", tmp, strerror(errno));
	if (ht_store_attach(fd, tmp, GDBM_NEWDB | GDBM_NOMMAP | GDBM_NOLOCK, key, &st,
	                    err) != HT_OK) {
		close(keep);
		return err->status;
	}
	ht_policy_defaults(&pol);
	len = ht_policy_encode(&pol, key, buf);
	s = ht_store_put_meta(&st, err);
	if (s == HT_OK)
		s = ht_store_put_raw(&st, HT_POLICY_KEY, buf, len, err);
	if (gdbm_close(st.dbf) != 0 && s == HT_OK)
		s = ht_error_set(err, HT_ERR_IO, "store %s: close failed", tmp);
	if (s == HT_OK && fsync(keep) < 0)
		s = ht_error_set(err, HT_ERR_IO, "store %s: fsync: %s", tmp, strerror(errno));
	close(keep);
	return s;
}

enum ht_status
ht_store_create(const char *path, const struct ht_key *key, gid_t gid,
                struct ht_error *err)
{
	char tmp[PATH_BUF], dir[PATH_BUF];
	enum ht_status s;
	int fd;

	if (ht_check_parent_dir(path, "store", err) != HT_OK)
		return err->status;
	fd = ht_make_temp(path, tmp, sizeof(tmp));
	if (fd < 0)
		return ht_error_set(err, HT_ERR_IO, "store %s: %s", path, strerror(errno));
	if ((gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) < 0) || fchmod(fd, 0640) < 0) {
		ht_error_set(err, HT_ERR_IO, "store %s: chown: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		return err->status;
	}
	s = fill_new_store(fd, tmp, key, err);
	/* link() never replaces: an existing store is left as it was. */
	if (s == HT_OK && link(tmp, path) < 0)
		s = ht_error_set(err, errno == EEXIST ? HT_ERR_EXISTS : HT_ERR_IO,
		                 "store %s: %s", path,
		                 errno == EEXIST ? "already exists, not replaced" : strerror(errno));
	unlink(tmp);
	if (s == HT_OK && (ht_dirname(path, dir, sizeof(dir)) < 0 || ht_fsync_dir(dir) < 0))
		s = ht_error_set(err, HT_ERR_IO, "store directory of %s: fsync failed", path);
	return s;
}

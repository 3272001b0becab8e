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

#include <sodium.h>

#include "quota.h"
#include "safefile.h"
#include "store_impl.h"
#include "tombstone.h"

struct ht_txn {
	struct ht_store st;          /* the working copy, opened on nf */
	struct ht_newfile nf;
	struct ht_file_owner owner;  /* the live store's */
	int lock_fd;
	int compact;                 /* purge: write the store afresh at commit */
	char path[HT_PATH_MAX];
};

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

static enum ht_status
store_lock(const char *path, int timeout_ms, int *lock_fd, struct ht_error *err)
{
	char lock[HT_PATH_MAX];
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
static void
remove_stale_temps(const char *path)
{
	char dir[HT_PATH_MAX], prefix[HT_PATH_MAX], victim[HT_PATH_MAX * 2];
	const char *base = strrchr(path, '/');
	struct dirent *de;
	DIR *d;

	base = base ? base + 1 : path;
	if (ht_dirname(path, dir, sizeof(dir)) < 0 ||
	    snprintf(prefix, sizeof(prefix), "%s" HT_TEMP_INFIX, base) >= (int)sizeof(prefix))
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

enum ht_status
ht_writer_enter(const char *path, int timeout_ms, int *lock_fd, struct ht_error *err)
{
	enum ht_status s = ht_check_parent_dir(path, "store", err);

	if (s == HT_OK)
		s = store_lock(path, timeout_ms, lock_fd, err);
	if (s == HT_OK)
		remove_stale_temps(path);
	return s;
}

/* Opens the live store (checked like any reader's) and copies it into a
 * new file beside it, owned like it and with its mode, for the
 * transaction to change. */
static enum ht_status
open_copy(struct ht_txn *txn, const struct ht_key *key, struct ht_error *err)
{
	struct ht_store *live;
	const struct stat *sb;
	unsigned schema;
	enum ht_status s;

	s = ht_store_open(txn->path, key, &live, err);
	if (s != HT_OK)
		return s;
	/* Ownership and mode as the administrator set them: a store made
	 * private (0600) must not become group-readable on the next write. */
	sb = ht_store_stat(live);
	schema = ht_store_schema(live);
	txn->owner = (struct ht_file_owner){ sb->st_uid, sb->st_gid, sb->st_mode & 0644 };
	s = ht_newfile_open(&txn->nf, txn->path, &txn->owner, err);
	if (s == HT_OK && ht_copy_fd(gdbm_fdesc(live->dbf), txn->nf.fd) < 0)
		s = ht_error_set(err, HT_ERR_IO, "store %s: cannot make a working copy: %s",
		                 txn->path, strerror(errno));
	ht_store_close(live);
	/* Without mmap: GDBM remaps a mapped file each time it grows, and
	 * each unmap stops every thread of the process (a sync verifies on
	 * worker threads while it writes): seconds for a million rows. */
	if (s == HT_OK)
		s = ht_newfile_attach(&txn->nf, GDBM_WRITER | GDBM_NOMMAP, key, &txn->st, err);
	if (s != HT_OK) {
		ht_newfile_discard(&txn->nf);
		return s;
	}
	txn->st.schema = schema;
	return HT_OK;
}

enum ht_status
ht_txn_begin(const char *path, const struct ht_key *key, int timeout_ms,
             struct ht_txn **out, struct ht_error *err)
{
	struct ht_txn *txn;
	enum ht_status s;

	*out = NULL;
	txn = calloc(1, sizeof(*txn));
	if (txn == NULL)
		return ht_error_set(err, HT_ERR_NOMEM, "out of memory");
	txn->lock_fd = -1;
	txn->nf.fd = -1;
	if (snprintf(txn->path, sizeof(txn->path), "%s", path) >= (int)sizeof(txn->path)) {
		free(txn);
		return ht_error_set(err, HT_ERR_USAGE, "store %s: path too long", path);
	}
	s = ht_writer_enter(path, timeout_ms, &txn->lock_fd, err);
	if (s == HT_OK)
		s = open_copy(txn, key, err);
	if (s != HT_OK) {
		if (txn->lock_fd >= 0)
			close(txn->lock_fd);
		free(txn);
		return s;
	}
	*out = txn;
	return HT_OK;
}

struct ht_store *
ht_txn_store(struct ht_txn *txn)
{
	return &txn->st;
}

/* Stores a value; the one it replaces is wiped where it lay. */
static enum ht_status
txn_put_raw(struct ht_txn *txn, const char *name, const void *val, size_t len,
            struct ht_error *err)
{
	return ht_store_put_wiped(&txn->st, name, val, len, err);
}

void
ht_txn_compact(struct ht_txn *txn)
{
	txn->compact = 1;
}

enum ht_status
ht_txn_put(struct ht_txn *txn, const struct ht_record *rec, struct ht_error *err)
{
	unsigned char buf[HT_RECORD_MAX];
	char name[HT_RECORD_KEY_LEN + 1];
	enum ht_status s;
	size_t len;

	if ((rec->version == 0 ? HT_RECORD_VERSION : rec->version) != txn->st.schema)
		return ht_error_set(err, HT_ERR_DATA, "store %s is of schema %u: run "
		                    "'tokenctl upgrade' first", txn->path, txn->st.schema);
	len = ht_record_encode(rec, txn->st.key, buf);
	if (len == 0)
		return ht_error_set(err, HT_ERR_USAGE, "token record too large");
	s = ht_quota_note_put(&txn->st, rec, err);
	if (s != HT_OK)
		return s;
	ht_record_key(rec->id, name);
	return txn_put_raw(txn, name, buf, len, err);
}

enum ht_status
ht_txn_put_replica_state(struct ht_txn *txn, const char *name, const unsigned char *body,
                  size_t len, struct ht_error *err)
{
	unsigned char buf[HT_REPLICA_STATE_MAX + HT_MAC_BYTES];

	if (len > HT_REPLICA_STATE_MAX || !ht_replica_name_valid(name, strlen(name)))
		return ht_error_set(err, HT_ERR_USAGE, "sealed value %s: bad name or size", name);
	memcpy(buf, body, len);
	ht_mac(txn->st.key, name, strlen(name), body, len, buf + len);
	return txn_put_raw(txn, name, buf, len + HT_MAC_BYTES, err);
}

/* A revoked token leaves its tombstone: a restore of an older backup reads
 * it to keep the token revoked. An expired one needs none (expiry never
 * changes, so the backup's copy is expired too). */
static enum ht_status
leave_tombstone(struct ht_txn *txn, const struct ht_record *rec, struct ht_error *err)
{
	unsigned char buf[HT_TOMBSTONE_LEN];
	char name[HT_TOMBSTONE_KEY_LEN + 1];

	if (!rec->revoked)
		return HT_OK;
	ht_tombstone_key(rec->id, name);
	ht_tombstone_encode(rec->id, rec->revoked_at, txn->st.key, buf);
	return txn_put_raw(txn, name, buf, sizeof(buf), err);
}

enum ht_status
ht_txn_delete(struct ht_txn *txn, ht_id id, struct ht_error *err)
{
	char name[HT_RECORD_KEY_LEN + 1];
	struct ht_record rec;
	enum ht_status s;

	s = ht_store_get(&txn->st, id, &rec, err);
	if (s == HT_ERR_NOTFOUND)
		return ht_error_set(err, s, "no such token");
	if (s == HT_OK)
		s = leave_tombstone(txn, &rec, err);
	sodium_memzero(&rec, sizeof(rec));
	if (s == HT_OK)
		s = ht_quota_note_delete(&txn->st, id, err);
	if (s != HT_OK)
		return s;
	ht_record_key(id, name);
	return ht_store_delete_wiped(&txn->st, name, err);
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
	return txn_put_raw(txn, HT_POLICY_KEY, buf, len, err);
}

/* The copy is published as it is: what a change replaced or deleted was
 * wiped where it lay (ht_store_put_wiped). A purge's copy is written
 * afresh, record by record, so that the file shrinks as well. */
enum ht_status
ht_txn_commit(struct ht_txn *txn, struct ht_error *err)
{
	enum ht_status s;

	if (txn->compact) {
		s = ht_store_write_copy(&txn->st, txn->path, &txn->owner, err);
	} else {
		s = ht_store_close_written(&txn->st, err);
		if (s == HT_OK)
			s = ht_newfile_publish(&txn->nf, HT_WRITE_REPLACE, err);
	}
	ht_txn_abort(txn);
	return s;
}

void
ht_txn_abort(struct ht_txn *txn)
{
	if (txn == NULL)
		return;
	if (txn->st.dbf != NULL)
		gdbm_close(txn->st.dbf);
	ht_newfile_discard(&txn->nf);
	if (txn->lock_fd >= 0)
		close(txn->lock_fd);
	free(txn);
}

static enum ht_status
fill_new_store(struct ht_store *dst, void *ctx, struct ht_error *err)
{
	unsigned char buf[HT_POLICY_MAX];
	struct ht_policy pol;
	enum ht_status s;
	size_t len;

	(void)ctx;
	ht_policy_defaults(&pol);
	len = ht_policy_encode(&pol, dst->key, buf);
	s = ht_store_put_meta(dst, err);
	if (s == HT_OK)
		s = ht_store_put_raw(dst, HT_POLICY_KEY, buf, len, err);
	return s;
}

enum ht_status
ht_store_create(const char *path, const struct ht_key *key, gid_t gid,
                struct ht_error *err)
{
	struct ht_file_owner own = { (uid_t)-1, gid, 0640 };
	enum ht_status s = ht_check_parent_dir(path, "store", err);

	if (s != HT_OK)
		return s;
	return ht_store_write(path, key, &own, HT_WRITE_NEW, fill_new_store, NULL, err);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store's safety checks, writer transactions, backup and restore. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gdbm.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "fixture.h"
#include "store.h"
#include "store_impl.h"
#include "tap.h"

/* Setup steps of a test: a failure stops the test, naming the step. */
#define must(cond, what) \
	do { \
		if (!(cond)) \
			bail("%s:%d: setup failed: %s: %s", __FILE__, __LINE__, (what), \
			     strerror(errno)); \
	} while (0)

/* Opens the store and expects status; the message must contain needle. */
static void
expect_open(struct fixture *fx, const char *path, enum ht_status want,
            const char *needle, const char *what)
{
	struct ht_error err = { 0 };
	struct ht_store *st = NULL;
	enum ht_status s = ht_store_open(path, &fx->key, &st, &err);

	ht_store_close(st);
	is_status(s, want, "%s", what);
	like(err.msg, needle, "%s: the message says so", what);
}

static void
expect_key(const char *path, enum ht_status want, const char *needle, const char *what)
{
	struct ht_error err = { 0 };
	struct ht_key key;
	enum ht_status s = ht_key_load(path, &key, &err);

	ht_key_wipe(&key);
	is_status(s, want, "%s", what);
	like(err.msg, needle, "%s: the message says so", what);
}

static void
test_safety(struct fixture *fx)
{
	char path[400];

	expect_open(fx, fx->db, HT_OK, "", "a fresh store opens");
	must(chmod(fx->db, 0660) == 0, "chmod store");
	expect_open(fx, fx->db, HT_ERR_CONFIG, "writable by group", "group-writable store refused");
	must(chmod(fx->db, 0642) == 0, "chmod store");
	expect_open(fx, fx->db, HT_ERR_CONFIG, "tokens.db", "world-writable store refused, file named");
	must(chmod(fx->db, 0640) == 0, "chmod store");
	must(chmod(fx->keyfile, 0660) == 0, "chmod key");
	expect_key(fx->keyfile, HT_ERR_CONFIG, "writable by group", "group-writable key refused");
	must(chmod(fx->keyfile, 0640) == 0, "chmod key");
	must(chmod(fx->dir, 0770) == 0, "chmod directory");
	expect_open(fx, fx->db, HT_ERR_CONFIG, "directory", "group-writable store directory refused");
	must(chmod(fx->dir, 0700) == 0, "chmod directory");

	snprintf(path, sizeof(path), "%s/link.db", fx->dir);
	must(symlink(fx->db, path) == 0, "symlink");
	expect_open(fx, path, HT_ERR_CONFIG, "symbolic link", "symlinked store refused");
	snprintf(path, sizeof(path), "%s/fifo.db", fx->dir);
	must(mkfifo(path, 0600) == 0, "mkfifo");
	expect_open(fx, path, HT_ERR_CONFIG, "not a regular file", "FIFO store refused without hanging");
	snprintf(path, sizeof(path), "%s/dir.db", fx->dir);
	must(mkdir(path, 0700) == 0, "mkdir");
	expect_open(fx, path, HT_ERR_CONFIG, "not a regular file", "directory as store refused");
	snprintf(path, sizeof(path), "%s/missing.db", fx->dir);
	expect_open(fx, path, HT_ERR_UNAVAIL, "No such file", "missing store: unavailable");
	snprintf(path, sizeof(path), "%s/missing-key", fx->dir);
	expect_key(path, HT_ERR_UNAVAIL, "missing-key", "missing key: unavailable, file named");

	if (geteuid() == 0) {
		must(chown(fx->db, 65534, 0) == 0, "chown store");
		expect_open(fx, fx->db, HT_ERR_CONFIG, "owned by uid 65534",
		            "store owned by another user refused");
		must(chown(fx->db, 0, 0) == 0, "chown store");
		must(chown(fx->keyfile, 65534, 0) == 0, "chown key");
		expect_key(fx->keyfile, HT_ERR_CONFIG, "owned by uid 65534",
		           "key owned by another user refused");
		must(chown(fx->keyfile, 0, 0) == 0, "chown key");
	} else {
		for (int i = 0; i < 4; i++)
			skip("ownership checks need root to chown");
	}
}

static void
test_bad_contents(struct fixture *fx)
{
	char path[400];
	struct ht_key other;
	unsigned char junk[8192];
	int fd;

	snprintf(path, sizeof(path), "%s/short-key", fx->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	must(fd >= 0 && write(fd, "0123456789", 10) == 10 && close(fd) == 0, "write short key");
	expect_key(path, HT_ERR_CONFIG, "must be 32 bytes", "key of the wrong size refused");

	snprintf(path, sizeof(path), "%s/junk.db", fx->dir);
	randombytes_buf(junk, sizeof(junk));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	must(fd >= 0 && write(fd, junk, sizeof(junk)) == (ssize_t)sizeof(junk) && close(fd) == 0,
	     "write junk store");
	expect_open(fx, path, HT_ERR_CORRUPT, "not a valid store", "random bytes are not a store");

	other = fx->key;
	fx->key.mac_key[0] ^= 1;
	expect_open(fx, fx->db, HT_ERR_CORRUPT, "another key", "store opened with another key refused");
	fx->key = other;
}

/* Rewrites the schema record with another version, sealed correctly. */
static void
test_unknown_schema(struct fixture *fx)
{
	unsigned char val[64];
	const char magic[] = "httptoken-store";
	size_t n = strlen(magic);
	char name[] = "meta";
	GDBM_FILE dbf;
	datum k = { name, 4 }, v;

	memcpy(val, magic, n);
	val[n] = 0; val[n + 1] = 0; val[n + 2] = 0; val[n + 3] = 99;
	ht_mac(&fx->key, "meta", 4, val, n + 4, val + n + 4);
	v.dptr = (char *)val;
	v.dsize = (int)(n + 4 + HT_MAC_BYTES);
	dbf = gdbm_open(fx->db, 0, GDBM_WRITER | GDBM_CLOEXEC, 0, NULL);
	must(dbf != NULL, "gdbm_open");
	must(gdbm_store(dbf, k, v, GDBM_REPLACE) == 0, "gdbm_store");
	gdbm_close(dbf);
	expect_open(fx, fx->db, HT_ERR_CORRUPT, "unknown schema version 99",
	            "a store of an unknown schema version is refused");
}

static int
count_tokens(struct fixture *fx)
{
	struct ht_error err = { 0 };
	struct ht_store *st;
	unsigned long n = 0;

	if (ht_store_open(fx->db, &fx->key, &st, &err) != HT_OK)
		return -1;
	if (ht_store_verify(st, &n, &err) != HT_OK)
		n = (unsigned long)-1;
	ht_store_close(st);
	return (int)n;
}

static void
test_transactions(struct fixture *fx)
{
	struct ht_error err = { 0 };
	char text[HT_TOKEN_LEN + 1], lock[400], stale[400];
	struct ht_store *before;
	struct ht_record rec;
	struct ht_txn *txn;
	struct stat st;
	ht_id id, id2;
	int fd;

	if (ht_store_open(fx->db, &fx->key, &before, &err) != HT_OK)
		fixture_bail("store open", &err);
	fixture_add_token(fx, "alice", HT_PERM_READ, 0, text, &id);
	is_int(count_tokens(fx), 1, "a committed token is visible to the next reader");
	is_status(ht_store_get(before, id, &rec, &err), HT_ERR_NOTFOUND,
	          "a reader opened before the commit keeps its consistent old view");
	ht_store_close(before);

	ht_error_clear(&err);
	if (ht_txn_begin(fx->db, &fx->key, 1000, &txn, &err) != HT_OK)
		fixture_bail("writer transaction", &err);
	if (ht_txn_delete(txn, id, &err) != HT_OK)
		fixture_bail("delete in a transaction", &err);
	ht_txn_abort(txn);
	is_int(count_tokens(fx), 1, "an aborted transaction changes nothing");

	snprintf(lock, sizeof(lock), "%s.lock", fx->db);
	fd = open(lock, O_RDWR | O_CLOEXEC);
	must(fd >= 0 && flock(fd, LOCK_EX) == 0, "lock the writers' lock file");
	ht_error_clear(&err);
	is_status(ht_txn_begin(fx->db, &fx->key, 50, &txn, &err), HT_ERR_BUSY,
	          "a second writer gets BUSY");
	like(err.msg, "try again", "BUSY: says to try again");
	like(err.msg, ".lock", "BUSY: names the lock file to look at");
	close(fd);

	/* Anyone who may read the store (the server's group) can flock it:
	 * that must neither refuse readers nor stop a revocation. */
	fd = open(fx->db, O_RDONLY | O_CLOEXEC);
	must(fd >= 0 && flock(fd, LOCK_EX) == 0, "flock the store");
	ht_error_clear(&err);
	is_int(count_tokens(fx), 1, "a reader is not refused while someone holds a flock on the store");
	is_status(ht_txn_begin(fx->db, &fx->key, 50, &txn, &err), HT_OK,
	          "a writer is not refused while someone holds a flock on the store");
	if (txn != NULL)
		ht_txn_abort(txn);
	close(fd);

	must(chmod(fx->db, 0600) == 0, "chmod store");
	fixture_add_token(fx, "carol", HT_PERM_READ, 0, text, &id2);
	must(stat(fx->db, &st) == 0, "stat store");
	is_int(st.st_mode & 0777, 0600, "a write keeps a private (0600) store private");
	must(chmod(fx->db, 0640) == 0, "chmod store");

	/* A temp copy is made with the writer's group (under setuid: the
	 * caller's); it must stay private until its owner is set. */
	fd = ht_make_temp(fx->db, stale, sizeof(stale));
	must(fd >= 0 && fstat(fd, &st) == 0, "make a temp copy");
	is_int(st.st_mode & 0777, 0600, "a writer's temp copy starts private (0600)");
	close(fd);
	unlink(stale);

	snprintf(stale, sizeof(stale), "%s.tmp.AbCdEf", fx->db);
	fd = open(stale, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	must(fd >= 0 && close(fd) == 0, "plant a stale temp file");
	ht_error_clear(&err);
	is_status(ht_txn_begin(fx->db, &fx->key, 1000, &txn, &err), HT_OK,
	          "a writer starts beside a temp file left by a dead writer");
	ok(access(stale, F_OK) != 0, "a writer removes a temp file left by a dead writer");
	if (txn != NULL)
		ht_txn_abort(txn);

	ht_error_clear(&err);
	is_status(ht_store_create(fx->db, &fx->key, (gid_t)-1, &err), HT_ERR_EXISTS,
	          "creating over an existing store is refused");
	is_int(count_tokens(fx), 2, "creating over an existing store loses nothing");
	ht_error_clear(&err);
	is_status(ht_key_create(fx->keyfile, (gid_t)-1, &err), HT_ERR_EXISTS,
	          "creating over an existing key is refused");
}

static void
test_backup_restore(struct fixture *fx)
{
	struct ht_error err = { 0 };
	char bak[400], text[HT_TOKEN_LEN + 1];
	struct ht_restore_options opt = { 1000, 0 };
	struct ht_restore_report rep;
	struct ht_key other;
	struct stat st;
	ht_id id;

	fixture_add_token(fx, "alice", HT_PERM_READ, 0, text, &id);
	snprintf(bak, sizeof(bak), "%s/backup.db", fx->dir);
	is_status(ht_store_backup(fx->db, &fx->key, bak, &err), HT_OK, "backup succeeds");
	must(stat(bak, &st) == 0, "stat backup");
	is_int(st.st_mode & 0777, 0600, "backup writes a 0600 copy");
	fixture_add_token(fx, "bob", HT_PERM_READ, 0, text, &id);
	is_int(count_tokens(fx), 2, "store has two tokens after the backup");
	must(chmod(fx->db, 0600) == 0, "chmod store");
	is_status(ht_store_restore(fx->db, &fx->key, bak, &opt, &rep, &err), HT_OK,
	          "restore succeeds");
	is_int(count_tokens(fx), 1, "restore brings back the backed-up state");
	must(stat(fx->db, &st) == 0, "stat store");
	is_int(st.st_mode & 0777, 0600, "restore keeps the live store's mode");
	must(chmod(fx->db, 0640) == 0, "chmod store");
	other = fx->key;
	other.mac_key[3] ^= 0x40;
	ht_error_clear(&err);
	is_status(ht_store_restore(fx->db, &other, bak, &opt, &rep, &err), HT_ERR_CORRUPT,
	          "restore of a backup that does not verify is refused");
	is_int(count_tokens(fx), 1, "a refused restore leaves the store intact");
	must(truncate(fx->db, 100) == 0, "truncate store");
	ht_error_clear(&err);
	is_status(ht_store_restore(fx->db, &fx->key, bak, &opt, &rep, &err), HT_OK,
	          "restore repairs a damaged live store");
	is_int(count_tokens(fx), 1, "the repaired store holds the backed-up state");
	is_int(rep.live_read, 0, "restore over a damaged store says it could not look for revocations");
	is_int(rep.policy, HT_RESTORE_POLICY_FROM_BACKUP, "... and that the policy is the backup's");
	sodium_memzero(&other, sizeof(other));
}

/* A backup taken before a revocation must not bring the token back. */
static void
test_restore_keeps_revocations(struct fixture *fx)
{
	struct ht_error err = { 0 };
	char bak[400], text[HT_TOKEN_LEN + 1];
	struct ht_restore_options opt = { 1000, 0 };
	struct ht_restore_report rep;
	struct ht_store *st;
	struct ht_record rec;
	ht_id id;

	snprintf(bak, sizeof(bak), "%s/backup2.db", fx->dir);
	fixture_add_token(fx, "carol", HT_PERM_READ, 0, text, &id);
	if (ht_store_backup(fx->db, &fx->key, bak, &err) != HT_OK)
		fixture_bail("backup", &err);
	fixture_revoke(fx, id, 1234567);
	is_status(ht_store_restore(fx->db, &fx->key, bak, &opt, &rep, &err), HT_OK,
	          "restore over a later revocation succeeds");
	is_int(rep.kept_revoked, 1, "restore reports one revocation made after the backup");
	if (ht_store_open(fx->db, &fx->key, &st, &err) != HT_OK)
		fixture_bail("store open", &err);
	is_status(ht_store_get(st, id, &rec, &err), HT_OK, "the revoked token is still there");
	is_int(rec.revoked, 1, "the token revoked after the backup stays revoked");
	is_int(rec.revoked_at, 1234567, "... with its revocation time");
	ht_store_close(st);
}

int
main(void)
{
	if (sodium_init() < 0)
		bail("sodium_init failed");
	fixture_run(test_safety);
	fixture_run(test_bad_contents);
	fixture_run(test_transactions);
	fixture_run(test_backup_restore);
	fixture_run(test_restore_keeps_revocations);
	fixture_run(test_unknown_schema);
	return done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The token store: one GDBM file that is never modified in place.
 *
 * Readers open it per use (GDBM_READER|GDBM_NOMMAP|GDBM_NOLOCK, through a
 * descriptor checked by ht_open_safely()). Writers serialise on PATH.lock,
 * copy the live file to PATH.tmp.XXXXXX, change the copy, fsync it and
 * rename() it over PATH, so a reader sees the old file or the new one,
 * never a partial write, and never fails because a write is running. A
 * copy that lost values to GDBM's free space is written afresh instead
 * (writer.c), so purged data never reaches the live file.
 *
 * Every value is sealed with the key's MAC; "meta" holds the schema
 * version, "policy" the policy, "tok:<id>" the tokens. */
#ifndef HT_STORE_H
#define HT_STORE_H

#include <sys/stat.h>
#include <sys/types.h>

#include "error.h"
#include "key.h"
#include "policy.h"
#include "record.h"

#define HT_SCHEMA_VERSION 2   /* what new stores are made as */
#define HT_SCHEMA_V1      1   /* still read and written until `tokenctl upgrade` */

struct ht_store;
struct ht_txn;

enum ht_status ht_store_open(const char *path, const struct ht_key *key,
                             struct ht_store **out, struct ht_error *err);
void ht_store_close(struct ht_store *st);

/* The schema of an open store: HT_SCHEMA_V1 or HT_SCHEMA_VERSION. Records
 * and the policy are read and written in that schema's layout. */
unsigned ht_store_schema(const struct ht_store *st);

/* The status of the file ht_store_open opened and checked. */
const struct stat *ht_store_stat(const struct ht_store *st);

/* HT_ERR_NOTFOUND when there is no such token, HT_ERR_CORRUPT when the
 * record does not verify. */
enum ht_status ht_store_get(struct ht_store *st, ht_id id, struct ht_record *rec,
                            struct ht_error *err);
enum ht_status ht_store_get_policy(struct ht_store *st, struct ht_policy *pol,
                                   struct ht_error *err);

/* Calls visit for every token, in storage order; visit returns non-zero to
 * stop early. A record that fails to verify stops the walk with
 * HT_ERR_CORRUPT naming it. */
typedef int (*ht_store_visit)(const struct ht_record *rec, void *ctx);
enum ht_status ht_store_foreach(struct ht_store *st, ht_store_visit visit, void *ctx,
                                struct ht_error *err);

/* Checks every value in the store; *count gets the number of tokens. */
enum ht_status ht_store_verify(struct ht_store *st, unsigned long *count,
                               struct ht_error *err);

/* Creates an empty store (schema + default policy), mode 0640, group gid
 * ((gid_t)-1: unchanged). Never replaces an existing file. */
enum ht_status ht_store_create(const char *path, const struct ht_key *key, gid_t gid,
                               struct ht_error *err);

/* Writer transactions. begin waits up to timeout_ms for the lock
 * (HT_ERR_BUSY after that). Changes are invisible until commit; abort
 * (or a crash) leaves the live store untouched. Both free txn. */
enum ht_status ht_txn_begin(const char *path, const struct ht_key *key, int timeout_ms,
                            struct ht_txn **out, struct ht_error *err);
struct ht_store *ht_txn_store(struct ht_txn *txn);
enum ht_status ht_txn_put(struct ht_txn *txn, const struct ht_record *rec,
                          struct ht_error *err);
/* Deleting a revoked token leaves its tombstone (tombstone.h). */
enum ht_status ht_txn_delete(struct ht_txn *txn, ht_id id, struct ht_error *err);
enum ht_status ht_txn_put_policy(struct ht_txn *txn, const struct ht_policy *pol,
                                 struct ht_error *err);
/* Asks commit to write the store afresh even when nothing was deleted,
 * dropping whatever an older version left in the file's free space. */
void ht_txn_compact(struct ht_txn *txn);
enum ht_status ht_txn_commit(struct ht_txn *txn, struct ht_error *err);
void ht_txn_abort(struct ht_txn *txn);

/* Sealed values kept beside the tokens under names of their own: a
 * replica's position and per-row versions (fleet/replica.c). Each is
 * sealed with the key's MAC bound to its name, like every value.
 * Names: "fleet", or "flv:" (tokens, the policy) or "fle:" (registry
 * entries) + 16 hex digits. An entry's value holds its scope. */
#define HT_REPLICA_STATE_MAX 384
int ht_replica_name_valid(const char *name, size_t len);
/* HT_ERR_NOTFOUND when absent, HT_ERR_CORRUPT when the seal fails. */
enum ht_status ht_store_get_replica_state(struct ht_store *st, const char *name,
                                   unsigned char *body, size_t cap, size_t *len,
                                   struct ht_error *err);
/* Calls visit for every sealed value (verified), in storage order; a
 * status other than HT_OK from visit stops the walk and is returned. */
typedef enum ht_status (*ht_replica_state_visit)(void *ctx, const char *name, size_t name_len,
                                          const unsigned char *body, size_t len,
                                          struct ht_error *err);
enum ht_status ht_store_foreach_replica_state(struct ht_store *st, ht_replica_state_visit visit, void *ctx,
                                       struct ht_error *err);
enum ht_status ht_txn_put_replica_state(struct ht_txn *txn, const char *name,
                                 const unsigned char *body, size_t len,
                                 struct ht_error *err);

/* A consistent copy of the live store into dest (mode 0600, replaced
 * atomically). The copy holds the records only, never what purge removed. */
enum ht_status ht_store_backup(const char *path, const struct ht_key *key,
                               const char *dest, struct ht_error *err);

/* The atomic replacement of the live store by a backup that verifies
 * completely under key. The zero value of the options keeps the live
 * store's policy.
 *
 * Restore never brings a revoked token back: a token the live store has
 * revoked, or purged after revoking it (its tombstone says so), is revoked
 * in the restored store, and the tombstones are kept. When the live store
 * cannot be read (missing, damaged), nothing can be kept: the report says
 * so. */
struct ht_restore_options {
	int timeout_ms;    /* for the writers' lock */
	int with_policy;   /* 1: take the backup's policy too */
};

enum ht_restore_policy {
	HT_RESTORE_POLICY_KEPT,          /* the live store's */
	HT_RESTORE_POLICY_FROM_BACKUP,   /* asked for, the live one unreadable, or of
	                                    another schema than the backup */
};

struct ht_restore_report {
	unsigned long tokens;          /* tokens in the restored store */
	unsigned long kept_revoked;    /* of them, revoked (or purged) since the backup */
	int live_read;                 /* 0: the replaced store could not be read */
	enum ht_restore_policy policy;
};

enum ht_status ht_store_restore(const char *path, const struct ht_key *key,
                                const char *src, const struct ht_restore_options *opt,
                                struct ht_restore_report *rep, struct ht_error *err);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internals shared by store.c, txn.c and backup.c; not for callers. */
#ifndef HT_STORE_IMPL_H
#define HT_STORE_IMPL_H

#include <gdbm.h>

#include "store.h"

struct ht_store {
	GDBM_FILE dbf;
	const struct ht_key *key;
	const char *path;      /* for messages; owned by the caller */
	struct stat sb;        /* the live file as opened by ht_store_open;
	                          zeros for a writer's copy */
	unsigned schema;       /* from the meta record */
};

#define HT_META_KEY   "meta"
#define HT_POLICY_KEY "policy"
#define HT_TOKEN_KEY_PREFIX "tok:"

/* Opens a GDBM file on an already checked descriptor (consumed). */
enum ht_status ht_store_attach(int fd, const char *path, int flags,
                               const struct ht_key *key, struct ht_store *st,
                               struct ht_error *err);
enum ht_status ht_store_check_meta(struct ht_store *st, struct ht_error *err);
enum ht_status ht_store_put_raw(struct ht_store *st, const char *name,
                                const void *val, size_t len, struct ht_error *err);
enum ht_status ht_store_put_meta(struct ht_store *st, struct ht_error *err);
/* The meta record for a given schema (upgrade writes HT_SCHEMA_VERSION). */
enum ht_status ht_store_put_meta_schema(struct ht_store *st, unsigned schema,
                                        struct ht_error *err);

/* Takes the writers' lock PATH.lock (flock), waiting up to timeout_ms. */
enum ht_status ht_store_lock(const char *path, int timeout_ms, int *lock_fd,
                             struct ht_error *err);

/* Removes PATH.tmp.XXXXXX files left by writers that died; call only
 * with the writers' lock held. */
void ht_store_remove_stale_temps(const char *path);

/* A temp file beside path (name into tmp) holding a copy of all of
 * src_fd, owned uid:gid with mode, positioned at its start. Returns the
 * descriptor, or -1 with errno and no temp file left behind. */
int ht_copy_to_temp(int src_fd, const char *path, uid_t uid, gid_t gid, mode_t mode,
                    char *tmp, size_t size);

/* Creates PATH.tmp.XXXXXX beside path, mode 0600; name into tmp. Set its
 * owner before widening its mode. */
int ht_make_temp(const char *path, char *tmp, size_t size);

/* fsync fd, rename tmp over path, fsync the directory. */
enum ht_status ht_publish(int fd, const char *tmp, const char *path,
                          struct ht_error *err);

#endif

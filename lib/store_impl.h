/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internals shared by store.c, txn.c, writer.c and backup.c; not for callers. */
#ifndef HT_STORE_IMPL_H
#define HT_STORE_IMPL_H

#include <gdbm.h>

#include "safefile.h"
#include "store.h"

struct ht_store {
	GDBM_FILE dbf;
	const struct ht_key *key;
	const char *path;      /* for messages; owned by the caller */
	struct stat sb;        /* the live file as opened by ht_store_open;
	                          zeros for a writer's copy */
};

#define HT_META_KEY   "meta"
#define HT_POLICY_KEY "policy"
#define HT_TEMP_INFIX ".tmp."   /* PATH.tmp.XXXXXX: a writer's file */

/* Opens a GDBM file on an already checked descriptor (consumed). */
enum ht_status ht_store_attach(int fd, const char *path, int flags,
                               const struct ht_key *key, struct ht_store *st,
                               struct ht_error *err);
enum ht_status ht_store_check_meta(struct ht_store *st, struct ht_error *err);
enum ht_status ht_store_put_raw(struct ht_store *st, const char *name,
                                const void *val, size_t len, struct ht_error *err);
enum ht_status ht_store_put_raw_n(struct ht_store *st, const char *name, size_t name_len,
                                  const void *val, size_t len, struct ht_error *err);
enum ht_status ht_store_put_meta(struct ht_store *st, struct ht_error *err);

/* Calls visit with every key and value as stored, unchecked; a status
 * other than HT_OK from visit stops the walk and is returned. */
typedef enum ht_status (*ht_raw_visit)(void *ctx, const char *name, size_t name_len,
                                       const unsigned char *val, size_t len,
                                       struct ht_error *err);
enum ht_status ht_store_foreach_raw(struct ht_store *st, ht_raw_visit visit, void *ctx,
                                    struct ht_error *err);

/* What every writer does before it reads the live store: checks the
 * store's directory, takes the writers' lock PATH.lock (flock, waiting up
 * to timeout_ms) and removes the temp files of writers that died. */
enum ht_status ht_writer_enter(const char *path, int timeout_ms, int *lock_fd,
                               struct ht_error *err);

/* Creates PATH.tmp.XXXXXX beside path, mode 0600; name into tmp. Set its
 * owner before widening its mode. */
int ht_make_temp(const char *path, char *tmp, size_t size);

/* A nameless temp file beside path holding a byte copy of src_fd,
 * positioned at its start: a writer's private working copy. Returns the
 * descriptor, or -1 with errno. */
int ht_private_copy(int src_fd, const char *path);

/* Owner and mode of a file a writer makes ((uid_t)-1 / (gid_t)-1: the
 * process's own). */
struct ht_file_owner {
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

enum ht_write_how {
	HT_WRITE_REPLACE,   /* rename over path */
	HT_WRITE_NEW,       /* only when path does not exist yet */
};

/* Writes the records of a new store into dst. */
typedef enum ht_status (*ht_store_fill)(struct ht_store *dst, void *ctx,
                                        struct ht_error *err);

/* The one writer path: a temp file beside path, owned and moded as own
 * says, opened as a new empty store, filled by fill, synced, closed,
 * fsynced, then renamed over path (or linked to it), and the directory
 * fsynced. On failure the temp file is removed and path is as it was. */
enum ht_status ht_store_write(const char *path, const struct ht_key *key,
                              const struct ht_file_owner *own, enum ht_write_how how,
                              ht_store_fill fill, void *ctx, struct ht_error *err);

/* ht_store_write of every record of src, as stored, over path. */
enum ht_status ht_store_write_copy(struct ht_store *src, const char *path,
                                   const struct ht_file_owner *own, struct ht_error *err);

#endif

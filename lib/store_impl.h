/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Internals shared by store.c, txn.c, writer.c and backup.c; not for callers. */
#ifndef HT_STORE_IMPL_H
#define HT_STORE_IMPL_H

#include <gdbm.h>

#include "newfile.h"
#include "safefile.h"
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

/* gdbm_fetch of name: HT_ERR_NOTFOUND when absent; val->dptr to free. */
enum ht_status ht_store_fetch(struct ht_store *st, const char *name, size_t name_len,
                              datum *val, struct ht_error *err);

/* Whether a GDBM key is one of the local-state keys of sealed.h. */
int ht_sealed_key_known(const char *name, size_t len);

/* Opens a GDBM file on an already checked descriptor (consumed). */
enum ht_status ht_store_attach(int fd, const char *path, int flags,
                               const struct ht_key *key, struct ht_store *st,
                               struct ht_error *err);
enum ht_status ht_store_check_meta(struct ht_store *st, struct ht_error *err);
enum ht_status ht_store_put_raw(struct ht_store *st, const char *name,
                                const void *val, size_t len, struct ht_error *err);
enum ht_status ht_store_put_raw_n(struct ht_store *st, const char *name, size_t name_len,
                                  const void *val, size_t len, struct ht_error *err);
/* The writes of a transaction: the value replaced or deleted is first
 * overwritten with zeros in place, so that nothing it said survives in
 * GDBM's free space (a purged token's name and hash, an edited name). A
 * fresh copy written record by record uses ht_store_put_raw. */
enum ht_status ht_store_put_wiped(struct ht_store *st, const char *name, const void *val,
                                  size_t len, struct ht_error *err);
/* HT_ERR_NOTFOUND when there is no such entry. */
enum ht_status ht_store_delete_wiped(struct ht_store *st, const char *name,
                                     struct ht_error *err);
enum ht_status ht_store_put_meta(struct ht_store *st, struct ht_error *err);
/* The meta record for a given schema (upgrade writes HT_SCHEMA_VERSION). */
enum ht_status ht_store_put_meta_schema(struct ht_store *st, unsigned schema,
                                        struct ht_error *err);

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

/* Opens a new file as a GDBM file (GDBM_NOLOCK added: nobody else can
 * reach it before it is published). */
enum ht_status ht_newfile_attach(struct ht_newfile *nf, int flags, const struct ht_key *key,
                                 struct ht_store *st, struct ht_error *err);

/* gdbm_sync and gdbm_close of a store opened for writing. */
enum ht_status ht_store_close_written(struct ht_store *st, struct ht_error *err);

/* Writes the records of a new store into dst. */
typedef enum ht_status (*ht_store_fill)(struct ht_store *dst, void *ctx,
                                        struct ht_error *err);

/* A new store at path: an empty GDBM file written by fill, published
 * through the writer path above. */
enum ht_status ht_store_write(const char *path, const struct ht_key *key,
                              const struct ht_file_owner *own, enum ht_write_how how,
                              ht_store_fill fill, void *ctx, struct ht_error *err);

/* ht_store_write of every record of src, as stored, over path: the file
 * holds the records and nothing of src's free space. */
enum ht_status ht_store_write_copy(struct ht_store *src, const char *path,
                                   const struct ht_file_owner *own, struct ht_error *err);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Local state kept in the store beside the tokens, sealed like them: a
 * value is a body and a MAC over (GDBM key, body), so a damaged or moved
 * entry is detected and the reader fails closed. Two kinds of key:
 *   "own:<uid>:<name>"  an owner refused by tokenctl sweep (refusal.h)
 *   "ntf:<id>"          a token expiry announced by tokenctl notify
 * They live in the same file as the tokens so that the module reads a
 * refusal with one more lookup in a file it has open anyway, and a writer
 * changes them under the same lock and rename as everything else. */
#ifndef HT_SEALED_H
#define HT_SEALED_H

#include <stddef.h>

#include "error.h"
#include "store.h"

#define HT_SEALED_BODY_MAX 256
#define HT_SEALED_NAME_MAX 96
#define HT_OWNER_KEY_PREFIX    "own:"
#define HT_NOTIFIED_KEY_PREFIX "ntf:"

/* The body stored under name into body (HT_SEALED_BODY_MAX bytes), its
 * length in *len. HT_ERR_NOTFOUND when there is none; HT_ERR_CORRUPT when
 * it fails its MAC or is too long. */
enum ht_status ht_store_get_sealed(struct ht_store *st, const char *name,
                                   unsigned char *body, size_t *len, struct ht_error *err);

/* Calls visit for each key starting with prefix, with its checked body;
 * visit returns non-zero to stop. A value that fails its MAC stops the
 * walk with HT_ERR_CORRUPT. */
typedef int (*ht_sealed_visit)(const char *name, const unsigned char *body, size_t len,
                               void *ctx);
enum ht_status ht_store_foreach_sealed(struct ht_store *st, const char *prefix,
                                       ht_sealed_visit visit, void *ctx,
                                       struct ht_error *err);

enum ht_status ht_txn_put_sealed(struct ht_txn *txn, const char *name, const void *body,
                                 size_t len, struct ht_error *err);
/* Removing an entry that is not there is not an error. */
enum ht_status ht_txn_delete_sealed(struct ht_txn *txn, const char *name,
                                    struct ht_error *err);

#endif

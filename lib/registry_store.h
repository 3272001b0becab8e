/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Registry entries in a store (see registry.h for the record). A store of
 * schema 1 has no registry: reads find nothing, writes are refused. */
#ifndef HT_REGISTRY_STORE_H
#define HT_REGISTRY_STORE_H

#include "registry.h"
#include "store.h"

/* HT_ERR_NOTFOUND when scope is not registered, HT_ERR_CORRUPT when its
 * entry does not verify. */
enum ht_status ht_store_get_entry(struct ht_store *st, const char *scope,
                                  struct ht_entry *e, struct ht_error *err);

/* Calls visit for every entry; a damaged one stops the walk (HT_ERR_CORRUPT). */
typedef int (*ht_entry_visit)(const struct ht_entry *e, void *ctx);
enum ht_status ht_store_foreach_entry(struct ht_store *st, ht_entry_visit visit,
                                      void *ctx, struct ht_error *err);

enum ht_status ht_txn_put_entry(struct ht_txn *txn, const struct ht_entry *e,
                                struct ht_error *err);
enum ht_status ht_txn_delete_entry(struct ht_txn *txn, const char *scope,
                                   struct ht_error *err);

#endif

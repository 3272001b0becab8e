/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Per-owner counts of personal token records, for max-tokens-per-user
 * (see quota.c). */
#ifndef HT_QUOTA_H
#define HT_QUOTA_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "record.h"
#include "store.h"

/* How many personal token records uid has, in the transaction's copy. */
enum ht_status ht_txn_count_personal(struct ht_txn *txn, uid_t uid, unsigned long *count,
                                     struct ht_error *err);

/* Called by the writer before it stores rec or deletes id: keeps the
 * owner's counter, when there is one, equal to the records. */
enum ht_status ht_quota_note_put(struct ht_store *st, const struct ht_record *rec,
                                 struct ht_error *err);
enum ht_status ht_quota_note_delete(struct ht_store *st, ht_id id, struct ht_error *err);

/* Whether a GDBM key names a counter, and (for a full check of the store)
 * whether the counter under it verifies. */
int ht_quota_key_valid(const char *k, size_t len);
int ht_quota_counter_valid(struct ht_store *st, const char *k, size_t len);

#endif

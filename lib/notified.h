/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What tokenctl notify has announced: one sealed entry per token
 * ("ntf:<id>", see sealed.h) holding the expiry it announced and when, so
 * that the daily run mails each expiry once. Local to the host. */
#ifndef HT_NOTIFIED_H
#define HT_NOTIFIED_H

#include <stdint.h>

#include "error.h"
#include "store.h"
#include "token.h"

struct ht_notified {
	int64_t expires;        /* the expiry that was announced */
	int64_t announced;      /* when */
};

/* found: 1 and *n when announced, 0 when not. HT_ERR_CORRUPT on damage. */
enum ht_status ht_notified_get(struct ht_store *st, ht_id id, struct ht_notified *n,
                               int *found, struct ht_error *err);
enum ht_status ht_notified_put(struct ht_txn *txn, ht_id id, const struct ht_notified *n,
                               struct ht_error *err);
enum ht_status ht_notified_delete(struct ht_txn *txn, ht_id id, struct ht_error *err);

/* Every announced id, for clearing out those of tokens that are gone. */
typedef int (*ht_notified_visit)(ht_id id, const struct ht_notified *n, void *ctx);
enum ht_status ht_notified_foreach(struct ht_store *st, ht_notified_visit visit, void *ctx,
                                   struct ht_error *err);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A host's store as a replica of the fleet's database.
 *
 * What the replica keeps beside the tokens, sealed like every value
 * (store.h, ht_txn_put_replica_state):
 *   "fleet"          u8 1, u64 position: the last change sequence applied
 *   "flv:<id hex>"   u8 1, u64 version of the row applied, u8 flags
 *                    (bit 0: refused: the last row for this id failed its
 *                    checks, so the id is refused here until a valid one
 *                    arrives)
 *
 * Rows are applied through a writer's transaction (one store rewrite for
 * a whole batch); a row is applied only when its signature verifies under
 * the fleet's public key, its payload decodes under the key file for its
 * id, and its version is newer than the one applied. A revoked id stays
 * revoked whatever a later row says. */
#ifndef HT_FLEET_REPLICA_H
#define HT_FLEET_REPLICA_H

#include <stdint.h>

#include "key.h"
#include "pg.h"
#include "sign.h"
#include "store.h"

#define HT_FLV_REFUSED 1

enum ht_apply {
	HT_APPLY_DONE,         /* applied */
	HT_APPLY_SAME,         /* this version is already here */
	HT_APPLY_KEPT_REVOKED, /* applied, but the id stays revoked */
	HT_APPLY_OLDER,        /* an older version: ignored, logged */
	HT_APPLY_REFUSED,      /* failed its checks: the id is refused here */
};

/* *present: 0 when the store has never been a replica. */
enum ht_status ht_replica_position(struct ht_store *st, uint64_t *pos, int *present,
                                   struct ht_error *err);
enum ht_status ht_replica_set_position(struct ht_txn *txn, uint64_t pos,
                                       struct ht_error *err);
/* Version 0 and flags 0 when the id has none. */
enum ht_status ht_replica_version(struct ht_store *st, uint64_t id, uint64_t *version,
                                  unsigned *flags, struct ht_error *err);
enum ht_status ht_replica_set_version(struct ht_txn *txn, uint64_t id, uint64_t version,
                                      unsigned flags, struct ht_error *err);

/* Calls found for every id refused on this host (HT_FLV_REFUSED). */
typedef void (*ht_refused_visit)(void *ctx, uint64_t id);
enum ht_status ht_replica_foreach_refused(struct ht_store *st, ht_refused_visit found,
                                          void *ctx, struct ht_error *err);

/* Applies one row inside txn. A status other than HT_OK means the batch
 * must not be committed (a bad policy row, an I/O error); what a refused
 * token row did is in *result and why in why (for the log). */
enum ht_status ht_replica_apply(struct ht_txn *txn, const struct ht_key *key,
                                const unsigned char pk[HT_SIGN_PUB],
                                const struct ht_row *row, enum ht_apply *result,
                                char *why, size_t why_size, struct ht_error *err);

/* A token row for rec at version (payload sealed under txn's key). */
enum ht_status ht_row_for_record(const struct ht_record *rec, const struct ht_key *key,
                                 const struct ht_signer *sg, uint64_t version,
                                 struct ht_row *row, struct ht_error *err);
enum ht_status ht_row_for_policy(const struct ht_policy *pol, const struct ht_key *key,
                                 const struct ht_signer *sg, uint64_t version,
                                 struct ht_row *row, struct ht_error *err);

#endif

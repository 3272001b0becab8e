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
#include "registry.h"
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

/* Calls found for every id refused on this host (HT_FLV_REFUSED): a
 * token's (scope NULL), or a registry entry's (its scope). */
typedef void (*ht_refused_visit)(void *ctx, enum ht_row_kind kind, uint64_t id,
                                 const char *scope);
enum ht_status ht_replica_foreach_refused(struct ht_store *st, ht_refused_visit found,
                                          void *ctx, struct ht_error *err);

/* Applies one row inside txn. A status other than HT_OK means the batch
 * must not be committed (a bad policy row, an I/O error); what a refused
 * token row did is in *result and why in why (for the log). */
enum ht_status ht_replica_apply(struct ht_txn *txn, const struct ht_key *key,
                                const unsigned char pk[HT_SIGN_PUB],
                                const struct ht_row *row, enum ht_apply *result,
                                char *why, size_t why_size, struct ht_error *err);
/* 0 when row's signature verifies under pk (thread-safe once sodium_init
 * has run). */
int ht_row_check(const unsigned char pk[HT_SIGN_PUB], const struct ht_row *row);
/* ht_replica_apply with the signature already checked: sig_ok is
 * ht_row_check's verdict on exactly this row's bytes, made by the caller
 * (on another thread, while earlier rows are applied). A row whose
 * signature did not verify is refused as ht_replica_apply refuses it. */
enum ht_status ht_replica_apply_checked(struct ht_txn *txn, const struct ht_key *key,
                                        const struct ht_row *row, int sig_ok,
                                        enum ht_apply *result, char *why, size_t why_size,
                                        struct ht_error *err);

/* Registry rows (HT_ROW_ENTRY, replica_entry.c). The payload names its
 * scope inside what is signed, and the row's id must be that scope's
 * (ht_entry_row_id), so a row cannot be moved to another scope:
 *   u8 format 1, u8 op (1 put, 2 delete), str scope (u16 length + bytes),
 *   then for a put the entry sealed under the key file (registry.h).
 * A deletion is a signed row too. The version this host applied is kept
 * apart from the tokens' under "fle:<id hex>": u8 1, u64 version,
 * u8 flags, str scope. A row that fails its checks removes the local
 * entry (an entry only grants, so a missing one fails closed) and marks
 * the id refused until a valid row arrives. */
#define HT_ENTRY_PUT    1
#define HT_ENTRY_DELETE 2
uint64_t ht_entry_row_id(const char *scope);
/* What a registry row's payload says; NULL when it holds together (its
 * scope valid and the row's id's, a deletion or an entry sealed for that
 * scope), else why not. The signature is not checked here. */
struct ht_entry_row {
	unsigned op;
	char scope[HT_SCOPE_MAX + 1];
	struct ht_entry e;
};
const char *ht_entry_row_decode(const struct ht_row *row, const struct ht_key *key,
                                struct ht_entry_row *er);
/* e NULL: a deletion of scope. */
enum ht_status ht_row_for_entry(const char *scope, const struct ht_entry *e,
                                const struct ht_key *key, const struct ht_signer *sg,
                                uint64_t version, struct ht_row *row, struct ht_error *err);
enum ht_status ht_replica_entry_version(struct ht_store *st, uint64_t id, uint64_t *version,
                                        unsigned *flags, struct ht_error *err);
enum ht_status ht_replica_set_entry_version(struct ht_txn *txn, uint64_t id,
                                            uint64_t version, unsigned flags,
                                            const char *scope, struct ht_error *err);
/* sig_ok: ht_row_check's verdict on row (see ht_replica_apply_checked). */
enum ht_status ht_replica_apply_entry(struct ht_txn *txn, const struct ht_key *key,
                                      int sig_ok, const struct ht_row *row, enum ht_apply *result,
                                      char *why, size_t why_size, struct ht_error *err);
/* A version entry by name; scope: NULL for "flv:" (none), else the
 * scope an "fle:" entry holds ("" when there is none). */
enum ht_status ht_replica_state_read(struct ht_store *st, const char *name,
                                     uint64_t *version, unsigned *flags,
                                     char scope[HT_SCOPE_MAX + 1], struct ht_error *err);
enum ht_status ht_replica_state_write(struct ht_txn *txn, const char *name,
                                      uint64_t version, unsigned flags, const char *scope,
                                      struct ht_error *err);
/* Fills in a row's head and signature; its payload is in place (replica.c). */
enum ht_status ht_row_seal(enum ht_row_kind kind, uint64_t id, uint64_t version,
                           const struct ht_signer *sg, struct ht_row *row,
                           struct ht_error *err);

/* A token row for rec at version (payload sealed under txn's key). */
enum ht_status ht_row_for_record(const struct ht_record *rec, const struct ht_key *key,
                                 const struct ht_signer *sg, uint64_t version,
                                 struct ht_row *row, struct ht_error *err);
enum ht_status ht_row_for_policy(const struct ht_policy *pol, const struct ht_key *key,
                                 const struct ht_signer *sg, uint64_t version,
                                 struct ht_row *row, struct ht_error *err);

#endif

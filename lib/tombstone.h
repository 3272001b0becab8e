/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What purge leaves of a revoked token: its id and when it was revoked,
 * sealed like any record, and nothing else (no name, no owner, no hash).
 * Restore reads them so that a backup made before the revocation cannot
 * bring the token back, even once it is purged.
 *
 * GDBM key "rvk:" + 16 hex digits; value, big-endian:
 *   u8 version=1, u64 revoked_at, 32 bytes MAC over (GDBM key, the above) */
#ifndef HT_TOMBSTONE_H
#define HT_TOMBSTONE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "key.h"
#include "token.h"

#define HT_TOMBSTONE_PREFIX  "rvk:"
#define HT_TOMBSTONE_KEY_LEN (4 + HT_ID_HEX_LEN)
#define HT_TOMBSTONE_LEN     (1 + 8 + HT_MAC_BYTES)

void ht_tombstone_key(ht_id id, char out[HT_TOMBSTONE_KEY_LEN + 1]);

/* The id of a tombstone's GDBM key (len bytes, no NUL); -1 when it is not
 * one. */
int ht_tombstone_key_id(const char *key, size_t len, ht_id *id);

/* Seals a tombstone into out (HT_TOMBSTONE_LEN bytes). */
void ht_tombstone_encode(ht_id id, int64_t revoked_at, const struct ht_key *key,
                         unsigned char out[HT_TOMBSTONE_LEN]);

/* Checks the seal and reads the time; HT_ERR_CORRUPT on any mismatch. */
enum ht_status ht_tombstone_decode(ht_id id, const unsigned char *buf, size_t len,
                                   const struct ht_key *key, int64_t *revoked_at,
                                   struct ht_error *err);

#endif

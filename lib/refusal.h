/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Owners refused by tokenctl sweep: the account of a personal token's
 * owner was found locked, expired or missing. One sealed entry per owner
 * (uid and name, as tokens bind to both) in the store, which the module
 * reads for every personal token it accepts. Damage fails closed. */
#ifndef HT_REFUSAL_H
#define HT_REFUSAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "record.h"
#include "store.h"

enum ht_refusal {
	HT_REFUSE_NONE = 0,
	HT_REFUSE_LOCKED = 1,
	HT_REFUSE_EXPIRED = 2,
	HT_REFUSE_MISSING = 3,
};

struct ht_owner_refusal {
	uid_t uid;
	char name[HT_OWNER_MAX + 1];
	enum ht_refusal reason;
	int64_t since;            /* when sweep first refused the owner */
};

#define HT_REFUSAL_BODY_LEN 10   /* u8 version, u8 reason, u64 since */

/* GDBM key of an owner's entry into out (HT_SEALED_NAME_MAX + 1 bytes);
 * -1 when the name cannot be an owner's. */
int ht_refusal_key(uid_t uid, const char *name, char *out);

/* The body of an entry; decode is strict (exact length, known version and
 * reason, since > 0). */
void ht_refusal_encode(const struct ht_owner_refusal *r, unsigned char out[HT_REFUSAL_BODY_LEN]);
int ht_refusal_decode(const unsigned char *body, size_t len, struct ht_owner_refusal *r);

/* The refusal of owner (uid, name): reason HT_REFUSE_NONE when there is
 * none; HT_ERR_CORRUPT when the entry is damaged. */
enum ht_status ht_refusal_get(struct ht_store *st, uid_t uid, const char *name,
                              struct ht_owner_refusal *r, struct ht_error *err);

/* Every refusal, in storage order. */
typedef int (*ht_refusal_visit)(const struct ht_owner_refusal *r, void *ctx);
enum ht_status ht_refusal_foreach(struct ht_store *st, ht_refusal_visit visit, void *ctx,
                                  struct ht_error *err);

enum ht_status ht_refusal_put(struct ht_txn *txn, const struct ht_owner_refusal *r,
                              struct ht_error *err);
enum ht_status ht_refusal_delete(struct ht_txn *txn, uid_t uid, const char *name,
                                 struct ht_error *err);

/* "locked", "expired", "missing"; NULL for HT_REFUSE_NONE. */
const char *ht_refusal_str(enum ht_refusal r);

#endif

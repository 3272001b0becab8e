/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A token as stored: explicit versioned byte layout (never a raw struct),
 * sealed with a MAC bound to the record's GDBM key.
 *
 * Layout, version 1, big-endian:
 *   u8 version=1, u8 kind, u8 perm, u8 flags (bit 0: revoked)
 *   u64 created, u64 expires (0: never), u64 revoked_at (0: not revoked)
 *   u32 owner uid, str owner, str scope, str name      (str = u16 len + bytes)
 *   32 bytes keyed hash of the secret
 *   32 bytes MAC over (GDBM key, all of the above)
 *
 * Version 2 (stores of schema 2) inserts, after the name:
 *   u8 count, str use...        the uses, 1..HT_USES_MAX, strictly ascending
 *   u8 count, str scope...      --only, 0..HT_ONLY_MAX, strictly ascending
 *   str revoked_reason          "" unless revoked
 * A version-1 record reads as the upgrade converts it: a personal token
 * has the uses http and login (it was a login before), any other http.
 */
#ifndef HT_RECORD_H
#define HT_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "error.h"
#include "key.h"
#include "token.h"

#define HT_RECORD_VERSION  2     /* what new records are written as */
#define HT_NAME_MAX        128   /* bytes of a token's display name */
#define HT_OWNER_MAX       64    /* bytes of a user name */
#define HT_SCOPE_MAX       257   /* KEY (128) + '/' + slug (128) */
#define HT_USES_MAX        8     /* uses of one token */
#define HT_USE_MAX         32    /* bytes of one use word */
#define HT_ONLY_MAX        16    /* --only scopes of one personal token */
#define HT_REASON_MAX      32    /* bytes of a revocation reason */
#define HT_RECORD_MAX      8192  /* an encoded record never exceeds this */

enum ht_kind { HT_KIND_PERSONAL = 1, HT_KIND_PROJECT = 2, HT_KIND_REPO = 3 };
enum ht_perm { HT_PERM_READ = 1, HT_PERM_WRITE = 2, HT_PERM_ADMIN = 3 };

struct ht_record {
	ht_id id;
	enum ht_kind kind;
	enum ht_perm perm;
	int revoked;
	int64_t created;
	int64_t expires;     /* 0: never */
	int64_t revoked_at;  /* 0: not revoked */
	uid_t owner_uid;     /* personal: the owner; others: who created it */
	char owner[HT_OWNER_MAX + 1];
	char scope[HT_SCOPE_MAX + 1];  /* "" / "KEY" / "KEY/slug" */
	char name[HT_NAME_MAX + 1];
	unsigned char hash[HT_HASH_BYTES];
	unsigned version;    /* record layout: 1, or 2 (0 means 2) */
	unsigned n_uses;     /* 0: usable nowhere */
	char uses[HT_USES_MAX][HT_USE_MAX + 1];
	unsigned n_only;     /* 0: unscoped */
	char only[HT_ONLY_MAX][HT_SCOPE_MAX + 1];
	char revoked_reason[HT_REASON_MAX + 1];
};

/* GDBM key of a token record: "tok:" + 16 hex digits. */
#define HT_RECORD_KEY_LEN (4 + HT_ID_HEX_LEN)
void ht_record_key(ht_id id, char out[HT_RECORD_KEY_LEN + 1]);

/* The id of a token record's GDBM key (len bytes, no NUL); -1 when it is
 * not one. */
int ht_record_key_id(const char *key, size_t len, ht_id *id);

/* Encodes into out (HT_RECORD_MAX bytes) in the layout rec->version says;
 * returns the length, 0 when a field does not fit or, for version 1, when
 * the record holds what that layout cannot say (uses other than its
 * kind's, --only scopes). */
size_t ht_record_encode(const struct ht_record *rec, const struct ht_key *key,
                        unsigned char *out);

/* Decodes and checks the MAC; id is the id the record was fetched under.
 * HT_ERR_CORRUPT with a message on any mismatch. */
enum ht_status ht_record_decode(ht_id id, const unsigned char *buf, size_t len,
                                const struct ht_key *key, struct ht_record *rec,
                                struct ht_error *err);

/* The sealed length of an ordinary record (an 8-byte owner, no scope, a
 * 16-byte name, the use http): what the work for a missing record is modelled on (the
 * decoy below, the read in store.c). A record's cost to check grows with
 * its length in 128-byte MAC blocks; this is one block with its key. */
#define HT_RECORD_ORDINARY_LEN 136

/* Does the work of ht_record_decode on a record of ordinary size that is
 * not in the store, leaving a decoy in rec: for a caller that found no
 * record but must take as long as one that did. 1 when both the MAC check
 * and the parse ran to the end (the MAC, by design, does not match). */
int ht_record_decode_decoy(const struct ht_key *key, struct ht_record *rec);

/* Whether rec's uses contain word. */
int ht_record_has_use(const struct ht_record *rec, const char *word);
/* Adds word to a sorted set of words (uses or scopes), keeping it sorted
 * and free of duplicates; -1 when the set is full. */
int ht_wordset_add(char *set, size_t stride, unsigned max, unsigned *n, const char *word);
/* The uses of a new token: http. */
void ht_record_default_uses(struct ht_record *rec);
/* The uses a version-1 record of this kind is read with. */
void ht_record_v1_uses(struct ht_record *rec);

const char *ht_kind_str(enum ht_kind kind);
const char *ht_perm_str(enum ht_perm perm);
int ht_perm_parse(const char *s, enum ht_perm *perm);

enum ht_token_state { HT_STATE_ACTIVE, HT_STATE_EXPIRED, HT_STATE_REVOKED };
enum ht_token_state ht_record_state(const struct ht_record *rec, int64_t now);
const char *ht_state_str(enum ht_token_state st);
int ht_state_parse(const char *s, enum ht_token_state *st);

#endif

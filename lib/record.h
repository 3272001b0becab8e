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

#define HT_RECORD_VERSION  1
#define HT_NAME_MAX        128   /* bytes of a token's display name */
#define HT_OWNER_MAX       64    /* bytes of a user name */
#define HT_SCOPE_MAX       257   /* KEY (128) + '/' + slug (128) */
#define HT_RECORD_MAX      1024  /* an encoded record never exceeds this */

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
};

/* GDBM key of a token record: "tok:" + 16 hex digits. */
#define HT_RECORD_KEY_LEN (4 + HT_ID_HEX_LEN)
void ht_record_key(ht_id id, char out[HT_RECORD_KEY_LEN + 1]);

/* The id of a token record's GDBM key (len bytes, no NUL); -1 when it is
 * not one. */
int ht_record_key_id(const char *key, size_t len, ht_id *id);

/* Encodes into out (HT_RECORD_MAX bytes); returns the length, 0 when a
 * field does not fit (which validation should have caught). */
size_t ht_record_encode(const struct ht_record *rec, const struct ht_key *key,
                        unsigned char *out);

/* Decodes and checks the MAC; id is the id the record was fetched under.
 * HT_ERR_CORRUPT with a message on any mismatch. */
enum ht_status ht_record_decode(ht_id id, const unsigned char *buf, size_t len,
                                const struct ht_key *key, struct ht_record *rec,
                                struct ht_error *err);

/* The sealed length of an ordinary record (an 8-byte owner, no scope, a
 * 16-byte name): what the work for a missing record is modelled on (the
 * decoy below, the read in store.c). A record's cost to check grows with
 * its length in 128-byte MAC blocks; this is one block with its key. */
#define HT_RECORD_ORDINARY_LEN 126

/* Does the work of ht_record_decode on a record of ordinary size that is
 * not in the store, leaving a decoy in rec: for a caller that found no
 * record but must take as long as one that did. 1 when both the MAC check
 * and the parse ran to the end (the MAC, by design, does not match). */
int ht_record_decode_decoy(const struct ht_key *key, struct ht_record *rec);

const char *ht_kind_str(enum ht_kind kind);
const char *ht_perm_str(enum ht_perm perm);
int ht_perm_parse(const char *s, enum ht_perm *perm);

enum ht_token_state { HT_STATE_ACTIVE, HT_STATE_EXPIRED, HT_STATE_REVOKED };
enum ht_token_state ht_record_state(const struct ht_record *rec, int64_t now);
const char *ht_state_str(enum ht_token_state st);
int ht_state_parse(const char *s, enum ht_token_state *st);

#endif

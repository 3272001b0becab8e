/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The secret key: 32 random bytes in a file of its own, outside the store,
 * so that a copy of the store alone verifies no token. Two sub-keys are
 * derived from it: one for the keyed hash of token secrets, one for the
 * MAC that seals every stored value. */
#ifndef HT_KEY_H
#define HT_KEY_H

#include <sys/stat.h>
#include <sys/types.h>

#include "error.h"
#include "token.h"

#define HT_KEY_BYTES   32
#define HT_HASH_BYTES  32
#define HT_MAC_BYTES   32

struct ht_key {
	unsigned char hash_key[HT_KEY_BYTES];
	unsigned char mac_key[HT_KEY_BYTES];
};

/* Loads and checks (ownership, mode, exact size) the key file. */
enum ht_status ht_key_load(const char *path, struct ht_key *key, struct ht_error *err);

/* The same, also giving the checked file's status. */
enum ht_status ht_key_load_stat(const char *path, struct ht_key *key, struct stat *st,
                                struct ht_error *err);

/* Creates a new key file, mode 0640, group gid (or unchanged when
 * gid == (gid_t)-1). Never replaces an existing file (HT_ERR_EXISTS). */
enum ht_status ht_key_create(const char *path, gid_t gid, struct ht_error *err);

void ht_key_wipe(struct ht_key *key);

/* Keyed BLAKE2b-256 of the token id and secret: what the store keeps. */
void ht_secret_hash(const struct ht_key *key, const struct ht_token *tok,
                    unsigned char out[HT_HASH_BYTES]);

/* MAC over (name, body): binds a stored value to its GDBM key so that
 * values cannot be swapped between records. */
void ht_mac(const struct ht_key *key, const void *name, size_t name_len,
            const void *body, size_t body_len, unsigned char out[HT_MAC_BYTES]);

/* 0 when the MAC matches, compared in constant time. */
int ht_mac_verify(const struct ht_key *key, const void *name, size_t name_len,
                  const void *body, size_t body_len,
                  const unsigned char mac[HT_MAC_BYTES]);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fleet's signing key and row signatures.
 *
 * The database is not trusted: every row a host writes there is signed
 * with an Ed25519 key that only root on writing hosts holds (signing.key,
 * beside the key file, mode 0600), and every replica checks the signature
 * with the public half (signing.pub) before it applies the row. The
 * signature covers the kind of row, its id, its per-id version and its
 * payload, each length-delimited, under a context string, so that no part
 * can be swapped for another row's. */
#ifndef HT_FLEET_SIGN_H
#define HT_FLEET_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "error.h"

#define HT_SIG_BYTES     crypto_sign_BYTES          /* 64 */
#define HT_SIGN_SEED     crypto_sign_SEEDBYTES      /* 32: the file's content */
#define HT_SIGN_PUB      crypto_sign_PUBLICKEYBYTES /* 32 */

enum ht_row_kind { HT_ROW_TOKEN = 1, HT_ROW_POLICY = 2, HT_ROW_ENTRY = 3 };

struct ht_signer {
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	unsigned char pk[HT_SIGN_PUB];
};

/* Paths of signing.key and signing.pub in the key file's directory. */
int ht_sign_paths(const char *keyfile, char *secret, char *pub, size_t size);

/* Creates both files; never replaces one (HT_ERR_EXISTS). */
enum ht_status ht_sign_keygen(const char *secret_path, const char *pub_path,
                              struct ht_error *err);
/* The secret file must be root's (or the process's), mode 0600 or less. */
enum ht_status ht_sign_load_secret(const char *path, struct ht_signer *sg,
                                   struct ht_error *err);
enum ht_status ht_sign_load_public(const char *path, unsigned char pk[HT_SIGN_PUB],
                                   struct ht_error *err);
void ht_signer_wipe(struct ht_signer *sg);

void ht_row_sign(const struct ht_signer *sg, enum ht_row_kind kind, uint64_t id,
                 uint64_t version, const unsigned char *payload, size_t len,
                 unsigned char sig[HT_SIG_BYTES]);
/* 0 when sig (sig_len bytes) is a valid signature of exactly this row. */
int ht_row_verify(const unsigned char pk[HT_SIGN_PUB], enum ht_row_kind kind, uint64_t id,
                  uint64_t version, const unsigned char *payload, size_t len,
                  const unsigned char *sig, size_t sig_len);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Token text: "htk_" + 16 lowercase hex (id, 64 random bits) + 43 base62
 * (secret, 256 random bits) + 6 base62 (CRC32 of everything before it).
 * The checksum lets the module turn away a non-token password without
 * touching the store; it is not a security feature. */
#ifndef HT_TOKEN_H
#define HT_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define HT_TOKEN_PREFIX      "htk_"
#define HT_TOKEN_PREFIX_LEN  4
#define HT_ID_HEX_LEN        16
#define HT_SECRET_LEN        43
#define HT_CHECKSUM_LEN      6
#define HT_TOKEN_LEN         (HT_TOKEN_PREFIX_LEN + HT_ID_HEX_LEN + HT_SECRET_LEN + HT_CHECKSUM_LEN)

typedef uint64_t ht_id;

/* A parsed token. The secret is a copy: wipe it with ht_token_wipe(). */
struct ht_token {
	ht_id id;
	char secret[HT_SECRET_LEN];
};

/* Text of a token id, 16 lowercase hex digits and a NUL. */
struct ht_id_text {
	char s[HT_ID_HEX_LEN + 1];
};

/* Fills tok with a fresh random id and secret (libsodium randombytes). */
void ht_token_generate(struct ht_token *tok);

/* Writes the 69-character text and a NUL into out (HT_TOKEN_LEN + 1 bytes). */
void ht_token_format(const struct ht_token *tok, char out[HT_TOKEN_LEN + 1]);

/* 0 when text (of len bytes, not necessarily NUL-terminated) is a
 * well-formed token with a correct checksum, -1 otherwise. tok is
 * untouched on failure. Runs in time independent of the secret's
 * characters (it always scans the whole input when the length fits). */
int ht_token_parse(const char *text, size_t len, struct ht_token *tok);

void ht_token_wipe(struct ht_token *tok);

struct ht_id_text ht_id_format(ht_id id);

/* 0 and *id on exactly 16 lowercase hex digits; -1 otherwise. */
int ht_id_parse(const char *text, ht_id *id);

/* CRC-32 (IEEE 802.3, as zlib), exposed for tests. */
uint32_t ht_crc32(const unsigned char *buf, size_t len);

#endif

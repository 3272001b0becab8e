/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "key.h"
#include "newfile.h"
#include "safefile.h"

#define KDF_CONTEXT     "httptokn"
#define SUBKEY_HASH     1
#define SUBKEY_MAC      2

static void
derive(const unsigned char master[HT_KEY_BYTES], struct ht_key *key)
{
	crypto_kdf_derive_from_key(key->hash_key, sizeof(key->hash_key),
	                           SUBKEY_HASH, KDF_CONTEXT, master);
	crypto_kdf_derive_from_key(key->mac_key, sizeof(key->mac_key),
	                           SUBKEY_MAC, KDF_CONTEXT, master);
}

static enum ht_status
read_master(int fd, const char *path, const struct stat *st,
            unsigned char master[HT_KEY_BYTES], struct ht_error *err)
{
	unsigned char extra;
	ssize_t n;

	if (st->st_size != HT_KEY_BYTES)
		return ht_error_set(err, HT_ERR_CONFIG, "key file %s: size %lld, must be %d bytes",
		                    path, (long long)st->st_size, HT_KEY_BYTES);
	do
		n = pread(fd, master, HT_KEY_BYTES, 0);
	while (n < 0 && errno == EINTR);
	if (n != HT_KEY_BYTES)
		return ht_error_set(err, HT_ERR_IO, "key file %s: short read", path);
	/* The file may have grown between fstat and read. */
	if (pread(fd, &extra, 1, HT_KEY_BYTES) != 0)
		return ht_error_set(err, HT_ERR_CONFIG, "key file %s: size changed while reading", path);
	return HT_OK;
}

enum ht_status
ht_key_load(const char *path, struct ht_key *key, struct ht_error *err)
{
	struct stat st;

	return ht_key_load_stat(path, key, &st, err);
}

enum ht_status
ht_key_load_stat(const char *path, struct ht_key *key, struct stat *st,
                 struct ht_error *err)
{
	unsigned char master[HT_KEY_BYTES];
	enum ht_status s;
	int fd;

	if (sodium_init() < 0)
		return ht_error_set(err, HT_ERR_UNAVAIL, "libsodium failed to initialise");
	s = ht_open_safely(path, "key file", st, &fd, err);
	if (s != HT_OK)
		return s;
	s = read_master(fd, path, st, master, err);
	close(fd);
	if (s == HT_OK)
		derive(master, key);
	sodium_memzero(master, sizeof(master));
	return s;
}

enum ht_status
ht_key_create(const char *path, gid_t gid, struct ht_error *err)
{
	/* Group first, then mode: never readable by the creator's group. */
	struct ht_file_owner own = { (uid_t)-1, gid, 0640 };
	unsigned char master[HT_KEY_BYTES];
	struct ht_newfile nf;
	enum ht_status s;
	int rc;

	if (sodium_init() < 0)
		return ht_error_set(err, HT_ERR_UNAVAIL, "libsodium failed to initialise");
	s = ht_newfile_open(&nf, path, &own, err);
	if (s != HT_OK)
		return s;
	randombytes_buf(master, sizeof(master));
	rc = ht_write_all(nf.fd, master, sizeof(master));
	sodium_memzero(master, sizeof(master));
	if (rc < 0) {
		s = ht_error_set(err, HT_ERR_IO, "key file %s: %s", nf.tmp, strerror(errno));
		ht_newfile_discard(&nf);
		return s;
	}
	/* A link never replaces: an existing key stays as it was. */
	return ht_newfile_publish(&nf, HT_WRITE_NEW, err);
}

void
ht_key_wipe(struct ht_key *key)
{
	sodium_memzero(key, sizeof(*key));
}

void
ht_secret_hash(const struct ht_key *key, const struct ht_token *tok,
               unsigned char out[HT_HASH_BYTES])
{
	crypto_generichash_state st;
	unsigned char id_be[8];

	for (int i = 0; i < 8; i++)
		id_be[i] = (unsigned char)(tok->id >> (56 - 8 * i));
	crypto_generichash_init(&st, key->hash_key, sizeof(key->hash_key), HT_HASH_BYTES);
	crypto_generichash_update(&st, id_be, sizeof(id_be));
	crypto_generichash_update(&st, (const unsigned char *)tok->secret, HT_SECRET_LEN);
	crypto_generichash_final(&st, out, HT_HASH_BYTES);
	sodium_memzero(&st, sizeof(st));
}

void
ht_mac(const struct ht_key *key, const void *name, size_t name_len,
       const void *body, size_t body_len, unsigned char out[HT_MAC_BYTES])
{
	crypto_generichash_state st;
	unsigned char len_be[4];

	/* The name's length goes in first so that (name, body) splits are unambiguous. */
	for (int i = 0; i < 4; i++)
		len_be[i] = (unsigned char)(name_len >> (24 - 8 * i));
	crypto_generichash_init(&st, key->mac_key, sizeof(key->mac_key), HT_MAC_BYTES);
	crypto_generichash_update(&st, len_be, sizeof(len_be));
	crypto_generichash_update(&st, name, name_len);
	crypto_generichash_update(&st, body, body_len);
	crypto_generichash_final(&st, out, HT_MAC_BYTES);
	sodium_memzero(&st, sizeof(st));
}

int
ht_mac_verify(const struct ht_key *key, const void *name, size_t name_len,
              const void *body, size_t body_len, const unsigned char mac[HT_MAC_BYTES])
{
	unsigned char expect[HT_MAC_BYTES];
	int rc;

	ht_mac(key, name, name_len, body, body_len, expect);
	rc = crypto_verify_32(expect, mac);
	sodium_memzero(expect, sizeof(expect));
	return rc;
}

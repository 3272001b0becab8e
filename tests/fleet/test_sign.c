/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Row signatures: a signed row verifies; a change to any signed part (the
 * payload, the id, the version, the kind, the signature), a truncation
 * or another key makes it fail. The key files: created once, never
 * replaced, and a signing key readable by others is refused. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sign.h"
#include "tap.h"

static const unsigned char payload[] = "a sealed record encoding, opaque here";
#define PLEN (sizeof(payload) - 1)

static void
test_rows(const struct ht_signer *sg, const struct ht_signer *other)
{
	unsigned char sig[HT_SIG_BYTES], bad[HT_SIG_BYTES], p2[PLEN];

	ht_row_sign(sg, HT_ROW_TOKEN, 42, 7, payload, PLEN, sig);
	ok(ht_row_verify(sg->pk, HT_ROW_TOKEN, 42, 7, payload, PLEN, sig, sizeof(sig)) == 0,
	   "a signed row verifies");
	memcpy(p2, payload, PLEN);
	p2[3] ^= 1;
	ok(ht_row_verify(sg->pk, HT_ROW_TOKEN, 42, 7, p2, PLEN, sig, sizeof(sig)) != 0,
	   "one payload bit flipped: refused");
	ok(ht_row_verify(sg->pk, HT_ROW_TOKEN, 43, 7, payload, PLEN, sig, sizeof(sig)) != 0,
	   "another id: refused");
	ok(ht_row_verify(sg->pk, HT_ROW_TOKEN, 42, 8, payload, PLEN, sig, sizeof(sig)) != 0,
	   "another version: refused");
	ok(ht_row_verify(sg->pk, HT_ROW_TOKEN, 42, 6, payload, PLEN, sig, sizeof(sig)) != 0,
	   "an older version: refused");
	ok(ht_row_verify(sg->pk, HT_ROW_POLICY, 42, 7, payload, PLEN, sig, sizeof(sig)) != 0,
	   "another kind of row: refused");
	ok(ht_row_verify(sg->pk, HT_ROW_TOKEN, 42, 7, payload, PLEN - 1, sig, sizeof(sig)) != 0,
	   "payload truncated by one byte: refused");
	ok(ht_row_verify(sg->pk, HT_ROW_TOKEN, 42, 7, payload, PLEN, sig, sizeof(sig) - 1) != 0,
	   "signature truncated: refused");
	ok(ht_row_verify(sg->pk, HT_ROW_TOKEN, 42, 7, payload, PLEN, sig, 0) != 0,
	   "no signature: refused");
	{
		size_t accepted = 0;

		for (size_t i = 0; i < sizeof(sig); i++) {
			memcpy(bad, sig, sizeof(sig));
			bad[i] ^= 0x80;
			accepted += ht_row_verify(sg->pk, HT_ROW_TOKEN, 42, 7, payload, PLEN, bad,
			                          sizeof(bad)) == 0;
		}
		ok(accepted == 0, "a bit flipped in any byte of the signature: refused "
		   "(%zu of %zu accepted)", accepted, sizeof(sig));
	}
	ok(ht_row_verify(other->pk, HT_ROW_TOKEN, 42, 7, payload, PLEN, sig, sizeof(sig)) != 0,
	   "another host's key: refused");
	memset(bad, 0, sizeof(bad));
	ok(ht_row_verify(sg->pk, HT_ROW_TOKEN, 42, 7, payload, PLEN, bad, sizeof(bad)) != 0,
	   "an all-zero signature: refused");
	ht_row_sign(sg, HT_ROW_TOKEN, 1ULL << 63, UINT64_MAX, payload, 0, sig);
	ok(ht_row_verify(sg->pk, HT_ROW_TOKEN, 1ULL << 63, UINT64_MAX, payload, 0, sig,
	                 sizeof(sig)) == 0, "extreme id and version, empty payload: verify");
}

static void
test_files(void)
{
	char dir[] = "/tmp/htsignXXXXXX", sec[64], pub[64], key[64];
	unsigned char pk[HT_SIGN_PUB], sig[HT_SIG_BYTES];
	struct ht_signer sg, sg2;
	struct ht_error err = { 0 };
	struct stat sb;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	chmod(dir, 0755);
	snprintf(key, sizeof(key), "%s/key", dir);
	ok(ht_sign_paths(key, sec, pub, sizeof(sec)) == 0 &&
	   strcmp(strrchr(sec, '/'), "/signing.key") == 0 &&
	   strcmp(strrchr(pub, '/'), "/signing.pub") == 0, "the files sit beside the key file");
	ok(ht_sign_keygen(sec, pub, &err) == HT_OK, "keygen (%s)", err.msg);
	ok(stat(sec, &sb) == 0 && (sb.st_mode & 07777) == 0600, "signing.key is mode 0600");
	ok(stat(pub, &sb) == 0 && (sb.st_mode & 07777) == 0644, "signing.pub is mode 0644");
	ht_error_clear(&err);
	ok(ht_sign_keygen(sec, pub, &err) == HT_ERR_EXISTS, "a second keygen never replaces "
	   "the key (%s)", err.msg);
	ht_error_clear(&err);
	ok(ht_sign_load_secret(sec, &sg, &err) == HT_OK &&
	   ht_sign_load_public(pub, pk, &err) == HT_OK && memcmp(pk, sg.pk, sizeof(pk)) == 0,
	   "the public file matches the signing key (%s)", err.msg);
	ht_row_sign(&sg, HT_ROW_TOKEN, 1, 1, payload, PLEN, sig);
	ok(ht_row_verify(pk, HT_ROW_TOKEN, 1, 1, payload, PLEN, sig, sizeof(sig)) == 0,
	   "a row signed with the loaded key verifies with the public file");
	chmod(sec, 0640);
	ht_error_clear(&err);
	ok(ht_sign_load_secret(sec, &sg2, &err) == HT_ERR_CONFIG &&
	   strstr(err.msg, "must not be readable") != NULL,
	   "a signing key readable by the group is refused (%s)", err.msg);
	chmod(sec, 0600);
	ok(truncate(sec, 31) == 0, "truncate the signing key");
	ht_error_clear(&err);
	ok(ht_sign_load_secret(sec, &sg2, &err) == HT_ERR_CONFIG &&
	   strstr(err.msg, "exactly 32 bytes") != NULL, "a truncated signing key is refused "
	   "(%s)", err.msg);
	ok(truncate(pub, 33) == 0, "extend the public key");
	ht_error_clear(&err);
	ok(ht_sign_load_public(pub, pk, &err) == HT_ERR_CONFIG, "an extended public key is "
	   "refused (%s)", err.msg);
	ht_signer_wipe(&sg);
	unlink(sec);
	unlink(pub);
	rmdir(dir);
}

int
main(void)
{
	struct ht_signer a, b;
	unsigned char seed[HT_SIGN_SEED];

	if (sodium_init() < 0)
		return 1;
	memset(seed, 1, sizeof(seed));
	crypto_sign_seed_keypair(a.pk, a.sk, seed);
	memset(seed, 2, sizeof(seed));
	crypto_sign_seed_keypair(b.pk, b.sk, seed);
	test_rows(&a, &b);
	test_files();
	return done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: decoding of the stored policy under a fixed key, raw
 * and (to reach the field checks) with a correct MAC appended. A policy
 * that decodes must encode back to the same bytes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz_key.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void
decode(const struct ht_key *key, const unsigned char *buf, size_t len)
{
	unsigned char out[HT_POLICY_MAX];
	struct ht_policy pol;
	struct ht_error err;
	enum ht_status s;

	ht_error_clear(&err);
	s = ht_policy_decode(buf, len, key, &pol, &err);
	if (s == HT_OK) {
		size_t n = ht_policy_encode(&pol, key, out);
		if (n != len || memcmp(out, buf, len) != 0)
			abort();
	} else if (s != HT_ERR_CORRUPT) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	unsigned char sealed[HT_POLICY_MAX + HT_MAC_BYTES];
	struct ht_key key;

	fuzz_key(&key);
	decode(&key, data, size);
	if (size <= HT_POLICY_MAX - HT_MAC_BYTES) {
		memcpy(sealed, data, size);
		ht_mac(&key, "policy", strlen("policy"), sealed, size, sealed + size);
		decode(&key, sealed, size + HT_MAC_BYTES);
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: what purge leaves of a revoked token, its tombstone,
 * decoded under a fixed key. The first 8 bytes of the input choose the id
 * it is read under, the rest is the stored value; that value is also
 * decoded again with a correct MAC appended, which drives the field
 * parser. A tombstone that decodes must encode back to the same bytes. The
 * whole input is also parsed as a GDBM key, which must give back the id
 * it names. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz_key.h"
#include "tombstone.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void
decode(const struct ht_key *key, ht_id id, const unsigned char *buf, size_t len)
{
	unsigned char out[HT_TOMBSTONE_LEN];
	struct ht_error err;
	enum ht_status s;
	int64_t when = 0;

	ht_error_clear(&err);
	s = ht_tombstone_decode(id, buf, len, key, &when, &err);
	if (s == HT_OK) {
		ht_tombstone_encode(id, when, key, out);
		if (len != HT_TOMBSTONE_LEN || memcmp(out, buf, len) != 0 || when <= 0)
			abort();
	} else if (s != HT_ERR_CORRUPT || err.msg[0] == '\0') {
		abort();
	}
}

static void
parse_key(const unsigned char *data, size_t size)
{
	char name[HT_TOMBSTONE_KEY_LEN + 1];
	ht_id id;

	if (ht_tombstone_key_id((const char *)data, size, &id) != 0)
		return;
	ht_tombstone_key(id, name);
	if (size != HT_TOMBSTONE_KEY_LEN || memcmp(name, data, 4) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	unsigned char sealed[HT_TOMBSTONE_LEN];
	char name[HT_TOMBSTONE_KEY_LEN + 1];
	struct ht_key key;
	ht_id id;

	parse_key(data, size);
	if (!fuzz_take_id(&data, &size, &id))
		return 0;
	fuzz_key(&key);
	decode(&key, id, data, size);
	if (size == HT_TOMBSTONE_LEN - HT_MAC_BYTES) {
		memcpy(sealed, data, size);
		ht_tombstone_key(id, name);
		ht_mac(&key, name, HT_TOMBSTONE_KEY_LEN, sealed, size, sealed + size);
		decode(&key, id, sealed, HT_TOMBSTONE_LEN);
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: decoding of stored token records under a fixed key.
 * The first 8 bytes of the input choose the id the record is fetched
 * under; the rest is the stored value. Random bytes never carry a valid
 * MAC, so every other input also gets a correct MAC appended and is
 * decoded again: that drives the field parser itself. A record that
 * decodes must encode back to the same bytes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz_key.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void
check_roundtrip(const struct ht_key *key, const struct ht_record *rec,
                const unsigned char *buf, size_t len)
{
	unsigned char out[HT_RECORD_MAX];
	size_t n = ht_record_encode(rec, key, out);

	if (n != len || memcmp(out, buf, len) != 0)
		abort();
}

static void
decode(const struct ht_key *key, ht_id id, const unsigned char *buf, size_t len)
{
	struct ht_record rec;
	struct ht_error err;
	enum ht_status s;

	ht_error_clear(&err);
	s = ht_record_decode(id, buf, len, key, &rec, &err);
	if (s == HT_OK)
		check_roundtrip(key, &rec, buf, len);
	else if (s != HT_ERR_CORRUPT || err.msg[0] == '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	unsigned char sealed[HT_RECORD_MAX + HT_MAC_BYTES];
	struct ht_key key;
	ht_id id;
	char dbkey[HT_RECORD_KEY_LEN + 1];

	if (!fuzz_take_id(&data, &size, &id))
		return 0;
	fuzz_key(&key);
	decode(&key, id, data, size);
	if (size <= HT_RECORD_MAX - HT_MAC_BYTES) {
		memcpy(sealed, data, size);
		ht_record_key(id, dbkey);
		ht_mac(&key, dbkey, HT_RECORD_KEY_LEN, sealed, size, sealed + size);
		decode(&key, id, sealed, size + HT_MAC_BYTES);
	}
	return 0;
}

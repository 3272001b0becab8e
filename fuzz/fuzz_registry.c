/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: decoding of registry entries under a fixed key, and
 * the login.defs reader. The first byte picks the scope the entry is read
 * under (a project or a repository); the rest is the stored value, decoded
 * as it is and again with a correct MAC appended (random bytes never carry
 * one), and an entry that decodes must encode back to the same bytes. The
 * same bytes go through ht_uid_range_parse, whose range must stay sane. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "fuzz_key.h"
#include "registry.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void
decode(const struct ht_key *key, const char *scope, const unsigned char *buf, size_t len)
{
	unsigned char out[HT_ENTRY_MAX];
	struct ht_entry e;
	struct ht_error err;
	enum ht_status s;

	ht_error_clear(&err);
	s = ht_entry_decode(scope, buf, len, key, &e, &err);
	if (s == HT_OK) {
		size_t n = ht_entry_encode(&e, key, out);

		if (n != len || memcmp(out, buf, len) != 0)
			abort();
	} else if (s != HT_ERR_CORRUPT || err.msg[0] == '\0') {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	unsigned char sealed[HT_ENTRY_MAX + HT_MAC_BYTES];
	struct ht_uid_range r;
	struct ht_key key;
	char dbkey[HT_ENTRY_KEY_MAX + 1];
	const char *scope;

	if (size < 1)
		return 0;
	ht_uid_range_parse((const char *)data, size, &r);
	if (r.min > r.max || r.min == 0)
		abort();
	scope = data[0] & 1 ? "PROJ/app" : "PROJ";
	data++;
	size--;
	fuzz_key(&key);
	decode(&key, scope, data, size);
	if (size <= HT_ENTRY_MAX - HT_MAC_BYTES && ht_entry_key(scope, dbkey) == 0) {
		memcpy(sealed, data, size);
		ht_mac(&key, dbkey, strlen(dbkey), sealed, size, sealed + size);
		decode(&key, scope, sealed, size + HT_MAC_BYTES);
	}
	return 0;
}

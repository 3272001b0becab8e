/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "codec.h"
#include "tombstone.h"

#define TOMBSTONE_VERSION 1
#define BODY_LEN (HT_TOMBSTONE_LEN - HT_MAC_BYTES)

void
ht_tombstone_key(ht_id id, char out[HT_TOMBSTONE_KEY_LEN + 1])
{
	struct ht_id_text t = ht_id_format(id);

	memcpy(out, HT_TOMBSTONE_PREFIX, 4);
	memcpy(out + 4, t.s, HT_ID_HEX_LEN + 1);
}

int
ht_tombstone_key_id(const char *key, size_t len, ht_id *id)
{
	char hex[HT_ID_HEX_LEN + 1];

	if (len != HT_TOMBSTONE_KEY_LEN || memcmp(key, HT_TOMBSTONE_PREFIX, 4) != 0)
		return -1;
	memcpy(hex, key + 4, HT_ID_HEX_LEN);
	hex[HT_ID_HEX_LEN] = '\0';
	return ht_id_parse(hex, id);
}

void
ht_tombstone_encode(ht_id id, int64_t revoked_at, const struct ht_key *key,
                    unsigned char out[HT_TOMBSTONE_LEN])
{
	struct ht_writer w = { out, BODY_LEN, 0, 0 };
	char name[HT_TOMBSTONE_KEY_LEN + 1];

	ht_put_u8(&w, TOMBSTONE_VERSION);
	ht_put_u64(&w, (uint64_t)revoked_at);
	ht_tombstone_key(id, name);
	ht_mac(key, name, HT_TOMBSTONE_KEY_LEN, out, BODY_LEN, out + BODY_LEN);
}

enum ht_status
ht_tombstone_decode(ht_id id, const unsigned char *buf, size_t len,
                    const struct ht_key *key, int64_t *revoked_at, struct ht_error *err)
{
	char name[HT_TOMBSTONE_KEY_LEN + 1];
	struct ht_reader r = { buf, BODY_LEN, 0, 0 };
	uint64_t when;

	ht_tombstone_key(id, name);
	if (len != HT_TOMBSTONE_LEN ||
	    ht_mac_verify(key, name, HT_TOMBSTONE_KEY_LEN, buf, BODY_LEN, buf + BODY_LEN) != 0)
		return ht_error_set(err, HT_ERR_CORRUPT, "revocation record %s fails its "
		                    "integrity check", name);
	if (ht_get_u8(&r) != TOMBSTONE_VERSION)
		return ht_error_set(err, HT_ERR_CORRUPT, "revocation record %s: unknown "
		                    "version", name);
	when = ht_get_u64(&r);
	if (r.failed || when == 0 || when > INT64_MAX)
		return ht_error_set(err, HT_ERR_CORRUPT, "revocation record %s: bad time", name);
	*revoked_at = (int64_t)when;
	return HT_OK;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Record encoding: round trip, and every truncated, extended or
 * bit-flipped variant rejected without a crash. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "fixture.h"
#include "policy.h"
#include "record.h"
#include "tap.h"

static void
make_key(struct ht_key *key, unsigned char seed)
{
	memset(key->hash_key, seed, sizeof(key->hash_key));
	memset(key->mac_key, seed + 1, sizeof(key->mac_key));
}

static void
make_record(struct ht_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->id = 0x1122334455667788ULL;
	rec->kind = HT_KIND_REPO;
	ht_record_default_uses(rec);
	rec->perm = HT_PERM_WRITE;
	rec->created = 1700000000;
	rec->expires = 1700000000 + 30 * HT_DAY;
	rec->owner_uid = 0;
	strcpy(rec->owner, "root");
	strcpy(rec->scope, "PROJ/repo");
	strcpy(rec->name, "ci deploy \xc3\xa9");
	memset(rec->hash, 0xab, sizeof(rec->hash));
}

static int
same(const struct ht_record *a, const struct ht_record *b)
{
	return a->id == b->id && a->kind == b->kind && a->perm == b->perm &&
	       a->revoked == b->revoked && a->created == b->created &&
	       a->expires == b->expires && a->revoked_at == b->revoked_at &&
	       a->owner_uid == b->owner_uid && strcmp(a->owner, b->owner) == 0 &&
	       strcmp(a->scope, b->scope) == 0 && strcmp(a->name, b->name) == 0 &&
	       memcmp(a->hash, b->hash, sizeof(a->hash)) == 0 && a->n_uses == b->n_uses &&
	       memcmp(a->uses, b->uses, sizeof(a->uses)) == 0 && a->n_only == b->n_only &&
	       memcmp(a->only, b->only, sizeof(a->only)) == 0 &&
	       strcmp(a->revoked_reason, b->revoked_reason) == 0;
}

static void
test_round_trip(const struct ht_key *key)
{
	unsigned char buf[HT_RECORD_MAX];
	struct ht_record rec, back;
	struct ht_error err = { 0 };
	size_t len;

	make_record(&rec);
	len = ht_record_encode(&rec, key, buf);
	ok(len > 0, "record encodes (%zu bytes)", len);
	is_status(ht_record_decode(rec.id, buf, len, key, &back, &err), HT_OK, "record decodes");
	ok(same(&rec, &back), "record round-trips");
	rec.revoked = 1;
	rec.revoked_at = 1700000500;
	len = ht_record_encode(&rec, key, buf);
	is_status(ht_record_decode(rec.id, buf, len, key, &back, &err), HT_OK,
	          "revoked record decodes");
	ok(same(&rec, &back), "revoked record round-trips");
}

static void
test_damage(const struct ht_key *key)
{
	unsigned char buf[HT_RECORD_MAX], copy[HT_RECORD_MAX + 1];
	struct ht_record rec, back;
	size_t len;
	int accepted = 0, flips = 0;

	make_record(&rec);
	len = ht_record_encode(&rec, key, buf);
	for (size_t n = 0; n < len; n++) {
		struct ht_error err = { 0 };
		accepted += ht_record_decode(rec.id, buf, n, key, &back, &err) == HT_OK;
	}
	is_int(accepted, 0, "all %zu truncations rejected", len);

	accepted = 0;
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			struct ht_error err = { 0 };
			memcpy(copy, buf, len);
			copy[i] ^= (unsigned char)(1u << bit);
			flips++;
			accepted += ht_record_decode(rec.id, copy, len, key, &back, &err) == HT_OK;
		}
	}
	is_int(accepted, 0, "all %d single-bit flips rejected", flips);

	memcpy(copy, buf, len);
	copy[len] = 0;
	{
		struct ht_error err = { 0 };
		is_status(ht_record_decode(rec.id, copy, len + 1, key, &back, &err), HT_ERR_CORRUPT,
		          "an extended record is rejected");
		like(err.msg, "1122334455667788", "... and the message names the token");
	}
}

static void
test_binding(const struct ht_key *key)
{
	unsigned char buf[HT_RECORD_MAX];
	struct ht_record rec, back;
	struct ht_error err = { 0 };
	struct ht_key other;
	size_t len;

	make_record(&rec);
	len = ht_record_encode(&rec, key, buf);
	is_status(ht_record_decode(rec.id + 1, buf, len, key, &back, &err), HT_ERR_CORRUPT,
	   "a record moved under another id is rejected");
	make_key(&other, 7);
	ht_error_clear(&err);
	is_status(ht_record_decode(rec.id, buf, len, &other, &back, &err), HT_ERR_CORRUPT,
	   "a record sealed with another key is rejected");
}

/* Re-seals a hand-altered body so that only the field checks can catch it. */
static size_t
reseal(const struct ht_key *key, ht_id id, unsigned char *buf, size_t len)
{
	char name[HT_RECORD_KEY_LEN + 1];
	size_t body = len - HT_MAC_BYTES;

	ht_record_key(id, name);
	ht_mac(key, name, HT_RECORD_KEY_LEN, buf, body, buf + body);
	return len;
}

static void
test_sealed_but_invalid(const struct ht_key *key)
{
	static const struct { size_t off; unsigned char val; const char *what; } cases[] = {
		{ 0, 3, "an unknown record version" },
		{ 1, 0, "kind 0" },
		{ 1, 4, "kind 4" },
		{ 2, 0, "permission 0" },
		{ 2, 9, "permission 9" },
		{ 3, 0x80, "unknown flag bits" },
		{ 3, 0x01, "revoked flag without a revocation time" },
	};
	unsigned char buf[HT_RECORD_MAX];
	struct ht_record rec, back;

	make_record(&rec);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ht_error err = { 0 };
		size_t len = ht_record_encode(&rec, key, buf);
		buf[cases[i].off] = cases[i].val;
		reseal(key, rec.id, buf, len);
		is_status(ht_record_decode(rec.id, buf, len, key, &back, &err), HT_ERR_CORRUPT,
		   "a correctly sealed record with %s is rejected", cases[i].what);
	}
}

static void
test_limits(const struct ht_key *key)
{
	unsigned char buf[HT_RECORD_MAX];
	struct ht_record rec;

	make_record(&rec);
	memset(rec.name, 'n', HT_NAME_MAX);
	rec.name[HT_NAME_MAX] = '\0';
	memset(rec.scope, 's', HT_SCOPE_MAX);
	rec.scope[HT_SCOPE_MAX] = '\0';
	memset(rec.owner, 'o', HT_OWNER_MAX);
	rec.owner[HT_OWNER_MAX] = '\0';
	ok(ht_record_encode(&rec, key, buf) > 0, "a record with every field at its maximum fits");
}

static void
test_state(void)
{
	struct ht_record rec;

	make_record(&rec);
	is_int(ht_record_state(&rec, rec.created), HT_STATE_ACTIVE, "active before expiry");
	is_int(ht_record_state(&rec, rec.expires), HT_STATE_EXPIRED, "expired at the expiry second");
	rec.revoked = 1;
	is_int(ht_record_state(&rec, rec.created), HT_STATE_REVOKED, "revoked wins over active");
	rec.expires = 0;
	rec.revoked = 0;
	is_int(ht_record_state(&rec, INT64_MAX), HT_STATE_ACTIVE, "no expiry never expires");
}

/* What the decoy holds, sealed properly, is as long as the decoy and
 * decodes back: the decoy is the canonical encoding of an ordinary
 * record, so checking it costs what checking such a record costs. */
static void
test_decoy_encoding(const struct ht_record *decoy, const struct ht_key *key)
{
	unsigned char buf[HT_RECORD_MAX];
	struct ht_record back;
	struct ht_error err = { 0 };
	size_t len = ht_record_encode(decoy, key, buf);

	is_int(len, HT_RECORD_ORDINARY_LEN, "the decoy's fields seal to an ordinary record's "
	       "length");
	is_status(ht_record_decode(decoy->id, buf, len, key, &back, &err), HT_OK,
	          "and decode");
	ok(same(decoy, &back), "back to the decoy");
}

/* The decoy an unknown id is checked against: the work of a real
 * decode (a whole, well-formed body), and never a matching MAC. */
static void
test_decoy(void)
{
	struct ht_record rec;
	struct ht_key key;
	int all = 1;

	for (unsigned char seed = 0; seed < 50; seed++) {
		make_key(&key, seed);
		all &= ht_record_decode_decoy(&key, &rec) == 1;
	}
	ok(all, "the decoy parses to the end and its MAC matches no key tried");
	ok(rec.kind == HT_KIND_PERSONAL && rec.perm == HT_PERM_WRITE && rec.expires == 0,
	   "the decoy is an ordinary personal record");
	is_str(rec.owner, "decoyusr", "the decoy's owner");
	is_int(strlen(rec.name), 16, "the decoy's name is 16 bytes long");
	test_decoy_encoding(&rec, &key);
}

/* Version 2 carries uses, --only and the reason; version 1 can say only
 * the uses of its kind and refuses anything else. */
static void
test_v2_fields(const struct ht_key *key)
{
	unsigned char buf[HT_RECORD_MAX];
	struct ht_record rec, back;
	struct ht_error err = { 0 };
	size_t len;

	make_record(&rec);
	rec.kind = HT_KIND_PERSONAL;
	rec.scope[0] = '\0';
	rec.n_uses = 2;
	strcpy(rec.uses[0], "http");
	strcpy(rec.uses[1], "login");
	rec.n_only = HT_ONLY_MAX;
	for (unsigned i = 0; i < HT_ONLY_MAX; i++)
		snprintf(rec.only[i], sizeof(rec.only[i]), "P%02u/repo", i);
	rec.revoked = 1;
	rec.revoked_at = 5;
	strcpy(rec.revoked_reason, "bulk revoke");
	len = ht_record_encode(&rec, key, buf);
	ok(len > 0 && ht_record_decode(rec.id, buf, len, key, &back, &err) == HT_OK &&
	   same(&rec, &back) && back.version == 2,
	   "a version-2 record with 2 uses, 16 --only scopes and a reason round-trips");
	rec.version = 1;
	ok(ht_record_encode(&rec, key, buf) == 0, "version 1 cannot say --only: not encoded");
	rec.n_only = 0;
	rec.n_uses = 1;
	ok(ht_record_encode(&rec, key, buf) == 0, "version 1 cannot say http alone for a "
	   "personal token: not encoded");
	ht_record_v1_uses(&rec);
	len = ht_record_encode(&rec, key, buf);
	ok(len > 0 && ht_record_decode(rec.id, buf, len, key, &back, &err) == HT_OK &&
	   back.version == 1 && back.n_uses == 2 && ht_record_has_use(&back, "login"),
	   "a version-1 personal record reads with http and login");
	rec.version = 2;
	rec.n_uses = 0;
	ok(ht_record_encode(&rec, key, buf) == 0, "a record without uses is not encoded: a "
	   "token is for something");
}

int
main(void)
{
	struct ht_key key;

	if (sodium_init() < 0)
		bail("sodium_init failed");
	make_key(&key, 1);
	test_round_trip(&key);
	test_damage(&key);
	test_binding(&key);
	test_sealed_but_invalid(&key);
	test_limits(&key);
	test_v2_fields(&key);
	test_state();
	test_decoy();
	return done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Applying rows to a replica: a signed row is applied once; an older one
 * is ignored; a badly signed or badly sealed one makes its id refused
 * here until a valid newer row arrives; a revoked token is never revoked
 * back, whatever a later, validly signed row says; a bad policy row stops
 * the batch. The position is kept sealed in the store. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "fixture.h"
#include "registry_store.h"
#include "replica.h"
#include "tap.h"

static struct fixture fx;
static struct ht_signer sg, other;

static void
make_record(struct ht_record *rec, ht_id id, int revoked)
{
	memset(rec, 0, sizeof(*rec));
	rec->id = id;
	rec->kind = HT_KIND_PERSONAL;
	rec->perm = HT_PERM_READ;
	rec->created = 1800000000;
	rec->revoked = revoked;
	rec->revoked_at = revoked ? 1800000100 : 0;
	snprintf(rec->owner, sizeof(rec->owner), "alice");
	snprintf(rec->name, sizeof(rec->name), "laptop");
	memset(rec->hash, 7, sizeof(rec->hash));
	ht_record_default_uses(rec);
}

/* Applies one row in its own transaction; the result, or -1 when the
 * apply (or the commit) failed. */
static int
apply(const struct ht_row *row)
{
	struct ht_error err = { 0 };
	struct ht_txn *txn;
	enum ht_apply result;
	char why[300];

	if (ht_txn_begin(fx.db, &fx.key, 1000, &txn, &err) != HT_OK)
		return -1;
	if (ht_replica_apply(txn, &fx.key, sg.pk, row, &result, why, sizeof(why), &err) != HT_OK) {
		ht_txn_abort(txn);
		return -1;
	}
	return ht_txn_commit(txn, &err) == HT_OK ? (int)result : -1;
}

static int
stored(ht_id id, struct ht_record *rec)
{
	struct ht_error err = { 0 };
	struct ht_store *st;
	enum ht_status s;

	if (ht_store_open(fx.db, &fx.key, &st, &err) != HT_OK)
		return -1;
	s = ht_store_get(st, id, rec, &err);
	ht_store_close(st);
	return s == HT_OK ? 1 : s == HT_ERR_NOTFOUND ? 0 : -1;
}

static void
token_row(ht_id id, int revoked, uint64_t version, struct ht_row *row)
{
	struct ht_error err = { 0 };
	struct ht_record rec;

	make_record(&rec, id, revoked);
	ht_row_for_record(&rec, &fx.key, &sg, version, row, &err);
}

static void
test_tokens(void)
{
	struct ht_row row;
	struct ht_record rec;
	ht_id id = 0x0123456789abcdefULL;

	token_row(id, 0, 1, &row);
	ok(apply(&row) == HT_APPLY_DONE && stored(id, &rec) == 1 && !rec.revoked,
	   "a signed row is applied");
	ok(apply(&row) == HT_APPLY_SAME, "the same row again: nothing to do");

	token_row(id, 0, 2, &row);
	row.payload[2] = HT_PERM_ADMIN;      /* widened after signing */
	ok(apply(&row) == HT_APPLY_REFUSED && stored(id, &rec) == 0,
	   "a widened payload: refused, and the token is gone from the replica");
	{
		/* Whoever holds the group-readable key file can seal a widened
		 * record correctly; only the signature tells. */
		struct ht_record wide;

		token_row(id, 0, 2, &row);
		make_record(&wide, id, 0);
		wide.perm = HT_PERM_ADMIN;
		row.len = ht_record_encode(&wide, &fx.key, row.payload);
		ok(apply(&row) == HT_APPLY_REFUSED && stored(id, &rec) == 0,
		   "a widened record sealed with the key file but not signed: refused");
	}
	token_row(id, 0, 2, &row);
	ht_row_sign(&other, row.kind, row.id, row.version, row.payload, row.len, row.sig);
	ok(apply(&row) == HT_APPLY_REFUSED && stored(id, &rec) == 0,
	   "signed by another key: refused");
	token_row(id, 0, 2, &row);
	row.sig_len = 0;
	ok(apply(&row) == HT_APPLY_REFUSED && stored(id, &rec) == 0, "unsigned: refused");
	token_row(id, 0, 2, &row);
	ok(apply(&row) == HT_APPLY_DONE && stored(id, &rec) == 1,
	   "a valid newer row brings the refused id back");
	token_row(id, 0, 1, &row);
	ok(apply(&row) == HT_APPLY_OLDER && stored(id, &rec) == 1,
	   "an older, validly signed row: ignored");

	token_row(id, 1, 3, &row);
	ok(apply(&row) == HT_APPLY_DONE && stored(id, &rec) == 1 && rec.revoked &&
	   rec.revoked_at == 1800000100, "a revocation is applied");
	token_row(id, 0, 4, &row);
	ok(apply(&row) == HT_APPLY_KEPT_REVOKED && stored(id, &rec) == 1 && rec.revoked &&
	   rec.revoked_at == 1800000100,
	   "a newer, validly signed row that clears the revocation: the token stays revoked");
	token_row(id, 0, 5, &row);
	row.payload[3] ^= 1;                 /* the revoked flag, flipped after signing */
	ok(apply(&row) == HT_APPLY_REFUSED && stored(id, &rec) == 1 && rec.revoked,
	   "a tampered row for a revoked token: refused, the token stays revoked");
	{
		struct ht_row wrong;

		token_row(id + 1, 0, 9, &wrong);
		wrong.id = id;           /* another token's signed row, under this id */
		ok(apply(&wrong) == HT_APPLY_REFUSED, "another id's row under this id: refused");
	}
}

/* 1 and the entry when scope is registered, 0 when not, -1 on error. */
static int
registered(const char *scope, struct ht_entry *e)
{
	struct ht_error err = { 0 };
	struct ht_store *st;
	enum ht_status s;

	if (ht_store_open(fx.db, &fx.key, &st, &err) != HT_OK)
		return -1;
	s = ht_store_get_entry(st, scope, e, &err);
	ht_store_close(st);
	return s == HT_OK ? 1 : s == HT_ERR_NOTFOUND ? 0 : -1;
}

static void
entry_row(const char *scope, const char *description, uint64_t version, struct ht_row *row)
{
	struct ht_error err = { 0 };
	struct ht_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.scope, sizeof(e.scope), "%s", scope);
	snprintf(e.description, sizeof(e.description), "%s", description);
	e.created = 1800000000;
	if (ht_row_for_entry(scope, &e, &fx.key, &sg, version, row, &err) != HT_OK)
		memset(row, 0, sizeof(*row));
}

static void
test_entries(void)
{
	struct ht_error err = { 0 };
	struct ht_entry e;
	struct ht_row row;

	ok(ht_entry_row_id("ACME") != ht_entry_row_id("ACME/web") &&
	   ht_entry_row_id("ACME") == ht_entry_row_id("ACME"),
	   "an entry's row id is its scope's, and differs between scopes");
	entry_row("ACME", "one", 1, &row);
	ok(apply(&row) == HT_APPLY_DONE && registered("ACME", &e) == 1 &&
	   strcmp(e.description, "one") == 0, "a signed entry row registers the project");
	entry_row("ACME", "two", 2, &row);
	ok(apply(&row) == HT_APPLY_DONE && registered("ACME", &e) == 1 &&
	   strcmp(e.description, "two") == 0, "a newer row changes it");
	entry_row("ACME", "one", 1, &row);
	ok(apply(&row) == HT_APPLY_OLDER && registered("ACME", &e) == 1 &&
	   strcmp(e.description, "two") == 0, "an older row: ignored");
	{
		/* A valid row of OTHER, re-signed (as only a writing host could)
		 * under ACME's id: its scope is not the id's. */
		entry_row("OTHER", "moved", 3, &row);
		row.id = ht_entry_row_id("ACME");
		ht_row_sign(&sg, row.kind, row.id, row.version, row.payload, row.len, row.sig);
		ok(apply(&row) == HT_APPLY_REFUSED && registered("ACME", &e) == 0 &&
		   registered("OTHER", &e) == 0,
		   "a signed row whose scope is not its id's: refused, ACME is gone, OTHER not made");
	}
	entry_row("ACME", "two", 2, &row);
	ok(apply(&row) == HT_APPLY_DONE && registered("ACME", &e) == 1,
	   "the valid row again brings the refused entry back");
	entry_row("ACME", "three", 3, &row);
	row.payload[row.len - 40] ^= 1;
	ok(apply(&row) == HT_APPLY_REFUSED && registered("ACME", &e) == 0,
	   "a tampered row: refused, the entry is gone");
	{
		/* Sealed with the key file and signed, but the seal is another
		 * scope's: the entry does not decode under its own scope. */
		struct ht_entry other_e;

		memset(&other_e, 0, sizeof(other_e));
		snprintf(other_e.scope, sizeof(other_e.scope), "ACME");
		entry_row("ACME", "four", 4, &row);
		snprintf(other_e.scope, sizeof(other_e.scope), "ACNE");
		row.len = 4 + 4 + ht_entry_encode(&other_e, &fx.key, row.payload + 8);
		ht_row_sign(&sg, row.kind, row.id, row.version, row.payload, row.len, row.sig);
		ok(apply(&row) == HT_APPLY_REFUSED && registered("ACME", &e) == 0,
		   "a signed row whose sealed entry is another scope's: refused");
	}
	entry_row("ACME", "five", 5, &row);
	ok(apply(&row) == HT_APPLY_DONE && registered("ACME", &e) == 1, "registered again");
	ok(ht_row_for_entry("ACME", NULL, &fx.key, &sg, 6, &row, &err) == HT_OK &&
	   apply(&row) == HT_APPLY_DONE && registered("ACME", &e) == 0,
	   "a signed deletion removes the entry");
	entry_row("ACME", "five", 5, &row);
	ok(apply(&row) == HT_APPLY_OLDER && registered("ACME", &e) == 0,
	   "the row before the deletion, replayed: ignored, the entry stays removed");
	ok(ht_row_for_entry("ACME", NULL, &fx.key, &sg, 7, &row, &err) == HT_OK &&
	   (row.payload[row.len++] = 0, ht_row_sign(&sg, row.kind, row.id, row.version,
	                                            row.payload, row.len, row.sig), 1) &&
	   apply(&row) == HT_APPLY_REFUSED, "a deletion with trailing bytes: refused");
	ok(ht_row_for_entry("bad key", NULL, &fx.key, &sg, 1, &row, &err) != HT_OK,
	   "no row for an invalid scope");
}

static void
test_policy_and_position(void)
{
	struct ht_error err = { 0 };
	struct ht_policy pol;
	struct ht_row row;
	struct ht_txn *txn;
	struct ht_store *st;
	uint64_t pos = 0;
	int present = -1;

	ht_policy_defaults(&pol);
	pol.max_days = 7;
	ht_row_for_policy(&pol, &fx.key, &sg, 1, &row, &err);
	ok(apply(&row) == HT_APPLY_DONE, "a signed policy row is applied");
	ht_row_for_policy(&pol, &fx.key, &sg, 2, &row, &err);
	row.payload[4] ^= 1;
	ok(apply(&row) == -1, "a tampered policy row stops the batch");

	ok(ht_store_open(fx.db, &fx.key, &st, &err) == HT_OK &&
	   ht_replica_position(st, &pos, &present, &err) == HT_OK && present == 0,
	   "a store that was never a replica has no position");
	ht_store_close(st);
	ok(ht_txn_begin(fx.db, &fx.key, 1000, &txn, &err) == HT_OK &&
	   ht_replica_set_position(txn, 4242, &err) == HT_OK && ht_txn_commit(txn, &err) == HT_OK,
	   "the position is stored");
	ok(ht_store_open(fx.db, &fx.key, &st, &err) == HT_OK &&
	   ht_replica_position(st, &pos, &present, &err) == HT_OK && present == 1 && pos == 4242,
	   "and read back (%llu)", (unsigned long long)pos);
	{
		unsigned long count = 0;

		ok(ht_store_verify(st, &count, &err) == HT_OK,
		   "a replica's store verifies completely (%s)", err.msg);
	}
	ht_store_close(st);
}

/* The verdict on a row's signature made beforehand (by a sync's worker
 * threads) is the one applied: a row found bad is refused, a row found
 * good is applied. */
static int
apply_verdict(const struct ht_row *row, int sig_ok, char *why, size_t why_size)
{
	struct ht_error err = { 0 };
	struct ht_txn *txn;
	enum ht_apply result;

	if (ht_txn_begin(fx.db, &fx.key, 1000, &txn, &err) != HT_OK)
		return -1;
	if (ht_replica_apply_checked(txn, &fx.key, row, sig_ok, &result, why, why_size,
	                             &err) != HT_OK) {
		ht_txn_abort(txn);
		return -1;
	}
	return ht_txn_commit(txn, &err) == HT_OK ? (int)result : -1;
}

static void
test_checked(void)
{
	struct ht_row row;
	struct ht_record rec;
	char why[300];
	ht_id id = 0x00c0ffee00c0ffeeULL;

	token_row(id, 0, 1, &row);
	ok(ht_row_check(sg.pk, &row) == 0, "a signed row checks");
	is_int(apply_verdict(&row, 0, why, sizeof(why)), HT_APPLY_REFUSED,
	       "a row whose check failed is refused");
	is_str(why, "signature does not verify", "... saying why");
	ok(stored(id, &rec) == 0, "... and the token is not in the replica");
	is_int(apply_verdict(&row, 1, why, sizeof(why)), HT_APPLY_DONE,
	       "the row with a good verdict: applied");
	ok(stored(id, &rec) == 1, "... the token is in the replica");
	row.sig[0] ^= 1;
	ok(ht_row_check(sg.pk, &row) != 0, "a flipped signature bit does not check");
	row.sig[0] ^= 1;
	ok(ht_row_check(other.pk, &row) != 0, "under another key it does not check");
	row.sig_len = 0;
	ok(ht_row_check(sg.pk, &row) != 0, "a short signature does not check");
}

int
main(void)
{
	unsigned char seed[HT_SIGN_SEED];

	if (sodium_init() < 0)
		return 1;
	fixture_setup(&fx);
	memset(seed, 3, sizeof(seed));
	crypto_sign_seed_keypair(sg.pk, sg.sk, seed);
	memset(seed, 4, sizeof(seed));
	crypto_sign_seed_keypair(other.pk, other.sk, seed);
	test_tokens();
	test_entries();
	test_policy_and_position();
	test_checked();
	fixture_teardown(&fx);
	return done();
}

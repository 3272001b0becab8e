/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The per-owner counters behind max-tokens-per-user: made by a walk the
 * first time, kept equal to the records by every put and delete after,
 * counted again when damaged, and checked by a full check of the store. */
#include "config.h"

#include <gdbm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "quota.h"
#include "store.h"
#include "tap.h"

static struct fixture fx;

static ht_id
add(enum ht_kind kind, uid_t uid)
{
	struct ht_error err = { 0 };
	struct ht_record rec;
	struct ht_token tok;
	struct ht_txn *txn;

	ht_token_generate(&tok);
	memset(&rec, 0, sizeof(rec));
	rec.id = tok.id;
	rec.kind = kind;
	rec.perm = HT_PERM_READ;
	rec.owner_uid = uid;
	ht_record_default_uses(&rec);
	snprintf(rec.owner, sizeof(rec.owner), "u%u", (unsigned)uid);
	snprintf(rec.scope, sizeof(rec.scope), "%s", kind == HT_KIND_PERSONAL ? "" : "PROJ");
	snprintf(rec.name, sizeof(rec.name), "q");
	if (ht_txn_begin(fx.db, &fx.key, 1000, &txn, &err) != HT_OK ||
	    ht_txn_put(txn, &rec, &err) != HT_OK || ht_txn_commit(txn, &err) != HT_OK) {
		printf("Bail out! %s\n", err.msg);
		exit(1);
	}
	ht_token_wipe(&tok);
	return rec.id;
}

/* The count in a transaction (made or read), committed so a new counter
 * stays. */
static unsigned long
count(uid_t uid)
{
	struct ht_error err = { 0 };
	struct ht_txn *txn;
	unsigned long n = 999;

	if (ht_txn_begin(fx.db, &fx.key, 1000, &txn, &err) != HT_OK ||
	    ht_txn_count_personal(txn, uid, &n, &err) != HT_OK ||
	    ht_txn_commit(txn, &err) != HT_OK)
		printf("# count: %s\n", err.msg);
	return n;
}

static void
change(ht_id id, int delete)
{
	struct ht_error err = { 0 };
	struct ht_record rec;
	struct ht_txn *txn;

	if (ht_txn_begin(fx.db, &fx.key, 1000, &txn, &err) != HT_OK ||
	    ht_store_get(ht_txn_store(txn), id, &rec, &err) != HT_OK)
		return;
	rec.revoked = 1;
	rec.revoked_at = 5;
	if ((delete ? ht_txn_delete(txn, id, &err) : ht_txn_put(txn, &rec, &err)) != HT_OK ||
	    ht_txn_commit(txn, &err) != HT_OK)
		printf("# change: %s\n", err.msg);
}

/* Does raw damage to uid's counter (or removes it). */
static void
tamper(uid_t uid, int remove)
{
	GDBM_FILE f = gdbm_open(fx.db, 0, GDBM_WRITER | GDBM_NOLOCK, 0, NULL);
	char name[16];
	datum k, v;

	snprintf(name, sizeof(name), "cnt:%08lx", (unsigned long)uid);
	k = (datum){ name, 12 };
	if (f == NULL)
		return;
	if (remove) {
		gdbm_delete(f, k);
	} else {
		v = gdbm_fetch(f, k);
		if (v.dptr != NULL) {
			v.dptr[v.dsize - 1] ^= 1;
			gdbm_store(f, k, v, GDBM_REPLACE);
			free(v.dptr);
		}
	}
	gdbm_close(f);
}

static int
verifies(void)
{
	struct ht_error err = { 0 };
	struct ht_store *st;
	unsigned long n;
	int good;

	if (ht_store_open(fx.db, &fx.key, &st, &err) != HT_OK)
		return 0;
	good = ht_store_verify(st, &n, &err) == HT_OK;
	ht_store_close(st);
	return good;
}

int
main(void)
{
	ht_id a;

	fixture_setup(&fx);
	a = add(HT_KIND_PERSONAL, 1234);
	add(HT_KIND_PERSONAL, 1234);
	add(HT_KIND_PERSONAL, 1234);
	add(HT_KIND_PERSONAL, 99);
	add(HT_KIND_PROJECT, 1234);
	ok(count(1234) == 3, "first count: the walk finds 3 personal records, not the "
	   "project token nor another owner's");
	ok(verifies(), "the store with its counter passes a full check");
	add(HT_KIND_PERSONAL, 1234);
	ok(count(1234) == 4, "a new record moves the counter");
	change(a, 0);
	ok(count(1234) == 4, "a revoked record still counts (a changed record is not new)");
	change(a, 1);
	ok(count(1234) == 3, "a deleted record leaves the count");
	tamper(1234, 1);
	ok(count(1234) == 3, "a counter gone: counted again");
	tamper(1234, 0);
	ok(!verifies(), "a damaged counter fails a full check of the store");
	ok(count(1234) == 3, "a damaged counter: counted again, right");
	add(HT_KIND_PERSONAL, 1234);
	ok(count(1234) == 4 && verifies(), "and kept from then on");
	ok(count(99) == 1, "another owner's count is their own");
	fixture_teardown(&fx);
	return done();
}

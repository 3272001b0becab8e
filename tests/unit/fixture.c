/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "store.h"

static void
bail(const char *what, const struct ht_error *err)
{
	printf("Bail out! %s: %s\n", what, err ? err->msg : "");
	exit(1);
}

void
fixture_setup(struct fixture *fx)
{
	struct ht_error err = { 0 };
	const char *tmp = getenv("TMPDIR");

	snprintf(fx->dir, sizeof(fx->dir), "%s/ht-unit.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(fx->dir) == NULL)
		bail("mkdtemp", NULL);
	snprintf(fx->db, sizeof(fx->db), "%s/tokens.db", fx->dir);
	snprintf(fx->keyfile, sizeof(fx->keyfile), "%s/key", fx->dir);
	if (ht_key_create(fx->keyfile, (gid_t)-1, &err) != HT_OK)
		bail("key create", &err);
	if (ht_key_load(fx->keyfile, &fx->key, &err) != HT_OK)
		bail("key load", &err);
	if (ht_store_create(fx->db, &fx->key, (gid_t)-1, &err) != HT_OK)
		bail("store create", &err);
}

void
fixture_teardown(struct fixture *fx)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", fx->dir);
}

void
fixture_add_token(struct fixture *fx, const char *owner, enum ht_perm perm,
                  int64_t expires, char text[HT_TOKEN_LEN + 1], ht_id *id)
{
	struct ht_error err = { 0 };
	struct ht_record rec;
	struct ht_token tok;
	struct ht_txn *txn;

	ht_token_generate(&tok);
	ht_token_format(&tok, text);
	memset(&rec, 0, sizeof(rec));
	rec.id = tok.id;
	rec.kind = HT_KIND_PERSONAL;
	ht_record_default_uses(&rec);
	rec.perm = perm;
	rec.created = time(NULL);
	rec.expires = expires;
	snprintf(rec.owner, sizeof(rec.owner), "%s", owner);
	snprintf(rec.name, sizeof(rec.name), "test");
	ht_secret_hash(&fx->key, &tok, rec.hash);
	if (ht_txn_begin(fx->db, &fx->key, 1000, &txn, &err) != HT_OK ||
	    ht_txn_put(txn, &rec, &err) != HT_OK || ht_txn_commit(txn, &err) != HT_OK)
		bail("add token", &err);
	*id = tok.id;
	ht_token_wipe(&tok);
}

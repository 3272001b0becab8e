/* SPDX-License-Identifier: GPL-3.0-or-later */
/* htfix: makes stores and tokens for the PAM tests straight through the
 * library, for what tokenctl deliberately cannot do (a personal token of
 * another user) and to keep the fixtures independent of the tool's
 * command line.
 *
 *   htfix init DB KEY
 *   htfix create DB KEY OWNER personal|project|repo SCOPE|- PERM DAYS
 *                                  DAYS 0: no expiry, Ns: N seconds;
 *                                  prints the token;
 *                                  OWNER is NAME or NAME:UID (default
 *                                  uid: the caller's, as tokenctl does)
 *   htfix revoke DB KEY ID
 *   htfix policy DB KEY EXPIRY_REQUIRED MAX_DAYS ENFORCE_EXISTING
 *   htfix forge TOKEN         the same id with another secret, and a
 *                             correct checksum: a well-formed wrong token
 *   htfix meta DB             the schema number in the raw "meta" record,
 *                             read with gdbm alone: what a version-1
 *                             program compares with the 1 it knows
 *   htfix raw DB KEY NAME TEXT       stores TEXT under GDBM key NAME as it is
 *                                    (no MAC): a damaged entry
 *   htfix seal DB KEY NAME HEX       stores the bytes HEX under NAME with a
 *                                    correct MAC: a well-sealed malformed body
 *
 * A failure prints "Bail out!" with its reason and exits 1. */
#include "config.h"

#include <fcntl.h>
#include <gdbm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "sealed.h"
#include "store_impl.h"

#include "fixture.h"

static int
parse_kind(const char *s, enum ht_kind *kind)
{
	if (strcmp(s, "personal") == 0)
		*kind = HT_KIND_PERSONAL;
	else if (strcmp(s, "project") == 0)
		*kind = HT_KIND_PROJECT;
	else if (strcmp(s, "repo") == 0)
		*kind = HT_KIND_REPO;
	else
		return -1;
	return 0;
}

/* a: OWNER KIND SCOPE PERM DAYS, as on the command line. */
static int
fill_record(struct ht_record *rec, char **a)
{
	char *unit;
	long days = strtol(a[4], &unit, 10);
	long life = *unit == 's' ? days : days * FIXTURE_DAY;
	char *colon;

	if (parse_kind(a[1], &rec->kind) != 0 || ht_perm_parse(a[3], &rec->perm) != 0)
		return -1;
	ht_record_default_uses(rec);
	rec->created = (int64_t)time(NULL);
	rec->expires = life > 0 ? rec->created + life : 0;
	rec->owner_uid = getuid();
	snprintf(rec->owner, sizeof(rec->owner), "%s", a[0]);
	colon = strchr(rec->owner, ':');
	if (colon != NULL) {
		*colon = '\0';
		rec->owner_uid = (uid_t)strtoul(colon + 1, NULL, 10);
	}
	snprintf(rec->scope, sizeof(rec->scope), "%s", strcmp(a[2], "-") == 0 ? "" : a[2]);
	snprintf(rec->name, sizeof(rec->name), "fixture %s", a[1]);
	return 0;
}

static int
cmd_create(const char *db, const char *keyfile, char **a)
{
	struct fixture fx;
	struct fixture_token t;

	fixture_open(&fx, db, keyfile);
	fixture_token_init(&fx, &t, a[0], "");
	if (fill_record(&t.rec, a) != 0) {
		fixture_close(&fx);
		return 2;
	}
	fixture_put(&fx, &t, 1);
	printf("%s\n", t.text);
	sodium_memzero(&t, sizeof(t));
	fixture_close(&fx);
	return 0;
}

static enum ht_status
set_policy(struct ht_txn *txn, void *ctx, struct ht_error *err)
{
	char **a = ctx;
	struct ht_policy pol;
	enum ht_status s = ht_store_get_policy(ht_txn_store(txn), &pol, err);

	if (s != HT_OK)
		return s;
	pol.expiry_required = strcmp(a[0], "yes") == 0;
	pol.max_days = (unsigned)strtoul(a[1], NULL, 10);
	pol.enforce_existing = strcmp(a[2], "yes") == 0;
	return ht_txn_put_policy(txn, &pol, err);
}

static enum ht_status
do_raw(struct ht_txn *txn, void *ctx, struct ht_error *err)
{
	char **a = ctx;

	return ht_store_put_raw(ht_txn_store(txn), a[0], a[1], strlen(a[1]), err);
}

static enum ht_status
do_seal(struct ht_txn *txn, void *ctx, struct ht_error *err)
{
	char **a = ctx;
	unsigned char body[HT_SEALED_BODY_MAX];
	size_t n = strlen(a[1]) / 2;

	if (n > sizeof(body))
		return ht_error_set(err, HT_ERR_USAGE, "too long");
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(a[1] + 2 * i, "%2x", &v) != 1)
			return ht_error_set(err, HT_ERR_USAGE, "bad hex");
		body[i] = (unsigned char)v;
	}
	return ht_txn_put_sealed(txn, a[0], body, n, err);
}

/* The u32 after the magic "httptoken-store" of the meta record. */
static int
meta(const char *db)
{
	static const char magic[] = "httptoken-store";
	GDBM_FILE f = gdbm_open(db, 0, GDBM_READER | GDBM_NOLOCK | GDBM_CLOEXEC, 0, NULL);
	char name[] = "meta";
	datum k = { name, 4 }, v;
	const unsigned char *p;

	if (f == NULL)
		return 1;
	v = gdbm_fetch(f, k);
	gdbm_close(f);
	if (v.dptr == NULL || v.dsize < (int)sizeof(magic) - 1 + 4) {
		free(v.dptr);
		return 1;
	}
	p = (const unsigned char *)v.dptr + sizeof(magic) - 1;
	printf("%lu\n", ((unsigned long)p[0] << 24) | ((unsigned long)p[1] << 16) |
	                 ((unsigned long)p[2] << 8) | p[3]);
	free(v.dptr);
	return 0;
}

int
main(int argc, char **argv)
{
	struct fixture fx;
	char out[HT_TOKEN_LEN + 1];
	ht_id id;

	if (sodium_init() < 0)
		return 1;
	if (argc == 4 && strcmp(argv[1], "init") == 0) {
		fixture_create(&fx, argv[2], argv[3]);
		fixture_close(&fx);
		return 0;
	}
	if (argc == 9 && strcmp(argv[1], "create") == 0)
		return cmd_create(argv[2], argv[3], argv + 4);
	if (argc == 5 && strcmp(argv[1], "revoke") == 0) {
		if (ht_id_parse(argv[4], &id) != 0)
			return 2;
		fixture_open(&fx, argv[2], argv[3]);
		fixture_revoke(&fx, id, (int64_t)time(NULL));
		fixture_close(&fx);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "forge") == 0) {
		if (fixture_forge(argv[2], out) != 0)
			return 2;
		printf("%s\n", out);
		return 0;
	}
	if (argc == 7 && strcmp(argv[1], "policy") == 0) {
		fixture_open(&fx, argv[2], argv[3]);
		fixture_change(&fx, set_policy, argv + 4);
		fixture_close(&fx);
		return 0;
	}
	if (argc == 6 && (strcmp(argv[1], "raw") == 0 || strcmp(argv[1], "seal") == 0)) {
		fixture_open(&fx, argv[2], argv[3]);
		fixture_change(&fx, strcmp(argv[1], "raw") == 0 ? do_raw : do_seal, argv + 4);
		fixture_close(&fx);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "meta") == 0)
		return meta(argv[2]);
	fprintf(stderr, "usage: see the comment at the top of htfix.c\n");
	return 2;
}

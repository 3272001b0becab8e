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
 */
#include "config.h"

#include <fcntl.h>
#include <gdbm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "key.h"
#include "lastused.h"
#include "store.h"

#define DAY 86400

static int
fail(const struct ht_error *err)
{
	fprintf(stderr, "htfix: %s\n", err->msg[0] ? err->msg : ht_status_str(err->status));
	return 1;
}

static int
cmd_init(const char *db, const char *keyfile)
{
	struct ht_error err;
	struct ht_key key;
	enum ht_status s;

	ht_error_clear(&err);
	if (ht_key_create(keyfile, (gid_t)-1, &err) != HT_OK ||
	    ht_key_load(keyfile, &key, &err) != HT_OK)
		return fail(&err);
	s = ht_store_create(db, &key, (gid_t)-1, &err);
	ht_key_wipe(&key);
	if (s != HT_OK)
		return fail(&err);
	return ht_lastused_dir_create(db, (gid_t)-1) == 0 ? 0 : 1;
}

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

static int
fill_record(struct ht_record *rec, char **a)
{
	char *unit;
	long days = strtol(a[4], &unit, 10);
	long life = *unit == 's' ? days : days * DAY;
	char *colon;

	memset(rec, 0, sizeof(*rec));
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

/* Runs one change in a writer transaction. */
static int
write_txn(const char *db, const char *keyfile,
          enum ht_status (*change)(struct ht_txn *, const struct ht_key *, void *,
                                   struct ht_error *),
          void *ctx)
{
	struct ht_error err;
	struct ht_key key;
	struct ht_txn *txn;
	enum ht_status s;

	ht_error_clear(&err);
	if (ht_key_load(keyfile, &key, &err) != HT_OK)
		return fail(&err);
	s = ht_txn_begin(db, &key, 10000, &txn, &err);
	if (s == HT_OK) {
		s = change(txn, &key, ctx, &err);
		if (s == HT_OK)
			s = ht_txn_commit(txn, &err);
		else
			ht_txn_abort(txn);
	}
	ht_key_wipe(&key);
	return s == HT_OK ? 0 : fail(&err);
}

struct create_ctx {
	struct ht_record rec;
	char text[HT_TOKEN_LEN + 1];
};

static enum ht_status
do_create(struct ht_txn *txn, const struct ht_key *key, void *ctx, struct ht_error *err)
{
	struct create_ctx *c = ctx;
	struct ht_token tok;

	ht_token_generate(&tok);
	c->rec.id = tok.id;
	ht_secret_hash(key, &tok, c->rec.hash);
	ht_token_format(&tok, c->text);
	ht_token_wipe(&tok);
	return ht_txn_put(txn, &c->rec, err);
}

static enum ht_status
do_revoke(struct ht_txn *txn, const struct ht_key *key, void *ctx, struct ht_error *err)
{
	struct ht_record rec;
	enum ht_status s;

	(void)key;
	s = ht_store_get(ht_txn_store(txn), *(ht_id *)ctx, &rec, err);
	if (s != HT_OK)
		return s;
	rec.revoked = 1;
	rec.revoked_at = (int64_t)time(NULL);
	return ht_txn_put(txn, &rec, err);
}

static enum ht_status
do_policy(struct ht_txn *txn, const struct ht_key *key, void *ctx, struct ht_error *err)
{
	char **a = ctx;
	struct ht_policy pol;
	enum ht_status s;

	(void)key;
	s = ht_store_get_policy(ht_txn_store(txn), &pol, err);
	if (s != HT_OK)
		return s;
	pol.expiry_required = strcmp(a[0], "yes") == 0;
	pol.max_days = (unsigned)strtoul(a[1], NULL, 10);
	pol.enforce_existing = strcmp(a[2], "yes") == 0;
	return ht_txn_put_policy(txn, &pol, err);
}

static int
cmd_forge(const char *text)
{
	struct ht_token tok;
	char out[HT_TOKEN_LEN + 1];

	if (ht_token_parse(text, strlen(text), &tok) != 0)
		return 2;
	tok.secret[0] = tok.secret[0] == 'A' ? 'B' : 'A';
	ht_token_format(&tok, out);
	printf("%s\n", out);
	return 0;
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
	struct create_ctx c;
	ht_id id;

	if (argc == 4 && strcmp(argv[1], "init") == 0)
		return cmd_init(argv[2], argv[3]);
	if (argc == 9 && strcmp(argv[1], "create") == 0) {
		if (fill_record(&c.rec, argv + 4) != 0)
			return 2;
		if (write_txn(argv[2], argv[3], do_create, &c) != 0)
			return 1;
		printf("%s\n", c.text);
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "revoke") == 0) {
		if (ht_id_parse(argv[4], &id) != 0)
			return 2;
		return write_txn(argv[2], argv[3], do_revoke, &id);
	}
	if (argc == 3 && strcmp(argv[1], "meta") == 0)
		return meta(argv[2]);
	if (argc == 3 && strcmp(argv[1], "forge") == 0)
		return cmd_forge(argv[2]);
	if (argc == 7 && strcmp(argv[1], "policy") == 0)
		return write_txn(argv[2], argv[3], do_policy, argv + 4);
	fprintf(stderr, "usage: see the comment at the top of htfix.c\n");
	return 2;
}

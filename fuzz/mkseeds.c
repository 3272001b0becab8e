/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writes the seed corpora into fuzz/corpus/: well-formed token texts,
 * records, policies and tombstones sealed with the fixed fuzzing key, plus
 * near misses. Run by hand after a format change (see docs/security.md). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_key.h"
#include "policy.h"
#include "record.h"
#include "registry.h"
#include "tombstone.h"
#include "token.h"

static void
put(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void
token_seeds(const char *dir)
{
	struct ht_token tok;
	char text[HT_TOKEN_LEN + 1];

	ht_token_generate(&tok);
	ht_token_format(&tok, text);
	put(dir, "valid", text, HT_TOKEN_LEN);
	text[30] = text[30] == 'a' ? 'b' : 'a';
	put(dir, "bad-checksum", text, HT_TOKEN_LEN);
	put(dir, "short", text, 40);
	put(dir, "prefix-only", "htk_", 4);
}

static void
record_seed(const char *dir, const char *name, const struct ht_record *rec)
{
	unsigned char buf[8 + HT_RECORD_MAX];
	struct ht_key key;
	size_t n;

	fuzz_key(&key);
	for (int i = 0; i < 8; i++)
		buf[i] = (unsigned char)(rec->id >> (56 - 8 * i));
	n = ht_record_encode(rec, &key, buf + 8);
	if (n == 0) {
		fprintf(stderr, "%s: does not encode\n", name);
		exit(1);
	}
	put(dir, name, buf, 8 + n);
	/* The body alone: the target seals it and reaches the field checks. */
	{
		char body[64];
		snprintf(body, sizeof(body), "%s-body", name);
		put(dir, body, buf, 8 + n - HT_MAC_BYTES);
	}
}

static void
record_seeds(const char *dir)
{
	struct ht_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.id = 0x0123456789abcdefULL;
	rec.kind = HT_KIND_PERSONAL;
	ht_record_default_uses(&rec);
	rec.perm = HT_PERM_WRITE;
	rec.created = 1700000000;
	rec.owner_uid = 1000;
	strcpy(rec.owner, "alice");
	strcpy(rec.name, "laptop");
	memset(rec.hash, 0x5a, sizeof(rec.hash));
	record_seed(dir, "personal", &rec);

	rec.kind = HT_KIND_REPO;
	rec.perm = HT_PERM_ADMIN;
	rec.expires = 1800000000;
	rec.revoked = 1;
	rec.revoked_at = 1750000000;
	strcpy(rec.scope, "PROJ/repo.git");
	record_seed(dir, "repo-revoked", &rec);

	rec.kind = HT_KIND_PROJECT;
	rec.revoked = 0;
	rec.revoked_at = 0;
	strcpy(rec.scope, "PROJ");
	memset(rec.name, 'n', HT_NAME_MAX);
	rec.name[HT_NAME_MAX] = '\0';
	record_seed(dir, "project-long-name", &rec);
}

static void
policy_seeds(const char *dir)
{
	unsigned char buf[HT_POLICY_MAX];
	struct ht_policy pol;
	struct ht_key key;
	size_t n;

	fuzz_key(&key);
	ht_policy_defaults(&pol);
	n = ht_policy_encode(&pol, &key, buf);
	put(dir, "defaults", buf, n);
	put(dir, "defaults-body", buf, n - HT_MAC_BYTES);
	pol.expiry_required = 1;
	pol.enforce_existing = 1;
	pol.max_days = 30;
	strcpy(pol.admin_group, "tokenadm");
	pol.admin_gid = 4242;
	pol.max_tokens_per_user = 5;
	pol.uses_any = 0;
	pol.n_allowed_uses = 1;
	strcpy(pol.allowed_uses[0], "http");
	n = ht_policy_encode(&pol, &key, buf);
	put(dir, "strict", buf, n);
	put(dir, "strict-body", buf, n - HT_MAC_BYTES);
	strcpy(pol.web_user, "gitweb");
	pol.web_uid = 990;
	pol.session_minutes = 30;
	n = ht_policy_encode(&pol, &key, buf);
	put(dir, "web", buf, n);
	put(dir, "web-body", buf, n - HT_MAC_BYTES);
}

/* Registry entries (first byte 0: read as PROJ, 1: as PROJ/app) and
 * login.defs text, which fuzz_registry feeds to both parsers. */
static void
registry_seeds(const char *dir)
{
	static const char defs[] = "# comment\nUID_MIN\t\t 1000\nUID_MAX 60000 # tail\n";
	struct ht_entry e = { .created = 1700000000 };
	struct ht_admin u = { HT_ADMIN_USER, 1000, "alice" }, g = { HT_ADMIN_GROUP, 1001, "devs" };
	unsigned char buf[1 + HT_ENTRY_MAX];
	struct ht_key key;
	size_t n;

	fuzz_key(&key);
	strcpy(e.scope, "PROJ");
	strcpy(e.description, "a project");
	ht_entry_add_admin(&e, &u);
	ht_entry_add_admin(&e, &g);
	buf[0] = 0;
	n = ht_entry_encode(&e, &key, buf + 1);
	put(dir, "project", buf, 1 + n);
	put(dir, "project-body", buf, 1 + n - HT_MAC_BYTES);
	strcpy(e.scope, "PROJ/app");
	e.n_admins = 0;
	buf[0] = 1;
	n = ht_entry_encode(&e, &key, buf + 1);
	put(dir, "repo", buf, 1 + n);
	put(dir, "login-defs", defs, sizeof(defs) - 1);
}

static void
tombstone_seeds(const char *dir)
{
	unsigned char buf[8 + HT_TOMBSTONE_LEN];
	char name[HT_TOMBSTONE_KEY_LEN + 1];
	struct ht_key key;
	ht_id id = 0x0123456789abcdefULL;

	fuzz_key(&key);
	for (int i = 0; i < 8; i++)
		buf[i] = (unsigned char)(id >> (56 - 8 * i));
	ht_tombstone_encode(id, 1767225600, &key, buf + 8);
	put(dir, "revoked", buf, sizeof(buf));
	put(dir, "revoked-body", buf, sizeof(buf) - HT_MAC_BYTES);
	ht_tombstone_key(id, name);
	put(dir, "key", name, HT_TOMBSTONE_KEY_LEN);
}

int
main(int argc, char **argv)
{
	char dir[400];

	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds CORPUS-DIR\n");
		return 64;
	}
	snprintf(dir, sizeof(dir), "%s/token", argv[1]);
	token_seeds(dir);
	snprintf(dir, sizeof(dir), "%s/record", argv[1]);
	record_seeds(dir);
	snprintf(dir, sizeof(dir), "%s/policy", argv[1]);
	policy_seeds(dir);
	snprintf(dir, sizeof(dir), "%s/registry", argv[1]);
	registry_seeds(dir);
	snprintf(dir, sizeof(dir), "%s/tombstone", argv[1]);
	tombstone_seeds(dir);
	return 0;
}

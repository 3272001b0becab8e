/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The corruption suite's registry part: a project's entry damaged by every
 * single bit flip of its sealed value, or moved under another project's
 * key, never reads as an entry (the library says HT_ERR_CORRUPT, a full
 * check of the store fails) and tokenctl fails closed on it with a message
 * (69) instead of acting on what it would grant; the tokens, sealed on
 * their own, still authenticate as before. */
#include "config.h"

#include <gdbm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "corrupt_registry.h"
#include "registry_store.h"
#include "store.h"

#define SAMPLE_EVERY 97
#define DEADLINE_S   10

static void
bail(const char *what)
{
	printf("Bail out! registry damage: %s\n", what);
	exit(1);
}

static void
add_entries(const struct fixture *fx)
{
	struct ht_entry e = { .created = 1 };
	struct ht_admin root = { HT_ADMIN_USER, 0, "root" };
	struct ht_admin wheel = { HT_ADMIN_GROUP, 0, "root" };
	struct ht_error err = { 0 };
	struct ht_txn *txn;

	snprintf(e.scope, sizeof(e.scope), "PROJ");
	snprintf(e.description, sizeof(e.description), "the project under test");
	ht_entry_add_admin(&e, &root);
	ht_entry_add_admin(&e, &wheel);
	if (ht_txn_begin(fx->db, &fx->key, 1000, &txn, &err) != HT_OK ||
	    ht_txn_put_entry(txn, &e, &err) != HT_OK)
		bail(err.msg);
	snprintf(e.scope, sizeof(e.scope), "PROJ/app");
	if (ht_txn_put_entry(txn, &e, &err) != HT_OK || ht_txn_commit(txn, &err) != HT_OK)
		bail(err.msg);
}

/* The token verdicts of the file at path. */
static void
verdicts(const struct fixture *fx, const char *path, const struct fixture_token *toks, size_t n,
         enum ht_verdict *out)
{
	for (size_t i = 0; i < n; i++) {
		struct ht_verify_request req;
		struct ht_verify_result res;
		struct ht_error err = { 0 };

		fixture_request(fx, path, &toks[i], &req);
		out[i] = ht_verify_password(&req, toks[i].text, HT_TOKEN_LEN, &res, &err);
	}
}

/* What the library makes of the damaged file: 1 when it read PROJ's entry
 * or the full check passed (wrong), else 0. */
static void
library_check(const struct fixture *fx, const char *path, struct reg_stats *st)
{
	struct ht_store *s;
	struct ht_entry e;
	struct ht_error err = { 0 };
	unsigned long count;

	if (ht_store_open(path, &fx->key, &s, &err) != HT_OK)
		return;   /* refusing the whole store is closed too */
	if (ht_store_get_entry(s, "PROJ", &e, &err) != HT_ERR_CORRUPT)
		st->read_wrongly++;
	if (ht_store_verify(s, &count, &err) == HT_OK)
		st->verified_wrongly++;
	ht_store_close(s);
}

/* tokenctl must exit 69 naming the entry for what reads it. */
static void
tokenctl_check(const struct fixture *fx, const char *tokenctl, const char *path,
               struct reg_stats *st)
{
	static const char *const cmds[][4] = {
		{ "project", "show", "PROJ", NULL },
		{ "create", "--name=x", "--project=PROJ", NULL },
		{ "repo", "add", "PROJ/new", NULL },
	};

	for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		const char *argv[] = { tokenctl, "--db", path, "--keyfile", fx->keyfile,
		                       cmds[k][0], cmds[k][1], cmds[k][2], NULL };
		char out[1024], err[1024];
		int status = fixture_run_program(argv, NULL, NULL, out, sizeof(out), err, sizeof(err),
		                      DEADLINE_S);

		st->tokenctl_runs++;
		if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 69 ||
		    strstr(err, "registry entry PROJ") == NULL || out[0] != '\0') {
			st->tokenctl_wrong++;
			printf("# tokenctl %s %s: status %d, stdout \"%.40s\", stderr \"%s\"\n",
			       cmds[k][0], cmds[k][1], status, out, err);
		}
	}
}

/* PROJ's sealed value copied under prj:OTHER with gdbm alone. */
static int
move_entry(const char *path)
{
	GDBM_FILE f = gdbm_open(path, 0, GDBM_WRITER | GDBM_NOLOCK, 0, NULL);
	char from[] = "prj:PROJ", to[] = "prj:OTHER";
	datum k = { from, (int)strlen(from) }, k2 = { to, (int)strlen(to) }, v;
	int rc = -1;

	if (f == NULL)
		return -1;
	v = gdbm_fetch(f, k);
	if (v.dptr != NULL && gdbm_store(f, k2, v, GDBM_REPLACE) == 0)
		rc = 0;
	free(v.dptr);
	gdbm_close(f);
	return rc;
}

void
registry_damage(const struct fixture *fx, const struct fixture_token *toks, size_t ntok,
                const char *tokenctl, struct reg_stats *out)
{
	unsigned char enc[HT_ENTRY_MAX], *orig, *buf, *at;
	enum ht_verdict before[16], after[16];
	struct reg_stats st = { 0 };
	struct ht_entry e;
	struct ht_error err = { 0 };
	struct ht_store *s;
	char dir[400], path[420];
	size_t size, len;

	add_entries(fx);
	if (ht_store_open(fx->db, &fx->key, &s, &err) != HT_OK ||
	    ht_store_get_entry(s, "PROJ", &e, &err) != HT_OK)
		bail(err.msg);
	ht_store_close(s);
	len = ht_entry_encode(&e, &fx->key, enc);
	orig = fixture_slurp(fx->db, &size);
	if (orig == NULL || len == 0 || (at = memmem(orig, size, enc, len)) == NULL)
		bail("cannot find PROJ's entry in the file");
	snprintf(dir, sizeof(dir), "%s/registry", fx->dir);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/tokens.db", dir);
	verdicts(fx, fx->db, toks, ntok, before);
	buf = malloc(size);
	for (size_t bit = 0; buf != NULL && bit < len * 8; bit++) {
		memcpy(buf, orig, size);
		buf[(size_t)(at - orig) + bit / 8] ^= (unsigned char)(1u << (bit % 8));
		fixture_spit(path, buf, size);
		st.cases++;
		library_check(fx, path, &st);
		verdicts(fx, path, toks, ntok, after);
		if (memcmp(before, after, ntok * sizeof(before[0])) != 0)
			st.tokens_changed++;
		if (tokenctl != NULL && bit % SAMPLE_EVERY == 0)
			tokenctl_check(fx, tokenctl, path, &st);
	}
	st.entry_len = len;
	fixture_spit(path, orig, size);
	if (move_entry(path) != 0)
		bail("cannot move the entry");
	if (ht_store_open(path, &fx->key, &s, &err) != HT_OK)
		bail(err.msg);
	st.moved_refused = ht_store_get_entry(s, "OTHER", &e, &err) == HT_ERR_CORRUPT;
	ht_store_close(s);
	*out = st;
	free(buf);
	free(orig);
}

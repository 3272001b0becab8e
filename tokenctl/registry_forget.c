/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An account that is deleted stops administering anything: its name is
 * taken out of every registry entry, so that an account created later
 * under the same name (useradd usually hands out the same uid too)
 * inherits no project or repository. Groups are left alone: a group's
 * members come from the group database at each command. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "registry_store.h"
#include "tokenctl.h"

struct forget_walk {
	const char *user;
	char (*scopes)[HT_SCOPE_MAX + 1];
	size_t n, cap;
	int failed;
};

static int
names_user(const struct ht_entry *e, const char *user)
{
	for (unsigned i = 0; i < e->n_admins; i++)
		if (e->admins[i].type == HT_ADMIN_USER && strcmp(e->admins[i].name, user) == 0)
			return 1;
	return 0;
}

static int
collect_scope(const struct ht_entry *e, void *ctx)
{
	struct forget_walk *w = ctx;

	if (!names_user(e, w->user))
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 8;
		void *p = realloc(w->scopes, cap * sizeof(*w->scopes));

		if (p == NULL) {
			w->failed = 1;
			return 1;
		}
		w->scopes = p;
		w->cap = cap;
	}
	memcpy(w->scopes[w->n++], e->scope, sizeof(e->scope));
	return 0;
}

/* Removes user from the entries collected (in the transaction). */
static int
drop_from(struct session *ses, const struct forget_walk *w)
{
	for (size_t i = 0; i < w->n; i++) {
		struct ht_error err = { 0 };
		struct ht_entry e;
		enum ht_status s = ht_store_get_entry(ses->st, w->scopes[i], &e, &err);

		if (s == HT_OK)
			(void)ht_entry_remove_admin(&e, HT_ADMIN_USER, w->user);
		if (s == HT_OK)
			s = session_put_entry(ses, &e, &err);
		if (s != HT_OK)
			return tk_fail(s, &err);
	}
	return 0;
}

int
registry_forget_user(struct session *ses, const char *user, size_t *removed)
{
	struct forget_walk w = { user, NULL, 0, 0, 0 };
	struct ht_error err = { 0 };
	enum ht_status s;
	int rc = 0;

	*removed = 0;
	if (ht_store_schema(ses->st) < HT_SCHEMA_VERSION)
		return 0;   /* a version-1 store has no registry */
	/* Collect first: changing a GDBM file while walking it is undefined. */
	s = ht_store_foreach_entry(ses->st, collect_scope, &w, &err);
	if (w.failed)
		rc = tk_error(EX_OSERR, "out of memory");
	else if (s != HT_OK)
		rc = tk_fail(s, &err);
	if (rc == 0)
		rc = drop_from(ses, &w);
	if (rc == 0)
		*removed = w.n;
	free(w.scopes);
	return rc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Who hears that a token expires: its owner for a personal token; for a
 * project or repository token, the administrators the registry names for
 * its scope (a repository's and its project's), each user named in person
 * and each member the group database lists for a named group, as long as
 * the name and the number the registry kept still agree (as in roles.c);
 * the account that created it when nobody is registered, since an
 * unregistered scope has no administrator but the token administrators. */
#include "config.h"

#include <grp.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "notify_to.h"
#include "registry_store.h"

static void
add_name(struct recipients *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->names[i], name) == 0)
			return;
	if (strlen(name) > HT_OWNER_MAX || r->oom)
		return;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		void *p = realloc(r->names, cap * sizeof(*r->names));

		if (p == NULL) {
			r->oom = 1;
			return;
		}
		r->names = p;
		r->cap = cap;
	}
	memcpy(r->names[r->n++], name, strlen(name) + 1);
}

static void
add_admin(struct recipients *r, const struct ht_admin *a)
{
	struct group gr;
	char *buf;
	uid_t uid;

	if (a->type == HT_ADMIN_USER) {
		if (ht_account_passwd(a->name, &uid) == HT_LOOKUP_FOUND && (uint32_t)uid == a->id)
			add_name(r, a->name);
		return;
	}
	if (group_entry(a->name, &gr, &buf) && (uint32_t)gr.gr_gid == a->id)
		for (char **m = gr.gr_mem; m != NULL && *m != NULL; m++)
			add_name(r, *m);
	free(buf);
}

/* The administrators of one registered scope; an unregistered one adds
 * nobody. */
static enum ht_status
add_scope(struct ht_store *st, const char *scope, struct recipients *r, struct ht_error *err)
{
	struct ht_entry e;
	enum ht_status s = ht_store_get_entry(st, scope, &e, err);

	if (s == HT_ERR_NOTFOUND)
		return HT_OK;
	if (s != HT_OK)
		return s;
	for (unsigned i = 0; i < e.n_admins; i++)
		add_admin(r, &e.admins[i]);
	return HT_OK;
}

enum ht_status
notify_recipients(struct ht_store *st, const struct ht_record *rec, struct recipients *r,
                  struct ht_error *err)
{
	char project[HT_SCOPE_MAX + 1];
	enum ht_status s = HT_OK;

	r->n = 0;
	r->oom = 0;
	r->admins = 0;
	if (rec->kind != HT_KIND_PERSONAL && ht_store_schema(st) >= HT_SCHEMA_VERSION) {
		snprintf(project, sizeof(project), "%.*s", (int)strcspn(rec->scope, "/"),
		         rec->scope);
		s = add_scope(st, project, r, err);
		if (s == HT_OK && strchr(rec->scope, '/') != NULL)
			s = add_scope(st, rec->scope, r, err);
		r->admins = r->n > 0;
	}
	if (s == HT_OK && r->n == 0)
		add_name(r, rec->owner);
	if (s == HT_OK && r->oom)
		s = ht_error_set(err, HT_ERR_NOMEM, "out of memory");
	return s;
}

void
recipients_free(struct recipients *r)
{
	free(r->names);
	memset(r, 0, sizeof(*r));
}

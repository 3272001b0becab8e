/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bulk revoke: revoke [--user USER] [--project KEY | --repo KEY/SLUG]
 * [--unused DAYS] [--dry-run]. The selectors combine (all must hold), and
 * each is limited to what the caller administers: naming a scope or a
 * user they may not act for gets 77 and changes nothing.
 *
 *   --user U           personal tokens of U; with --project or --repo,
 *                      the scope's tokens that U created
 *   --project KEY      KEY's project and repository tokens (never personal)
 *   --repo KEY/SLUG    that repository's tokens
 *   --unused DAYS      last use, or creation if never used, older than DAYS
 *                      (advisory: last use is kept to the granularity; in
 *                      a fleet, the latest use any host pushed counts)
 *
 * Without --user, --project or --repo, a token or system administrator
 * selects among every token and anyone else among their own. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "fleetctl.h"
#include "lastused.h"
#include "scope.h"
#include "tokenctl.h"

#define DAY 86400

struct bulk_walk {
	const struct ctl *ctl;
	const struct bulk_args *b;
	const struct caller *self;   /* only the caller's own personal tokens */
	struct id_list ids;
	struct fleet_lastuse lu;     /* --unused in a fleet: every host's uses */
};

static int
matches(const struct bulk_walk *w, const struct ht_record *rec)
{
	const struct bulk_args *b = w->b;

	if (rec->revoked)
		return 0;
	if (b->scope != NULL) {
		if (rec->kind == HT_KIND_PERSONAL || !ht_scope_covers(b->scope, rec->scope))
			return 0;
	} else if (b->user != NULL && rec->kind != HT_KIND_PERSONAL) {
		return 0;
	}
	if (b->user != NULL && strcmp(rec->owner, b->user) != 0)
		return 0;
	if (w->self != NULL && !caller_owns_token(w->self, rec))
		return 0;
	if (b->unused_days >= 0) {
		struct ht_lastuse use;
		int64_t last;

		(void)ht_lastused_read(w->ctl->db, rec->id, &use);
		fleet_lastuse_merge(&w->lu, rec->id, &use);
		last = use.time > rec->created ? use.time : rec->created;

		if (last > w->ctl->now - (int64_t)b->unused_days * DAY)
			return 0;
	}
	return 1;
}

static int
visit(const struct ht_record *rec, void *ctx)
{
	struct bulk_walk *w = ctx;

	if (matches(w, rec))
		ids_add(&w->ids, rec->id);
	return w->ids.failed;
}

/* Authority first: 77 for a scope or user the caller may not act for,
 * whether or not it exists. *role gets the role they act under. */
static int
authorise(const struct ctl *ctl, const struct session *ses, const struct bulk_args *b,
          enum role *role, const struct caller **self)
{
	int rc;

	*role = role_global(ses);
	*self = NULL;
	if (b->scope != NULL) {
		if ((rc = role_on_scope(ctl, ses, b->scope, role)) != 0)
			return rc;
		if (*role < (strchr(b->scope, '/') != NULL ? ROLE_REPO_ADMIN : ROLE_PROJECT_ADMIN))
			return tk_error(EX_NOPERM, "revoke: permission denied: you do not administer "
			                "%s", b->scope);
		return 0;
	}
	if (*role >= ROLE_TOKEN_ADMIN)
		return 0;
	if (b->user != NULL && !(ctl->who.has_name && strcmp(b->user, ctl->who.name) == 0))
		return tk_error(EX_NOPERM, "revoke: you may revoke only your own tokens and those "
		                "of what you administer");
	*self = &ctl->who;   /* by uid too: a recycled name inherits nothing */
	return 0;
}

/* Revokes the collected tokens in the transaction. */
static int
revoke_all(const struct ctl *ctl, struct session *ses, const struct id_list *ids,
           const char *reason)
{
	for (size_t i = 0; i < ids->n; i++) {
		struct ht_error err = { 0 };
		struct ht_record rec;
		enum ht_status s;

		if ((s = ht_store_get(ses->st, ids->ids[i], &rec, &err)) != HT_OK)
			return tk_fail(s, &err);
		rec.revoked = 1;
		rec.revoked_at = ctl->now;
		revoke_reason_set(ses, &rec, reason);
		if ((s = session_put(ses, &rec, &err)) != HT_OK)
			return tk_fail(s, &err);
	}
	return 0;
}

/* The account-deletion hook (root, revoke --user U --reason "owner
 * deleted") also takes U out of the registry's administrators. */
static int
forgets_admin(const struct bulk_args *b)
{
	return b->reason != NULL && strcmp(b->reason, REASON_OWNER_DELETED) == 0 &&
	       b->user != NULL && b->scope == NULL && !b->dry_run;
}

static int
apply(const struct ctl *ctl, struct session *ses, const struct bulk_args *b,
      const struct id_list *ids, size_t *forgotten)
{
	int rc = revoke_all(ctl, ses, ids, b->reason ? b->reason : "bulk revoke");

	*forgotten = 0;
	if (rc == 0 && forgets_admin(b))
		rc = registry_forget_user(ses, b->user, forgotten);
	if (rc == 0 && (ids->n > 0 || *forgotten > 0))
		rc = session_commit(ses);
	return rc;
}

static void
report(const struct ctl *ctl, const struct bulk_args *b, enum role role,
       const struct id_list *ids, size_t forgotten)
{
	char unused[24] = "-";

	if (forgotten > 0)
		audit_change(ctl, "registry", NULL, "administrator %s removed from %zu entr%s "
		             "(owner deleted)", b->user, forgotten, forgotten == 1 ? "y" : "ies");

	if (b->unused_days >= 0)
		snprintf(unused, sizeof(unused), "%ld", b->unused_days);
	audit_change(ctl, "revoke", NULL, "bulk user=%s scope=%s unused=%s dry-run=%s count=%zu "
	             "role=%s", b->user ? b->user : "-", b->scope ? b->scope : "-", unused,
	             b->dry_run ? "yes" : "no", ids->n, role_name(role));
	for (size_t i = 0; !b->dry_run && i < ids->n; i++)
		audit_change(ctl, "revoke", &ids->ids[i], "reason=\"%s\" role=%s",
		             b->reason ? b->reason : "bulk revoke", role_name(role));
	if (ctl->json) {
		printf("{\"count\":%zu,\"ids\":[", ids->n);
		for (size_t i = 0; i < ids->n; i++)
			printf("%s\"%s\"", i ? "," : "", ht_id_format(ids->ids[i]).s);
		printf("],\"dry_run\":%s}\n", b->dry_run ? "true" : "false");
		return;
	}
	printf("%zu\n", ids->n);
	for (size_t i = 0; b->dry_run && i < ids->n; i++)
		printf("%s\n", ht_id_format(ids->ids[i]).s);
	tk_note("%s %zu token%s", b->dry_run ? "would revoke" : "revoked", ids->n,
	        ids->n == 1 ? "" : "s");
	if (forgotten > 0)
		tk_note("%s is no longer an administrator of %zu project%s or repositor%s",
		        b->user, forgotten, forgotten == 1 ? "" : "s", forgotten == 1 ? "y" : "ies");
}

int
revoke_bulk(const struct ctl *ctl, const struct bulk_args *b)
{
	struct bulk_walk w = { ctl, b, NULL, { 0 }, { 0 } };
	struct ht_error err = { 0 };
	struct owner_mail om;
	struct session ses;
	enum ht_status s;
	enum role role;
	size_t forgotten = 0;
	int rc;

	if (b->scope != NULL && !ht_resource_valid(b->scope))
		return tk_error(EX_DATAERR, "revoke: '%s' is not a project key or KEY/slug", b->scope);
	if ((rc = b->dry_run ? session_read(ctl, &ses) : session_write(ctl, &ses)) != 0)
		return rc;
	rc = authorise(ctl, &ses, b, &role, &w.self);
	if (rc == 0 && b->unused_days >= 0)
		fleet_lastuse_load(ctl, NULL, &w.lu);
	/* Collect first: changing a GDBM file while walking it is undefined. */
	if (rc == 0 && (s = ht_store_foreach(ses.st, visit, &w, &err)) != HT_OK)
		rc = tk_fail(s, &err);
	if (rc == 0 && w.ids.failed)
		rc = tk_error(EX_OSERR, "out of memory");
	if (rc == 0 && !b->dry_run)
		rc = apply(ctl, &ses, b, &w.ids, &forgotten);
	session_end(&ses);
	if (rc == 0) {
		/* Mail, with policy notify-owner, reads the store again: before
		 * the privileges go. */
		owner_mail_prepare(ctl, w.ids.ids, b->dry_run ? 0 : w.ids.n, &om);
		privs_drop();
		report(ctl, b, role, &w.ids, forgotten);
		if (fflush(stdout) != 0)
			rc = tk_error(EX_IOERR, "revoke: write error on standard output");
		owner_mail_send(ctl, &om, "revoked");
	}
	fleet_lastuse_free(&w.lu);
	free(w.ids.ids);
	return rc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A command's changes in a fleet: the replica is brought up to date
 * first, the command changes its transaction as always, and at commit the
 * changes go to the database in one transaction (each row signed, its
 * version one above the database's), then to the replica. A row that
 * changed in the database since this host's replica saw it makes the
 * command fail (75) with nothing changed: nothing is lost when two hosts
 * change one token at once. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <sodium.h>

#include "fleetctl.h"
#include "safefile.h"

int
fleet_enabled(const struct ctl *ctl)
{
	return ctl->conf != NULL && ctl->conf->source == HT_SOURCE_POSTGRESQL;
}

/* A replica is rebuilt by sync; restoring an old copy would only be
 * overwritten (and could not revive what the fleet revoked), and the
 * fleet's backup is the database's. */
int
fleet_refuse_copy(const struct ctl *ctl, const char *command)
{
	if (!fleet_enabled(ctl))
		return 0;
	return tk_error(EX_USAGE, "%s: this host's store is a replica of the fleet's database; "
	                "back up the database with pg_dump, rebuild a replica with "
	                "tokenctl sync", command);
}

int
fleet_notify_lock(const struct ctl *ctl, struct ht_pg **pg)
{
	struct ht_error err = { 0 };
	enum ht_status s;
	int rc, got = 0;

	*pg = NULL;
	if (!fleet_enabled(ctl))
		return 0;
	if ((rc = fleet_connect_as(ctl, "tokenctl-notify", pg, &err)) != 0)
		return tk_error(rc, "notify: %s; nothing was sent (in a fleet, notify takes the "
		                "database's notify lock so that only one host sends mail)", err.msg);
	if ((s = ht_pg_try_notify_lock(*pg, &got, &err)) == HT_OK && got)
		return 0;
	ht_pg_close(*pg);
	*pg = NULL;
	if (s != HT_OK)
		return tk_fail(s, &err);
	return tk_error(EX_TEMPFAIL, "notify: another host of the fleet is sending expiry mail "
	                "now (it holds the database's notify lock); nothing was sent here");
}

int
fleet_side_path(const struct ctl *ctl, const char *suffix, char *buf, size_t size)
{
	if (snprintf(buf, size, "%s%s", ctl->db, suffix) >= (int)size)
		return tk_error(EX_USAGE, "%s: path too long", ctl->db);
	return 0;
}

int
fleet_session_begin(const struct ctl *ctl, struct session *ses)
{
	struct sync_opts o = { 0, 1 };
	struct sync_report rep;
	struct fleet_write *fw = calloc(1, sizeof(*fw));
	int rc;

	if (fw == NULL)
		return tk_error(EX_OSERR, "out of memory");
	fw->ctl = ctl;
	ses->fw = fw;
	if (fleet_connect(ctl, &fw->pg, &fw->offline) != 0) {
		if (ctl->offline_ok)
			return 0;
		return tk_error(EX_UNAVAILABLE, "%s; nothing was changed (only a revocation "
		                "by id or by token goes ahead while the database is unreachable)",
		                fw->offline.msg);
	}
	rc = fleet_sync(ctl, fw->pg, &o, &rep);
	return rc;
}

static struct fleet_change *
new_change(struct fleet_write *fw, struct ht_error *err)
{
	struct fleet_change *c;

	if (fw->n == fw->cap) {
		size_t cap = fw->cap ? fw->cap * 2 : 8;
		struct fleet_change *p = realloc(fw->ch, cap * sizeof(*p));

		if (p == NULL) {
			ht_error_set(err, HT_ERR_NOMEM, "out of memory");
			return NULL;
		}
		fw->ch = p;
		fw->cap = cap;
	}
	c = &fw->ch[fw->n++];
	memset(c, 0, sizeof(*c));
	return c;
}

enum ht_status
fleet_session_put(struct session *ses, const struct ht_record *rec,
                  const struct ht_policy *pol, struct ht_error *err)
{
	struct fleet_change *c = new_change(ses->fw, err);

	if (c == NULL)
		return HT_ERR_NOMEM;
	c->kind = rec != NULL ? HT_ROW_TOKEN : HT_ROW_POLICY;
	if (rec != NULL)
		c->rec = *rec;
	else
		c->pol = *pol;
	return HT_OK;
}

enum ht_status
fleet_session_put_entry(struct session *ses, const char *scope, const struct ht_entry *e,
                        struct ht_error *err)
{
	struct fleet_write *fw = ses->fw;
	struct fleet_change *c = NULL;

	/* One row per scope and command: its version is drawn once. */
	for (size_t i = 0; i < fw->n && c == NULL; i++)
		if (fw->ch[i].kind == HT_ROW_ENTRY && strcmp(fw->ch[i].scope, scope) == 0)
			c = &fw->ch[i];
	if (c == NULL && (c = new_change(fw, err)) == NULL)
		return HT_ERR_NOMEM;
	c->kind = HT_ROW_ENTRY;
	snprintf(c->scope, sizeof(c->scope), "%s", scope);
	c->deleted = e == NULL;
	if (e != NULL)
		c->ent = *e;
	else
		memset(&c->ent, 0, sizeof(c->ent));
	return HT_OK;
}

int
fleet_queue_append(const struct ctl *ctl, ht_id id, int64_t when)
{
	char path[HT_PATH_MAX], line[64];
	int fd, n, rc;

	if ((rc = fleet_side_path(ctl, FLEET_QUEUE_SUFFIX, path, sizeof(path))) != 0)
		return rc;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return tk_error(EX_CANTCREAT, "revocation queue %s: %s", path, strerror(errno));
	n = snprintf(line, sizeof(line), "%s %" PRId64 "\n", ht_id_format(id).s, when);
	if (ht_write_all(fd, line, (size_t)n) != 0 || fsync(fd) != 0) {
		rc = tk_error(EX_IOERR, "revocation queue %s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	close(fd);
	return 0;
}

/* The database is unreachable and the command is a revocation: it takes
 * effect here now, and each revoked id waits in the queue. */
static int
commit_offline(struct session *ses)
{
	struct fleet_write *fw = ses->fw;
	struct ht_error err = { 0 };
	struct ht_txn *txn = ses->txn;
	enum ht_status s;
	int rc;

	for (size_t i = 0; i < fw->n; i++) {
		if (fw->ch[i].kind != HT_ROW_TOKEN || !fw->ch[i].rec.revoked)
			return tk_error(EX_UNAVAILABLE, "%s; nothing was changed", fw->offline.msg);
		if ((rc = fleet_queue_append(fw->ctl, fw->ch[i].rec.id,
		                             fw->ch[i].rec.revoked_at)) != 0)
			return rc;
	}
	ses->txn = NULL;
	ses->st = NULL;
	if ((s = ht_txn_commit(txn, &err)) != HT_OK)
		return tk_fail(s, &err);
	tk_note("%s: the revocation is in force on this host and queued; it reaches "
	        "the database (and the other hosts) at the next sync", fw->offline.msg);
	return 0;
}

/* Purge removes tokens from this replica only (the database keeps their
 * rows, revoked or expired, so no replica is ever told to forget one),
 * and prunes the change log past its retention period. */
static int
commit_purge(struct session *ses)
{
	struct ht_error err = { 0 };
	struct ht_txn *txn = ses->txn;
	unsigned long pruned = 0;
	enum ht_status s;

	ses->txn = NULL;
	ses->st = NULL;
	if ((s = ht_txn_commit(txn, &err)) != HT_OK)
		return tk_fail(s, &err);
	if ((s = ht_pg_prune_changes(ses->fw->pg, FLEET_LOG_RETENTION_DAYS, &pruned,
	                             &err)) != HT_OK)
		tk_note("warning: the change log was not pruned: %s", err.msg);
	else if (pruned > 0)
		tk_note("pruned %lu change-log entr%s older than %d days", pruned,
		        pruned == 1 ? "y" : "ies", FLEET_LOG_RETENTION_DAYS);
	return 0;
}

static uint64_t
change_id(const struct fleet_change *c)
{
	return c->kind == HT_ROW_TOKEN ? c->rec.id
	       : c->kind == HT_ROW_ENTRY ? ht_entry_row_id(c->scope) : 0;
}

static enum ht_status
local_version(struct session *ses, const struct fleet_change *c, uint64_t *version,
              struct ht_error *err)
{
	struct ht_store *st = ht_txn_store(ses->txn);
	unsigned flags;

	if (c->kind == HT_ROW_ENTRY)
		return ht_replica_entry_version(st, change_id(c), version, &flags, err);
	return ht_replica_version(st, change_id(c), version, &flags, err);
}

static enum ht_status
change_row(struct session *ses, const struct ht_signer *sg, const struct fleet_change *c,
           uint64_t version, struct ht_row *row, struct ht_error *err)
{
	if (c->kind == HT_ROW_TOKEN)
		return ht_row_for_record(&c->rec, &ses->key, sg, version, row, err);
	if (c->kind == HT_ROW_ENTRY)
		return ht_row_for_entry(c->scope, c->deleted ? NULL : &c->ent, &ses->key, sg,
		                        version, row, err);
	return ht_row_for_policy(&c->pol, &ses->key, sg, version, row, err);
}

static int
changed_elsewhere(const struct fleet_change *c)
{
	if (c->kind == HT_ROW_TOKEN)
		return tk_error(EX_TEMPFAIL, "token %s changed on another host while this command "
		                "ran; nothing was changed, run it again", ht_id_format(c->rec.id).s);
	return tk_error(EX_TEMPFAIL, "%s%s changed on another host while this command ran; "
	                "nothing was changed, run it again",
	                c->kind == HT_ROW_ENTRY ? "registry entry " : "the policy",
	                c->kind == HT_ROW_ENTRY ? c->scope : "");
}

/* Signs and writes one change at the version after the database's. */
static int
push_change(struct session *ses, const struct ht_signer *sg, struct fleet_change *c,
            uint64_t *newver)
{
	struct fleet_write *fw = ses->fw;
	struct ht_error err = { 0 };
	uint64_t dbver = 0, localver = 0;
	struct ht_row *row = malloc(sizeof(*row));
	enum ht_status s;
	int rc = 0;

	if (row == NULL)
		return tk_error(EX_OSERR, "out of memory");
	s = ht_pg_row_get(fw->pg, c->kind, change_id(c), row, &err);
	if (s == HT_OK)
		dbver = row->version;
	else if (s != HT_ERR_NOTFOUND)
		rc = tk_fail(s, &err);
	if (rc == 0 && (s = local_version(ses, c, &localver, &err)) != HT_OK)
		rc = tk_fail(s, &err);
	if (rc == 0 && dbver != localver)
		rc = changed_elsewhere(c);
	if (rc == 0) {
		*newver = dbver + 1;
		s = change_row(ses, sg, c, *newver, row, &err);
		if (s == HT_OK)
			s = ht_pg_row_put(fw->pg, row, fleet_host(), &err);
		if (s != HT_OK)
			rc = tk_fail(s, &err);
	}
	sodium_memzero(row, sizeof(*row));
	free(row);
	return rc;
}

static int
push_all(struct session *ses, uint64_t *versions)
{
	struct fleet_write *fw = ses->fw;
	struct ht_error err = { 0 };
	struct ht_signer sg;
	enum ht_status s;
	int rc;

	if ((rc = fleet_signer(fw->ctl, &sg)) != 0)
		return rc;
	if ((s = ht_pg_begin(fw->pg, &err)) != HT_OK) {
		ht_signer_wipe(&sg);
		return tk_fail(s, &err);
	}
	if (fw->quota)
		rc = fleet_quota_check(ses, sg.pk);
	for (size_t i = 0; i < fw->n && rc == 0; i++)
		rc = push_change(ses, &sg, &fw->ch[i], &versions[i]);
	ht_signer_wipe(&sg);
	if (rc != 0) {
		ht_pg_rollback(fw->pg);
		return rc;
	}
	if ((s = ht_pg_commit(fw->pg, &err)) != HT_OK)
		return tk_fail(s, &err);
	return 0;
}

int
fleet_session_commit(struct session *ses)
{
	struct fleet_write *fw = ses->fw;
	struct ht_error err = { 0 };
	struct ht_txn *txn = ses->txn;
	uint64_t *versions;
	enum ht_status s = HT_OK;
	int rc;

	if (fw->pg == NULL)
		return commit_offline(ses);
	if (fw->n == 0)   /* purge: local, and the change log's retention */
		return commit_purge(ses);
	if ((versions = calloc(fw->n + 1, sizeof(*versions))) == NULL)
		return tk_error(EX_OSERR, "out of memory");
	rc = push_all(ses, versions);
	for (size_t i = 0; rc == 0 && s == HT_OK && i < fw->n; i++)
		s = fw->ch[i].kind == HT_ROW_ENTRY
		    ? ht_replica_set_entry_version(txn, change_id(&fw->ch[i]), versions[i], 0,
		                                   fw->ch[i].scope, &err)
		    : ht_replica_set_version(txn, change_id(&fw->ch[i]), versions[i], 0, &err);
	free(versions);
	if (rc != 0)
		return rc;
	ses->txn = NULL;
	ses->st = NULL;
	if (s == HT_OK)
		s = ht_txn_commit(txn, &err);
	else
		ht_txn_abort(txn);
	if (s != HT_OK)
		tk_note("warning: the change is in the database, but this host's replica was "
		        "not updated (%s); the next sync applies it", err.msg);
	return 0;
}

void
fleet_session_end(struct session *ses)
{
	struct fleet_write *fw = ses->fw;

	if (fw == NULL)
		return;
	ht_pg_close(fw->pg);
	if (fw->ch != NULL) {
		sodium_memzero(fw->ch, fw->cap * sizeof(*fw->ch));
		free(fw->ch);
	}
	free(fw);
	ses->fw = NULL;
}

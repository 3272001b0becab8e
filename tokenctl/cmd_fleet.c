/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fleet keygen | init | status: setting up a fleet and watching it.
 * keygen and init are root's: they make or read the signing key and the
 * database credentials. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <sodium.h>

#include "fleetctl.h"
#include "registry_store.h"
#include "safefile.h"

int
fleet_need_root(const struct ctl *ctl, const char *what)
{
	if (ctl->who.uid != 0)
		return tk_error(EX_NOPERM, "%s: only root may do this", what);
	return 0;
}

int
fleet_need_source(const struct ctl *ctl, const char *what)
{
	if (!fleet_enabled(ctl))
		return tk_error(EX_CONFIG, "%s: %s does not say source = postgresql", what,
		                ctl->config);
	return 0;
}

static int
fleet_keygen(const struct ctl *ctl, int quiet_exists)
{
	char secret[HT_PATH_MAX], pub[HT_PATH_MAX];
	struct ht_error err = { 0 };
	enum ht_status s;

	if (ht_sign_paths(ctl->keyfile, secret, pub, sizeof(secret)) != 0)
		return tk_error(EX_USAGE, "%s: path too long", ctl->keyfile);
	if (quiet_exists && access(secret, F_OK) == 0)
		return 0;
	if ((s = ht_sign_keygen(secret, pub, &err)) != HT_OK)
		return tk_fail(s, &err);
	tk_note("created the signing key %s (root only; copy it to every host that writes) "
	        "and %s (copy it to every host)", secret, pub);
	return 0;
}

struct init_walk {
	struct ht_pg_load *load;
	const struct ht_key *key;
	const struct ht_signer *sg;
	struct ht_txn *txn;
	struct ht_row row;                /* the one being sent */
	ht_id *ids;                       /* loaded: marked version 1 after the walk */
	size_t n, cap;
	struct scope_list scopes;         /* registry entries loaded, the same */
	enum ht_status s;
	struct ht_error err;
};

/* The walk only reads the store (changing a GDBM file while walking it is
 * undefined): rows go to the database, ids to a list. */
static int
init_one(const struct ht_record *rec, void *ctx)
{
	struct init_walk *w = ctx;

	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 1024;
		ht_id *p = realloc(w->ids, cap * sizeof(*p));

		if (p == NULL) {
			w->s = ht_error_set(&w->err, HT_ERR_NOMEM, "out of memory");
			return 1;
		}
		w->ids = p;
		w->cap = cap;
	}
	w->ids[w->n++] = rec->id;
	w->s = ht_row_for_record(rec, w->key, w->sg, 1, &w->row, &w->err);
	if (w->s == HT_OK)
		w->s = ht_pg_load_row(w->load, &w->row, &w->err);
	return w->s != HT_OK;
}

static int
init_entry(const struct ht_entry *e, void *ctx)
{
	struct init_walk *w = ctx;

	scopes_add(&w->scopes, e->scope);
	if (w->scopes.failed) {
		w->s = ht_error_set(&w->err, HT_ERR_NOMEM, "out of memory");
		return 1;
	}
	w->s = ht_row_for_entry(e->scope, e, w->key, w->sg, 1, &w->row, &w->err);
	if (w->s == HT_OK)
		w->s = ht_pg_load_row(w->load, &w->row, &w->err);
	return w->s != HT_OK;
}

/* The registry, after the tokens; its entries marked version 1. */
static enum ht_status
init_registry(struct init_walk *w)
{
	enum ht_status s = ht_store_foreach_entry(ht_txn_store(w->txn), init_entry, w, &w->err);

	if (s == HT_OK)
		s = w->s;
	for (size_t i = 0; s == HT_OK && i < w->scopes.n; i++)
		s = ht_replica_set_entry_version(w->txn, ht_entry_row_id(w->scopes.scopes[i]), 1,
		                                 0, w->scopes.scopes[i], &w->err);
	return s;
}

/* Tokens, registry entries, then the policy, all through one load; the
 * policy's row is the last, so its sequence number is the position. */
static enum ht_status
init_rows(struct init_walk *w)
{
	struct ht_policy pol;
	enum ht_status s = ht_store_foreach(ht_txn_store(w->txn), init_one, w, &w->err);

	if (s == HT_OK)
		s = w->s;
	for (size_t i = 0; s == HT_OK && i < w->n; i++)
		s = ht_replica_set_version(w->txn, w->ids[i], 1, 0, &w->err);
	if (s == HT_OK)
		s = init_registry(w);
	if (s == HT_OK)
		s = ht_store_get_policy(ht_txn_store(w->txn), &pol, &w->err);
	if (s == HT_OK)
		s = ht_row_for_policy(&pol, w->key, w->sg, 1, &w->row, &w->err);
	if (s == HT_OK)
		s = ht_pg_load_row(w->load, &w->row, &w->err);
	if (s == HT_OK)
		s = ht_replica_set_version(w->txn, 0, 1, 0, &w->err);
	if (s == HT_OK)
		s = ht_replica_set_position(w->txn, w->row.seq, &w->err);
	return s;
}

/* Loads the store into the database, marking the store a replica at the
 * position the load reached: both commit, or the store is unchanged. */
static int
init_load(const struct ctl *ctl, struct ht_pg *pg, struct init_walk *w)
{
	enum ht_status s;

	/* A replica holds the fleet's registry: a store of version 1 has none. */
	if (ht_store_schema(ht_txn_store(w->txn)) < HT_SCHEMA_VERSION)
		return tk_error(EX_DATAERR, "fleet init: %s is a store of version %u; run "
		                "'tokenctl upgrade' first", ctl->db,
		                ht_store_schema(ht_txn_store(w->txn)));
	if ((s = ht_pg_begin(pg, &w->err)) != HT_OK)
		return tk_fail(s, &w->err);
	s = ht_pg_load_begin(pg, &w->load, &w->err);
	if (s == HT_OK)
		s = init_rows(w);
	if (s == HT_OK)
		s = ht_pg_load_end(w->load, fleet_host(), &w->err);
	else
		ht_pg_load_abort(w->load);
	w->load = NULL;
	if (s != HT_OK) {
		ht_pg_rollback(pg);
		return tk_fail(s, &w->err);
	}
	if ((s = ht_pg_commit(pg, &w->err)) != HT_OK)
		return tk_fail(s, &w->err);
	tk_note("fleet init: %zu token%s, %zu registry entr%s and the policy loaded from %s",
	        w->n, w->n == 1 ? "" : "s", w->scopes.n, w->scopes.n == 1 ? "y" : "ies", ctl->db);
	return 0;
}

static int
fleet_init(const struct ctl *ctl)
{
	struct init_walk *w = calloc(1, sizeof(*w));
	struct ht_error err = { 0 };
	struct ht_signer sg;
	struct ht_pg *pg = NULL;
	struct ht_key key;
	enum ht_status s;
	int rc, migrated = 0;

	if (w == NULL)
		return tk_error(EX_OSERR, "out of memory");
	if ((rc = fleet_keygen(ctl, 1)) != 0 || (rc = fleet_signer(ctl, &sg)) != 0) {
		free(w);
		return rc;
	}
	if ((s = ht_key_load(ctl->keyfile, &key, &err)) != HT_OK) {
		rc = tk_fail(s, &err);
	} else if ((s = ht_pg_connect(ctl->conf->conninfo, &pg, &err)) != HT_OK) {
		rc = tk_fail(s, &err);
	} else if ((s = ht_pg_schema_create(pg, &migrated, &err)) != HT_OK) {
		/* An existing fleet's schema brought up to date: nothing to load. */
		rc = migrated && s == HT_ERR_EXISTS ? 0 : tk_fail(s, &err);
	} else if ((s = ht_txn_begin(ctl->db, &key, ctl->wait_ms, &w->txn, &err)) != HT_OK) {
		rc = tk_fail(s, &err);
	} else {
		w->key = &key;
		w->sg = &sg;
		rc = init_load(ctl, pg, w);
		if (rc == 0 && (s = ht_txn_commit(w->txn, &err)) != HT_OK)
			rc = tk_fail(s, &err);
		else if (rc != 0)
			ht_txn_abort(w->txn);
	}
	if (migrated)
		tk_note("fleet init: migrated the database schema from version 1 to %d%s",
		        HT_PG_SCHEMA_VERSION, rc == 0 && w->txn == NULL
		        ? "; the rows it holds are kept, nothing was loaded" : "");
	ht_pg_close(pg);
	ht_key_wipe(&key);
	ht_signer_wipe(&sg);
	free(w->ids);
	free(w->scopes.scopes);
	sodium_memzero(w, sizeof(*w));
	free(w);
	return rc;
}

/* Lines in the revocation queue; -1 when it cannot be read. */
static long
queue_length(const struct ctl *ctl)
{
	char path[HT_PATH_MAX], buf[4096];
	long lines = 0;
	ssize_t r;
	int fd;

	if (fleet_side_path(ctl, FLEET_QUEUE_SUFFIX, path, sizeof(path)) != 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < r; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

static int64_t
last_contact(const struct ctl *ctl)
{
	char path[HT_PATH_MAX], buf[32] = { 0 };
	ssize_t r;
	int fd;

	if (fleet_side_path(ctl, FLEET_STATUS_SUFFIX, path, sizeof(path)) != 0)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return 0;
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return r > 0 ? strtoll(buf, NULL, 10) : 0;
}

#define REFUSED_SHOWN 8

/* What fleet status reads from the replica. */
struct replica_info {
	uint64_t position;
	int present;
	unsigned long refused, refused_entries;
	ht_id shown[REFUSED_SHOWN];
	char shown_entries[REFUSED_SHOWN][HT_SCOPE_MAX + 1];
	unsigned long owners, owners_unknown;   /* personal tokens; of them, not so here */
};

static void
note_refused(void *ctx, enum ht_row_kind kind, uint64_t id, const char *scope)
{
	struct replica_info *ri = ctx;

	if (kind == HT_ROW_ENTRY) {
		if (ri->refused_entries < REFUSED_SHOWN)
			snprintf(ri->shown_entries[ri->refused_entries], HT_SCOPE_MAX + 1, "%s",
			         scope[0] != '\0' ? scope : ht_id_format(id).s);
		ri->refused_entries++;
		return;
	}
	if (ri->refused < REFUSED_SHOWN)
		ri->shown[ri->refused] = id;
	ri->refused++;
}

/* A fleet needs one account database: a personal token's owner should
 * exist here with the uid the writing host recorded. */
static int
check_owner(const struct ht_record *rec, void *ctx)
{
	struct replica_info *ri = ctx;
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (rec->kind != HT_KIND_PERSONAL || rec->revoked)
		return 0;
	ri->owners++;
	if (getpwnam_r(rec->owner, &pw, buf, sizeof(buf), &res) != 0 || res == NULL ||
	    res->pw_uid != rec->owner_uid)
		ri->owners_unknown++;
	return 0;
}

static enum ht_status
read_replica(const struct ctl *ctl, struct replica_info *ri, struct ht_error *err)
{
	struct ht_store *st = NULL;
	struct ht_key key;
	enum ht_status s;

	memset(ri, 0, sizeof(*ri));
	if ((s = ht_key_load(ctl->keyfile, &key, err)) != HT_OK)
		return s;
	if ((s = ht_store_open(ctl->db, &key, &st, err)) == HT_OK) {
		s = ht_replica_position(st, &ri->position, &ri->present, err);
		if (s == HT_OK)
			s = ht_replica_foreach_refused(st, note_refused, ri, err);
		if (s == HT_OK)
			s = ht_store_foreach(st, check_owner, ri, err);
		ht_store_close(st);
	}
	ht_key_wipe(&key);
	return s;
}

static void
status_json(const struct ctl *ctl, const struct replica_info *ri, int reach, uint64_t head)
{
	printf("{\"source\":\"postgresql\",\"replica\":%s,\"position\":%" PRIu64
	       ",\"database\":\"%s\",\"head\":%" PRIu64 ",\"lag\":%" PRIu64 ",\"last_contact\":",
	       ri->present ? "true" : "false", ri->position, reach ? "reachable" : "unreachable",
	       head, head > ri->position ? head - ri->position : 0);
	out_json_time(stdout, last_contact(ctl));
	printf(",\"queued_revocations\":%ld,\"refused\":[", queue_length(ctl));
	for (unsigned long i = 0; i < ri->refused && i < REFUSED_SHOWN; i++)
		printf("%s\"%s\"", i ? "," : "", ht_id_format(ri->shown[i]).s);
	printf("],\"refused_count\":%lu,\"refused_registry\":[", ri->refused);
	for (unsigned long i = 0; i < ri->refused_entries && i < REFUSED_SHOWN; i++) {
		printf("%s", i ? "," : "");
		out_json_str(stdout, ri->shown_entries[i]);
	}
	printf("],\"refused_registry_count\":%lu,\"owners_not_here\":%lu}\n",
	       ri->refused_entries, ri->owners_unknown);
}

static void
status_text(const struct ctl *ctl, const struct replica_info *ri, int reach, uint64_t head,
            const struct ht_error *perr)
{
	char when[64];

	out_time(when, sizeof(when), last_contact(ctl), "never");
	printf("source: postgresql\nreplica: %s\nposition: %" PRIu64 "\n",
	       ri->present ? ctl->db : "none (run tokenctl sync)", ri->position);
	if (reach)
		printf("database: reachable, head %" PRIu64 ", lag %" PRIu64 " change%s\n", head,
		       head > ri->position ? head - ri->position : 0,
		       head - ri->position == 1 ? "" : "s");
	else
		printf("database: unreachable (%s)\n", perr->msg);
	printf("last contact: %s\nqueued revocations: %ld\nrefused here: %lu", when,
	       queue_length(ctl), ri->refused);
	for (unsigned long i = 0; i < ri->refused && i < REFUSED_SHOWN; i++)
		printf("%s%s", i ? " " : " (", ht_id_format(ri->shown[i]).s);
	printf("%s\n", ri->refused == 0 ? "" : ri->refused > REFUSED_SHOWN ? " ...)" : ")");
	if (ri->refused_entries > 0) {
		printf("registry entries refused here: %lu", ri->refused_entries);
		for (unsigned long i = 0; i < ri->refused_entries && i < REFUSED_SHOWN; i++)
			printf("%s%s", i ? " " : " (", ri->shown_entries[i]);
		printf("%s\n", ri->refused_entries > REFUSED_SHOWN ? " ...)" : ")");
	}
	if (ri->owners_unknown > 0)
		printf("warning: %lu of %lu personal tokens name an owner who does not exist here "
		       "or has another uid: a fleet needs one account database on every host\n",
		       ri->owners_unknown, ri->owners);
}

static int
fleet_status(const struct ctl *ctl)
{
	struct ht_error err = { 0 }, perr = { 0 };
	struct replica_info ri;
	struct ht_pg *pg = NULL;
	uint64_t head = 0;
	int reach;
	enum ht_status s;

	if (!fleet_enabled(ctl)) {
		printf(ctl->json ? "{\"source\":\"local\"}\n"
		       : "source: local (this host is not part of a fleet)\n");
		return EX_OK;
	}
	s = read_replica(ctl, &ri, &err);
	if (s != HT_OK && s != HT_ERR_UNAVAIL)
		return tk_fail(s, &err);
	reach = fleet_connect(ctl, &pg, &perr) == 0 && ht_pg_head(pg, &head, &perr) == HT_OK;
	ht_pg_close(pg);
	if (ctl->json)
		status_json(ctl, &ri, reach, head);
	else
		status_text(ctl, &ri, reach, head, &perr);
	return EX_OK;
}

int
cmd_fleet(struct ctl *ctl, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	int rc;

	if (strcmp(sub, "status") == 0 && argc == 2)
		return fleet_status(ctl);
	if ((strcmp(sub, "keygen") != 0 && strcmp(sub, "init") != 0) || argc != 2)
		return tk_usage("fleet: expected keygen, init or status");
	if ((rc = fleet_need_root(ctl, sub)) != 0)
		return rc;
	if (strcmp(sub, "keygen") == 0) {
		if ((rc = fleet_keygen(ctl, 0)) == 0)
			audit_change(ctl, "fleet keygen", NULL, NULL);
		return rc;
	}
	if ((rc = fleet_need_source(ctl, "fleet init")) != 0)
		return rc;
	if ((rc = fleet_init(ctl)) == 0)
		audit_change(ctl, "fleet init", NULL, "store=%s", ctl->db);
	return rc;
}

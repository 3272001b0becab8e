/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sync: the replica catches up with the database. Queued revocations go
 * first (so that no later row can bring a token back here before its
 * revocation is in the database), then every row changed after the
 * replica's position is checked and applied, all in one store rewrite. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "fleetctl.h"
#include "lastused.h"
#include "newfile.h"
#include "rowcheck.h"
#include "registry_store.h"
#include "safefile.h"

/* Rows read a query; two batches are in memory (one applied while the
 * next is verified), each row up to HT_ROW_PAYLOAD_MAX. */
#define BATCH 2000

const char *
fleet_host(void)
{
	static char host[256];

	if (host[0] == '\0' && gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "unknown");
	return host;
}

/* To syslog (the audit trail) and to stderr. */
void
fleet_log(int priority, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	syslog(priority, "fleet: %s", buf);
	tk_note("%s", buf);
}

int
fleet_connect(const struct ctl *ctl, struct ht_pg **pg, struct ht_error *err)
{
	return fleet_connect_as(ctl, "tokenctl", pg, err);
}

int
fleet_connect_as(const struct ctl *ctl, const char *appname, struct ht_pg **pg,
                 struct ht_error *err)
{
	enum ht_status s = ht_pg_connect_as(ctl->conf->conninfo, appname, pg, err);

	if (s == HT_OK && (s = ht_pg_schema_check(*pg, err)) != HT_OK) {
		ht_pg_close(*pg);
		*pg = NULL;
	}
	return s == HT_OK ? 0 : tk_exit_code(s);
}

int
fleet_signer(const struct ctl *ctl, struct ht_signer *sg)
{
	char secret[HT_PATH_MAX], pub[HT_PATH_MAX];
	struct ht_error err = { 0 };
	enum ht_status s;

	if (ht_sign_paths(ctl->keyfile, secret, pub, sizeof(secret)) != 0)
		return tk_error(EX_USAGE, "%s: path too long", ctl->keyfile);
	if ((s = ht_sign_load_secret(secret, sg, &err)) != HT_OK)
		return tk_error(tk_exit_code(s), "%s (this host cannot write to the fleet without "
		                "the signing key; see tokenctl fleet keygen)", err.msg);
	return 0;
}

static int
load_public(const struct ctl *ctl, unsigned char pk[HT_SIGN_PUB])
{
	char secret[HT_PATH_MAX], pub[HT_PATH_MAX];
	struct ht_error err = { 0 };
	enum ht_status s;

	if (ht_sign_paths(ctl->keyfile, secret, pub, sizeof(secret)) != 0)
		return tk_error(EX_USAGE, "%s: path too long", ctl->keyfile);
	if ((s = ht_sign_load_public(pub, pk, &err)) != HT_OK)
		return tk_fail(s, &err);
	return 0;
}

struct applier {
	struct ht_txn *txn;
	const struct ht_key *key;
	const unsigned char *pk;
	struct sync_report *rep;
	uint64_t position;
};

/* Applies one row whose signature's verdict is sig_ok (ht_row_check). */
static enum ht_status
apply_one(struct applier *a, const struct ht_row *row, int sig_ok, struct ht_error *err)
{
	enum ht_apply result;
	char why[300], what[64];
	enum ht_status s = ht_replica_apply_checked(a->txn, a->key, row, sig_ok, &result, why,
	                                            sizeof(why), err);

	if (s != HT_OK)
		return s;
	a->position = row->seq;
	if (result == HT_APPLY_DONE) {
		a->rep->applied++;
		return HT_OK;
	}
	/* Only what is logged needs a name (formatting one a row costs). */
	snprintf(what, sizeof(what), "%s %s", row->kind == HT_ROW_ENTRY ? "registry entry" : "token",
	         ht_id_format(row->id).s);
	switch (result) {
	case HT_APPLY_DONE: break;
	case HT_APPLY_SAME: break;
	case HT_APPLY_KEPT_REVOKED:
		a->rep->applied++;
		a->rep->kept_revoked++;
		fleet_log(LOG_WARNING, "%s (change %" PRIu64 "): %s", what, row->seq, why);
		break;
	case HT_APPLY_OLDER:
		a->rep->older++;
		fleet_log(LOG_WARNING, "%s (change %" PRIu64 "): older row ignored: %s", what,
		          row->seq, why);
		break;
	case HT_APPLY_REFUSED:
		a->rep->refused++;
		fleet_log(LOG_ERR, "%s (change %" PRIu64 "): row refused, the %s is refused on this "
		          "host until a valid row arrives: %s", what, row->seq,
		          row->kind == HT_ROW_ENTRY ? "entry" : "token", why);
		break;
	}
	return HT_OK;
}

/* Revokes one queued id in the database (its row verified, then signed
 * again one version up). */
static int
push_revocation(const struct ctl *ctl, struct ht_pg *pg, const struct ht_key *key,
                const struct ht_signer *sg, const unsigned char *pk, ht_id id, int64_t when,
                int *pushed)
{
	struct ht_error err = { 0 };
	struct ht_record rec;
	struct ht_row *row = malloc(sizeof(*row));
	enum ht_status s;
	int rc = 0;

	(void)ctl;
	*pushed = 0;
	if (row == NULL)
		return tk_error(EX_OSERR, "out of memory");
	if ((s = ht_pg_begin(pg, &err)) != HT_OK) {
		free(row);
		return tk_fail(s, &err);
	}
	s = ht_pg_row_get(pg, HT_ROW_TOKEN, id, row, &err);
	if (s == HT_ERR_NOTFOUND) {
		fleet_log(LOG_WARNING, "queued revocation of %s: no such token in the database; "
		          "dropped", ht_id_format(id).s);
	} else if (s != HT_OK) {
		rc = tk_fail(s, &err);
	} else if (ht_row_verify(pk, row->kind, row->id, row->version, row->payload, row->len,
	                         row->sig, row->sig_len) != 0 ||
	           ht_record_decode(id, row->payload, row->len, key, &rec, &err) != HT_OK) {
		fleet_log(LOG_ERR, "queued revocation of %s: the database row does not verify; "
		          "it stays revoked here", ht_id_format(id).s);
	} else if (!rec.revoked) {
		rec.revoked = 1;
		rec.revoked_at = when;
		if ((s = ht_row_for_record(&rec, key, sg, row->version + 1, row, &err)) == HT_OK)
			s = ht_pg_row_put(pg, row, fleet_host(), &err);
		if (s != HT_OK)
			rc = tk_fail(s, &err);
		*pushed = rc == 0;
	}
	sodium_memzero(&rec, sizeof(rec));
	free(row);
	if (rc == 0 && (s = ht_pg_commit(pg, &err)) != HT_OK)
		rc = tk_fail(s, &err);
	if (rc != 0)
		ht_pg_rollback(pg);
	return rc;
}

/* Pushes every queued revocation; *had: the queue had lines (to remove
 * once the replica is committed). */
static int
push_queue(const struct ctl *ctl, struct ht_pg *pg, const struct ht_key *key,
           const unsigned char *pk, struct sync_report *rep, int *had)
{
	char path[HT_PATH_MAX], line[128];
	struct ht_signer sg;
	FILE *f;
	int rc, fd;

	*had = 0;
	if ((rc = fleet_side_path(ctl, FLEET_QUEUE_SUFFIX, path, sizeof(path))) != 0)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || (f = fdopen(fd, "r")) == NULL) {
		if (fd >= 0)
			close(fd);
		return tk_error(EX_IOERR, "revocation queue %s: %s", path, strerror(errno));
	}
	*had = 1;
	if ((rc = fleet_signer(ctl, &sg)) != 0) {
		fclose(f);
		return rc;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		char hex[HT_ID_HEX_LEN + 1];
		long long when;
		ht_id id;
		int pushed;

		if (sscanf(line, "%16s %lld", hex, &when) != 2 || parse_id(hex, &id) != 0) {
			fleet_log(LOG_ERR, "revocation queue %s: malformed line skipped", path);
			continue;
		}
		rc = push_revocation(ctl, pg, key, &sg, pk, id, (int64_t)when, &pushed);
		rep->pushed += (unsigned long)pushed;
	}
	ht_signer_wipe(&sg);
	fclose(f);
	return rc;
}

static int
collect_id(const struct ht_record *rec, void *ctx)
{
	struct id_list *l = ctx;

	ids_add(l, rec->id);
	return l->failed;
}

static int
collect_scope(const struct ht_entry *e, void *ctx)
{
	struct scope_list *l = ctx;

	scopes_add(l, e->scope);
	return l->failed;
}

/* Drops what the store holds of its own: its tokens, its registry. */
static int
drop_own(struct ht_txn *txn, const struct id_list *l, const struct scope_list *sl)
{
	struct ht_error err = { 0 };
	enum ht_status s;

	for (size_t i = 0; i < l->n; i++)
		if ((s = ht_txn_delete(txn, l->ids[i], &err)) != HT_OK)
			return tk_fail(s, &err);
	for (size_t i = 0; i < sl->n; i++)
		if ((s = ht_txn_delete_entry(txn, sl->scopes[i], &err)) != HT_OK)
			return tk_fail(s, &err);
	if (l->n > 0)
		tk_note("--replace: %zu local token%s dropped", l->n, l->n == 1 ? "" : "s");
	if (sl->n > 0)
		tk_note("--replace: %zu local registry entr%s dropped", sl->n,
		        sl->n == 1 ? "y" : "ies");
	return 0;
}

/* A store that has never been a replica is dropped only on --replace. */
static int
adopt_store(const struct ctl *ctl, struct ht_txn *txn, const struct sync_opts *o)
{
	struct ht_error err = { 0 };
	struct id_list l = { 0 };
	struct scope_list sl = { 0 };
	enum ht_status s;
	int rc = 0;

	if (ht_store_schema(ht_txn_store(txn)) < HT_SCHEMA_VERSION)
		return tk_error(EX_DATAERR, "%s is a store of version %u and cannot hold the "
		                "fleet's registry; run 'tokenctl upgrade' first (or move it away "
		                "to start an empty replica)", ctl->db,
		                ht_store_schema(ht_txn_store(txn)));
	s = ht_store_foreach(ht_txn_store(txn), collect_id, &l, &err);
	if (s == HT_OK)
		s = ht_store_foreach_entry(ht_txn_store(txn), collect_scope, &sl, &err);
	if (s != HT_OK)
		rc = tk_fail(s, &err);
	else if (l.failed || sl.failed)
		rc = tk_error(EX_OSERR, "out of memory");
	else if (l.n > 0 && !o->replace)
		rc = tk_error(EX_CANTCREAT, "%s holds %zu token%s of its own and is not a "
		              "replica; sync --replace drops %s and takes the fleet's", ctl->db,
		              l.n, l.n == 1 ? "" : "s", l.n == 1 ? "it" : "them");
	else if (sl.n > 0 && !o->replace)
		rc = tk_error(EX_CANTCREAT, "%s holds %zu registry entr%s of its own and is not a "
		              "replica; sync --replace drops %s and takes the fleet's", ctl->db,
		              sl.n, sl.n == 1 ? "y" : "ies", sl.n == 1 ? "it" : "them");
	if (rc == 0)
		rc = drop_own(txn, &l, &sl);
	free(l.ids);
	free(sl.scopes);
	return rc;
}

/* The time of the last successful contact, beside the store: for fleet
 * status only, so it is not sealed and a sync with nothing to apply does
 * not rewrite the store for it. */
static void
note_contact(const struct ctl *ctl, int64_t now)
{
	struct ht_file_owner own = { (uid_t)-1, (gid_t)-1, 0644 };
	struct ht_error err = { 0 };
	struct ht_newfile nf;
	char path[HT_PATH_MAX], line[32];
	int n;

	if (fleet_side_path(ctl, FLEET_STATUS_SUFFIX, path, sizeof(path)) != 0 ||
	    ht_newfile_open(&nf, path, &own, &err) != HT_OK)
		return;
	n = snprintf(line, sizeof(line), "%" PRId64 "\n", now);
	if (ht_write_all(nf.fd, line, (size_t)n) != 0) {
		ht_newfile_discard(&nf);
		return;
	}
	(void)ht_newfile_publish(&nf, HT_WRITE_REPLACE, &err);
}

/* A host joining the fleet gets an empty store first, laid out as
 * tokenctl init lays it out, in the key file's group (the servers that
 * read the key read the replica too). */
static int
ensure_store(const struct ctl *ctl, const struct ht_key *key)
{
	struct ht_error err = { 0 };
	struct stat ks;
	enum ht_status s;
	gid_t gid;

	if (access(ctl->db, F_OK) == 0 || errno != ENOENT)
		return 0;
	gid = stat(ctl->keyfile, &ks) == 0 ? ks.st_gid : (gid_t)-1;
	if ((s = ht_store_create(ctl->db, key, gid, &err)) != HT_OK && s != HT_ERR_EXISTS)
		return tk_fail(s, &err);
	if (ht_lastused_dir_create(ctl->db, gid) < 0)
		return tk_error(EX_CANTCREAT, "last-use directory %s.lastused: %s", ctl->db,
		                strerror(errno));
	tk_note("created the replica %s", ctl->db);
	return 0;
}

/* A batch of rows read from the database, and their signatures' verdicts
 * once check is done. */
struct batch {
	struct ht_row *rows;
	unsigned char ok[BATCH];
	size_t n;
	struct ht_rowcheck check;
};

static enum ht_status
collect_row(void *ctx, const struct ht_row *row, struct ht_error *err)
{
	struct batch *b = ctx;

	struct ht_row *to;

	if (b->n == BATCH)
		return ht_error_set(err, HT_ERR_IO, "database: more rows than asked for");
	/* Only the payload's used bytes: a row has room for the largest. */
	to = &b->rows[b->n++];
	to->kind = row->kind;
	to->id = row->id;
	to->version = row->version;
	to->seq = row->seq;
	to->len = row->len;
	memcpy(to->payload, row->payload, row->len);
	to->sig_len = row->sig_len;
	memcpy(to->sig, row->sig, sizeof(to->sig));
	return HT_OK;
}

/* Reads the rows after seq into b and starts checking their signatures. */
static enum ht_status
fetch(struct ht_pg *pg, const struct applier *a, uint64_t after, struct batch *b,
      struct ht_error *err)
{
	unsigned n;
	enum ht_status s;

	b->n = 0;
	s = ht_pg_changes(pg, after, BATCH, collect_row, b, &n, err);
	if (s == HT_OK)
		ht_rowcheck_start(&b->check, ht_rowcheck_threads(), a->pk, b->rows, b->n, b->ok);
	return s;
}

static enum ht_status
apply_batch(struct applier *a, const struct batch *b, struct ht_error *err)
{
	enum ht_status s = HT_OK;

	for (size_t i = 0; s == HT_OK && i < b->n; i++)
		s = apply_one(a, &b->rows[i], b->ok[i], err);
	return s;
}

/* Applies every change after a->position, batch by batch: the next batch
 * is read and verified while this one is applied. */
static enum ht_status
pull_batches(struct ht_pg *pg, struct applier *a, struct batch *cur, struct batch *next,
             struct ht_error *err)
{
	enum ht_status s = fetch(pg, a, a->position, cur, err);

	while (s == HT_OK) {
		int more = cur->n == BATCH;
		struct batch *t;

		if (more)
			s = fetch(pg, a, cur->rows[cur->n - 1].seq, next, err);
		ht_rowcheck_wait(&cur->check);
		if (s == HT_OK)
			s = apply_batch(a, cur, err);
		if (more)
			ht_rowcheck_wait(&next->check);
		if (!more)
			break;
		t = cur;
		cur = next;
		next = t;
	}
	return s;
}

static int
pull(struct ht_pg *pg, struct applier *a)
{
	struct ht_error err = { 0 };
	struct batch *b = calloc(2, sizeof(*b));
	enum ht_status s = HT_ERR_NOMEM;

	if (b != NULL && (b[0].rows = calloc(BATCH, sizeof(struct ht_row))) != NULL &&
	    (b[1].rows = calloc(BATCH, sizeof(struct ht_row))) != NULL)
		s = pull_batches(pg, a, &b[0], &b[1], &err);
	else
		ht_error_set(&err, s, "out of memory");
	if (b != NULL) {
		free(b[0].rows);
		free(b[1].rows);
	}
	free(b);
	if (s != HT_OK) {
		fleet_log(LOG_ERR, "sync stopped, nothing applied: %s", err.msg);
		return tk_exit_code(s);
	}
	return 0;
}

static int
sync_locked(const struct ctl *ctl, struct ht_pg *pg, const struct ht_key *key,
            const unsigned char *pk, const struct sync_opts *o, struct sync_report *rep)
{
	struct applier a = { NULL, key, pk, rep, 0 };
	struct ht_error err = { 0 };
	uint64_t start;
	enum ht_status s;
	int present, had_queue = 0, rc;
	char qpath[HT_PATH_MAX];

	if ((s = ht_txn_begin(ctl->db, key, ctl->wait_ms, &a.txn, &err)) != HT_OK)
		return tk_fail(s, &err);
	if ((s = ht_replica_position(ht_txn_store(a.txn), &start, &present, &err)) != HT_OK)
		rc = tk_fail(s, &err);
	else
		rc = present ? 0 : adopt_store(ctl, a.txn, o);
	if (rc == 0)
		rc = push_queue(ctl, pg, key, pk, rep, &had_queue);
	a.position = start;
	if (rc == 0)
		rc = pull(pg, &a);
	if (rc == 0 && (a.position != start || !present || rep->applied + rep->refused > 0) &&
	    (s = ht_replica_set_position(a.txn, a.position, &err)) != HT_OK)
		rc = tk_fail(s, &err);
	rep->position = a.position;
	if (rc != 0 || (a.position == start && present && rep->applied + rep->refused == 0)) {
		ht_txn_abort(a.txn);
	} else if ((s = ht_txn_commit(a.txn, &err)) != HT_OK) {
		return tk_fail(s, &err);
	}
	if (rc == 0 && had_queue && fleet_side_path(ctl, FLEET_QUEUE_SUFFIX, qpath,
	                                            sizeof(qpath)) == 0)
		unlink(qpath);
	return rc;
}

int
fleet_sync(const struct ctl *ctl, struct ht_pg *pg, const struct sync_opts *o,
           struct sync_report *rep)
{
	unsigned char pk[HT_SIGN_PUB];
	struct ht_error err = { 0 };
	struct ht_key key;
	enum ht_status s;
	int rc;

	memset(rep, 0, sizeof(*rep));
	if ((rc = load_public(ctl, pk)) != 0)
		return rc;
	if ((s = ht_key_load(ctl->keyfile, &key, &err)) != HT_OK)
		return tk_fail(s, &err);
	rc = ensure_store(ctl, &key);
	if (rc == 0)
		rc = sync_locked(ctl, pg, &key, pk, o, rep);
	ht_key_wipe(&key);
	if (rc == 0)
		note_contact(ctl, (int64_t)time(NULL));
	if (rc == 0 && !o->quiet)
		tk_note("sync: position %" PRIu64 ", %lu applied, %lu refused, %lu queued "
		        "revocation%s pushed", rep->position, rep->applied, rep->refused,
		        rep->pushed, rep->pushed == 1 ? "" : "s");
	return rc;
}

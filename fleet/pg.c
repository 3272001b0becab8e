/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "pg.h"
#include "pg_impl.h"

/* Writers wait this long for another writer's lock, then give up (75);
 * a client that stalls inside a transaction is cut off after this. */
#define LOCK_TIMEOUT     "5s"
#define IDLE_TX_TIMEOUT  "30s"
#define CONNECT_TIMEOUT  "5"
#define WRITERS_LOCK     "1752462443"   /* pg_advisory_xact_lock key: "httk" */
#define NOTIFY_LOCK      "1752462446"   /* pg_try_advisory_lock key: "httn" */
#define CHANNEL          "httptoken"


#define LASTUSE_TABLE \
	"CREATE TABLE httptoken_lastuse (" \
	" id bigint PRIMARY KEY, at bigint NOT NULL, service text NOT NULL," \
	" client text NOT NULL, host text NOT NULL)"

static const char *const schema_sql[] = {
	"CREATE TABLE httptoken_schema (version integer NOT NULL)",
	"CREATE SEQUENCE httptoken_change_seq",
	"CREATE TABLE httptoken_rows ("
	" kind smallint NOT NULL, id bigint NOT NULL, version bigint NOT NULL,"
	" payload bytea NOT NULL, sig bytea NOT NULL, seq bigint NOT NULL,"
	" PRIMARY KEY (kind, id))",
	"CREATE INDEX httptoken_rows_seq ON httptoken_rows (seq)",
	"CREATE TABLE httptoken_changes ("
	" seq bigint PRIMARY KEY, kind smallint NOT NULL, id bigint NOT NULL,"
	" version bigint NOT NULL, host text NOT NULL,"
	" at timestamptz NOT NULL DEFAULT now())",
	LASTUSE_TABLE,
	"INSERT INTO httptoken_schema VALUES (2)",
};

/* From version 1: the last-use table. */
static const char *const migrate_1_2[] = {
	LASTUSE_TABLE,
	"UPDATE httptoken_schema SET version = 2",
};

/* The server's primary message (or the first line of libpq's own). */
enum ht_status
ht_pg_fail(struct ht_pg *pg, enum ht_status s, const char *what, const PGresult *res,
        struct ht_error *err)
{
	const char *m = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (m == NULL || m[0] == '\0')
		m = PQerrorMessage(pg->conn);
	if (PQstatus(pg->conn) != CONNECTION_OK)
		s = HT_ERR_UNAVAIL;
	return ht_error_set(err, s, "database%s: %s: %.*s",
	                    s == HT_ERR_UNAVAIL ? " unreachable" : "", what,
	                    (int)strcspn(m, "\n"), m);
}

/* Runs a statement without parameters or rows; HT_ERR_BUSY for a lock
 * timeout or serialization failure. */
enum ht_status
ht_pg_exec0(struct ht_pg *pg, const char *sql, struct ht_error *err)
{
	PGresult *res = PQexec(pg->conn, sql);
	enum ht_status s = HT_OK;

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		s = state != NULL && (strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0)
		    ? HT_ERR_BUSY : HT_ERR_IO;
		s = ht_pg_fail(pg, s, "statement failed", res, err);
	}
	PQclear(res);
	return s;
}

enum ht_status
ht_pg_connect(const char *conninfo, struct ht_pg **out, struct ht_error *err)
{
	return ht_pg_connect_as(conninfo, "tokenctl", out, err);
}

enum ht_status
ht_pg_connect_as(const char *conninfo, const char *appname, struct ht_pg **out,
                 struct ht_error *err)
{
	const char *keys[] = { "connect_timeout", "dbname", "application_name", NULL };
	const char *vals[] = { CONNECT_TIMEOUT, conninfo, appname, NULL };
	struct ht_pg *pg = calloc(1, sizeof(*pg));
	enum ht_status s;

	*out = NULL;
	if (pg == NULL)
		return ht_error_set(err, HT_ERR_NOMEM, "out of memory");
	pg->conn = PQconnectdbParams(keys, vals, 1);
	if (pg->conn == NULL) {
		free(pg);
		return ht_error_set(err, HT_ERR_NOMEM, "out of memory");
	}
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		s = ht_pg_fail(pg, HT_ERR_UNAVAIL, "cannot connect", NULL, err);
		ht_pg_close(pg);
		return s;
	}
	s = ht_pg_exec0(pg, "SET lock_timeout = '" LOCK_TIMEOUT "'; "
	          "SET idle_in_transaction_session_timeout = '" IDLE_TX_TIMEOUT "'", err);
	if (s != HT_OK) {
		ht_pg_close(pg);
		return s;
	}
	*out = pg;
	return HT_OK;
}

void
ht_pg_close(struct ht_pg *pg)
{
	if (pg == NULL)
		return;
	PQfinish(pg->conn);
	free(pg);
}

int
ht_pg_ok(const struct ht_pg *pg)
{
	return pg != NULL && PQstatus(pg->conn) == CONNECTION_OK;
}

/* One row, one column, as text; NULL (and err set) on failure. The
 * result is the caller's to PQclear. */
PGresult *
ht_pg_query1(struct ht_pg *pg, const char *sql, struct ht_error *err)
{
	PGresult *res = PQexec(pg->conn, sql);

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && PQnfields(res) == 1)
		return res;
	ht_pg_fail(pg, HT_ERR_CONFIG, "query failed", res, err);
	PQclear(res);
	return NULL;
}

/* The schema's version; 0 when there is none. */
static enum ht_status
schema_version(struct ht_pg *pg, int *version, struct ht_error *err)
{
	PGresult *res = ht_pg_query1(pg, "SELECT to_regclass('httptoken_schema') IS NOT NULL", err);
	int present;

	*version = 0;
	if (res == NULL)
		return HT_ERR_CONFIG;
	present = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if (!present)
		return HT_OK;
	if ((res = ht_pg_query1(pg, "SELECT max(version) FROM httptoken_schema", err)) == NULL)
		return HT_ERR_CONFIG;
	*version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return HT_OK;
}

enum ht_status
ht_pg_schema_check(struct ht_pg *pg, struct ht_error *err)
{
	int version;
	enum ht_status s = schema_version(pg, &version, err);

	if (s != HT_OK)
		return s;
	if (version == 0)
		return ht_error_set(err, HT_ERR_CONFIG, "database: no httptoken schema (run "
		                    "tokenctl fleet init on the first host)");
	if (version == 1)
		return ht_error_set(err, HT_ERR_CONFIG, "database: schema version 1, this tokenctl "
		                    "needs %d (run tokenctl fleet init on one host to migrate it)",
		                    HT_PG_SCHEMA_VERSION);
	if (version != HT_PG_SCHEMA_VERSION)
		return ht_error_set(err, HT_ERR_CONFIG, "database: schema version %d, this "
		                    "tokenctl knows %d", version, HT_PG_SCHEMA_VERSION);
	return HT_OK;
}

/* Runs statements in one transaction. */
static enum ht_status
run_script(struct ht_pg *pg, const char *const *sql, size_t n, struct ht_error *err)
{
	enum ht_status s = ht_pg_exec0(pg, "BEGIN", err);

	for (size_t i = 0; i < n && s == HT_OK; i++)
		s = ht_pg_exec0(pg, sql[i], err);
	if (s == HT_OK)
		return ht_pg_exec0(pg, "COMMIT", err);
	ht_pg_rollback(pg);
	return s;
}

enum ht_status
ht_pg_schema_create(struct ht_pg *pg, int *migrated, struct ht_error *err)
{
	enum ht_status s;
	PGresult *res;
	int version;
	long rows;

	*migrated = 0;
	if ((s = schema_version(pg, &version, err)) != HT_OK)
		return s;
	if (version == 0)
		return run_script(pg, schema_sql, sizeof(schema_sql) / sizeof(schema_sql[0]), err);
	if (version == 1) {
		s = run_script(pg, migrate_1_2, sizeof(migrate_1_2) / sizeof(migrate_1_2[0]), err);
		if (s != HT_OK)
			return s;
		*migrated = 1;
	}
	if ((s = ht_pg_schema_check(pg, err)) != HT_OK)
		return s;
	if ((res = ht_pg_query1(pg, "SELECT count(*) FROM httptoken_rows", err)) == NULL)
		return HT_ERR_IO;
	rows = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (rows > 0)
		return ht_error_set(err, HT_ERR_EXISTS, "database: the schema already holds "
		                    "%ld rows; fleet init loads only an empty one", rows);
	return HT_OK;
}

enum ht_status
ht_pg_begin(struct ht_pg *pg, struct ht_error *err)
{
	enum ht_status s = ht_pg_exec0(pg, "BEGIN", err);

	if (s == HT_OK)
		s = ht_pg_exec0(pg, "SELECT pg_advisory_xact_lock(" WRITERS_LOCK ")", err);
	if (s != HT_OK)
		ht_pg_rollback(pg);
	return s;
}

enum ht_status
ht_pg_commit(struct ht_pg *pg, struct ht_error *err)
{
	enum ht_status s = ht_pg_exec0(pg, "NOTIFY " CHANNEL, err);

	if (s == HT_OK)
		s = ht_pg_exec0(pg, "COMMIT", err);
	if (s != HT_OK)
		ht_pg_rollback(pg);
	return s;
}

void
ht_pg_rollback(struct ht_pg *pg)
{
	PQclear(PQexec(pg->conn, "ROLLBACK"));
}

static uint64_t
get_be(const PGresult *res, int row, int col)
{
	const unsigned char *p = (const unsigned char *)PQgetvalue(res, row, col);
	int n = PQgetlength(res, row, col);
	uint64_t v = 0;

	for (int i = 0; i < n && i < 8; i++)
		v = v << 8 | p[i];
	if (n == 2)
		v = (uint16_t)v;
	return v;
}

/* A row of a binary result (kind, id, version, payload, sig, seq). */
static enum ht_status
read_row(const PGresult *res, int i, struct ht_row *row, struct ht_error *err)
{
	size_t plen = (size_t)PQgetlength(res, i, 3), slen = (size_t)PQgetlength(res, i, 4);

	memset(row, 0, sizeof(*row));
	row->kind = (enum ht_row_kind)get_be(res, i, 0);
	row->id = get_be(res, i, 1);
	row->version = get_be(res, i, 2);
	row->seq = get_be(res, i, 5);
	if (plen > sizeof(row->payload))
		return ht_error_set(err, HT_ERR_CORRUPT, "database: row %016" PRIx64 " payload "
		                    "of %zu bytes is too large", row->id, plen);
	row->len = plen;
	memcpy(row->payload, PQgetvalue(res, i, 3), plen);
	/* A signature of the wrong size is kept as short (0): it verifies as nothing. */
	row->sig_len = slen == HT_SIG_BYTES ? slen : 0;
	memcpy(row->sig, PQgetvalue(res, i, 4), row->sig_len);
	return HT_OK;
}

enum ht_status
ht_pg_row_get(struct ht_pg *pg, enum ht_row_kind kind, uint64_t id, struct ht_row *row,
              struct ht_error *err)
{
	char k[8], i[24];
	const char *params[] = { k, i };
	PGresult *res;
	enum ht_status s;

	snprintf(k, sizeof(k), "%d", (int)kind);
	snprintf(i, sizeof(i), "%" PRId64, (int64_t)id);
	res = PQexecParams(pg->conn, "SELECT kind, id, version, payload, sig, seq "
	                   "FROM httptoken_rows WHERE kind = $1 AND id = $2 FOR UPDATE",
	                   2, NULL, params, NULL, NULL, 1);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		s = ht_pg_fail(pg, HT_ERR_IO, "reading a row", res, err);
	else if (PQntuples(res) == 0)
		s = HT_ERR_NOTFOUND;
	else
		s = read_row(res, 0, row, err);
	PQclear(res);
	return s;
}

#define PUT_SQL \
	"WITH n AS (SELECT nextval('httptoken_change_seq') AS seq), " \
	"r AS (INSERT INTO httptoken_rows SELECT $1, $2, $3, $4, $5, n.seq FROM n " \
	" ON CONFLICT (kind, id) DO UPDATE SET version = EXCLUDED.version," \
	" payload = EXCLUDED.payload, sig = EXCLUDED.sig, seq = EXCLUDED.seq) " \
	"INSERT INTO httptoken_changes (seq, kind, id, version, host) " \
	"SELECT n.seq, $1, $2, $3, $6 FROM n RETURNING seq"

/* Runs the statement that stores row. */
static PGresult *
run_put(struct ht_pg *pg, const struct ht_row *row, const char *host)
{
	char k[8], i[24], v[24];
	const char *params[] = { k, i, v, (const char *)row->payload,
	                         (const char *)row->sig, host };
	int lens[] = { 0, 0, 0, (int)row->len, (int)row->sig_len, 0 };
	int fmts[] = { 0, 0, 0, 1, 1, 0 };

	snprintf(k, sizeof(k), "%d", (int)row->kind);
	snprintf(i, sizeof(i), "%" PRId64, (int64_t)row->id);
	snprintf(v, sizeof(v), "%" PRId64, (int64_t)row->version);
	return PQexecParams(pg->conn, PUT_SQL, 6, NULL, params, lens, fmts, 0);
}

static enum ht_status
put_result(struct ht_pg *pg, PGresult *res, struct ht_row *row, struct ht_error *err)
{
	enum ht_status s = HT_OK;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		s = ht_pg_fail(pg, HT_ERR_IO, "writing a row", res, err);
	else
		row->seq = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return s;
}

enum ht_status
ht_pg_row_put(struct ht_pg *pg, struct ht_row *row, const char *host, struct ht_error *err)
{
	return put_result(pg, run_put(pg, row, host), row, err);
}

enum ht_status
ht_pg_changes(struct ht_pg *pg, uint64_t after, unsigned limit, ht_pg_visit visit,
              void *ctx, unsigned *n, struct ht_error *err)
{
	char a[24], l[16];
	const char *params[] = { a, l };
	enum ht_status s = HT_OK;
	PGresult *res;
	struct ht_row *row = malloc(sizeof(*row));

	*n = 0;
	if (row == NULL)
		return ht_error_set(err, HT_ERR_NOMEM, "out of memory");
	snprintf(a, sizeof(a), "%" PRIu64, after);
	snprintf(l, sizeof(l), "%u", limit);
	res = PQexecParams(pg->conn, "SELECT kind, id, version, payload, sig, seq "
	                   "FROM httptoken_rows WHERE seq > $1 ORDER BY seq LIMIT $2",
	                   2, NULL, params, NULL, NULL, 1);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		s = ht_pg_fail(pg, HT_ERR_IO, "reading changes", res, err);
	for (int i = 0; s == HT_OK && i < PQntuples(res); i++) {
		s = read_row(res, i, row, err);
		if (s == HT_OK)
			s = visit(ctx, row, err);
		(*n)++;
	}
	PQclear(res);
	free(row);
	return s;
}

enum ht_status
ht_pg_head(struct ht_pg *pg, uint64_t *seq, struct ht_error *err)
{
	PGresult *res = ht_pg_query1(pg, "SELECT coalesce(max(seq), 0) FROM httptoken_rows", err);

	if (res == NULL)
		return HT_ERR_IO;
	*seq = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return HT_OK;
}

enum ht_status
ht_pg_prune_changes(struct ht_pg *pg, unsigned days, unsigned long *n, struct ht_error *err)
{
	char d[16];
	const char *params[] = { d };
	PGresult *res;
	enum ht_status s = HT_OK;

	snprintf(d, sizeof(d), "%u", days);
	res = PQexecParams(pg->conn, "DELETE FROM httptoken_changes "
	                   "WHERE at < now() - make_interval(days => $1::int)",
	                   1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		s = ht_pg_fail(pg, HT_ERR_IO, "pruning the change log", res, err);
	else
		*n = strtoul(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return s;
}

enum ht_status
ht_pg_try_notify_lock(struct ht_pg *pg, int *got, struct ht_error *err)
{
	PGresult *res = ht_pg_query1(pg, "SELECT pg_try_advisory_lock(" NOTIFY_LOCK ")", err);

	*got = 0;
	if (res == NULL)
		return PQstatus(pg->conn) != CONNECTION_OK ? HT_ERR_UNAVAIL : HT_ERR_IO;
	*got = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return HT_OK;
}

enum ht_status
ht_pg_listen(struct ht_pg *pg, struct ht_error *err)
{
	return ht_pg_exec0(pg, "LISTEN " CHANNEL, err);
}

static int
drain_notifies(struct ht_pg *pg)
{
	PGnotify *n;
	int got = 0;

	while ((n = PQnotifies(pg->conn)) != NULL) {
		got = 1;
		PQfreemem(n);
	}
	return got;
}

enum ht_status
ht_pg_wait(struct ht_pg *pg, int timeout_ms, int *notified, struct ht_error *err)
{
	struct pollfd pfd = { PQsocket(pg->conn), POLLIN, 0 };
	int r;

	*notified = drain_notifies(pg);
	if (*notified)
		return HT_OK;
	if (pfd.fd < 0)
		return ht_error_set(err, HT_ERR_UNAVAIL, "database unreachable: no connection");
	r = poll(&pfd, 1, timeout_ms);
	if (r < 0 && errno != EINTR)
		return ht_error_set(err, HT_ERR_IO, "poll: %s", strerror(errno));
	if (r <= 0)
		return HT_OK;
	if (!PQconsumeInput(pg->conn) || PQstatus(pg->conn) != CONNECTION_OK)
		return ht_pg_fail(pg, HT_ERR_UNAVAIL, "connection lost", NULL, err);
	*notified = drain_notifies(pg);
	return HT_OK;
}

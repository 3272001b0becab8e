/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Loading a whole store into an empty schema (fleet init) with one binary
 * COPY instead of one statement a row: the rows stream in, then the
 * change log is written from them by one statement, all inside the
 * caller's write transaction (so none of it is seen unless it commits).
 * The writers' advisory lock, held since ht_pg_begin, keeps every other
 * writer from drawing sequence numbers meanwhile, so the load numbers its
 * rows itself from one nextval() and moves the sequence past them. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "pg.h"
#include "pg_impl.h"

#define COPY_ROWS "COPY httptoken_rows (kind, id, version, payload, sig, seq) " \
	"FROM STDIN (FORMAT binary)"
#define FIELDS 6

/* PGCOPY signature, flags, header extension length (COPY's binary format). */
static const unsigned char copy_header[19] = {
	'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
};

struct ht_pg_load {
	struct ht_pg *pg;
	uint64_t next_seq;                /* the next row's */
	uint64_t rows;
	unsigned char buf[2 + 4 * FIELDS + 2 + 8 + 8 + HT_ROW_PAYLOAD_MAX + HT_SIG_BYTES + 8];
};

static size_t
put_be(unsigned char *p, uint64_t v, size_t bytes)
{
	for (size_t i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
	return bytes;
}

/* A field: its length (int32), then its bytes. */
static size_t
put_field(unsigned char *p, const void *data, size_t len)
{
	put_be(p, len, 4);
	memcpy(p + 4, data, len);
	return 4 + len;
}

static size_t
put_int_field(unsigned char *p, uint64_t v, size_t bytes)
{
	put_be(p, bytes, 4);
	return 4 + put_be(p + 4, v, bytes);
}

static enum ht_status
send_copy(struct ht_pg_load *l, const unsigned char *data, size_t len, struct ht_error *err)
{
	if (PQputCopyData(l->pg->conn, (const char *)data, (int)len) != 1)
		return ht_pg_fail(l->pg, HT_ERR_IO, "loading rows", NULL, err);
	return HT_OK;
}

static enum ht_status
first_seq(struct ht_pg *pg, uint64_t *seq, struct ht_error *err)
{
	PGresult *res = ht_pg_query1(pg, "SELECT nextval('httptoken_change_seq')", err);

	if (res == NULL)
		return HT_ERR_IO;
	*seq = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return HT_OK;
}

enum ht_status
ht_pg_load_begin(struct ht_pg *pg, struct ht_pg_load **out, struct ht_error *err)
{
	struct ht_pg_load *l = calloc(1, sizeof(*l));
	PGresult *res;
	enum ht_status s;

	*out = NULL;
	if (l == NULL)
		return ht_error_set(err, HT_ERR_NOMEM, "out of memory");
	l->pg = pg;
	if ((s = first_seq(pg, &l->next_seq, err)) != HT_OK) {
		free(l);
		return s;
	}
	res = PQexec(pg->conn, COPY_ROWS);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		s = ht_pg_fail(pg, HT_ERR_IO, "loading rows", res, err);
	PQclear(res);
	if (s == HT_OK)
		s = send_copy(l, copy_header, sizeof(copy_header), err);
	if (s != HT_OK) {
		ht_pg_load_abort(l);
		return s;
	}
	*out = l;
	return HT_OK;
}

enum ht_status
ht_pg_load_row(struct ht_pg_load *l, struct ht_row *row, struct ht_error *err)
{
	unsigned char *p = l->buf;

	row->seq = l->next_seq++;
	p += put_be(p, FIELDS, 2);
	p += put_int_field(p, (uint64_t)row->kind, 2);
	p += put_int_field(p, row->id, 8);
	p += put_int_field(p, row->version, 8);
	p += put_field(p, row->payload, row->len);
	p += put_field(p, row->sig, row->sig_len);
	p += put_int_field(p, row->seq, 8);
	l->rows++;
	return send_copy(l, l->buf, (size_t)(p - l->buf), err);
}

/* Ends the COPY: the trailer, then the server's verdict on it. */
static enum ht_status
end_copy(struct ht_pg_load *l, struct ht_error *err)
{
	static const unsigned char trailer[2] = { 0xff, 0xff };
	enum ht_status s = send_copy(l, trailer, sizeof(trailer), err);
	PGresult *res;

	if (PQputCopyEnd(l->pg->conn, NULL) != 1 && s == HT_OK)
		s = ht_pg_fail(l->pg, HT_ERR_IO, "loading rows", NULL, err);
	while ((res = PQgetResult(l->pg->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && s == HT_OK)
			s = ht_pg_fail(l->pg, HT_ERR_IO, "loading rows", res, err);
		PQclear(res);
	}
	return s;
}

/* The change log, one entry a loaded row, and the sequence past them. */
static enum ht_status
log_changes(struct ht_pg_load *l, const char *host, uint64_t first, struct ht_error *err)
{
	char f[24], last[24];
	const char *params[] = { host, f, last };
	PGresult *res;
	enum ht_status s = HT_OK;

	snprintf(f, sizeof(f), "%" PRIu64, first);
	snprintf(last, sizeof(last), "%" PRIu64, l->next_seq - 1);
	res = PQexecParams(l->pg->conn, "INSERT INTO httptoken_changes (seq, kind, id, version, host) "
	                   "SELECT seq, kind, id, version, $1 FROM httptoken_rows "
	                   "WHERE seq BETWEEN $2::bigint AND $3::bigint", 3, NULL, params,
	                   NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK ||
	    strtoull(PQcmdTuples(res), NULL, 10) != l->rows)
		s = ht_pg_fail(l->pg, HT_ERR_IO, "writing the change log", res, err);
	PQclear(res);
	if (s != HT_OK || l->rows == 0)
		return s;
	res = PQexecParams(l->pg->conn, "SELECT setval('httptoken_change_seq', $1::bigint)", 1,
	                   NULL, params + 2, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		s = ht_pg_fail(l->pg, HT_ERR_IO, "moving the change sequence", res, err);
	PQclear(res);
	return s;
}

enum ht_status
ht_pg_load_end(struct ht_pg_load *l, const char *host, struct ht_error *err)
{
	uint64_t first = l->next_seq - l->rows;
	enum ht_status s = end_copy(l, err);

	if (s == HT_OK)
		s = log_changes(l, host, first, err);
	free(l);
	return s;
}

void
ht_pg_load_abort(struct ht_pg_load *l)
{
	PGresult *res;

	if (l == NULL)
		return;
	if (PQputCopyEnd(l->pg->conn, "load abandoned") == 1)
		while ((res = PQgetResult(l->pg->conn)) != NULL)
			PQclear(res);
	free(l);
}

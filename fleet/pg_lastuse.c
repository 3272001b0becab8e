/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Last use in the fleet's database: hosts push what their own last-use
 * directory recorded, in batches (one statement each), and list/show read
 * it back. The table is advisory and untrusted like every other: a value
 * that is not what a host could have written is dropped when read. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_impl.h"

/* A newer use replaces an older one, never the reverse. */
#define PUSH_SQL \
	"INSERT INTO httptoken_lastuse (id, at, service, client, host) " \
	"SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[]) " \
	"ON CONFLICT (id) DO UPDATE SET at = EXCLUDED.at, service = EXCLUDED.service," \
	" client = EXCLUDED.client, host = EXCLUDED.host " \
	"WHERE EXCLUDED.at > httptoken_lastuse.at"

/* One column of the push as a text[] or bigint[] literal, in a buffer
 * sized for its n rows before anything is written to it. */
struct text {
	char *p;
	size_t len, cap;
	int failed;
};

/* The most one row adds to a column: a number with its comma, or a
 * field quoted, every byte escaped, with its comma. */
#define NUM_MAX            24
#define QUOTED_MAX(field)  (2 * (field) + 3)

static void
text_alloc(struct text *t, size_t per_row, size_t n)
{
	t->len = 0;
	t->cap = per_row * n + 3;        /* and "{", "}" and the NUL */
	t->p = malloc(t->cap);
	t->failed = t->p == NULL;
}

static void
put(struct text *t, const char *s, size_t n)
{
	if (t->failed || t->len + n + 1 > t->cap) {
		t->failed = 1;
		return;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

/* An element of a text[] literal, quoted; the fields are printable ASCII
 * (lastused.h), and '"' and '\' are escaped all the same. "" for none. */
static void
put_elem(struct text *t, const char *s, int first)
{
	put(t, first ? "\"" : ",\"", first ? 1 : 2);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			put(t, "\\", 1);
		put(t, s, 1);
	}
	put(t, "\"", 1);
}

static void
put_num(struct text *t, int64_t v, int first)
{
	char buf[NUM_MAX];
	int n = snprintf(buf, sizeof(buf), "%s%" PRId64, first ? "" : ",", v);

	put(t, buf, (size_t)n);
}

static enum ht_status
push_columns(struct ht_pg *pg, const char *const params[5], struct ht_error *err)
{
	PGresult *res = PQexecParams(pg->conn, PUSH_SQL, 5, NULL, params, NULL, NULL, 0);
	enum ht_status s = HT_OK;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		s = ht_pg_fail(pg, HT_ERR_IO, "recording last use", res, err);
	PQclear(res);
	return s;
}

enum ht_status
ht_pg_lastuse_push(struct ht_pg *pg, const uint64_t *ids, const struct ht_lastuse *uses,
                   size_t n, struct ht_error *err)
{
	static const size_t per_row[5] = {
		NUM_MAX, NUM_MAX, QUOTED_MAX(HT_LASTUSE_SERVICE_MAX),
		QUOTED_MAX(HT_LASTUSE_FROM_MAX), QUOTED_MAX(HT_LASTUSE_HOST_MAX),
	};
	struct text a[5];
	const char *params[5];
	enum ht_status s = HT_OK;
	int k;

	if (n == 0)
		return HT_OK;
	for (k = 0; k < 5; k++) {
		text_alloc(&a[k], per_row[k], n);
		put(&a[k], "{", 1);
	}
	for (size_t i = 0; i < n; i++) {
		put_num(&a[0], (int64_t)ids[i], i == 0);
		put_num(&a[1], uses[i].time, i == 0);
		put_elem(&a[2], uses[i].service, i == 0);
		put_elem(&a[3], uses[i].from, i == 0);
		put_elem(&a[4], uses[i].host, i == 0);
	}
	for (k = 0; k < 5; k++) {
		put(&a[k], "}", 1);
		if (a[k].failed)
			s = ht_error_set(err, HT_ERR_NOMEM, "out of memory");
		params[k] = a[k].p;
	}
	if (s == HT_OK)
		s = push_columns(pg, params, err);
	for (k = 0; k < 5; k++)
		free(a[k].p);
	return s;
}

/* A text field as a host writes it: 1 to max printable ASCII without
 * blanks, or empty. */
static int
field_ok(const char *s, int len, size_t max)
{
	if ((size_t)len > max)
		return 0;
	for (int i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

enum ht_status
ht_pg_lastuse_fetch(struct ht_pg *pg, const uint64_t *id, ht_pg_lastuse_visit visit,
                    void *ctx, struct ht_error *err)
{
	char i[24];
	const char *params[] = { i };
	enum ht_status s = HT_OK;
	PGresult *res;

	snprintf(i, sizeof(i), "%" PRId64, id != NULL ? (int64_t)*id : 0);
	res = PQexecParams(pg->conn, id != NULL
	                   ? "SELECT id, at, service, client, host FROM httptoken_lastuse "
	                     "WHERE id = $1"
	                   : "SELECT id, at, service, client, host FROM httptoken_lastuse "
	                     "ORDER BY id",
	                   id != NULL ? 1 : 0, NULL, id != NULL ? params : NULL, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		s = ht_pg_fail(pg, HT_ERR_IO, "reading last use", res, err);
	for (int r = 0; s == HT_OK && r < PQntuples(res); r++) {
		struct ht_lastuse use;
		char *end;
		long long at = strtoll(PQgetvalue(res, r, 1), &end, 10);

		if (*end != '\0' || at <= 0 ||
		    !field_ok(PQgetvalue(res, r, 2), PQgetlength(res, r, 2), HT_LASTUSE_SERVICE_MAX) ||
		    !field_ok(PQgetvalue(res, r, 3), PQgetlength(res, r, 3), HT_LASTUSE_FROM_MAX) ||
		    !field_ok(PQgetvalue(res, r, 4), PQgetlength(res, r, 4), HT_LASTUSE_HOST_MAX))
			continue;   /* not what a host writes: dropped */
		memset(&use, 0, sizeof(use));
		use.time = at;
		memcpy(use.service, PQgetvalue(res, r, 2), (size_t)PQgetlength(res, r, 2));
		memcpy(use.from, PQgetvalue(res, r, 3), (size_t)PQgetlength(res, r, 3));
		memcpy(use.host, PQgetvalue(res, r, 4), (size_t)PQgetlength(res, r, 4));
		visit(ctx, (uint64_t)strtoll(PQgetvalue(res, r, 0), NULL, 10), &use);
	}
	PQclear(res);
	return s;
}

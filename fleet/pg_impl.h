/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inside the fleet's PostgreSQL client (pg.c, pg_lastuse.c): the
 * connection and the helpers both use. */
#ifndef HT_FLEET_PG_IMPL_H
#define HT_FLEET_PG_IMPL_H

#include <libpq-fe.h>

#include "pg.h"

struct ht_pg {
	PGconn *conn;
};

/* err from the server's primary message (or libpq's); HT_ERR_UNAVAIL when
 * the connection is gone. Returns the status set. */
enum ht_status ht_pg_fail(struct ht_pg *pg, enum ht_status s, const char *what,
                          const PGresult *res, struct ht_error *err);
/* A statement without parameters or rows; HT_ERR_BUSY for a lock timeout
 * or a serialization failure. */
enum ht_status ht_pg_exec0(struct ht_pg *pg, const char *sql, struct ht_error *err);
/* One row, one column, as text; NULL (and err set) on failure. */
PGresult *ht_pg_query1(struct ht_pg *pg, const char *sql, struct ht_error *err);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fleet's PostgreSQL database: connection, schema, signed rows and the
 * change sequence. Only tokenctl links this (never the PAM module).
 *
 * Schema (version 2; version 1 had no httptoken_lastuse):
 *   httptoken_schema  (version)
 *   httptoken_rows    (kind, id, version, payload, sig, seq)   PRIMARY KEY (kind, id)
 *   httptoken_changes (seq, kind, id, version, host, at)       the change log
 *   httptoken_lastuse (id, at, service, client, host)          last use, advisory
 *   SEQUENCE httptoken_change_seq
 * A row's payload is what the replica stores (the sealed record encoding,
 * a keyed hash of the secret, never the secret), opaque to the database;
 * sig is the writing host's Ed25519 signature (sign.h). Every write takes
 * one transaction-scoped advisory lock before it draws its sequence number,
 * so sequence numbers become visible in order: a replica that has read up
 * to N never later finds a committed change below N. */
#ifndef HT_FLEET_PG_H
#define HT_FLEET_PG_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "lastused.h"
#include "record.h"
#include "sign.h"

/* A row carries one encoded record or policy; a record with every use and
 * --only scope filled is several KiB. */
#define HT_ROW_PAYLOAD_MAX HT_RECORD_MAX
#define HT_PG_SCHEMA_VERSION 2

struct ht_pg;

struct ht_row {
	enum ht_row_kind kind;
	uint64_t id;
	uint64_t version;
	uint64_t seq;
	size_t len;
	unsigned char payload[HT_ROW_PAYLOAD_MAX];
	size_t sig_len;
	unsigned char sig[HT_SIG_BYTES];
};

/* HT_ERR_UNAVAIL "database unreachable: ..." when it cannot connect. The
 * session gets lock_timeout and idle_in_transaction_session_timeout. */
enum ht_status ht_pg_connect(const char *conninfo, struct ht_pg **out, struct ht_error *err);
/* The same, naming the client (application_name) as the server shows it. */
enum ht_status ht_pg_connect_as(const char *conninfo, const char *appname, struct ht_pg **out,
                                struct ht_error *err);
void ht_pg_close(struct ht_pg *pg);
int ht_pg_ok(const struct ht_pg *pg);

/* Creates the schema where there is none, migrates one of version 1
 * (*migrated 1); HT_ERR_EXISTS when it holds rows. */
enum ht_status ht_pg_schema_create(struct ht_pg *pg, int *migrated, struct ht_error *err);
/* HT_ERR_CONFIG when the schema is missing or of another version. */
enum ht_status ht_pg_schema_check(struct ht_pg *pg, struct ht_error *err);

/* A write transaction: begin (takes the writers' advisory lock), any
 * number of lookups and puts, then commit (notifies the followers). */
enum ht_status ht_pg_begin(struct ht_pg *pg, struct ht_error *err);
/* The row locked FOR UPDATE; HT_ERR_NOTFOUND when there is none. */
enum ht_status ht_pg_row_get(struct ht_pg *pg, enum ht_row_kind kind, uint64_t id,
                             struct ht_row *row, struct ht_error *err);
/* Stores row (its seq is drawn here) and logs the change. */
enum ht_status ht_pg_row_put(struct ht_pg *pg, struct ht_row *row, const char *host,
                             struct ht_error *err);
enum ht_status ht_pg_commit(struct ht_pg *pg, struct ht_error *err);
/* Loading a whole store into an empty schema, inside a write transaction
 * (pg_load.c): one binary COPY of the rows, each numbered as it is sent
 * (its seq set here), then the change log written from them. After an
 * error, abort the load and roll the transaction back. */
struct ht_pg_load;
enum ht_status ht_pg_load_begin(struct ht_pg *pg, struct ht_pg_load **out,
                                struct ht_error *err);
enum ht_status ht_pg_load_row(struct ht_pg_load *l, struct ht_row *row, struct ht_error *err);
/* Ends the load and frees l, whatever it returns. */
enum ht_status ht_pg_load_end(struct ht_pg_load *l, const char *host, struct ht_error *err);
void ht_pg_load_abort(struct ht_pg_load *l);
void ht_pg_rollback(struct ht_pg *pg);

/* Calls visit for the rows changed after seq `after`, in sequence order,
 * at most limit of them; *n gets how many. */
typedef enum ht_status (*ht_pg_visit)(void *ctx, const struct ht_row *row,
                                      struct ht_error *err);
enum ht_status ht_pg_changes(struct ht_pg *pg, uint64_t after, unsigned limit,
                             ht_pg_visit visit, void *ctx, unsigned *n,
                             struct ht_error *err);
/* The highest sequence number in use (0: none). */
enum ht_status ht_pg_head(struct ht_pg *pg, uint64_t *seq, struct ht_error *err);

/* Deletes change-log entries older than days (the rows stay: a replica
 * reads the current rows, so it never needs the pruned entries). */
enum ht_status ht_pg_prune_changes(struct ht_pg *pg, unsigned days, unsigned long *n,
                                   struct ht_error *err);

/* The fleet's notify lock, a session-level advisory lock, held until the
 * connection closes (so a notify that dies releases it): *got 1 when this
 * session took it, 0 when another holds it. Only one host of a fleet
 * sends expiry mail at a time. */
enum ht_status ht_pg_try_notify_lock(struct ht_pg *pg, int *got, struct ht_error *err);

/* Last use (advisory). push: n uses, each kept only when newer than the
 * database's for its id; host fields name the host that saw them. fetch:
 * visit for id's (id NULL: every id's, ascending); values no host could
 * have written are dropped. */
enum ht_status ht_pg_lastuse_push(struct ht_pg *pg, const uint64_t *ids,
                                  const struct ht_lastuse *uses, size_t n,
                                  struct ht_error *err);
typedef void (*ht_pg_lastuse_visit)(void *ctx, uint64_t id, const struct ht_lastuse *use);
enum ht_status ht_pg_lastuse_fetch(struct ht_pg *pg, const uint64_t *id,
                                   ht_pg_lastuse_visit visit, void *ctx,
                                   struct ht_error *err);

/* LISTEN for changes; wait up to timeout_ms for a notification (1), a
 * timeout (0), or a lost connection (HT_ERR_UNAVAIL). */
enum ht_status ht_pg_listen(struct ht_pg *pg, struct ht_error *err);
enum ht_status ht_pg_wait(struct ht_pg *pg, int timeout_ms, int *notified,
                          struct ht_error *err);

#endif

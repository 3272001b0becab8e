/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tokenctl in a fleet (source = postgresql): the changes a command makes
 * go to the database in one transaction, then to this host's replica;
 * sync brings the replica up to date. With source = local none of this
 * runs and every command is as it was. */
#ifndef TOKENCTL_FLEETCTL_H
#define TOKENCTL_FLEETCTL_H

#include <stdint.h>

#include "conf.h"
#include "pg.h"
#include "replica.h"
#include "tokenctl.h"

#define FLEET_QUEUE_SUFFIX  ".queue"    /* revocations waiting for the database */
#define FLEET_STATUS_SUFFIX ".fleet"    /* last contact with the database */
#define FLEET_LOG_RETENTION_DAYS 7      /* change-log entries kept */

/* A change a command made: a token, the policy, or a registry entry
 * (put, or deleted). */
struct fleet_change {
	enum ht_row_kind kind;
	union {                    /* by kind */
		struct ht_record rec;
		struct ht_policy pol;
		struct ht_entry ent;
	};
	char scope[HT_SCOPE_MAX + 1];   /* an entry's, also when deleted */
	int deleted;
};

/* What a command changed, to be written to the database at commit. */
struct fleet_write {
	const struct ctl *ctl;
	struct ht_pg *pg;          /* NULL when the database is unreachable */
	struct ht_error offline;   /* why, when it is */
	struct fleet_change *ch;
	size_t n, cap;
	/* max-tokens-per-user, checked again at commit under the writers'
	 * lock: the rows other hosts wrote since this replica's sync count
	 * too. */
	int quota;
	uid_t quota_uid;
	unsigned quota_max;
};

struct sync_opts {
	int replace;      /* drop a store that is not a replica */
	int quiet;        /* no summary line (a command's own pre-sync) */
};

struct sync_report {
	unsigned long applied, refused, kept_revoked, older, pushed;
	uint64_t position;
};

/* fleet_session.c */
int fleet_enabled(const struct ctl *ctl);
/* 64 with a message for backup/restore in a fleet, else 0. */
int fleet_refuse_copy(const struct ctl *ctl, const char *command);
int fleet_session_begin(const struct ctl *ctl, struct session *ses);
enum ht_status fleet_session_put(struct session *ses, const struct ht_record *rec,
                                 const struct ht_policy *pol, struct ht_error *err);
/* e NULL: scope is deleted. A second change of one scope replaces the first. */
enum ht_status fleet_session_put_entry(struct session *ses, const char *scope,
                                       const struct ht_entry *e, struct ht_error *err);
int fleet_session_commit(struct session *ses);
/* fleet_quota.c: 65 with a message when the caller's personal tokens,
 * with those other hosts wrote since this replica's sync, exceed the
 * policy; called inside the database transaction. */
int fleet_quota_check(struct session *ses, const unsigned char pk[HT_SIGN_PUB]);
void fleet_session_end(struct session *ses);
int fleet_side_path(const struct ctl *ctl, const char *suffix, char *buf, size_t size);
int fleet_queue_append(const struct ctl *ctl, ht_id id, int64_t when);

/* notify in a fleet: 0 with *pg holding the fleet's notify lock (NULL
 * outside a fleet; close it when done), 75 when another host holds it,
 * 69 when the database is unreachable. */
int fleet_notify_lock(const struct ctl *ctl, struct ht_pg **pg);

/* fleet_lastuse.c: last use across the fleet. push: the entries this
 * host recorded since its last push go to the database. load: the
 * database's (for id, or every id when id is NULL; none, with a warning,
 * when it is unreachable; nothing outside a fleet); merge: the newer of
 * this host's use and the database's into use. */
struct lastuse_entry;
struct fleet_lastuse {
	int fleet;
	char host[HT_LASTUSE_HOST_MAX + 1];
	struct lastuse_entry *v;
	size_t n, cap;
	char *pool;
	size_t pool_len, pool_cap;
	int failed;
};
int fleet_lastuse_push(const struct ctl *ctl, struct ht_pg *pg, unsigned long *pushed);
void fleet_lastuse_load(const struct ctl *ctl, const uint64_t *id, struct fleet_lastuse *m);
void fleet_lastuse_merge(const struct fleet_lastuse *m, uint64_t id, struct ht_lastuse *use);
void fleet_lastuse_free(struct fleet_lastuse *m);

/* cmd_fleet.c: 77 / 78 with a message, else 0. */
int fleet_need_root(const struct ctl *ctl, const char *what);
int fleet_need_source(const struct ctl *ctl, const char *what);

/* fleet_sync.c */
int fleet_connect(const struct ctl *ctl, struct ht_pg **pg, struct ht_error *err);
int fleet_connect_as(const struct ctl *ctl, const char *appname, struct ht_pg **pg,
                     struct ht_error *err);
int fleet_signer(const struct ctl *ctl, struct ht_signer *sg);
int fleet_sync(const struct ctl *ctl, struct ht_pg *pg, const struct sync_opts *o,
               struct sync_report *rep);
const char *fleet_host(void);
void fleet_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

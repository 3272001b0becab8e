/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared declarations of the tokenctl command-line tool. Each command is
 * a function taking the parsed global context and its own arguments, and
 * returning a sysexits exit status. */
#ifndef TOKENCTL_H
#define TOKENCTL_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "error.h"
#include "key.h"
#include "lastused.h"
#include "policy.h"
#include "record.h"
#include "refusal.h"
#include "store.h"

#define TK_USER_MAX (HT_OWNER_MAX + 1)   /* longer names cannot own tokens */

/* Who runs the command: the real ids of this process, or httptokend's
 * peer; name and gid from the password database. */
struct caller {
	uid_t uid;
	gid_t gid;
	int elevated;                /* acting with more rights than its own (a
	                                non-root peer of httptokend, or setuid):
	                                may not name files */
	int has_name;
	char name[TK_USER_MAX];
	gid_t account_gid;           /* the account's primary group (passwd) */
};

struct ht_conf;

struct ctl {
	const char *db;
	const char *config;          /* --config, or the default */
	const struct ht_conf *conf;  /* source = local unless it says otherwise */
	int offline_ok;              /* revoke: may go ahead without the database */
	const char *keyfile;
	int json;
	int wait_ms;
	int64_t now;
	struct caller who;
	const char *socket;          /* send the command to httptokend there */
	int serving;                 /* running inside httptokend for ctl->who */
	int paths_given;             /* TK_GAVE_DB | _KEY | _CONFIG: named by the caller */
	const char *wait_arg;        /* --wait as given, to forward */
	int web_session;             /* --session -: run in a web session */
	int web_nonce;               /* --nonce -: a form nonce follows the secret */
};

#define TK_GAVE_DB  1
#define TK_GAVE_KEY 2
#define TK_GAVE_CONFIG 4

/* An open store plus what every command needs from it. */
struct session {
	struct ht_key key;
	int key_loaded;
	struct ht_store *st;     /* read-only handle, or the transaction's */
	struct ht_txn *txn;      /* NULL for readers */
	struct ht_policy pol;
	int admin;               /* token administrator or above */
	int sysadmin;            /* system administrator */
	struct fleet_write *fw;  /* source = postgresql: what goes to the database */
};

/* The roles of SPEC "Token kinds and permissions", weakest first. */
enum role {
	ROLE_NONE = 0,           /* everyone: their own personal tokens */
	ROLE_REPO_ADMIN,
	ROLE_PROJECT_ADMIN,
	ROLE_TOKEN_ADMIN,        /* admin-group */
	ROLE_SYSADMIN,           /* root, sysadmin-group, the store's owner */
};

/* What --use, --only and --anywhere asked for (limits.c). */
struct token_limits {
	int has_uses;
	unsigned n_uses;
	char uses[HT_USES_MAX][HT_USE_MAX + 1];
	int has_only;
	unsigned n_only;
	char only[HT_ONLY_MAX][HT_SCOPE_MAX + 1];
	int anywhere;
};

/* revoke_bulk.c */
struct bulk_args {
	const char *user;
	const char *scope;        /* --project KEY or --repo KEY/SLUG */
	long unused_days;         /* -1: not asked */
	int dry_run;
	const char *reason;       /* root only; NULL: the default */
};
int revoke_bulk(const struct ctl *ctl, const struct bulk_args *b);
#define REASON_OWNER_DELETED "owner deleted"
/* registry_forget.c: takes user out of every registry entry (in the
 * transaction); *removed gets how many entries named them. */
int registry_forget_user(struct session *ses, const char *user, size_t *removed);
/* cmd_revoke.c */
int revoke_reason_parse(const char *s);
void revoke_reason_set(const struct session *ses, struct ht_record *rec, const char *reason);

/* idlist.c */
struct id_list {
	ht_id *ids;
	size_t n, cap;
	int failed;
};
void ids_add(struct id_list *l, ht_id id);
/* Registry scopes ("KEY", "KEY/slug"), the same way. */
struct scope_list {
	char (*scopes)[HT_SCOPE_MAX + 1];
	size_t n, cap;
	int failed;
};
void scopes_add(struct scope_list *l, const char *scope);

/* paths.c: compiled-in defaults (a test build points them elsewhere). */
const char *tk_default_db(void);
const char *tk_default_key(void);
const char *tk_default_socket(void);

/* main.c: one command line, run for ctl->who (tokenctl and httptokend). */
int tk_dispatch(struct ctl *ctl, int argc, char **argv);

/* capture.c: a command's stdout and stderr go to memory while it runs,
 * and reach the caller only once it returned (and released any lock). */
struct capture {
	int mem[2];                  /* memfds for stdout, stderr */
	int saved[2];                /* the real ones, or -1 */
};
struct jbuf;
int capture_start(struct capture *c, int keep_real);
int capture_end(struct capture *c, struct jbuf *out, struct jbuf *err);
/* For a command that runs until stopped (sync --follow), which never
 * prints while it holds the lock: what was held so far goes out, and the
 * rest of its output goes straight to the real descriptors. 0, or -1 when
 * there is no capture of this process to end. */
int capture_stream(void);

/* client.c: the command goes to httptokend at ctl->socket. */
int client_run(const struct ctl *ctl, int argc, char **argv);
const char *tk_default_conf(void);

/* privs.c */
void privs_sanitize(int elevated);
void privs_drop(void);

/* caller.c */
int caller_identify(struct caller *who);
int caller_from_uid(struct caller *who, uid_t uid, gid_t gid);
int caller_in_group(const struct caller *who, const char *group);
int caller_has_gid(const struct caller *who, gid_t gid);
int caller_in_group_ref(const struct caller *who, const char *name, uint32_t gid);
int caller_is_sysadmin(const struct ctl *ctl, const struct ht_policy *pol);
int caller_owns_file(const struct caller *who, const char *path);
int caller_is_admin(const struct ctl *ctl, const struct ht_policy *pol);
int caller_owns_token(const struct caller *who, const struct ht_record *rec);
int lookup_group(const char *name, gid_t *gid);
struct group;
int group_entry(const char *name, struct group *gr, char **bufp);

/* exit.c */
int tk_exit_code(enum ht_status s);
int tk_fail(enum ht_status s, const struct ht_error *err);
int tk_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tk_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tk_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* args.c */
int parse_days(const char *opt, const char *s, unsigned long max, unsigned long *out);
int parse_ulong(const char *opt, const char *s, unsigned long min, unsigned long max,
                unsigned long *out);
int parse_yesno(const char *opt, const char *s, int *out);
int parse_id(const char *s, ht_id *id);
int unknown_option(const char *cmd, int opt, char **argv);

/* session.c */
int session_read(const struct ctl *ctl, struct session *ses);
int session_write(const struct ctl *ctl, struct session *ses);
int session_commit(struct session *ses);
enum ht_status session_put(struct session *ses, const struct ht_record *rec,
                           struct ht_error *err);
enum ht_status session_put_policy(struct session *ses, const struct ht_policy *pol,
                                  struct ht_error *err);
struct ht_entry;
enum ht_status session_put_entry(struct session *ses, const struct ht_entry *e,
                                 struct ht_error *err);
enum ht_status session_delete_entry(struct session *ses, const char *scope,
                                    struct ht_error *err);
void session_end(struct session *ses);
int session_get(const struct ctl *ctl, struct session *ses, const char *idtext,
                struct ht_record *rec);
int session_new_id(struct session *ses, struct ht_token *tok);

/* roles.c */
struct ht_entry;
const char *role_name(enum role r);
enum role role_global(const struct session *ses);
int entry_admits(const struct caller *who, const struct ht_entry *e);
/* The caller's role on "KEY" or "KEY/slug"; 0, or an exit status when the
 * registry cannot be read. */
int role_on_scope(const struct ctl *ctl, const struct session *ses, const char *scope,
                  enum role *role);
/* The same from the registry alone (what it names the caller, directly
 * or through a group), whatever the caller's global role. */
int role_named(const struct ctl *ctl, const struct session *ses, const char *scope,
               enum role *role);
int caller_may_act_on(const struct ctl *ctl, const struct session *ses,
                      const struct ht_record *rec);

/* registry_args.c, registry_out.c */
struct ht_admin;
int admin_parse(const char *opt, const char *arg, struct ht_admin *a);
int description_valid(const char *s);
int registry_show(struct ctl *ctl, int repo, int argc, char **argv);

/* limits.c */
int limits_add_use(struct token_limits *l, const char *arg);
int limits_add_only(struct token_limits *l, const char *arg);
int limits_option(struct token_limits *l, int opt, const char *arg);
int limits_given(const struct token_limits *l);
int registered(const struct session *ses, const char *scope, const char *what);
int limits_quota(const struct ctl *ctl, const struct session *ses);
int limits_quota_exceeded(unsigned long count, unsigned max);
int limits_apply(const struct session *ses, const struct token_limits *l, int trusted,
                 struct ht_record *rec);

/* output.c */
void out_safe(FILE *f, const char *s);
void out_json_str(FILE *f, const char *s);
void out_time(char *buf, size_t size, int64_t t, const char *none);
void out_json_time(FILE *f, int64_t t);
void out_words(char *buf, size_t size, const char *set, size_t stride, unsigned n,
               const char *none);
void out_record_json(FILE *f, const struct ht_record *rec, int64_t now,
                     const struct ht_lastuse *use, int refused, enum ht_refusal owner);
void out_record_show(FILE *f, const struct ht_record *rec, int64_t now,
                     const struct ht_lastuse *use, int refused, enum ht_refusal owner);
void out_list_header(FILE *f);
int out_check_stdout(void);
void out_stdout_usable(int usable);
int out_stdout_ok(void);
int out_lost(const char *buf, size_t len, int errnum);
int out_new_token(const struct ctl *ctl, const struct ht_record *rec, const char *text);
void out_list_row(FILE *f, const struct ht_record *rec, int64_t now,
                  const struct ht_lastuse *use);
/* The refusal the last sweep recorded for a personal token's owner. */
enum ht_refusal owner_refusal(struct ht_store *st, const struct ht_record *rec);

/* mail.c */
struct mail {
	FILE *f;
	pid_t pid;
	void (*old_pipe)(int);
};
const char *mail_program(const struct ctl *ctl);
int mail_available(const struct ctl *ctl);
int mail_recipient_valid(const char *name);
int mail_open(const struct ctl *ctl, struct mail *m, const char *to, const char *subject);
int mail_close(struct mail *m, const char *to);

/* owner_mail.c: with policy notify-owner, mails the owners of the
 * personal tokens among ids that the caller does not own; after commit. */
struct owner_mail {
	struct ht_record *recs;
	size_t n;
};
void owner_mail_prepare(const struct ctl *ctl, const ht_id *ids, size_t n,
                        struct owner_mail *om);
void owner_mail_send(const struct ctl *ctl, struct owner_mail *om, const char *what);

/* audit.c */
/* Not audit_open: libaudit (through libpam) has one, and the executable's
 * would take its place. */
void tk_audit_open(void);
void audit_refused(const struct ctl *ctl, const char *command);
void audit_change(const struct ctl *ctl, const char *command, const ht_id *id,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* commands */
int cmd_init(struct ctl *ctl, int argc, char **argv);
int cmd_create(struct ctl *ctl, int argc, char **argv);
int cmd_list(struct ctl *ctl, int argc, char **argv);
int cmd_show(struct ctl *ctl, int argc, char **argv);
int cmd_edit(struct ctl *ctl, int argc, char **argv);
int cmd_revoke(struct ctl *ctl, int argc, char **argv);
int cmd_rotate(struct ctl *ctl, int argc, char **argv);
int cmd_policy(struct ctl *ctl, int argc, char **argv);
int cmd_purge(struct ctl *ctl, int argc, char **argv);
int cmd_backup(struct ctl *ctl, int argc, char **argv);
int cmd_restore(struct ctl *ctl, int argc, char **argv);
int cmd_upgrade(struct ctl *ctl, int argc, char **argv);
int cmd_project(struct ctl *ctl, int argc, char **argv);
int cmd_repo(struct ctl *ctl, int argc, char **argv);
int cmd_sweep(struct ctl *ctl, int argc, char **argv);
int cmd_notify(struct ctl *ctl, int argc, char **argv);
int cmd_fleet(struct ctl *ctl, int argc, char **argv);
int cmd_sync(struct ctl *ctl, int argc, char **argv);
int cmd_session(struct ctl *ctl, int argc, char **argv);

#endif

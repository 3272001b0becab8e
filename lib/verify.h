/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The whole check of a presented password, shared by the PAM module and
 * the benchmarks: token text, store, MAC, user, scope, level, state,
 * policy, and the keyed hash compared in constant time. Opens and closes
 * the store and key within the call; keeps no state between calls. */
#ifndef HT_VERIFY_H
#define HT_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "accounts.h"
#include "error.h"
#include "record.h"
#include "snapshot.h"

/* What the caller found when it looked the PAM user up in the system's
 * account database. A personal token belongs to one account, the name AND
 * the uid that created it: a deleted account's tokens must stop working,
 * and an account that later reuses the name must not inherit them.
 * HT_USER_UNCHECKED (the zero value) skips the uid comparison; only the
 * library's own tests and benchmarks may leave it so, never the module. */
enum ht_user_lookup {
	HT_USER_UNCHECKED = 0,
	HT_USER_FOUND,      /* user_uid is the account's uid */
	HT_USER_MISSING,    /* no such account (or the lookup failed) */
};

struct ht_verify_request {
	const char *db_path;
	const char *key_path;
	const char *user;        /* the PAM user */
	const char *token_user;  /* user name for project/repository tokens */
	const char *resource;    /* NULL: none configured */
	const char *use;         /* what the service is (NULL: "http") */
	enum ht_perm require;
	int64_t now;
	enum ht_user_lookup user_lookup;
	uid_t user_uid;          /* valid when user_lookup is HT_USER_FOUND */
	const struct ht_uid_range *accounts;  /* system accounts (NULL: defaults) */
};

enum ht_verdict {
	HT_V_OK,
	HT_V_NOT_TOKEN,   /* not token text at all: let other modules try */
	HT_V_EMPTY,
	HT_V_UNKNOWN,     /* well-formed, but no such id */
	HT_V_BAD_SECRET,
	HT_V_WRONG_USER,
	HT_V_OWNER_ACCOUNT, /* personal: the owner's account is gone or has
	                       another uid now */
	HT_V_SYSTEM_OWNER,  /* personal: the owner is a system account */
	HT_V_REVOKED,
	HT_V_EXPIRED,
	HT_V_POLICY,      /* refused by enforce-existing */
	HT_V_SCOPE,
	HT_V_USE,         /* the token's uses do not include the service's */
	HT_V_PERM,        /* level below require= */
	HT_V_ERROR,       /* store or key unusable: err says why */
};

struct ht_verify_result {
	enum ht_verdict verdict;
	ht_id id;                  /* valid from HT_V_UNKNOWN on */
	unsigned lastused_granularity;
	enum ht_kind kind;         /* valid when the record was read */
	int64_t expires;           /* the token's expiry (0: never), likewise */
	char scope[HT_SCOPE_MAX + 1]; /* HT_V_OK: what it reached through (its
	                                 scope, or the --only entry); "" for an
	                                 unscoped personal token */
	struct ht_snapshot snap;   /* the store and key the verdict was read from */
};

/* Checks password (len bytes, need not be NUL-terminated). */
enum ht_verdict ht_verify_password(const struct ht_verify_request *req,
                                   const char *password, size_t len,
                                   struct ht_verify_result *res, struct ht_error *err);

/* Re-checks an already authenticated token id (no secret): what the
 * account phase does. */
enum ht_verdict ht_verify_id(const struct ht_verify_request *req, ht_id id,
                             struct ht_verify_result *res, struct ht_error *err);

const char *ht_verdict_str(enum ht_verdict v);

#endif

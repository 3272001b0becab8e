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
#include "account.h"
#include "error.h"
#include "record.h"
#include "refusal.h"
#include "snapshot.h"

/* What the caller found when it looked the PAM user up in the system's
 * account database. A personal token belongs to one account, the name AND
 * the uid that created it: a deleted account's tokens must stop working,
 * and an account that later reuses the name must not inherit them.
 * The zero value, HT_USER_NOT_LOOKED_UP, refuses every personal token, so
 * a caller that forgets the lookup fails closed. HT_USER_UNCHECKED skips
 * the uid comparison; only the library's own tests and benchmarks may ask
 * for it, never the module. */
enum ht_user_lookup {
	HT_USER_NOT_LOOKED_UP = 0,
	HT_USER_FOUND,      /* user_uid is the account's uid */
	HT_USER_MISSING,    /* no such account (or the lookup failed) */
	HT_USER_UNCHECKED,
};

/* A zeroed request refuses: no store or key path is an error, no user or
 * token_user matches no token, and the owner check refuses as above. */
/* Looks an account up by name: HT_USER_FOUND and *uid, or HT_USER_MISSING.
 * Used when the user comes from the token itself (see lookup_owner). */
typedef enum ht_user_lookup (*ht_owner_lookup_fn)(const char *name, uid_t *uid);

/* The passwd database through getpwnam_r: safe in threaded servers. */
enum ht_user_lookup ht_owner_lookup_passwd(const char *name, uid_t *uid);

struct ht_verify_request {
	const char *db_path;
	const char *key_path;
	const char *user;        /* the PAM user */
	const char *token_user;  /* user name for project/repository tokens;
	                            NULL: none, they are refused */
	const char *resource;    /* NULL: none configured */
	const char *use;         /* what the service is (NULL: "http") */
	/* The service protects a resource it works out per request: a NULL
	 * resource then means it could not (empty or invalid), and every
	 * token is refused, personal ones too. */
	int resource_required;
	enum ht_perm require;
	int64_t now;
	enum ht_user_lookup user_lookup;
	uid_t user_uid;          /* valid when user_lookup is HT_USER_FOUND */
	const struct ht_uid_range *accounts;  /* system accounts (NULL: defaults) */
	/* The PAM user's shadow entry, where the caller could read it. When
	 * read, it decides about lock and expiry (a refusal of the last sweep
	 * for those is older news); when not (HT_OWNER_UNJUDGED), the sweep's
	 * refusal does. A refusal for a missing owner holds either way. */
	enum ht_owner_state owner_state;
	/* A token presented without a user name (HTTP Bearer): user is NULL
	 * and the token names its user, the owner of a personal token (whose
	 * account this looks up) or token_user. NULL with user NULL: refused. */
	ht_owner_lookup_fn lookup_owner;
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
	HT_V_OWNER_REFUSED, /* personal: the owner is locked, expired, or was
	                       found missing by sweep (owner_refused says) */
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
	enum ht_status status;     /* why, for HT_V_ERROR; HT_OK otherwise */
	ht_id id;                  /* valid from HT_V_UNKNOWN on */
	unsigned lastused_granularity;
	enum ht_kind kind;         /* valid when the record was read */
	int64_t expires;           /* the token's expiry (0: never), likewise */
	enum ht_refusal owner_refused; /* with HT_V_OWNER_REFUSED: why */
	struct ht_snapshot snap;   /* the store and key the verdict was read from */
	/* Set on HT_V_OK only (empty strings otherwise): */
	enum ht_perm perm;         /* the token's level */
	char user[HT_OWNER_MAX + 1];   /* who it authenticates */
	char scope[HT_SCOPE_MAX + 1];  /* what it reached through: its project
	                                  or KEY/SLUG, or for a personal token
	                                  the --only entry; "" when unscoped */
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

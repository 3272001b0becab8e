/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The global expiry policy, stored sealed in the store under "policy". */
#ifndef HT_POLICY_H
#define HT_POLICY_H

#include <stdint.h>

#include "error.h"
#include "key.h"
#include "record.h"

#define HT_POLICY_VERSION          2     /* the layout of schema-2 stores */
#define HT_GROUP_MAX               64
#define HT_MAX_DAYS_LIMIT          36500u      /* 100 years */
#define HT_GRANULARITY_LIMIT       2592000u    /* 30 days */
#define HT_MAX_TOKENS_DEFAULT      100u
#define HT_MAX_TOKENS_LIMIT        100000u
#define HT_GID_UNKNOWN             0xffffffffu /* a version-1 policy names groups only */
#define HT_POLICY_MAX              1024

#define HT_DAY                     86400       /* seconds */

/* The web page's settings (httptokend reads them at each request). */
#define HT_WEB_USER_MAX            32
#define HT_WEB_USER_DEFAULT        "httptoken-web"
#define HT_UID_UNKNOWN             0xffffffffu /* the default web account: by name */
#define HT_SESSION_MINUTES_DEFAULT 15u
#define HT_SESSION_MINUTES_LIMIT   480u        /* the sessions' 8 hours in all */

/* A group as the policy names it: its name and the gid it had when it was
 * named. It matches only while both still agree, so a group deleted and
 * re-created under the same name grants nothing. */
struct ht_group_ref {
	char name[HT_GROUP_MAX + 1];  /* "" when unset */
	uint32_t gid;                 /* HT_GID_UNKNOWN in a version-1 policy */
};

/* Version 1 holds the first five; version 2 (schema-2 stores) all. In
 * version 2 the web settings are a tail present only when one of them is
 * not its default, so that a policy without them reads as before and
 * every policy has one encoding. */
struct ht_policy {
	unsigned version;                    /* 1 or 2 (0 means 2) */
	int expiry_required;
	unsigned max_days;
	int enforce_existing;
	char admin_group[HT_GROUP_MAX + 1];   /* "" when unset */
	unsigned lastused_granularity;       /* seconds */
	uint32_t admin_gid;
	struct ht_group_ref sysadmin_group;
	struct ht_group_ref token_users;     /* "": any account */
	unsigned max_tokens_per_user;        /* personal records per owner */
	int uses_any;                        /* allowed-uses any */
	unsigned n_allowed_uses;
	char allowed_uses[HT_USES_MAX][HT_USE_MAX + 1];
	int notify_owner;                    /* mail owners about others' changes */
	/* web-user: the account that, besides root, may open web sessions,
	 * with the uid it had when it was named ("" and HT_UID_UNKNOWN: the
	 * account HT_WEB_USER_DEFAULT, whatever its uid). */
	char web_user[HT_WEB_USER_MAX + 1];
	uint32_t web_uid;
	unsigned session_minutes;            /* idle minutes that end a web session */
};

void ht_policy_defaults(struct ht_policy *pol);

size_t ht_policy_encode(const struct ht_policy *pol, const struct ht_key *key,
                        unsigned char *out);
enum ht_status ht_policy_decode(const unsigned char *buf, size_t len,
                                const struct ht_key *key, struct ht_policy *pol,
                                struct ht_error *err);

/* The expiry a new token gets. days < 0: none asked for. Refuses
 * (HT_ERR_DATA) a lifetime over max-days when expiry is required. */
enum ht_status ht_policy_expiry_for_create(const struct ht_policy *pol, long days,
                                           int64_t now, int64_t *expires,
                                           struct ht_error *err);

/* Whether allowed-uses permits every use of rec. */
int ht_policy_allows_uses(const struct ht_policy *pol, const struct ht_record *rec);

/* Whether pol holds settings a version-1 policy cannot say. */
int ht_policy_needs_v2(const struct ht_policy *pol);

/* Whether enforce-existing refuses this token under the current policy. */
int ht_policy_refuses(const struct ht_policy *pol, const struct ht_record *rec);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The global expiry policy, stored sealed in the store under "policy". */
#ifndef HT_POLICY_H
#define HT_POLICY_H

#include <stdint.h>

#include "error.h"
#include "key.h"
#include "record.h"

#define HT_POLICY_VERSION          1
#define HT_GROUP_MAX               64
#define HT_MAX_DAYS_LIMIT          36500u      /* 100 years */
#define HT_GRANULARITY_LIMIT       2592000u    /* 30 days */
#define HT_POLICY_MAX              256

#define HT_DAY                     86400       /* seconds */

struct ht_policy {
	int expiry_required;
	unsigned max_days;
	int enforce_existing;
	char admin_group[HT_GROUP_MAX + 1];   /* "" when unset */
	unsigned lastused_granularity;       /* seconds */
	int notify_owner;                    /* mail owners about others' changes */
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

/* Whether enforce-existing refuses this token under the current policy. */
int ht_policy_refuses(const struct ht_policy *pol, const struct ht_record *rec);

#endif

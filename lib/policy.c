/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "codec.h"
#include "policy.h"

#define POLICY_KEY "policy"
void
ht_policy_defaults(struct ht_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->max_days = 90;
	pol->lastused_granularity = 3600;
}

size_t
ht_policy_encode(const struct ht_policy *pol, const struct ht_key *key,
                 unsigned char *out)
{
	struct ht_writer w = { out, HT_POLICY_MAX - HT_MAC_BYTES, 0, 0 };

	ht_put_u8(&w, HT_POLICY_VERSION);
	ht_put_u8(&w, pol->expiry_required ? 1 : 0);
	ht_put_u8(&w, pol->enforce_existing ? 1 : 0);
	ht_put_u32(&w, pol->max_days);
	ht_put_u32(&w, pol->lastused_granularity);
	ht_put_str(&w, pol->admin_group, HT_GROUP_MAX);
	/* An optional trailing byte, written only when set: a policy without
	 * it reads as before, and decoding stays one-to-one. */
	if (pol->notify_owner)
		ht_put_u8(&w, 1);
	if (w.failed)
		return 0;
	ht_mac(key, POLICY_KEY, strlen(POLICY_KEY), out, w.len, out + w.len);
	return w.len + HT_MAC_BYTES;
}

enum ht_status
ht_policy_decode(const unsigned char *buf, size_t len, const struct ht_key *key,
                 struct ht_policy *pol, struct ht_error *err)
{
	struct ht_reader r;
	uint8_t version, req, enf;

	if (len < HT_MAC_BYTES + 1 || len > HT_POLICY_MAX ||
	    ht_mac_verify(key, POLICY_KEY, strlen(POLICY_KEY), buf, len - HT_MAC_BYTES,
	                  buf + len - HT_MAC_BYTES) != 0)
		return ht_error_set(err, HT_ERR_CORRUPT, "policy record fails its integrity check");
	r = (struct ht_reader){ buf, len - HT_MAC_BYTES, 0, 0 };
	version = ht_get_u8(&r);
	req = ht_get_u8(&r);
	enf = ht_get_u8(&r);
	pol->max_days = ht_get_u32(&r);
	pol->lastused_granularity = ht_get_u32(&r);
	ht_get_str(&r, pol->admin_group, sizeof(pol->admin_group));
	pol->notify_owner = 0;
	if (!r.failed && r.pos < r.len)
		pol->notify_owner = ht_get_u8(&r) == 1 ? 1 : -1;
	pol->expiry_required = req;
	pol->enforce_existing = enf;
	if (r.failed || r.pos != r.len || version != HT_POLICY_VERSION || req > 1 || enf > 1 ||
	    pol->notify_owner < 0 ||
	    pol->max_days == 0 || pol->max_days > HT_MAX_DAYS_LIMIT ||
	    pol->lastused_granularity > HT_GRANULARITY_LIMIT)
		return ht_error_set(err, HT_ERR_CORRUPT, "policy record is malformed");
	return HT_OK;
}

enum ht_status
ht_policy_expiry_for_create(const struct ht_policy *pol, long days, int64_t now,
                            int64_t *expires, struct ht_error *err)
{
	if (days < 0) {
		*expires = pol->expiry_required ? now + (int64_t)pol->max_days * HT_DAY : 0;
		return HT_OK;
	}
	if (days == 0 || (unsigned long)days > HT_MAX_DAYS_LIMIT)
		return ht_error_set(err, HT_ERR_USAGE, "--expires takes 1 to %u days",
		                    HT_MAX_DAYS_LIMIT);
	if (pol->expiry_required && (unsigned long)days > pol->max_days)
		return ht_error_set(err, HT_ERR_DATA,
		                    "policy allows tokens of at most %u days (asked for %ld)",
		                    pol->max_days, days);
	*expires = now + (int64_t)days * HT_DAY;
	return HT_OK;
}

int
ht_policy_refuses(const struct ht_policy *pol, const struct ht_record *rec)
{
	if (!pol->enforce_existing || !pol->expiry_required)
		return 0;
	if (rec->expires == 0)
		return 1;
	return rec->expires - rec->created > (int64_t)pol->max_days * HT_DAY;
}

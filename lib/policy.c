/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "codec.h"
#include "policy.h"
#include "scope.h"

#define POLICY_KEY "policy"
void
ht_policy_defaults(struct ht_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->version = HT_POLICY_VERSION;
	pol->max_days = 90;
	pol->lastused_granularity = 3600;
	pol->admin_gid = HT_GID_UNKNOWN;
	pol->sysadmin_group.gid = HT_GID_UNKNOWN;
	pol->token_users.gid = HT_GID_UNKNOWN;
	pol->max_tokens_per_user = HT_MAX_TOKENS_DEFAULT;
	pol->uses_any = 1;
	pol->web_uid = HT_UID_UNKNOWN;
	pol->session_minutes = HT_SESSION_MINUTES_DEFAULT;
}

static int
web_defaults(const struct ht_policy *pol)
{
	return pol->web_user[0] == '\0' && pol->session_minutes == HT_SESSION_MINUTES_DEFAULT;
}

int
ht_policy_needs_v2(const struct ht_policy *pol)
{
	return pol->sysadmin_group.name[0] != '\0' || pol->token_users.name[0] != '\0' ||
	       pol->max_tokens_per_user != HT_MAX_TOKENS_DEFAULT || !pol->uses_any ||
	       pol->notify_owner || !web_defaults(pol);
}

/* A named web account has a valid name and its uid; the default has
 * neither. */
static int
web_valid(const struct ht_policy *pol)
{
	if (pol->session_minutes < 1 || pol->session_minutes > HT_SESSION_MINUTES_LIMIT)
		return 0;
	if (pol->web_user[0] == '\0')
		return pol->web_uid == HT_UID_UNKNOWN;
	return pol->web_uid != HT_UID_UNKNOWN && pol->web_uid != 0 &&
	       strlen(pol->web_user) <= HT_WEB_USER_MAX && ht_user_name_valid(pol->web_user);
}

static void
put_group(struct ht_writer *w, const struct ht_group_ref *g)
{
	ht_put_str(w, g->name, HT_GROUP_MAX);
	ht_put_u32(w, g->gid);
}

static void
encode_v2_fields(const struct ht_policy *pol, struct ht_writer *w)
{
	struct ht_group_ref admin = { "", pol->admin_gid };

	memcpy(admin.name, pol->admin_group, sizeof(admin.name));
	put_group(w, &admin);
	put_group(w, &pol->sysadmin_group);
	put_group(w, &pol->token_users);
	ht_put_u32(w, pol->max_tokens_per_user);
	ht_put_u8(w, pol->uses_any ? 1 : 0);
	ht_put_u8(w, (uint8_t)pol->n_allowed_uses);
	for (unsigned i = 0; i < pol->n_allowed_uses && i < HT_USES_MAX; i++)
		ht_put_str(w, pol->allowed_uses[i], HT_USE_MAX);
	ht_put_u8(w, pol->notify_owner ? 1 : 0);
	if (!web_defaults(pol)) {
		ht_put_str(w, pol->web_user, HT_WEB_USER_MAX);
		ht_put_u32(w, pol->web_uid);
		ht_put_u32(w, pol->session_minutes);
	}
}

size_t
ht_policy_encode(const struct ht_policy *pol, const struct ht_key *key,
                 unsigned char *out)
{
	struct ht_writer w = { out, HT_POLICY_MAX - HT_MAC_BYTES, 0, 0 };
	unsigned version = pol->version == 0 ? HT_POLICY_VERSION : pol->version;

	if (version > HT_POLICY_VERSION || (version == 1 && ht_policy_needs_v2(pol)) ||
	    pol->n_allowed_uses > HT_USES_MAX)
		return 0;
	/* Never write what decoding would refuse: a group without its gid. */
	if (version == HT_POLICY_VERSION &&
	    ((pol->admin_group[0] == '\0') != (pol->admin_gid == HT_GID_UNKNOWN) ||
	     (pol->sysadmin_group.name[0] == '\0') != (pol->sysadmin_group.gid == HT_GID_UNKNOWN) ||
	     (pol->token_users.name[0] == '\0') != (pol->token_users.gid == HT_GID_UNKNOWN) ||
	     pol->uses_any != (pol->n_allowed_uses == 0) || !web_valid(pol)))
		return 0;
	ht_put_u8(&w, (uint8_t)version);
	ht_put_u8(&w, pol->expiry_required ? 1 : 0);
	ht_put_u8(&w, pol->enforce_existing ? 1 : 0);
	ht_put_u32(&w, pol->max_days);
	ht_put_u32(&w, pol->lastused_granularity);
	if (version == 1)
		ht_put_str(&w, pol->admin_group, HT_GROUP_MAX);
	else
		encode_v2_fields(pol, &w);
	if (w.failed)
		return 0;
	ht_mac(key, POLICY_KEY, strlen(POLICY_KEY), out, w.len, out + w.len);
	return w.len + HT_MAC_BYTES;
}

static void
get_group(struct ht_reader *r, struct ht_group_ref *g)
{
	ht_get_str(r, g->name, sizeof(g->name));
	g->gid = ht_get_u32(r);
	/* An unset group has no gid; a set one has a real one. */
	if (!r->failed && ((g->name[0] == '\0') != (g->gid == HT_GID_UNKNOWN)))
		r->failed = 1;
}

static void
decode_v2_fields(struct ht_reader *r, struct ht_policy *pol)
{
	struct ht_group_ref admin;
	uint8_t any, notify;

	get_group(r, &admin);
	memcpy(pol->admin_group, admin.name, sizeof(pol->admin_group));
	pol->admin_gid = admin.gid;
	get_group(r, &pol->sysadmin_group);
	get_group(r, &pol->token_users);
	pol->max_tokens_per_user = ht_get_u32(r);
	any = ht_get_u8(r);
	pol->n_allowed_uses = ht_get_u8(r);
	if (any > 1 || pol->n_allowed_uses > HT_USES_MAX || (any == 1) != (pol->n_allowed_uses == 0) ||
	    pol->max_tokens_per_user == 0 || pol->max_tokens_per_user > HT_MAX_TOKENS_LIMIT)
		r->failed = 1;
	pol->uses_any = any == 1;
	for (unsigned i = 0; i < pol->n_allowed_uses && !r->failed; i++) {
		ht_get_str(r, pol->allowed_uses[i], sizeof(pol->allowed_uses[i]));
		if (!r->failed && (!ht_use_valid(pol->allowed_uses[i]) ||
		                   (i > 0 && strcmp(pol->allowed_uses[i - 1], pol->allowed_uses[i]) >= 0)))
			r->failed = 1;
	}
	notify = ht_get_u8(r);
	if (notify > 1)
		r->failed = 1;
	pol->notify_owner = notify == 1;
	if (r->failed || r->pos == r->len)
		return;
	ht_get_str(r, pol->web_user, sizeof(pol->web_user));
	pol->web_uid = ht_get_u32(r);
	pol->session_minutes = ht_get_u32(r);
	/* A tail that says the defaults is not how they are written. */
	if (!r->failed && (!web_valid(pol) || web_defaults(pol)))
		r->failed = 1;
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
	ht_policy_defaults(pol);
	version = ht_get_u8(&r);
	req = ht_get_u8(&r);
	enf = ht_get_u8(&r);
	pol->max_days = ht_get_u32(&r);
	pol->lastused_granularity = ht_get_u32(&r);
	if (version == 1)
		ht_get_str(&r, pol->admin_group, sizeof(pol->admin_group));
	else if (version == HT_POLICY_VERSION)
		decode_v2_fields(&r, pol);
	pol->version = version;
	pol->expiry_required = req;
	pol->enforce_existing = enf;
	if (r.failed || r.pos != r.len || version < 1 || version > HT_POLICY_VERSION ||
	    req > 1 || enf > 1 ||
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
ht_policy_allows_uses(const struct ht_policy *pol, const struct ht_record *rec)
{
	if (pol->uses_any)
		return 1;
	for (unsigned i = 0; i < rec->n_uses; i++) {
		int found = 0;
		for (unsigned j = 0; j < pol->n_allowed_uses && !found; j++)
			found = strcmp(rec->uses[i], pol->allowed_uses[j]) == 0;
		if (!found)
			return 0;
	}
	return 1;
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

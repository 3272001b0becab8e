/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Policy rules: defaults, expiry required, max-days, enforce-existing, and
 * the sealed policy record. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "fixture.h"
#include "policy.h"
#include "tap.h"

#define NOW 1800000000

static void
test_defaults(void)
{
	struct ht_policy pol;

	ht_policy_defaults(&pol);
	is_int(pol.expiry_required, 0, "defaults: expiry not required");
	is_int(pol.max_days, 90, "defaults: 90 days");
	is_int(pol.enforce_existing, 0, "defaults: not enforced");
	is_str(pol.admin_group, "", "defaults: no admin group");
	is_int(pol.lastused_granularity, 3600, "defaults: last use recorded per 3600 s");
}

static void
test_create_expiry(void)
{
	struct ht_policy pol;
	struct ht_error err = { 0 };
	int64_t exp = -1;

	ht_policy_defaults(&pol);
	is_status(ht_policy_expiry_for_create(&pol, -1, NOW, &exp, &err), HT_OK,
	          "not required, none asked: no expiry");
	is_int(exp, 0, "... expiry");
	is_status(ht_policy_expiry_for_create(&pol, 400, NOW, &exp, &err), HT_OK,
	          "not required: any lifetime allowed");
	is_int(exp, NOW + 400LL * HT_DAY, "... expiry");
	pol.expiry_required = 1;
	is_status(ht_policy_expiry_for_create(&pol, -1, NOW, &exp, &err), HT_OK,
	          "required, none asked: max-days");
	is_int(exp, NOW + 90LL * HT_DAY, "... expiry");
	is_status(ht_policy_expiry_for_create(&pol, 90, NOW, &exp, &err), HT_OK,
	          "required: exactly max-days allowed");
	is_int(exp, NOW + 90LL * HT_DAY, "... expiry");
	is_status(ht_policy_expiry_for_create(&pol, 91, NOW, &exp, &err), HT_ERR_DATA,
	          "required: max-days + 1 refused");
	like(err.msg, "90", "... the message says the limit");
	ht_error_clear(&err);
	is_status(ht_policy_expiry_for_create(&pol, 0, NOW, &exp, &err), HT_ERR_USAGE,
	   "zero days is a usage error");
	ht_error_clear(&err);
	is_status(ht_policy_expiry_for_create(&pol, 36501, NOW, &exp, &err), HT_ERR_USAGE,
	   "more than 100 years is a usage error");
}

static void
test_enforce_existing(void)
{
	struct ht_policy pol;
	struct ht_record rec;

	ht_policy_defaults(&pol);
	memset(&rec, 0, sizeof(rec));
	rec.created = NOW;
	rec.expires = 0;
	ok(!ht_policy_refuses(&pol, &rec), "no policy: a token without expiry is fine");
	pol.expiry_required = 1;
	ok(!ht_policy_refuses(&pol, &rec), "required but not enforced: existing token still works");
	pol.enforce_existing = 1;
	ok(ht_policy_refuses(&pol, &rec), "enforced: a token without expiry is refused");
	rec.expires = NOW + 91LL * HT_DAY;
	ok(ht_policy_refuses(&pol, &rec), "enforced: a lifetime over max-days is refused");
	rec.expires = NOW + 90LL * HT_DAY;
	ok(!ht_policy_refuses(&pol, &rec), "enforced: a lifetime of max-days is accepted");
	pol.expiry_required = 0;
	rec.expires = 0;
	ok(!ht_policy_refuses(&pol, &rec), "relaxing the policy makes the token work again");
}

static void
test_record(void)
{
	unsigned char buf[HT_POLICY_MAX];
	struct ht_policy pol, back;
	struct ht_key key;
	size_t len;
	int accepted = 0;

	memset(&key, 3, sizeof(key));
	ht_policy_defaults(&pol);
	pol.expiry_required = 1;
	pol.max_days = 30;
	strcpy(pol.admin_group, "tokenadmins");
	pol.admin_gid = 4242;
	len = ht_policy_encode(&pol, &key, buf);
	{
		struct ht_error err = { 0 };
		is_status(ht_policy_decode(buf, len, &key, &back, &err), HT_OK, "policy decodes");
		ok(back.expiry_required, "policy round-trips: expiry required");
		is_int(back.max_days, 30, "policy round-trips: max-days");
		is_str(back.admin_group, "tokenadmins", "policy round-trips: admin group");
	}
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			struct ht_error err = { 0 };
			buf[i] ^= (unsigned char)(1u << bit);
			accepted += ht_policy_decode(buf, len, &key, &back, &err) == HT_OK;
			buf[i] ^= (unsigned char)(1u << bit);
		}
	}
	for (size_t n = 0; n < len; n++) {
		struct ht_error err = { 0 };
		accepted += ht_policy_decode(buf, n, &key, &back, &err) == HT_OK;
	}
	is_int(accepted, 0, "every bit flip and truncation of the policy record is rejected");
}

int
main(void)
{
	if (sodium_init() < 0)
		bail("sodium_init failed");
	test_defaults();
	test_create_expiry();
	test_enforce_existing();
	test_record();
	return done();
}

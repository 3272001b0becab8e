/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Policy rules: defaults, expiry required, max-days, enforce-existing, and
 * the sealed policy record. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "policy.h"
#include "tap.h"

#define DAY 86400
#define NOW 1800000000

static void
test_defaults(void)
{
	struct ht_policy pol;

	ht_policy_defaults(&pol);
	ok(!pol.expiry_required && pol.max_days == 90 && !pol.enforce_existing &&
	   pol.admin_group[0] == '\0' && pol.lastused_granularity == 3600,
	   "defaults: expiry not required, 90 days, not enforced, no admin group, 3600 s");
}

static void
test_create_expiry(void)
{
	struct ht_policy pol;
	struct ht_error err = { 0 };
	int64_t exp = -1;

	ht_policy_defaults(&pol);
	ok(ht_policy_expiry_for_create(&pol, -1, NOW, &exp, &err) == HT_OK && exp == 0,
	   "not required, none asked: no expiry");
	ok(ht_policy_expiry_for_create(&pol, 400, NOW, &exp, &err) == HT_OK &&
	   exp == NOW + 400LL * DAY, "not required: any lifetime allowed");
	pol.expiry_required = 1;
	ok(ht_policy_expiry_for_create(&pol, -1, NOW, &exp, &err) == HT_OK &&
	   exp == NOW + 90LL * DAY, "required, none asked: max-days");
	ok(ht_policy_expiry_for_create(&pol, 90, NOW, &exp, &err) == HT_OK &&
	   exp == NOW + 90LL * DAY, "required: exactly max-days allowed");
	ok(ht_policy_expiry_for_create(&pol, 91, NOW, &exp, &err) == HT_ERR_DATA &&
	   strstr(err.msg, "90") != NULL, "required: max-days + 1 refused, message says the limit");
	ht_error_clear(&err);
	ok(ht_policy_expiry_for_create(&pol, 0, NOW, &exp, &err) == HT_ERR_USAGE,
	   "zero days is a usage error");
	ht_error_clear(&err);
	ok(ht_policy_expiry_for_create(&pol, 36501, NOW, &exp, &err) == HT_ERR_USAGE,
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
	rec.expires = NOW + 91LL * DAY;
	ok(ht_policy_refuses(&pol, &rec), "enforced: a lifetime over max-days is refused");
	rec.expires = NOW + 90LL * DAY;
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
		ok(ht_policy_decode(buf, len, &key, &back, &err) == HT_OK &&
		   back.expiry_required && back.max_days == 30 &&
		   strcmp(back.admin_group, "tokenadmins") == 0, "policy round-trips");
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
	ok(accepted == 0, "every bit flip and truncation of the policy record is rejected");
}

int
main(void)
{
	if (sodium_init() < 0)
		return 99;
	test_defaults();
	test_create_expiry();
	test_enforce_existing();
	test_record();
	return done();
}

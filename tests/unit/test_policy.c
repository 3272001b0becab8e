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

/* body (a policy record without its MAC), sealed, decoded. */
static enum ht_status
reseal_decode(const struct ht_key *key, unsigned char *buf, size_t body, struct ht_policy *pol)
{
	struct ht_error err = { 0 };

	ht_mac(key, "policy", strlen("policy"), buf, body, buf + body);
	return ht_policy_decode(buf, body + HT_MAC_BYTES, key, pol, &err);
}

static void
test_web_settings(void)
{
	unsigned char buf[HT_POLICY_MAX];
	struct ht_policy pol, back;
	struct ht_key key;
	struct ht_error err = { 0 };
	size_t plain, len;

	memset(&key, 5, sizeof(key));
	ht_policy_defaults(&pol);
	is_str(pol.web_user, "", "defaults: the default web account");
	is_int((long)pol.web_uid, (long)HT_UID_UNKNOWN, "defaults: by name, no uid");
	is_int(pol.session_minutes, 15, "defaults: 15 idle minutes");
	ok(!ht_policy_needs_v2(&pol), "the web defaults need no version 2");
	plain = ht_policy_encode(&pol, &key, buf);
	ok(plain > 0, "the defaults encode");

	pol.session_minutes = 30;
	ok(ht_policy_needs_v2(&pol), "session-minutes needs version 2");
	len = ht_policy_encode(&pol, &key, buf);
	is_int((long)len, (long)(plain + 2 + 4 + 4), "a tail: empty name, uid, minutes");
	is_status(ht_policy_decode(buf, len, &key, &back, &err), HT_OK, "it decodes");
	is_int(back.session_minutes, 30, "session-minutes round-trips");
	is_str(back.web_user, "", "the default web account stays so");

	strcpy(pol.web_user, "gitweb");
	pol.web_uid = 990;
	len = ht_policy_encode(&pol, &key, buf);
	is_status(ht_policy_decode(buf, len, &key, &back, &err), HT_OK, "a named web account decodes");
	is_str(back.web_user, "gitweb", "web-user round-trips");
	is_int((long)back.web_uid, 990, "with its uid");

	/* What is never written, and never read. */
	{
		static const struct { const char *user; uint32_t uid; unsigned minutes; const char *why; }
		bad[] = {
			{ "gitweb", HT_UID_UNKNOWN, 15, "a named account without its uid" },
			{ "", 990, 15, "a uid without a name" },
			{ "gitweb", 0, 15, "root as the web account" },
			{ "-gitweb", 990, 15, "a name that is not a user name" },
			{ "gitweb", 990, 0, "zero minutes" },
			{ "gitweb", 990, 481, "481 minutes" },
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			size_t body;

			/* Encode a good one of the same shape, then put the bad
			 * values in its tail and seal it. */
			ht_policy_defaults(&pol);
			strcpy(pol.web_user, "abcdefg");
			pol.web_uid = 1;
			pol.session_minutes = 16;
			body = ht_policy_encode(&pol, &key, buf) - HT_MAC_BYTES;
			ok(body + HT_MAC_BYTES > HT_MAC_BYTES, "a good tail encodes");
			strcpy(pol.web_user, bad[i].user);
			pol.web_uid = bad[i].uid;
			pol.session_minutes = bad[i].minutes;
			is_int((long)ht_policy_encode(&pol, &key, buf), 0, "not written: %s", bad[i].why);
			body -= 2 + 7 + 4 + 4;
			buf[body] = 0;
			buf[body + 1] = (unsigned char)strlen(bad[i].user);
			memcpy(buf + body + 2, bad[i].user, strlen(bad[i].user));
			body += 2 + strlen(bad[i].user);
			for (int b = 0; b < 4; b++)
				buf[body + (size_t)b] = (unsigned char)(bad[i].uid >> (24 - 8 * b));
			for (int b = 0; b < 4; b++)
				buf[body + 4 + (size_t)b] = (unsigned char)(bad[i].minutes >> (24 - 8 * b));
			is_status(reseal_decode(&key, buf, body + 8, &back), HT_ERR_CORRUPT,
			          "not read: %s", bad[i].why);
		}
	}
	/* The defaults written out as a tail: not the one encoding. */
	ht_policy_defaults(&pol);
	pol.session_minutes = 16;
	len = ht_policy_encode(&pol, &key, buf);
	buf[len - HT_MAC_BYTES - 1] = 15;
	is_status(reseal_decode(&key, buf, len - HT_MAC_BYTES, &back), HT_ERR_CORRUPT,
	          "a tail that says the defaults is refused");
	buf[len - HT_MAC_BYTES - 1] = 16;
	is_status(reseal_decode(&key, buf, len - HT_MAC_BYTES, &back), HT_OK,
	          "... and the same with 16 minutes is read");
	is_status(reseal_decode(&key, buf, len - HT_MAC_BYTES - 1, &back), HT_ERR_CORRUPT,
	          "a truncated tail is refused");
	pol.version = 1;
	is_int((long)ht_policy_encode(&pol, &key, buf), 0,
	       "a version-1 policy cannot hold session-minutes");
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
	test_web_settings();
	return done();
}

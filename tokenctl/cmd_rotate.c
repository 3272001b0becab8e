/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rotate ID: a new id and secret for the same name, kind, level, scope and
 * owner; the old token is revoked in the same transaction, so there is no
 * moment with both or neither. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>

#include <sodium.h>

#include "safefile.h"
#include "tokenctl.h"

/* Without --expires the new token lives as long as the old one was meant
 * to (capped by the policy when expiry is required); a token that never
 * expired gets what create would give. */
static int
new_expiry(const struct ctl *ctl, const struct ht_policy *pol, const struct ht_record *old,
           long days, int64_t *expires)
{
	struct ht_error err = { 0 };
	int64_t life;
	enum ht_status s;

	if (days < 0 && old->expires != 0) {
		life = old->expires - old->created;
		if (life < HT_DAY)
			life = HT_DAY;
		if (pol->expiry_required && life > (int64_t)pol->max_days * HT_DAY)
			life = (int64_t)pol->max_days * HT_DAY;
		*expires = ctl->now + life;
		return 0;
	}
	if ((s = ht_policy_expiry_for_create(pol, days, ctl->now, expires, &err)) != HT_OK)
		return tk_fail(s, &err);
	return 0;
}

static int
rotate(const struct ctl *ctl, struct session *ses, const char *idtext, long days,
       struct ht_record *old, struct ht_record *rec, struct ht_token *tok)
{
	struct ht_error err = { 0 };
	int rc = session_get(ctl, ses, idtext, old);
	enum ht_status s;

	if (rc != 0)
		return rc;
	if (old->revoked)
		return tk_error(EX_DATAERR, "rotate: token %s is revoked", idtext);
	/* Rotating hands out a working secret: an administrator must not get
	 * one for another user's personal token that way. */
	if (old->kind == HT_KIND_PERSONAL && !caller_owns_token(&ctl->who, old))
		return tk_error(EX_NOPERM, "rotate: token %s is another user's personal "
		                "token; revoke it instead", idtext);
	/* The new record counts like a created one. */
	if (old->kind == HT_KIND_PERSONAL && (rc = limits_quota(ctl, ses)) != 0)
		return rc;
	*rec = *old;
	if ((rc = new_expiry(ctl, &ses->pol, old, days, &rec->expires)) != 0 ||
	    (rc = session_new_id(ses, tok)) != 0)
		return rc;
	rec->id = tok->id;
	rec->created = ctl->now;
	ht_secret_hash(&ses->key, tok, rec->hash);
	old->revoked = 1;
	old->revoked_at = ctl->now;
	revoke_reason_set(ses, old, "rotated");
	s = session_put(ses, rec, &err);
	if (s == HT_OK)
		s = session_put(ses, old, &err);
	if (s != HT_OK) {
		ht_token_wipe(tok);
		return tk_fail(s, &err);
	}
	rc = session_commit(ses);
	if (rc != 0)
		ht_token_wipe(tok);
	return rc;
}

int
cmd_rotate(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "expires", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	char text[HT_TOKEN_LEN + 1];
	struct ht_record old, rec;
	struct ht_token tok;
	struct session ses;
	unsigned long d;
	long days = -1;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'e')
			return unknown_option("rotate", c, argv);
		if ((rc = parse_days("--expires", optarg, HT_MAX_DAYS_LIMIT, &d)) != 0)
			return rc;
		days = (long)d;
	}
	if (argc - optind != 1)
		return tk_usage("rotate: expected one token id");
	if ((rc = out_check_stdout()) != 0)
		return rc;
	if ((rc = session_write(ctl, &ses)) != 0)
		return rc;
	rc = rotate(ctl, &ses, argv[optind], days, &old, &rec, &tok);
	session_end(&ses);
	if (rc != 0)
		return rc;
	privs_drop();
	audit_change(ctl, "rotate", &old.id, "revoked, replaced by %s",
	             ht_id_format(rec.id).s);
	audit_change(ctl, "rotate", &rec.id, "kind=%s perm=%s", ht_kind_str(rec.kind),
	             ht_perm_str(rec.perm));
	ht_token_format(&tok, text);
	ht_token_wipe(&tok);
	rc = out_new_token(ctl, &rec, text);
	sodium_memzero(text, sizeof(text));
	return rc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "key.h"
#include "policy.h"
#include "scope.h"
#include "store.h"
#include "verify.h"

/* Whether the PAM user is the account that created this personal token:
 * the same name, not the name shared by project and repository tokens
 * (an account called like token_user would otherwise take its personal
 * tokens past the resource= scoping meant for those), and, when looked
 * up, still existing with the same uid. */
static enum ht_verdict
judge_owner(const struct ht_verify_request *req, const struct ht_record *rec)
{
	if (strcmp(req->user, rec->owner) != 0)
		return HT_V_WRONG_USER;
	if (req->token_user != NULL && strcmp(req->user, req->token_user) == 0)
		return HT_V_WRONG_USER;
	if (ht_uid_is_system(rec->owner_uid, req->accounts))
		return HT_V_SYSTEM_OWNER;
	switch (req->user_lookup) {
	case HT_USER_UNCHECKED:
		return HT_V_OK;
	case HT_USER_FOUND:
		return req->user_uid == rec->owner_uid ? HT_V_OK : HT_V_OWNER_ACCOUNT;
	case HT_USER_MISSING:
		break;
	}
	return HT_V_OWNER_ACCOUNT;
}

/* What a token is allowed to do, once its secret is known to be right. */
static enum ht_verdict
judge(const struct ht_verify_request *req, const struct ht_record *rec,
      const struct ht_policy *pol)
{
	enum ht_verdict v;

	if (rec->revoked)
		return HT_V_REVOKED;
	if (rec->expires != 0 && req->now >= rec->expires)
		return HT_V_EXPIRED;
	if (ht_policy_refuses(pol, rec))
		return HT_V_POLICY;
	if (req->user == NULL)
		return HT_V_WRONG_USER;
	if (rec->kind == HT_KIND_PERSONAL)
		v = judge_owner(req, rec);
	else
		v = strcmp(req->user, req->token_user) == 0 ? HT_V_OK : HT_V_WRONG_USER;
	if (v != HT_V_OK)
		return v;
	if (!ht_record_has_use(rec, req->use != NULL ? req->use : "http"))
		return HT_V_USE;
	if (!ht_scope_allows(rec, req->resource))
		return HT_V_SCOPE;
	if (rec->perm < req->require)
		return HT_V_PERM;
	return HT_V_OK;
}

static void
note_scope(const struct ht_verify_request *req, const struct ht_record *rec,
           struct ht_verify_result *res)
{
	const char *s = ht_scope_matched(rec, req->resource);

	snprintf(res->scope, sizeof(res->scope), "%s", s != NULL ? s : "");
}

/* Loads key, opens store and reads the policy and the record for id.
 * HT_V_UNKNOWN when there is no such record, HT_V_ERROR on failure. */
static enum ht_verdict
load(const struct ht_verify_request *req, ht_id id, struct ht_key *key,
     struct ht_policy *pol, struct ht_record *rec, struct ht_snapshot *snap,
     struct ht_error *err)
{
	struct ht_store *st;
	struct stat key_st;
	enum ht_status s;

	if (ht_key_load_stat(req->key_path, key, &key_st, err) != HT_OK)
		return HT_V_ERROR;
	if (ht_store_open(req->db_path, key, &st, err) != HT_OK)
		return HT_V_ERROR;
	ht_file_identity_of(&key_st, &snap->key);
	ht_file_identity_of(ht_store_stat(st), &snap->store);
	s = ht_store_get_policy(st, pol, err);
	if (s == HT_OK)
		s = ht_store_get(st, id, rec, err);
	ht_store_close(st);
	if (s == HT_ERR_NOTFOUND)
		return HT_V_UNKNOWN;
	return s == HT_OK ? HT_V_OK : HT_V_ERROR;
}

enum ht_verdict
ht_verify_password(const struct ht_verify_request *req, const char *password,
                   size_t len, struct ht_verify_result *res, struct ht_error *err)
{
	unsigned char hash[HT_HASH_BYTES];
	struct ht_token tok;
	struct ht_key key;
	struct ht_policy pol;
	struct ht_record rec;
	enum ht_verdict v;

	memset(res, 0, sizeof(*res));
	if (len == 0)
		return res->verdict = HT_V_EMPTY;
	if (ht_token_parse(password, len, &tok) != 0)
		return res->verdict = HT_V_NOT_TOKEN;
	res->id = tok.id;
	v = load(req, tok.id, &key, &pol, &rec, &res->snap, err);
	/* An unknown id skips the MAC check and decoding of a record; do that
	 * work on a decoy so that both take the same time. The verdict stays
	 * HT_V_UNKNOWN whatever the decoy holds. */
	if (v == HT_V_UNKNOWN)
		(void)ht_record_decode_decoy(&key, &rec);
	if (v != HT_V_ERROR) {
		ht_secret_hash(&key, &tok, hash);
		if (crypto_verify_32(hash, rec.hash) != 0 && v == HT_V_OK)
			v = HT_V_BAD_SECRET;
		if (v == HT_V_OK)
			v = judge(req, &rec, &pol);
		if (v != HT_V_UNKNOWN) {   /* a record was read, not the decoy */
			res->kind = rec.kind;
			res->expires = rec.expires;
		}
		if (v == HT_V_OK)
			note_scope(req, &rec, res);
		res->lastused_granularity = pol.lastused_granularity;
	}
	sodium_memzero(hash, sizeof(hash));
	ht_token_wipe(&tok);
	ht_key_wipe(&key);
	return res->verdict = v;
}

enum ht_verdict
ht_verify_id(const struct ht_verify_request *req, ht_id id,
             struct ht_verify_result *res, struct ht_error *err)
{
	struct ht_key key;
	struct ht_policy pol;
	struct ht_record rec;
	enum ht_verdict v;

	memset(res, 0, sizeof(*res));
	res->id = id;
	v = load(req, id, &key, &pol, &rec, &res->snap, err);
	if (v == HT_V_OK) {
		v = judge(req, &rec, &pol);
		res->kind = rec.kind;
		res->expires = rec.expires;
		res->lastused_granularity = pol.lastused_granularity;
		if (v == HT_V_OK)
			note_scope(req, &rec, res);
	}
	ht_key_wipe(&key);
	return res->verdict = v;
}

const char *
ht_verdict_str(enum ht_verdict v)
{
	switch (v) {
	case HT_V_OK:         return "accepted";
	case HT_V_NOT_TOKEN:  return "not a token";
	case HT_V_EMPTY:      return "empty password";
	case HT_V_UNKNOWN:    return "unknown token";
	case HT_V_BAD_SECRET: return "wrong secret";
	case HT_V_WRONG_USER: return "token belongs to another user";
	case HT_V_OWNER_ACCOUNT: return "owner account missing or changed";
	case HT_V_SYSTEM_OWNER: return "owner is a system account";
	case HT_V_REVOKED:    return "token revoked";
	case HT_V_EXPIRED:    return "token expired";
	case HT_V_POLICY:     return "token breaks the expiry policy";
	case HT_V_SCOPE:      return "token out of scope";
	case HT_V_USE:        return "token not for this use";
	case HT_V_PERM:       return "token permission too low";
	case HT_V_ERROR:      return "store unavailable";
	}
	return "?";
}

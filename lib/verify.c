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

/* The user a token stands for: the PAM user, or for a token presented
 * without a user name (lookup_owner set) the one the token names. NULL
 * when there is none. */
static const char *
presented_user(const struct ht_verify_request *req, const struct ht_record *rec)
{
	if (req->user != NULL)
		return req->user;
	if (req->lookup_owner == NULL)
		return NULL;
	return rec->kind == HT_KIND_PERSONAL ? rec->owner : req->token_user;
}

/* Whether user is the account that created this personal token: the same
 * name, not the name shared by project and repository tokens (an account
 * called like token_user would otherwise take its personal tokens past the
 * resource= scoping meant for those), and, when looked up, still existing
 * with the same uid. A token that named its own user has its owner looked
 * up here, once its secret is known to be right. */
static enum ht_verdict
judge_owner(const struct ht_verify_request *req, const char *user,
            const struct ht_record *rec)
{
	enum ht_user_lookup found = req->user_lookup;
	uid_t uid = req->user_uid;

	if (strcmp(user, rec->owner) != 0)
		return HT_V_WRONG_USER;
	if (req->token_user != NULL && strcmp(user, req->token_user) == 0)
		return HT_V_WRONG_USER;
	if (ht_uid_is_system(rec->owner_uid, req->accounts))
		return HT_V_SYSTEM_OWNER;
	if (req->user == NULL)
		found = req->lookup_owner(user, &uid);
	switch (found) {
	case HT_USER_FOUND:
		return uid == rec->owner_uid ? HT_V_OK : HT_V_OWNER_ACCOUNT;
	case HT_USER_UNCHECKED:
		return HT_V_OK;
	case HT_USER_NOT_LOOKED_UP:
	case HT_USER_MISSING:
		break;
	}
	return HT_V_OWNER_ACCOUNT;
}

/* Whether the owner's account is in a state to use its tokens: what the
 * shadow entry says when the caller could read it, else what the last
 * sweep recorded; and a sweep's "missing" whatever shadow says now (an
 * account re-created under the same name and uid inherits nothing). */
static enum ht_refusal
judge_owner_state(const struct ht_verify_request *req, enum ht_refusal recorded)
{
	if (recorded == HT_REFUSE_MISSING)
		return HT_REFUSE_MISSING;
	switch (req->owner_state) {
	case HT_OWNER_LOCKED:  return HT_REFUSE_LOCKED;
	case HT_OWNER_EXPIRED: return HT_REFUSE_EXPIRED;
	case HT_OWNER_ACTIVE:  return HT_REFUSE_NONE;
	case HT_OWNER_UNJUDGED: break;
	}
	return recorded;
}

/* What a token is allowed to do, once its secret is known to be right. */
static enum ht_verdict
judge(const struct ht_verify_request *req, const struct ht_record *rec,
      const struct ht_policy *pol, enum ht_refusal recorded, enum ht_refusal *why)
{
	const char *user = presented_user(req, rec);
	enum ht_verdict v;

	if (rec->revoked)
		return HT_V_REVOKED;
	if (rec->expires != 0 && req->now >= rec->expires)
		return HT_V_EXPIRED;
	if (ht_policy_refuses(pol, rec))
		return HT_V_POLICY;
	if (user == NULL)
		return HT_V_WRONG_USER;
	if (rec->kind == HT_KIND_PERSONAL) {
		v = judge_owner(req, user, rec);
		if (v == HT_V_OK && (*why = judge_owner_state(req, recorded)) != HT_REFUSE_NONE)
			v = HT_V_OWNER_REFUSED;
	} else if (req->token_user != NULL && strcmp(user, req->token_user) == 0)
		v = HT_V_OK;
	else
		v = HT_V_WRONG_USER;
	if (v != HT_V_OK)
		return v;
	if (!ht_record_has_use(rec, req->use != NULL ? req->use : "http"))
		return HT_V_USE;
	if (req->resource_required && req->resource == NULL)
		return HT_V_SCOPE;
	if (!ht_scope_allows(rec, req->resource))
		return HT_V_SCOPE;
	if (rec->perm < req->require)
		return HT_V_PERM;
	return HT_V_OK;
}

/* What the caller may tell its application about an accepted token. */
static void
describe_accepted(const struct ht_verify_request *req, const struct ht_record *rec,
                  struct ht_verify_result *res)
{
	const char *user = presented_user(req, rec);

	const char *scope = ht_scope_matched(rec, req->resource);

	res->perm = rec->perm;
	snprintf(res->user, sizeof(res->user), "%s", user);
	/* What it reached through: a project or repository token's scope, the
	 * --only entry that matched for a scoped personal token, "" for an
	 * unscoped one. */
	snprintf(res->scope, sizeof(res->scope), "%s", scope != NULL ? scope : "");
}

/* The owner entry of the last sweep for rec's owner. For an unknown id
 * the lookup runs for an ordinary owner that has none, so that it costs
 * what a known id's does. */
static enum ht_status
load_refusal(struct ht_store *st, const struct ht_record *rec, int found,
             enum ht_refusal *recorded, struct ht_error *err)
{
	struct ht_owner_refusal r;
	enum ht_status s = found ? ht_refusal_get(st, rec->owner_uid, rec->owner, &r, err)
	                         : ht_refusal_get(st, 1000, "decoyusr", &r, err);

	*recorded = found ? r.reason : HT_REFUSE_NONE;
	return s;
}

/* Loads key, opens store and reads the policy, the record for id and its
 * owner's entry. HT_V_UNKNOWN when there is no such record, HT_V_ERROR on
 * failure. */
static enum ht_verdict
load(const struct ht_verify_request *req, ht_id id, struct ht_key *key,
     struct ht_policy *pol, struct ht_record *rec, enum ht_refusal *recorded,
     struct ht_verify_result *res, struct ht_error *err)
{
	struct ht_snapshot *snap = &res->snap;
	struct ht_store *st;
	struct stat key_st;
	enum ht_status s;

	sodium_memzero(key, sizeof(*key));
	if (req->key_path == NULL || req->db_path == NULL)
		s = ht_error_set(err, HT_ERR_USAGE, "no store or key file given");
	else
		s = ht_key_load_stat(req->key_path, key, &key_st, err);
	if (s == HT_OK)
		s = ht_store_open(req->db_path, key, &st, err);
	if (s != HT_OK) {
		res->status = s;
		return HT_V_ERROR;
	}
	ht_file_identity_of(&key_st, &snap->key);
	ht_file_identity_of(ht_store_stat(st), &snap->store);
	s = ht_store_get_policy(st, pol, err);
	if (s == HT_OK)
		s = ht_store_get(st, id, rec, err);
	if (s == HT_OK || s == HT_ERR_NOTFOUND) {
		enum ht_status rs = load_refusal(st, rec, s == HT_OK, recorded, err);
		if (rs != HT_OK)
			s = rs;
	}
	ht_store_close(st);
	if (s == HT_ERR_NOTFOUND)
		return HT_V_UNKNOWN;
	res->status = s;
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
	enum ht_refusal recorded = HT_REFUSE_NONE;
	enum ht_verdict v;

	memset(res, 0, sizeof(*res));
	if (len == 0)
		return res->verdict = HT_V_EMPTY;
	if (ht_token_parse(password, len, &tok) != 0)
		return res->verdict = HT_V_NOT_TOKEN;
	res->id = tok.id;
	v = load(req, tok.id, &key, &pol, &rec, &recorded, res, err);
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
			v = judge(req, &rec, &pol, recorded, &res->owner_refused);
		if (v == HT_V_OK)
			describe_accepted(req, &rec, res);
		if (v != HT_V_UNKNOWN) {   /* a record was read, not the decoy */
			res->kind = rec.kind;
			res->expires = rec.expires;
		}
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
	enum ht_refusal recorded = HT_REFUSE_NONE;
	enum ht_verdict v;

	memset(res, 0, sizeof(*res));
	res->id = id;
	v = load(req, id, &key, &pol, &rec, &recorded, res, err);
	if (v == HT_V_OK) {
		v = judge(req, &rec, &pol, recorded, &res->owner_refused);
		if (v == HT_V_OK)
			describe_accepted(req, &rec, res);
		res->kind = rec.kind;
		res->expires = rec.expires;
		res->lastused_granularity = pol.lastused_granularity;
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
	case HT_V_OWNER_REFUSED: return "owner account refused";
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

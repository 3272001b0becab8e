/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "refusal.h"
#include "sealed.h"

#define REFUSAL_VERSION 1

/* Owner names are printable and contain no ':' (it separates the uid);
 * anything else could not have come from the account database. */
static int
owner_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > HT_OWNER_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] <= 0x20 || (unsigned char)name[i] >= 0x7f ||
		    name[i] == ':')
			return 0;
	return 1;
}

int
ht_refusal_key(uid_t uid, const char *name, char *out)
{
	if (!owner_name_ok(name))
		return -1;
	snprintf(out, HT_SEALED_NAME_MAX + 1, HT_OWNER_KEY_PREFIX "%u:%s", (unsigned)uid, name);
	return 0;
}

void
ht_refusal_encode(const struct ht_owner_refusal *r, unsigned char out[HT_REFUSAL_BODY_LEN])
{
	struct ht_writer w = { out, HT_REFUSAL_BODY_LEN, 0, 0 };

	ht_put_u8(&w, REFUSAL_VERSION);
	ht_put_u8(&w, (uint8_t)r->reason);
	ht_put_u64(&w, (uint64_t)r->since);
}

int
ht_refusal_decode(const unsigned char *body, size_t len, struct ht_owner_refusal *r)
{
	struct ht_reader rd = { body, len, 0, 0 };
	uint8_t version = ht_get_u8(&rd);
	uint8_t reason = ht_get_u8(&rd);
	uint64_t since = ht_get_u64(&rd);

	if (rd.failed || rd.pos != rd.len || version != REFUSAL_VERSION ||
	    reason < HT_REFUSE_LOCKED || reason > HT_REFUSE_MISSING ||
	    since == 0 || since > INT64_MAX)
		return -1;
	r->reason = (enum ht_refusal)reason;
	r->since = (int64_t)since;
	return 0;
}

enum ht_status
ht_refusal_get(struct ht_store *st, uid_t uid, const char *name, struct ht_owner_refusal *r,
               struct ht_error *err)
{
	unsigned char body[HT_SEALED_BODY_MAX];
	char key[HT_SEALED_NAME_MAX + 1];
	size_t len;
	enum ht_status s;

	memset(r, 0, sizeof(*r));
	r->uid = uid;
	/* A name no owner can have has no entry; the lookup still runs (on a
	 * key that cannot exist) so that it costs the same. */
	if (ht_refusal_key(uid, name, key) != 0)
		snprintf(key, sizeof(key), HT_OWNER_KEY_PREFIX "%u:", (unsigned)uid);
	else
		snprintf(r->name, sizeof(r->name), "%s", name);
	s = ht_store_get_sealed(st, key, body, &len, err);
	if (s == HT_ERR_NOTFOUND) {
		r->reason = HT_REFUSE_NONE;
		return HT_OK;
	}
	if (s != HT_OK)
		return s;
	if (ht_refusal_decode(body, len, r) != 0)
		return ht_error_set(err, HT_ERR_CORRUPT, "owner entry %s is malformed", key);
	return HT_OK;
}

/* Parses "own:<uid>:<name>" back; -1 when it is not exactly that. */
static int
parse_key(const char *key, struct ht_owner_refusal *r)
{
	const char *p = key + strlen(HT_OWNER_KEY_PREFIX);
	char *end;
	unsigned long uid;

	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	uid = strtoul(p, &end, 10);
	if (errno != 0 || *end != ':' || uid > (uid_t)-1 - 1 || !owner_name_ok(end + 1))
		return -1;
	r->uid = (uid_t)uid;
	snprintf(r->name, sizeof(r->name), "%s", end + 1);
	return 0;
}

struct foreach_ctx {
	ht_refusal_visit visit;
	void *ctx;
	int bad;
};

static int
visit_entry(const char *name, const unsigned char *body, size_t len, void *ctx)
{
	struct foreach_ctx *c = ctx;
	struct ht_owner_refusal r;

	memset(&r, 0, sizeof(r));
	if (parse_key(name, &r) != 0 || ht_refusal_decode(body, len, &r) != 0) {
		c->bad = 1;
		return 1;
	}
	return c->visit(&r, c->ctx);
}

enum ht_status
ht_refusal_foreach(struct ht_store *st, ht_refusal_visit visit, void *ctx,
                   struct ht_error *err)
{
	struct foreach_ctx c = { visit, ctx, 0 };
	enum ht_status s = ht_store_foreach_sealed(st, HT_OWNER_KEY_PREFIX, visit_entry, &c, err);

	if (s == HT_OK && c.bad)
		return ht_error_set(err, HT_ERR_CORRUPT, "an owner entry is malformed");
	return s;
}

enum ht_status
ht_refusal_put(struct ht_txn *txn, const struct ht_owner_refusal *r, struct ht_error *err)
{
	unsigned char body[HT_REFUSAL_BODY_LEN];
	char key[HT_SEALED_NAME_MAX + 1];

	if (ht_refusal_key(r->uid, r->name, key) != 0)
		return ht_error_set(err, HT_ERR_USAGE, "not an owner name");
	ht_refusal_encode(r, body);
	return ht_txn_put_sealed(txn, key, body, sizeof(body), err);
}

enum ht_status
ht_refusal_delete(struct ht_txn *txn, uid_t uid, const char *name, struct ht_error *err)
{
	char key[HT_SEALED_NAME_MAX + 1];

	if (ht_refusal_key(uid, name, key) != 0)
		return HT_OK;
	return ht_txn_delete_sealed(txn, key, err);
}

const char *
ht_refusal_str(enum ht_refusal r)
{
	switch (r) {
	case HT_REFUSE_NONE:    return NULL;
	case HT_REFUSE_LOCKED:  return "locked";
	case HT_REFUSE_EXPIRED: return "expired";
	case HT_REFUSE_MISSING: return "missing";
	}
	return NULL;
}

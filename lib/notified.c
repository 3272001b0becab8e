/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "notified.h"
#include "sealed.h"

#define NOTIFIED_VERSION 1
#define BODY_LEN 17

static void
key_of(ht_id id, char out[HT_SEALED_NAME_MAX + 1])
{
	snprintf(out, HT_SEALED_NAME_MAX + 1, HT_NOTIFIED_KEY_PREFIX "%s", ht_id_format(id).s);
}

static int
decode(const unsigned char *body, size_t len, struct ht_notified *n)
{
	struct ht_reader r = { body, len, 0, 0 };
	uint8_t version = ht_get_u8(&r);
	uint64_t expires = ht_get_u64(&r), announced = ht_get_u64(&r);

	if (r.failed || r.pos != r.len || version != NOTIFIED_VERSION ||
	    expires > INT64_MAX || announced > INT64_MAX)
		return -1;
	n->expires = (int64_t)expires;
	n->announced = (int64_t)announced;
	return 0;
}

enum ht_status
ht_notified_get(struct ht_store *st, ht_id id, struct ht_notified *n, int *found,
                struct ht_error *err)
{
	unsigned char body[HT_SEALED_BODY_MAX];
	char key[HT_SEALED_NAME_MAX + 1];
	size_t len;
	enum ht_status s;

	key_of(id, key);
	*found = 0;
	s = ht_store_get_sealed(st, key, body, &len, err);
	if (s == HT_ERR_NOTFOUND)
		return HT_OK;
	if (s != HT_OK)
		return s;
	if (decode(body, len, n) != 0)
		return ht_error_set(err, HT_ERR_CORRUPT, "entry %s is malformed", key);
	*found = 1;
	return HT_OK;
}

enum ht_status
ht_notified_put(struct ht_txn *txn, ht_id id, const struct ht_notified *n,
                struct ht_error *err)
{
	unsigned char body[BODY_LEN];
	struct ht_writer w = { body, sizeof(body), 0, 0 };
	char key[HT_SEALED_NAME_MAX + 1];

	ht_put_u8(&w, NOTIFIED_VERSION);
	ht_put_u64(&w, (uint64_t)n->expires);
	ht_put_u64(&w, (uint64_t)n->announced);
	key_of(id, key);
	return ht_txn_put_sealed(txn, key, body, w.len, err);
}

enum ht_status
ht_notified_delete(struct ht_txn *txn, ht_id id, struct ht_error *err)
{
	char key[HT_SEALED_NAME_MAX + 1];

	key_of(id, key);
	return ht_txn_delete_sealed(txn, key, err);
}

struct walk {
	ht_notified_visit visit;
	void *ctx;
	int bad;
};

static int
visit_entry(const char *name, const unsigned char *body, size_t len, void *ctx)
{
	struct walk *w = ctx;
	struct ht_notified n;
	ht_id id;

	if (ht_id_parse(name + strlen(HT_NOTIFIED_KEY_PREFIX), &id) != 0 ||
	    decode(body, len, &n) != 0) {
		w->bad = 1;
		return 1;
	}
	return w->visit(id, &n, w->ctx);
}

enum ht_status
ht_notified_foreach(struct ht_store *st, ht_notified_visit visit, void *ctx,
                    struct ht_error *err)
{
	struct walk w = { visit, ctx, 0 };
	enum ht_status s = ht_store_foreach_sealed(st, HT_NOTIFIED_KEY_PREFIX, visit_entry, &w,
	                                           err);

	if (s == HT_OK && w.bad)
		return ht_error_set(err, HT_ERR_CORRUPT, "a notify entry is malformed");
	return s;
}

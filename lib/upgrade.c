/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "store_impl.h"
#include "upgrade.h"

struct ids {
	ht_id *v;
	size_t n, cap;
	int failed;
};

static int
collect(const struct ht_record *rec, void *ctx)
{
	struct ids *ids = ctx;

	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 256;
		ht_id *v = realloc(ids->v, cap * sizeof(*v));

		if (v == NULL) {
			ids->failed = 1;
			return 1;
		}
		ids->v = v;
		ids->cap = cap;
	}
	ids->v[ids->n++] = rec->id;
	return 0;
}

/* Reads id in the version-1 layout and writes it back in version 2. */
static enum ht_status
convert_one(struct ht_txn *txn, struct ht_store *st, ht_id id, struct ht_error *err)
{
	struct ht_record rec;
	enum ht_status s;

	st->schema = HT_SCHEMA_V1;
	s = ht_store_get(st, id, &rec, err);
	st->schema = HT_SCHEMA_VERSION;
	if (s != HT_OK)
		return s;
	rec.version = HT_RECORD_VERSION;   /* uses as the version-1 record read */
	return ht_txn_put(txn, &rec, err);
}

static enum ht_status
convert_policy(struct ht_txn *txn, struct ht_store *st, uint32_t admin_gid,
               struct ht_error *err)
{
	struct ht_policy old, pol;
	enum ht_status s;

	st->schema = HT_SCHEMA_V1;
	s = ht_store_get_policy(st, &old, err);
	st->schema = HT_SCHEMA_VERSION;
	if (s != HT_OK)
		return s;
	ht_policy_defaults(&pol);
	pol.expiry_required = old.expiry_required;
	pol.max_days = old.max_days;
	pol.enforce_existing = old.enforce_existing;
	pol.lastused_granularity = old.lastused_granularity;
	if (old.admin_group[0] != '\0' && admin_gid != HT_GID_UNKNOWN) {
		memcpy(pol.admin_group, old.admin_group, sizeof(pol.admin_group));
		pol.admin_gid = admin_gid;
	}
	return ht_txn_put_policy(txn, &pol, err);
}

enum ht_status
ht_txn_upgrade(struct ht_txn *txn, uint32_t admin_gid, unsigned long *converted,
               struct ht_error *err)
{
	struct ht_store *st = ht_txn_store(txn);
	struct ids ids = { 0 };
	enum ht_status s;

	*converted = 0;
	if (st->schema != HT_SCHEMA_V1)
		return ht_error_set(err, HT_ERR_EXISTS, "store %s is of schema %u already",
		                    st->path, st->schema);
	/* Collect first: changing a GDBM file while walking it is undefined. */
	s = ht_store_foreach(st, collect, &ids, err);
	if (s == HT_OK && ids.failed)
		s = ht_error_set(err, HT_ERR_NOMEM, "out of memory");
	for (size_t i = 0; s == HT_OK && i < ids.n; i++)
		s = convert_one(txn, st, ids.v[i], err);
	if (s == HT_OK)
		s = convert_policy(txn, st, admin_gid, err);
	if (s == HT_OK)
		s = ht_store_put_meta_schema(st, HT_SCHEMA_VERSION, err);
	st->schema = s == HT_OK ? HT_SCHEMA_VERSION : HT_SCHEMA_V1;
	if (s == HT_OK)
		*converted = ids.n;
	free(ids.v);
	return s;
}

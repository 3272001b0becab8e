/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Registry entries in the store: read, walk, write within a transaction. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "registry_store.h"
#include "store_impl.h"

static enum ht_status
gdbm_error_of(struct ht_store *st, const char *what, struct ht_error *err)
{
	gdbm_error e = gdbm_last_errno(st->dbf);

	if (e == GDBM_MALLOC_ERROR)
		return ht_error_set(err, HT_ERR_NOMEM, "out of memory");
	return ht_error_set(err, HT_ERR_IO, "store %s: %s: %s", st->path, what,
	                    gdbm_strerror(e));
}

static enum ht_status
decode_datum(struct ht_store *st, const char *scope, datum val, struct ht_entry *e,
             struct ht_error *err)
{
	enum ht_status s = ht_entry_decode(scope, (unsigned char *)val.dptr, (size_t)val.dsize,
	                                   st->key, e, err);

	free(val.dptr);
	return s;
}

enum ht_status
ht_store_get_entry(struct ht_store *st, const char *scope, struct ht_entry *e,
                   struct ht_error *err)
{
	char name[HT_ENTRY_KEY_MAX + 1];
	datum k, val;

	memset(e, 0, sizeof(*e));
	if (st->schema < HT_SCHEMA_VERSION || ht_entry_key(scope, name) != 0)
		return HT_ERR_NOTFOUND;
	k = (datum){ name, (int)strlen(name) };
	val = gdbm_fetch(st->dbf, k);
	if (val.dptr == NULL)
		return gdbm_last_errno(st->dbf) == GDBM_ITEM_NOT_FOUND
		       ? HT_ERR_NOTFOUND : gdbm_error_of(st, "read failed", err);
	return decode_datum(st, scope, val, e, err);
}

enum ht_status
ht_store_foreach_entry(struct ht_store *st, ht_entry_visit visit, void *ctx,
                       struct ht_error *err)
{
	enum ht_status s = HT_OK;
	datum k;

	if (st->schema < HT_SCHEMA_VERSION)
		return HT_OK;
	k = gdbm_firstkey(st->dbf);
	while (k.dptr != NULL && s == HT_OK) {
		char scope[HT_SCOPE_MAX + 1];
		datum next;

		if (ht_entry_key_parse(k.dptr, (size_t)k.dsize, scope)) {
			struct ht_entry e;

			s = ht_store_get_entry(st, scope, &e, err);
			if (s == HT_ERR_NOTFOUND)
				s = ht_error_set(err, HT_ERR_CORRUPT, "registry entry %s vanished "
				                 "during a walk", scope);
			if (s == HT_OK && visit(&e, ctx) != 0) {
				free(k.dptr);
				return HT_OK;
			}
		}
		next = gdbm_nextkey(st->dbf, k);
		free(k.dptr);
		k = next;
	}
	free(k.dptr);
	if (s == HT_OK && gdbm_last_errno(st->dbf) != GDBM_ITEM_NOT_FOUND &&
	    gdbm_last_errno(st->dbf) != GDBM_NO_ERROR)
		s = gdbm_error_of(st, "walk failed", err);
	return s;
}

enum ht_status
ht_txn_put_entry(struct ht_txn *txn, const struct ht_entry *e, struct ht_error *err)
{
	struct ht_store *st = ht_txn_store(txn);
	unsigned char buf[HT_ENTRY_MAX];
	char name[HT_ENTRY_KEY_MAX + 1];
	size_t len;

	if (st->schema < HT_SCHEMA_VERSION)
		return ht_error_set(err, HT_ERR_DATA, "store %s is of schema %u: the registry "
		                    "needs version 2; run 'tokenctl upgrade'", st->path,
		                    st->schema);
	len = ht_entry_encode(e, st->key, buf);
	if (len == 0 || ht_entry_key(e->scope, name) != 0)
		return ht_error_set(err, HT_ERR_USAGE, "registry entry %s too large", e->scope);
	return ht_store_put_wiped(st, name, buf, len, err);
}

enum ht_status
ht_txn_delete_entry(struct ht_txn *txn, const char *scope, struct ht_error *err)
{
	struct ht_store *st = ht_txn_store(txn);
	char name[HT_ENTRY_KEY_MAX + 1];
	enum ht_status s;

	if (ht_entry_key(scope, name) != 0)
		return ht_error_set(err, HT_ERR_NOTFOUND, "no such entry %s", scope);
	s = ht_store_delete_wiped(st, name, err);
	if (s == HT_ERR_NOTFOUND)
		return ht_error_set(err, HT_ERR_NOTFOUND, "no such entry %s", scope);
	return s;
}

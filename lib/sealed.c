/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "key.h"
#include "sealed.h"
#include "store_impl.h"

int
ht_sealed_key_known(const char *name, size_t len)
{
	static const char *const prefixes[] = { HT_OWNER_KEY_PREFIX, HT_NOTIFIED_KEY_PREFIX };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);
		if (len > n && len <= HT_SEALED_NAME_MAX && memcmp(name, prefixes[i], n) == 0)
			return 1;
	}
	return 0;
}

static enum ht_status
open_value(struct ht_store *st, const char *name, size_t name_len, const datum *val,
           unsigned char *body, size_t *len, struct ht_error *err)
{
	size_t n;

	if (val->dsize < HT_MAC_BYTES ||
	    (size_t)val->dsize - HT_MAC_BYTES > HT_SEALED_BODY_MAX)
		return ht_error_set(err, HT_ERR_CORRUPT, "store %s: entry %.*s has a bad length",
		                    st->path, (int)name_len, name);
	n = (size_t)val->dsize - HT_MAC_BYTES;
	if (ht_mac_verify(st->key, name, name_len, val->dptr, n,
	                  (const unsigned char *)val->dptr + n) != 0)
		return ht_error_set(err, HT_ERR_CORRUPT, "store %s: entry %.*s fails its "
		                    "integrity check", st->path, (int)name_len, name);
	memcpy(body, val->dptr, n);
	*len = n;
	return HT_OK;
}

enum ht_status
ht_store_get_sealed(struct ht_store *st, const char *name, unsigned char *body,
                    size_t *len, struct ht_error *err)
{
	datum val;
	enum ht_status s = ht_store_fetch(st, name, strlen(name), &val, err);

	if (s != HT_OK)
		return s;
	s = open_value(st, name, strlen(name), &val, body, len, err);
	free(val.dptr);
	return s;
}

/* Visits one key of the walk when it has the prefix. */
static enum ht_status
visit_key(struct ht_store *st, datum k, const char *prefix, ht_sealed_visit visit,
          void *ctx, int *stop, struct ht_error *err)
{
	unsigned char body[HT_SEALED_BODY_MAX];
	char name[HT_SEALED_NAME_MAX + 1];
	size_t plen = strlen(prefix), len;
	enum ht_status s;
	datum val;

	if ((size_t)k.dsize < plen || memcmp(k.dptr, prefix, plen) != 0)
		return HT_OK;
	if (!ht_sealed_key_known(k.dptr, (size_t)k.dsize))
		return ht_error_set(err, HT_ERR_CORRUPT, "store %s: malformed entry name",
		                    st->path);
	memcpy(name, k.dptr, (size_t)k.dsize);
	name[k.dsize] = '\0';
	if (memchr(name, '\0', (size_t)k.dsize) != NULL)
		return ht_error_set(err, HT_ERR_CORRUPT, "store %s: malformed entry name",
		                    st->path);
	s = ht_store_fetch(st, name, (size_t)k.dsize, &val, err);
	if (s != HT_OK)
		return s == HT_ERR_NOTFOUND ? ht_error_set(err, HT_ERR_CORRUPT, "store %s: "
		                                           "entry vanished", st->path) : s;
	s = open_value(st, name, (size_t)k.dsize, &val, body, &len, err);
	free(val.dptr);
	if (s == HT_OK)
		*stop = visit(name, body, len, ctx);
	return s;
}

enum ht_status
ht_store_foreach_sealed(struct ht_store *st, const char *prefix, ht_sealed_visit visit,
                        void *ctx, struct ht_error *err)
{
	enum ht_status s = HT_OK;
	datum k = gdbm_firstkey(st->dbf);
	int stop = 0;

	while (k.dptr != NULL && s == HT_OK && !stop) {
		datum next;

		s = visit_key(st, k, prefix, visit, ctx, &stop, err);
		next = gdbm_nextkey(st->dbf, k);
		free(k.dptr);
		k = next;
	}
	free(k.dptr);
	return s;
}

enum ht_status
ht_txn_put_sealed(struct ht_txn *txn, const char *name, const void *body, size_t len,
                  struct ht_error *err)
{
	unsigned char buf[HT_SEALED_BODY_MAX + HT_MAC_BYTES];
	struct ht_store *st = ht_txn_store(txn);

	if (len > HT_SEALED_BODY_MAX || !ht_sealed_key_known(name, strlen(name)))
		return ht_error_set(err, HT_ERR_USAGE, "entry %s: too large or misnamed", name);
	memcpy(buf, body, len);
	ht_mac(st->key, name, strlen(name), buf, len, buf + len);
	return ht_store_put_wiped(st, name, buf, len + HT_MAC_BYTES, err);
}

enum ht_status
ht_txn_delete_sealed(struct ht_txn *txn, const char *name, struct ht_error *err)
{
	enum ht_status s = ht_store_delete_wiped(ht_txn_store(txn), name, err);

	return s == HT_ERR_NOTFOUND ? HT_OK : s;
}

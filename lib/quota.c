/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How many personal token records each user has, for max-tokens-per-user.
 *
 * Counting by walking the store made every create of a user who is not
 * root cost a pass over all of it (0.15 s at 100 000 tokens). So a store
 * of schema 2 keeps a sealed counter per owner uid, "cnt:<8 hex>", made
 * the first time it is needed (by a walk) and kept right from then on by
 * the writer's own put and delete (ht_quota_note_put/_delete), within the
 * same transaction as the record. A damaged or missing counter is counted
 * again; a version-1 store has none and is walked each time.
 *
 * Layout: u8 version=1, u32 uid, u64 count, then the MAC over the key. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "quota.h"
#include "store_impl.h"

#define COUNTER_PREFIX  "cnt:"
#define COUNTER_KEY_LEN (4 + 8)
#define COUNTER_VERSION 1
#define COUNTER_LEN     (1 + 4 + 8)
#define KIND_AT 1         /* where both record layouts keep the kind ... */
#define UID_AT  28        /* ... and the owner uid */

static void
counter_key(uid_t uid, char out[COUNTER_KEY_LEN + 1])
{
	snprintf(out, COUNTER_KEY_LEN + 1, COUNTER_PREFIX "%08lx", (unsigned long)uid);
}

int
ht_quota_key_valid(const char *k, size_t len)
{
	if (len != COUNTER_KEY_LEN || memcmp(k, COUNTER_PREFIX, 4) != 0)
		return 0;
	for (size_t i = 4; i < len; i++)
		if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'f')))
			return 0;
	return 1;
}

/* HT_OK with *count, HT_ERR_NOTFOUND, or HT_ERR_CORRUPT. */
static enum ht_status
counter_get(struct ht_store *st, uid_t uid, unsigned long *count)
{
	char name[COUNTER_KEY_LEN + 1];
	datum k, v;
	struct ht_reader r;
	enum ht_status s = HT_ERR_CORRUPT;

	counter_key(uid, name);
	k = (datum){ name, COUNTER_KEY_LEN };
	v = gdbm_fetch(st->dbf, k);
	if (v.dptr == NULL)
		return HT_ERR_NOTFOUND;
	if (v.dsize == COUNTER_LEN + HT_MAC_BYTES &&
	    ht_mac_verify(st->key, name, COUNTER_KEY_LEN, v.dptr, COUNTER_LEN,
	                  (unsigned char *)v.dptr + COUNTER_LEN) == 0) {
		r = (struct ht_reader){ (unsigned char *)v.dptr, COUNTER_LEN, 0, 0 };
		if (ht_get_u8(&r) == COUNTER_VERSION && ht_get_u32(&r) == (uint32_t)uid) {
			*count = (unsigned long)ht_get_u64(&r);
			s = r.failed ? HT_ERR_CORRUPT : HT_OK;
		}
	}
	free(v.dptr);
	return s;
}

static enum ht_status
counter_put(struct ht_store *st, uid_t uid, unsigned long count, struct ht_error *err)
{
	unsigned char buf[COUNTER_LEN + HT_MAC_BYTES];
	struct ht_writer w = { buf, COUNTER_LEN, 0, 0 };
	char name[COUNTER_KEY_LEN + 1];

	counter_key(uid, name);
	ht_put_u8(&w, COUNTER_VERSION);
	ht_put_u32(&w, (uint32_t)uid);
	ht_put_u64(&w, count);
	ht_mac(st->key, name, COUNTER_KEY_LEN, buf, COUNTER_LEN, buf + COUNTER_LEN);
	return ht_store_put_wiped(st, name, buf, sizeof(buf), err);
}

int
ht_quota_counter_valid(struct ht_store *st, const char *k, size_t len)
{
	unsigned long uid, count;
	char hex[9];

	if (!ht_quota_key_valid(k, len))
		return 0;
	memcpy(hex, k + 4, 8);
	hex[8] = '\0';
	uid = strtoul(hex, NULL, 16);
	return counter_get(st, (uid_t)uid, &count) == HT_OK;
}

/* The owner uid of a stored token value, when it is a personal token.
 * Read where both layouts keep it, without the MAC: see the callers. */
static int
personal_owner(datum v, uid_t *uid)
{
	const unsigned char *p = (const unsigned char *)v.dptr;

	if (v.dptr == NULL || v.dsize < UID_AT + 4 || p[KIND_AT] != HT_KIND_PERSONAL)
		return 0;
	*uid = (uid_t)((uint32_t)p[UID_AT] << 24 | (uint32_t)p[UID_AT + 1] << 16 |
	               (uint32_t)p[UID_AT + 2] << 8 | p[UID_AT + 3]);
	return 1;
}

/* A walk over every token value, counting uid's personal ones. A damaged
 * value can make the count wrong, which limits nothing but growth: what a
 * record grants is always read through ht_store_get, MAC and all. */
static enum ht_status
walk_count(struct ht_store *st, uid_t uid, unsigned long *count, struct ht_error *err)
{
	datum k = gdbm_firstkey(st->dbf);

	*count = 0;
	while (k.dptr != NULL) {
		datum next;
		uid_t owner;
		ht_id id;

		if (ht_record_key_id(k.dptr, (size_t)k.dsize, &id) == 0) {
			datum v = gdbm_fetch(st->dbf, k);

			if (personal_owner(v, &owner) && owner == uid)
				(*count)++;
			free(v.dptr);
		}
		next = gdbm_nextkey(st->dbf, k);
		free(k.dptr);
		k = next;
	}
	if (gdbm_last_errno(st->dbf) != GDBM_ITEM_NOT_FOUND &&
	    gdbm_last_errno(st->dbf) != GDBM_NO_ERROR)
		return ht_error_set(err, HT_ERR_IO, "store %s: walk failed: %s", st->path,
		                    gdbm_strerror(gdbm_last_errno(st->dbf)));
	return HT_OK;
}

enum ht_status
ht_txn_count_personal(struct ht_txn *txn, uid_t uid, unsigned long *count,
                      struct ht_error *err)
{
	struct ht_store *st = ht_txn_store(txn);
	enum ht_status s;

	if (st->schema >= HT_SCHEMA_VERSION && counter_get(st, uid, count) == HT_OK)
		return HT_OK;
	if ((s = walk_count(st, uid, count, err)) != HT_OK)
		return s;
	return st->schema >= HT_SCHEMA_VERSION ? counter_put(st, uid, *count, err) : HT_OK;
}

/* Moves uid's counter by delta, when it has one. */
static enum ht_status
adjust(struct ht_store *st, uid_t uid, int delta, struct ht_error *err)
{
	unsigned long count = 0;
	enum ht_status s;

	if (st->schema < HT_SCHEMA_VERSION)
		return HT_OK;
	s = counter_get(st, uid, &count);
	if (s == HT_ERR_NOTFOUND)
		return HT_OK;
	if (s != HT_OK) {
		/* Damaged: count again rather than carry the damage on. */
		char name[COUNTER_KEY_LEN + 1];
		struct ht_error ignore = { 0 };

		counter_key(uid, name);
		(void)ht_store_delete_wiped(st, name, &ignore);
		return HT_OK;
	}
	if (delta < 0 && count == 0)
		return HT_OK;
	return counter_put(st, uid, delta < 0 ? count - 1 : count + 1, err);
}

enum ht_status
ht_quota_note_put(struct ht_store *st, const struct ht_record *rec, struct ht_error *err)
{
	char name[HT_RECORD_KEY_LEN + 1];
	datum k = { name, HT_RECORD_KEY_LEN };

	if (rec->kind != HT_KIND_PERSONAL)
		return HT_OK;
	ht_record_key(rec->id, name);
	if (gdbm_exists(st->dbf, k))
		return HT_OK;       /* a change to a record, not a new one */
	return adjust(st, rec->owner_uid, +1, err);
}

enum ht_status
ht_quota_note_delete(struct ht_store *st, ht_id id, struct ht_error *err)
{
	char name[HT_RECORD_KEY_LEN + 1];
	datum k = { name, HT_RECORD_KEY_LEN }, v;
	enum ht_status s = HT_OK;
	uid_t owner;

	ht_record_key(id, name);
	v = gdbm_fetch(st->dbf, k);
	if (personal_owner(v, &owner))
		s = adjust(st, owner, -1, err);
	free(v.dptr);
	return s;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Registry entries (projects, repositories) as signed rows: building one
 * for the database, and applying one to the replica (see replica.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "registry_store.h"
#include "replica.h"

#define ROW_FORMAT     1
#define ID_CONTEXT     "httptoken fleet registry entry"

uint64_t
ht_entry_row_id(const char *scope)
{
	unsigned char h[crypto_generichash_BYTES_MIN];
	crypto_generichash_state st;
	uint64_t id = 0;

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)ID_CONTEXT, sizeof(ID_CONTEXT));
	crypto_generichash_update(&st, (const unsigned char *)scope, strlen(scope));
	crypto_generichash_final(&st, h, sizeof(h));
	for (int i = 0; i < 8; i++)
		id = id << 8 | h[i];
	return id;
}

static void
fle_name(uint64_t id, char out[4 + HT_ID_HEX_LEN + 1])
{
	snprintf(out, 4 + HT_ID_HEX_LEN + 1, "fle:%016" PRIx64, id);
}

static enum ht_status
read_state(struct ht_store *st, uint64_t id, uint64_t *version, unsigned *flags,
           char scope[HT_SCOPE_MAX + 1], struct ht_error *err)
{
	char name[4 + HT_ID_HEX_LEN + 1], ignored[HT_SCOPE_MAX + 1];

	fle_name(id, name);
	return ht_replica_state_read(st, name, version, flags, scope != NULL ? scope : ignored,
	                             err);
}

enum ht_status
ht_replica_entry_version(struct ht_store *st, uint64_t id, uint64_t *version,
                         unsigned *flags, struct ht_error *err)
{
	return read_state(st, id, version, flags, NULL, err);
}

enum ht_status
ht_replica_set_entry_version(struct ht_txn *txn, uint64_t id, uint64_t version,
                             unsigned flags, const char *scope, struct ht_error *err)
{
	char name[4 + HT_ID_HEX_LEN + 1];

	fle_name(id, name);
	return ht_replica_state_write(txn, name, version, flags, scope, err);
}

enum ht_status
ht_row_for_entry(const char *scope, const struct ht_entry *e, const struct ht_key *key,
                 const struct ht_signer *sg, uint64_t version, struct ht_row *row,
                 struct ht_error *err)
{
	struct ht_writer w;
	size_t len = 0;

	memset(row, 0, sizeof(*row));
	w = (struct ht_writer){ row->payload, sizeof(row->payload), 0, 0 };
	if (!ht_registry_scope_valid(scope) || (e != NULL && strcmp(e->scope, scope) != 0))
		return ht_error_set(err, HT_ERR_USAGE, "registry row: bad scope %s", scope);
	ht_put_u8(&w, ROW_FORMAT);
	ht_put_u8(&w, e != NULL ? HT_ENTRY_PUT : HT_ENTRY_DELETE);
	ht_put_str(&w, scope, HT_SCOPE_MAX);
	if (e != NULL && !w.failed && sizeof(row->payload) - w.len >= HT_ENTRY_MAX &&
	    (len = ht_entry_encode(e, key, row->payload + w.len)) == 0)
		w.failed = 1;
	row->len = w.failed ? 0 : w.len + len;
	return ht_row_seal(HT_ROW_ENTRY, ht_entry_row_id(scope), version, sg, row, err);
}

const char *
ht_entry_row_decode(const struct ht_row *row, const struct ht_key *key,
                    struct ht_entry_row *er)
{
	struct ht_reader r = { row->payload, row->len, 0, 0 };
	struct ht_error derr = { 0 };

	memset(er, 0, sizeof(*er));
	if (ht_get_u8(&r) != ROW_FORMAT)
		return "unknown row format";
	er->op = ht_get_u8(&r);
	ht_get_str(&r, er->scope, sizeof(er->scope));
	if (r.failed || !ht_registry_scope_valid(er->scope))
		return "malformed scope";
	if (ht_entry_row_id(er->scope) != row->id)
		return "the row's id is not its scope's (a row moved to another scope)";
	if (er->op == HT_ENTRY_DELETE)
		return r.pos == r.len ? NULL : "a deletion with trailing bytes";
	if (er->op != HT_ENTRY_PUT)
		return "unknown operation";
	if (ht_entry_decode(er->scope, row->payload + r.pos, r.len - r.pos, key, &er->e,
	                    &derr) != HT_OK)
		return "the entry does not decode under the key file";
	return NULL;
}

/* The id is refused here: its local entry goes (the scope this host
 * recorded for the id; else the row's, when it belongs to the id), and
 * the version entry says so. */
static enum ht_status
refuse(struct ht_txn *txn, const struct ht_row *row, uint64_t have, const char *known,
       const char *claimed, enum ht_apply *result, char *why, size_t why_size,
       struct ht_error *err)
{
	const char *scope = known[0] != '\0' ? known
	                    : claimed[0] != '\0' && ht_registry_scope_valid(claimed) &&
	                      ht_entry_row_id(claimed) == row->id ? claimed : NULL;
	struct ht_error ignore = { 0 };
	size_t used = strlen(why);
	enum ht_status s;

	*result = HT_APPLY_REFUSED;
	if (scope == NULL)
		return ht_replica_set_entry_version(txn, row->id, have, HT_FLV_REFUSED, "", err);
	if (used < why_size)
		snprintf(why + used, why_size - used, "; %s is not registered here", scope);
	s = ht_txn_delete_entry(txn, scope, &ignore);
	if (s != HT_OK && s != HT_ERR_NOTFOUND)
		return ht_error_set(err, s, "%s", ignore.msg);
	return ht_replica_set_entry_version(txn, row->id, have, HT_FLV_REFUSED, scope, err);
}

enum ht_status
ht_replica_apply_entry(struct ht_txn *txn, const struct ht_key *key, int sig_ok,
                       const struct ht_row *row,
                       enum ht_apply *result, char *why, size_t why_size,
                       struct ht_error *err)
{
	char known[HT_SCOPE_MAX + 1];
	struct ht_entry_row er;
	const char *bad;
	uint64_t have;
	unsigned flags;
	enum ht_status s;

	if ((s = read_state(ht_txn_store(txn), row->id, &have, &flags, known, err)) != HT_OK)
		return s;
	if (!sig_ok) {
		snprintf(why, why_size, "signature does not verify");
		memset(&er, 0, sizeof(er));
		(void)ht_entry_row_decode(row, key, &er);
		s = refuse(txn, row, have, known, er.scope, result, why, why_size, err);
	} else if ((bad = ht_entry_row_decode(row, key, &er)) != NULL) {
		snprintf(why, why_size, "%s", bad);
		s = refuse(txn, row, have, known, er.scope, result, why, why_size, err);
	} else if (row->version < have || (row->version == have && !(flags & HT_FLV_REFUSED))) {
		*result = row->version == have ? HT_APPLY_SAME : HT_APPLY_OLDER;
		snprintf(why, why_size, "version %" PRIu64 ", this host has %" PRIu64,
		         row->version, have);
	} else {
		struct ht_error ignore = { 0 };

		*result = HT_APPLY_DONE;
		if (er.op == HT_ENTRY_PUT)
			s = ht_txn_put_entry(txn, &er.e, err);
		else if ((s = ht_txn_delete_entry(txn, er.scope, &ignore)) == HT_ERR_NOTFOUND)
			s = HT_OK;
		else if (s != HT_OK)
			ht_error_set(err, s, "%s", ignore.msg);
		if (s == HT_OK)
			s = ht_replica_set_entry_version(txn, row->id, row->version, 0, er.scope, err);
	}
	sodium_memzero(&er, sizeof(er));
	return s;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "codec.h"
#include "replica.h"
#include "tombstone.h"

#define STATE_VERSION 1

static void
flv_name(uint64_t id, char out[4 + HT_ID_HEX_LEN + 1])
{
	snprintf(out, 4 + HT_ID_HEX_LEN + 1, "flv:%016" PRIx64, id);
}

enum ht_status
ht_replica_position(struct ht_store *st, uint64_t *pos, int *present, struct ht_error *err)
{
	unsigned char body[HT_REPLICA_STATE_MAX];
	struct ht_reader r;
	size_t len;
	enum ht_status s = ht_store_get_replica_state(st, "fleet", body, sizeof(body), &len, err);

	*pos = 0;
	*present = 0;
	if (s == HT_ERR_NOTFOUND)
		return HT_OK;
	if (s != HT_OK)
		return s;
	r = (struct ht_reader){ body, len, 0, 0 };
	if (ht_get_u8(&r) != STATE_VERSION)
		return ht_error_set(err, HT_ERR_CORRUPT, "replica position: unknown version");
	*pos = ht_get_u64(&r);
	if (r.failed || r.pos != len)
		return ht_error_set(err, HT_ERR_CORRUPT, "replica position: bad length");
	*present = 1;
	return HT_OK;
}

enum ht_status
ht_replica_set_position(struct ht_txn *txn, uint64_t pos, struct ht_error *err)
{
	unsigned char body[16];
	struct ht_writer w = { body, sizeof(body), 0, 0 };

	ht_put_u8(&w, STATE_VERSION);
	ht_put_u64(&w, pos);
	return ht_txn_put_replica_state(txn, "fleet", body, w.len, err);
}

enum ht_status
ht_replica_state_read(struct ht_store *st, const char *name, uint64_t *version,
                      unsigned *flags, char scope[HT_SCOPE_MAX + 1], struct ht_error *err)
{
	unsigned char body[HT_REPLICA_STATE_MAX];
	char sc[HT_SCOPE_MAX + 1] = "";
	struct ht_reader r;
	size_t len;
	enum ht_status s;

	*version = 0;
	*flags = 0;
	if (scope != NULL)
		scope[0] = '\0';
	s = ht_store_get_replica_state(st, name, body, sizeof(body), &len, err);
	if (s == HT_ERR_NOTFOUND)
		return HT_OK;
	if (s != HT_OK)
		return s;
	r = (struct ht_reader){ body, len, 0, 0 };
	if (ht_get_u8(&r) != STATE_VERSION)
		return ht_error_set(err, HT_ERR_CORRUPT, "replica version %s: unknown format",
		                    name);
	*version = ht_get_u64(&r);
	*flags = ht_get_u8(&r);
	if (scope != NULL)
		ht_get_str(&r, sc, sizeof(sc));
	if (r.failed || r.pos != len)
		return ht_error_set(err, HT_ERR_CORRUPT, "replica version %s: bad length", name);
	if (scope != NULL)
		memcpy(scope, sc, sizeof(sc));
	return HT_OK;
}

enum ht_status
ht_replica_version(struct ht_store *st, uint64_t id, uint64_t *version, unsigned *flags,
                   struct ht_error *err)
{
	char name[4 + HT_ID_HEX_LEN + 1];

	flv_name(id, name);
	return ht_replica_state_read(st, name, version, flags, NULL, err);
}

enum ht_status
ht_replica_state_write(struct ht_txn *txn, const char *name, uint64_t version,
                       unsigned flags, const char *scope, struct ht_error *err)
{
	unsigned char body[HT_REPLICA_STATE_MAX];
	struct ht_writer w = { body, sizeof(body), 0, 0 };

	ht_put_u8(&w, STATE_VERSION);
	ht_put_u64(&w, version);
	ht_put_u8(&w, (uint8_t)flags);
	if (scope != NULL)
		ht_put_str(&w, scope, HT_SCOPE_MAX);
	if (w.failed)
		return ht_error_set(err, HT_ERR_USAGE, "replica version %s: scope too long", name);
	return ht_txn_put_replica_state(txn, name, body, w.len, err);
}

enum ht_status
ht_replica_set_version(struct ht_txn *txn, uint64_t id, uint64_t version, unsigned flags,
                       struct ht_error *err)
{
	char name[4 + HT_ID_HEX_LEN + 1];

	flv_name(id, name);
	return ht_replica_state_write(txn, name, version, flags, NULL, err);
}

struct refused_walk {
	ht_refused_visit found;
	void *ctx;
};

static enum ht_status
refused_one(void *ctx, const char *name, size_t name_len, const unsigned char *body,
            size_t len, struct ht_error *err)
{
	struct refused_walk *w = ctx;
	char hex[HT_ID_HEX_LEN + 1], scope[HT_SCOPE_MAX + 1];
	struct ht_reader r = { body, len, 0, 0 };
	int entry = name_len > 4 && memcmp(name, "fle:", 4) == 0;
	unsigned flags;

	(void)err;
	if (name_len != 4 + HT_ID_HEX_LEN || (!entry && memcmp(name, "flv:", 4) != 0))
		return HT_OK;
	(void)ht_get_u8(&r);
	(void)ht_get_u64(&r);
	flags = ht_get_u8(&r);
	if (entry)
		ht_get_str(&r, scope, sizeof(scope));
	if (r.failed || r.pos != len || !(flags & HT_FLV_REFUSED))
		return HT_OK;
	memcpy(hex, name + 4, HT_ID_HEX_LEN);
	hex[HT_ID_HEX_LEN] = '\0';
	w->found(w->ctx, entry ? HT_ROW_ENTRY : HT_ROW_TOKEN, strtoull(hex, NULL, 16),
	         entry ? scope : NULL);
	return HT_OK;
}

enum ht_status
ht_replica_foreach_refused(struct ht_store *st, ht_refused_visit found, void *ctx,
                           struct ht_error *err)
{
	struct refused_walk w = { found, ctx };

	return ht_store_foreach_replica_state(st, refused_one, &w, err);
}

/* Whether the replica holds id as revoked (a record or a tombstone). */
static enum ht_status
locally_revoked(struct ht_store *st, uint64_t id, struct ht_record *local, int *has_local,
                int *revoked, struct ht_error *err)
{
	struct ht_error ignore = { 0 };
	enum ht_status s = ht_store_get(st, id, local, &ignore);

	*has_local = s == HT_OK;
	*revoked = *has_local && local->revoked;
	(void)err;
	/* A damaged local record is replaced by a verified row; only a
	 * verified revocation is kept. */
	return HT_OK;
}

/* The id is refused here: its active record goes (a revoked one stays
 * revoked, which refuses it as well), and the version entry says why. */
static enum ht_status
refuse(struct ht_txn *txn, const struct ht_row *row, uint64_t have, enum ht_apply *result,
       struct ht_error *err)
{
	struct ht_record local;
	int has_local, revoked;
	enum ht_status s;

	*result = HT_APPLY_REFUSED;
	s = locally_revoked(ht_txn_store(txn), row->id, &local, &has_local, &revoked, err);
	if (s == HT_OK && has_local && !revoked)
		s = ht_txn_delete(txn, row->id, err);
	sodium_memzero(&local, sizeof(local));
	if (s == HT_OK)
		s = ht_replica_set_version(txn, row->id, have, HT_FLV_REFUSED, err);
	return s;
}

static enum ht_status
apply_token(struct ht_txn *txn, const struct ht_key *key, int sig_ok, const struct ht_row *row,
            enum ht_apply *result, char *why, size_t why_size, struct ht_error *err)
{
	struct ht_store *st = ht_txn_store(txn);
	struct ht_error derr = { 0 };
	struct ht_record rec, local;
	int has_local, revoked;
	uint64_t have;
	unsigned flags;
	enum ht_status s;

	if ((s = ht_replica_version(st, row->id, &have, &flags, err)) != HT_OK)
		return s;
	if (!sig_ok) {
		snprintf(why, why_size, "signature does not verify");
		return refuse(txn, row, have, result, err);
	}
	if (ht_record_decode(row->id, row->payload, row->len, key, &rec, &derr) != HT_OK) {
		snprintf(why, why_size, "payload does not decode under the key file: %s",
		         derr.msg);
		return refuse(txn, row, have, result, err);
	}
	if (row->version < have || (row->version == have && !(flags & HT_FLV_REFUSED))) {
		*result = row->version == have ? HT_APPLY_SAME : HT_APPLY_OLDER;
		snprintf(why, why_size, "version %" PRIu64 ", this host has %" PRIu64,
		         row->version, have);
		sodium_memzero(&rec, sizeof(rec));
		return HT_OK;
	}
	*result = HT_APPLY_DONE;
	s = locally_revoked(st, row->id, &local, &has_local, &revoked, err);
	if (s == HT_OK && revoked && !rec.revoked) {
		/* Never un-revoke: the row's other fields are taken, the
		 * revocation (and its time) is kept. */
		rec.revoked = 1;
		rec.revoked_at = local.revoked_at;
		*result = HT_APPLY_KEPT_REVOKED;
		snprintf(why, why_size, "the row would clear a revocation; kept revoked");
	}
	if (s == HT_OK)
		s = ht_txn_put(txn, &rec, err);
	if (s == HT_OK)
		s = ht_replica_set_version(txn, row->id, row->version, 0, err);
	sodium_memzero(&rec, sizeof(rec));
	sodium_memzero(&local, sizeof(local));
	return s;
}

/* A policy row that fails its checks stops the whole apply: a replica
 * must not authenticate under a policy nobody signed. */
static enum ht_status
apply_policy(struct ht_txn *txn, const struct ht_key *key, int sig_ok, const struct ht_row *row,
             enum ht_apply *result, struct ht_error *err)
{
	struct ht_store *st = ht_txn_store(txn);
	struct ht_policy pol;
	uint64_t have;
	unsigned flags;
	enum ht_status s;

	if (row->id != 0 || !sig_ok)
		return ht_error_set(err, HT_ERR_CORRUPT, "policy row (change %" PRIu64 "): "
		                    "signature does not verify; nothing applied", row->seq);
	if (ht_policy_decode(row->payload, row->len, key, &pol, err) != HT_OK)
		return ht_error_set(err, HT_ERR_CORRUPT, "policy row (change %" PRIu64 "): "
		                    "does not decode; nothing applied", row->seq);
	if ((s = ht_replica_version(st, 0, &have, &flags, err)) != HT_OK)
		return s;
	if (row->version <= have) {
		*result = row->version == have ? HT_APPLY_SAME : HT_APPLY_OLDER;
		return HT_OK;
	}
	*result = HT_APPLY_DONE;
	if ((s = ht_txn_put_policy(txn, &pol, err)) != HT_OK)
		return s;
	return ht_replica_set_version(txn, 0, row->version, 0, err);
}

int
ht_row_check(const unsigned char pk[HT_SIGN_PUB], const struct ht_row *row)
{
	return ht_row_verify(pk, row->kind, row->id, row->version, row->payload, row->len,
	                     row->sig, row->sig_len);
}

enum ht_status
ht_replica_apply(struct ht_txn *txn, const struct ht_key *key,
                 const unsigned char pk[HT_SIGN_PUB],
                 const struct ht_row *row, enum ht_apply *result, char *why,
                 size_t why_size, struct ht_error *err)
{
	return ht_replica_apply_checked(txn, key, row, ht_row_check(pk, row) == 0, result, why,
	                                why_size, err);
}

enum ht_status
ht_replica_apply_checked(struct ht_txn *txn, const struct ht_key *key,
                         const struct ht_row *row, int sig_ok, enum ht_apply *result,
                         char *why, size_t why_size, struct ht_error *err)
{
	why[0] = '\0';
	if (row->kind == HT_ROW_POLICY)
		return apply_policy(txn, key, sig_ok, row, result, err);
	if (row->kind == HT_ROW_TOKEN)
		return apply_token(txn, key, sig_ok, row, result, why, why_size, err);
	if (row->kind == HT_ROW_ENTRY)
		return ht_replica_apply_entry(txn, key, sig_ok, row, result, why, why_size, err);
	return ht_error_set(err, HT_ERR_CORRUPT, "row of unknown kind %d (change %" PRIu64
	                    "); nothing applied", (int)row->kind, row->seq);
}

enum ht_status
ht_row_seal(enum ht_row_kind kind, uint64_t id, uint64_t version, const struct ht_signer *sg,
            struct ht_row *row, struct ht_error *err)
{
	if (row->len == 0)
		return ht_error_set(err, HT_ERR_USAGE, "%s record too large",
		                    kind == HT_ROW_TOKEN ? "token" :
		                    kind == HT_ROW_POLICY ? "policy" : "registry");
	row->kind = kind;
	row->id = id;
	row->version = version;
	ht_row_sign(sg, kind, id, version, row->payload, row->len, row->sig);
	row->sig_len = HT_SIG_BYTES;
	return HT_OK;
}

enum ht_status
ht_row_for_record(const struct ht_record *rec, const struct ht_key *key,
                  const struct ht_signer *sg, uint64_t version, struct ht_row *row,
                  struct ht_error *err)
{
	memset(row, 0, sizeof(*row));
	row->len = ht_record_encode(rec, key, row->payload);
	return ht_row_seal(HT_ROW_TOKEN, rec->id, version, sg, row, err);
}

enum ht_status
ht_row_for_policy(const struct ht_policy *pol, const struct ht_key *key,
                  const struct ht_signer *sg, uint64_t version, struct ht_row *row,
                  struct ht_error *err)
{
	memset(row, 0, sizeof(*row));
	row->len = ht_policy_encode(pol, key, row->payload);
	return ht_row_seal(HT_ROW_POLICY, 0, version, sg, row, err);
}

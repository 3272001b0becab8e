/* SPDX-License-Identifier: GPL-3.0-or-later */
/* max-tokens-per-user in a fleet. A command counts the caller's personal
 * tokens in its replica, synced when it began; another host may have
 * created some since. At commit, holding the writers' lock (so that no
 * other host can commit meanwhile), the rows written after this replica's
 * position are read as a sync would read them: each one that verifies,
 * is a personal token of the caller and is not in the replica yet counts
 * as well. Two hosts creating at once for one user therefore cannot pass
 * the limit together. Rows that do not verify count for nothing (a sync
 * would refuse them). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <sodium.h>

#include "fleetctl.h"
#include "quota.h"

#define BATCH 1000

struct quota_walk {
	struct session *ses;
	const unsigned char *pk;
	uid_t uid;
	unsigned long elsewhere;   /* the caller's tokens not in the replica yet */
	uint64_t position;
};

static enum ht_status
count_row(void *ctx, const struct ht_row *row, struct ht_error *err)
{
	struct quota_walk *w = ctx;
	struct ht_error ignore = { 0 };
	struct ht_record rec, local;
	enum ht_status s = HT_OK;

	w->position = row->seq;
	if (row->kind != HT_ROW_TOKEN ||
	    ht_row_verify(w->pk, row->kind, row->id, row->version, row->payload, row->len,
	                  row->sig, row->sig_len) != 0 ||
	    ht_record_decode(row->id, row->payload, row->len, &w->ses->key, &rec,
	                     &ignore) != HT_OK)
		return HT_OK;
	if (rec.kind == HT_KIND_PERSONAL && rec.owner_uid == w->uid) {
		s = ht_store_get(ht_txn_store(w->ses->txn), row->id, &local, err);
		if (s == HT_ERR_NOTFOUND) {
			w->elsewhere++;
			s = HT_OK;
		} else if (s == HT_ERR_CORRUPT) {
			s = HT_OK;   /* counted already (the kept counter counts records) */
		}
		sodium_memzero(&local, sizeof(local));
	}
	sodium_memzero(&rec, sizeof(rec));
	return s;
}

int
fleet_quota_check(struct session *ses, const unsigned char pk[HT_SIGN_PUB])
{
	struct fleet_write *fw = ses->fw;
	struct quota_walk w = { ses, pk, fw->quota_uid, 0, 0 };
	struct ht_error err = { 0 };
	unsigned long here;
	enum ht_status s;
	unsigned n;
	int present;

	s = ht_replica_position(ht_txn_store(ses->txn), &w.position, &present, &err);
	if (s == HT_OK)
		s = ht_txn_count_personal(ses->txn, fw->quota_uid, &here, &err);
	while (s == HT_OK) {
		s = ht_pg_changes(fw->pg, w.position, BATCH, count_row, &w, &n, &err);
		if (n < BATCH)
			break;
	}
	if (s != HT_OK)
		return tk_fail(s, &err);
	/* here includes what this command created. */
	if (here + w.elsewhere > fw->quota_max)
		return limits_quota_exceeded(here + w.elsewhere - 1, fw->quota_max);
	return 0;
}

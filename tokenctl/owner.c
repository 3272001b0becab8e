/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What tokenctl shows of a personal token's owner: the refusal the last
 * sweep recorded (see lib/refusal.h). */
#include "config.h"

#include "tokenctl.h"

/* A damaged entry shows as the strongest refusal: the module fails
 * closed on it too. */
enum ht_refusal
owner_refusal(struct ht_store *st, const struct ht_record *rec)
{
	struct ht_owner_refusal r;
	struct ht_error err = { 0 };

	if (rec->kind != HT_KIND_PERSONAL)
		return HT_REFUSE_NONE;
	if (ht_refusal_get(st, rec->owner_uid, rec->owner, &r, &err) != HT_OK)
		return HT_REFUSE_MISSING;
	return r.reason;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the payload of a fleet registry row, as a replica
 * reads it from the database (before and after its signature is checked).
 * The bytes are decoded under the row id they carry in their first eight
 * bytes, then again under the id of the scope they name (so that the
 * entry's decoding is reached), and again with a correct MAC appended to
 * the entry (random bytes never carry one). Whatever decodes must name a
 * valid scope whose id is the row's; a put must have decoded an entry
 * of that scope. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz_key.h"
#include "replica.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static struct ht_row row;
static struct ht_entry_row er;

static void
check(const struct ht_key *key)
{
	if (ht_entry_row_decode(&row, key, &er) != NULL)
		return;
	if (!ht_registry_scope_valid(er.scope) || ht_entry_row_id(er.scope) != row.id)
		abort();
	if (er.op == HT_ENTRY_PUT && strcmp(er.e.scope, er.scope) != 0)
		abort();
	if (er.op != HT_ENTRY_PUT && er.op != HT_ENTRY_DELETE)
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char dbkey[HT_ENTRY_KEY_MAX + 1];
	struct ht_key key;
	size_t head;

	memset(&row, 0, sizeof(row));
	if (!fuzz_take_id(&data, &size, &row.id) || size > sizeof(row.payload) - HT_MAC_BYTES)
		return 0;
	fuzz_key(&key);
	row.kind = HT_ROW_ENTRY;
	row.len = size;
	memcpy(row.payload, data, row.len);
	check(&key);
	if (!ht_registry_scope_valid(er.scope))
		return 0;
	row.id = ht_entry_row_id(er.scope);
	check(&key);
	/* format, op, u16 length, scope: then the entry, sealed. */
	head = 4 + strlen(er.scope);
	if (head <= row.len && ht_entry_key(er.scope, dbkey) == 0) {
		ht_mac(&key, dbkey, strlen(dbkey), row.payload + head, row.len - head,
		       row.payload + row.len);
		row.len += HT_MAC_BYTES;
		check(&key);
	}
	return 0;
}

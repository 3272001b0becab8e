/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fixed key the decoder targets use, so that seeds sealed by
 * fuzz/mkseeds stay valid across runs. */
#ifndef HT_FUZZ_KEY_H
#define HT_FUZZ_KEY_H

#include <string.h>

#include "key.h"
#include "token.h"

static inline void
fuzz_key(struct ht_key *key)
{
	memset(key->hash_key, 0x11, sizeof(key->hash_key));
	memset(key->mac_key, 0x22, sizeof(key->mac_key));
}

/* The id a stored value is read under: the input's first 8 bytes
 * (big-endian), which are then skipped. 0 when the input is shorter. */
static inline int
fuzz_take_id(const unsigned char **data, size_t *size, ht_id *id)
{
	if (*size < 8)
		return 0;
	*id = 0;
	for (int i = 0; i < 8; i++)
		*id = (*id << 8) | (*data)[i];
	*data += 8;
	*size -= 8;
	return 1;
}

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fixed key the decoder targets use, so that seeds sealed by
 * fuzz/mkseeds stay valid across runs. */
#ifndef HT_FUZZ_KEY_H
#define HT_FUZZ_KEY_H

#include <string.h>

#include "key.h"

static inline void
fuzz_key(struct ht_key *key)
{
	memset(key->hash_key, 0x11, sizeof(key->hash_key));
	memset(key->mac_key, 0x22, sizeof(key->mac_key));
}

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: token text parsing. Besides not crashing, a parse
 * that succeeds must round-trip: formatting the parsed token gives back
 * exactly the input, so the parser accepts nothing the formatter cannot
 * produce. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "token.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char text[HT_TOKEN_LEN + 1];
	struct ht_token tok;
	ht_id id;

	if (ht_token_parse((const char *)data, size, &tok) == 0) {
		ht_token_format(&tok, text);
		if (size != HT_TOKEN_LEN || memcmp(text, data, size) != 0)
			abort();
		ht_token_wipe(&tok);
	}
	/* ht_id_parse takes a C string: feed it a terminated copy. */
	if (size <= 64) {
		char buf[65];
		memcpy(buf, data, size);
		buf[size] = '\0';
		if (ht_id_parse(buf, &id) == 0 && strcmp(ht_id_format(id).s, buf) != 0)
			abort();
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the last-use file, which every member of the servers'
 * group can write, and the owner entries sweep seals into the store. A
 * last-use file that parses must print back to the very same bytes (the
 * 512-byte form) and hold only printable ASCII; an owner entry that
 * decodes must encode back to the same bytes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lastused.h"
#include "refusal.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void
check_text(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			abort();
}

static void
lastuse(const unsigned char *data, size_t size)
{
	unsigned char out[HT_LASTUSE_FILE_LEN];
	struct ht_lastuse use;

	if (ht_lastuse_parse(data, size, &use) != 0) {
		if (use.time != 0 || use.service[0] || use.from[0] || use.host[0])
			abort();   /* a refusal leaves nothing half-parsed */
		return;
	}
	check_text(use.service);
	check_text(use.from);
	check_text(use.host);
	if (ht_lastuse_format(&use, out) != 0)
		abort();
	if (size == HT_LASTUSE_FILE_LEN && memcmp(out, data, size) != 0)
		abort();
}

static void
refusal(const unsigned char *data, size_t size)
{
	unsigned char out[HT_REFUSAL_BODY_LEN];
	struct ht_owner_refusal r;

	memset(&r, 0, sizeof(r));
	if (ht_refusal_decode(data, size, &r) != 0)
		return;
	ht_refusal_encode(&r, out);
	if (size != sizeof(out) || memcmp(out, data, size) != 0 || ht_refusal_str(r.reason) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	lastuse(data, size);
	refusal(data, size);
	return 0;
}

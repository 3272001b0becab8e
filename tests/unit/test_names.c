/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Names refuse control and invisible format characters (Unicode Cc, Cf,
 * Zl, Zp): both ends of every run of them, and the characters either side,
 * which must stay allowed. The expected values come from Unicode 15.0's
 * DerivedGeneralCategory.txt, not from the table under test. */
#include "config.h"

#include <string.h>

#include "scope.h"
#include "tap.h"
#include "utf8.h"

static const struct { unsigned long cp; int allowed; } edges[] = {
	{ 0x00000, 0 }, { 0x0001f, 0 }, { 0x00020, 1 }, { 0x0007e, 1 }, { 0x0007f, 0 },
	{ 0x0009f, 0 }, { 0x000a0, 1 }, { 0x000ac, 1 }, { 0x000ad, 0 }, { 0x000ae, 1 },
	{ 0x005ff, 1 }, { 0x00600, 0 }, { 0x00605, 0 }, { 0x00606, 1 }, { 0x0061b, 1 },
	{ 0x0061c, 0 }, { 0x0061d, 1 }, { 0x006dc, 1 }, { 0x006dd, 0 }, { 0x006de, 1 },
	{ 0x0070e, 1 }, { 0x0070f, 0 }, { 0x00710, 1 }, { 0x0088f, 1 }, { 0x00890, 0 },
	{ 0x00891, 0 }, { 0x00892, 1 }, { 0x008e1, 1 }, { 0x008e2, 0 }, { 0x008e3, 1 },
	{ 0x0180d, 1 }, { 0x0180e, 0 }, { 0x0180f, 1 }, { 0x0200a, 1 }, { 0x0200b, 0 },
	{ 0x0200f, 0 }, { 0x02010, 1 }, { 0x02027, 1 }, { 0x02028, 0 }, { 0x02029, 0 },
	{ 0x0202e, 0 }, { 0x0202f, 1 }, { 0x0205f, 1 }, { 0x02060, 0 }, { 0x02064, 0 },
	{ 0x02065, 1 }, { 0x02066, 0 }, { 0x0206f, 0 }, { 0x02070, 1 }, { 0x0fefe, 1 },
	{ 0x0feff, 0 }, { 0x0ff00, 1 }, { 0x0fff8, 1 }, { 0x0fff9, 0 }, { 0x0fffb, 0 },
	{ 0x0fffc, 1 }, { 0x110bc, 1 }, { 0x110bd, 0 }, { 0x110be, 1 }, { 0x110cc, 1 },
	{ 0x110cd, 0 }, { 0x110ce, 1 }, { 0x1342f, 1 }, { 0x13430, 0 }, { 0x13438, 0 },
	{ 0x13439, 0 }, { 0x1343f, 0 }, { 0x13440, 1 }, { 0x1bc9f, 1 }, { 0x1bca0, 0 },
	{ 0x1bca3, 0 }, { 0x1bca4, 1 }, { 0x1d172, 1 }, { 0x1d173, 0 }, { 0x1d17a, 0 },
	{ 0x1d17b, 1 }, { 0xdffff, 1 }, { 0xe0000, 0 }, { 0xe0001, 0 }, { 0xe0002, 0 },
	{ 0xe001f, 0 }, { 0xe0020, 0 }, { 0xe007f, 0 }, { 0xe0080, 1 }, { 0x10ffff, 1 },
};

static size_t
encode(unsigned long cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static void
test_edges(void)
{
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		unsigned long cp = edges[i].cp;
		char name[16] = "a";
		size_t n = 1 + encode(cp, name + 1);
		unsigned long back = 0;

		ok(ht_utf8_is_invisible(cp) == !edges[i].allowed,
		   "U+%04lX: is_invisible %d, expected %d", cp, ht_utf8_is_invisible(cp),
		   !edges[i].allowed);
		if (cp == 0)
			continue;   /* cannot sit inside a C string */
		name[n] = 'z';
		ok(ht_utf8_decode((unsigned char *)name + 1, n - 1, &back) == n - 1 && back == cp,
		   "U+%04lX encodes as the test means it", cp);
		ok(ht_name_valid(name) == edges[i].allowed, "name \"a U+%04lX z\": valid %d, "
		   "expected %d", cp, ht_name_valid(name), edges[i].allowed);
	}
}

/* The characters the review reproduced, alone and inside a name. */
static void
test_reported(void)
{
	static const char *const bad[] = {
		"ci\xe2\x80\x8b",        /* U+200B zero-width space */
		"\xef\xbb\xbf" "ci",     /* U+FEFF byte order mark */
		"c\xe2\x80\xa8i",        /* U+2028 line separator */
		"c\xe2\x80\xa9i",        /* U+2029 paragraph separator */
		"ci\xf3\xa0\x81\x81",    /* U+E0041 tag latin capital A */
		"ci\xe2\x80\xae" "lmth.exe", /* U+202E right-to-left override */
		"c\xc2\xadi",            /* U+00AD soft hyphen */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!ht_name_valid(bad[i]), "reported name %zu refused", i);
	ok(ht_name_valid("caf\xc3\xa9 \xe2\x80\x94 CI"), "é and an em dash stay allowed");
}

int
main(void)
{
	test_edges();
	test_reported();
	return done();
}

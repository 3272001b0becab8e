/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "utf8.h"

size_t
ht_utf8_decode(const unsigned char *p, size_t avail, unsigned long *cp)
{
	unsigned long c;
	size_t n;

	if (avail == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, c = p[0] & 0x1fu;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, c = p[0] & 0x0fu;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, c = p[0] & 0x07u;
	else
		return 0;
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0u) != 0x80u)
			return 0;
		c = (c << 6) | (p[i] & 0x3fu);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* General category Cf of Unicode 15.0 (DerivedGeneralCategory.txt), in
 * order, with Zl (U+2028) and Zp (U+2029) merged into the run they sit in,
 * and the tag block whole. */
static const struct { unsigned long first, last; } invisible[] = {
	{ 0x00ad, 0x00ad },   /* soft hyphen */
	{ 0x0600, 0x0605 },   /* Arabic number signs */
	{ 0x061c, 0x061c },   /* Arabic letter mark */
	{ 0x06dd, 0x06dd },
	{ 0x070f, 0x070f },
	{ 0x0890, 0x0891 },
	{ 0x08e2, 0x08e2 },
	{ 0x180e, 0x180e },   /* Mongolian vowel separator */
	{ 0x200b, 0x200f },   /* zero-width space, joiners, LRM, RLM */
	{ 0x2028, 0x202e },   /* line and paragraph separators, bidi embeddings */
	{ 0x2060, 0x2064 },   /* word joiner, invisible operators */
	{ 0x2066, 0x206f },   /* bidi isolates, deprecated format characters */
	{ 0xfeff, 0xfeff },   /* zero-width no-break space (byte order mark) */
	{ 0xfff9, 0xfffb },   /* interlinear annotation */
	{ 0x110bd, 0x110bd },
	{ 0x110cd, 0x110cd },
	{ 0x13430, 0x1343f }, /* Egyptian hieroglyph format controls */
	{ 0x1bca0, 0x1bca3 }, /* shorthand format controls */
	{ 0x1d173, 0x1d17a }, /* musical symbol format controls */
	/* The whole tag block: the language tag, the tag characters and the
	 * code points between them, unassigned but reserved for tags, which
	 * no font draws either (a later Unicode may make them Cf). */
	{ 0xe0000, 0xe007f },
};

int
ht_utf8_is_invisible(unsigned long cp)
{
	size_t lo = 0, hi = sizeof(invisible) / sizeof(invisible[0]);

	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < invisible[mid].first)
			hi = mid;
		else if (cp > invisible[mid].last)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

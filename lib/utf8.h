/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One UTF-8 decoder for everything that judges or prints user text. */
#ifndef HT_UTF8_H
#define HT_UTF8_H

#include <stddef.h>

/* Length (1-4) of the well-formed UTF-8 sequence at p, at most avail
 * bytes, with its code point in *cp; 0 when it is not well formed
 * (truncated, overlong, a surrogate, past U+10FFFF). */
size_t ht_utf8_decode(const unsigned char *p, size_t avail, unsigned long *cp);

/* 1 when cp is a control or invisible format character, one a name must
 * not hold: Unicode general categories Cc (C0, DEL, C1), Cf (Unicode 15:
 * soft hyphen, zero-width characters, bidirectional controls, the byte
 * order mark, tag characters...), Zl and Zp. They hide or reorder what a
 * reader sees, so a name holding one could pass for another. */
int ht_utf8_is_invisible(unsigned long cp);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The little JSON httptokend's protocol needs, and no more: a writer into
 * a growing buffer, and a strict reader of objects, arrays of strings,
 * strings, integers and booleans. The reader refuses what a lenient one
 * would guess at: raw control characters, invalid UTF-8, lone surrogates,
 * NUL inside a string, leading zeros, numbers out of range, trailing
 * bytes, nesting it was not asked for. */
#ifndef HTD_JSON_H
#define HTD_JSON_H

#include <stddef.h>

/* A growing byte buffer. failed sticks once an allocation failed. */
struct jbuf {
	char *data;
	size_t len, cap;
	int failed;
};

void jbuf_put(struct jbuf *b, const void *s, size_t n);
void jbuf_puts(struct jbuf *b, const char *s);
void jbuf_int(struct jbuf *b, long v);
/* A JSON string of the n bytes at s: UTF-8 as it is, control characters,
 * quote and backslash escaped, a byte that is not UTF-8 as U+FFFD. */
void jbuf_str(struct jbuf *b, const char *s, size_t n);
/* Wipes (the buffer may hold a token) and frees. */
void jbuf_free(struct jbuf *b);

struct jreader {
	const unsigned char *p, *end;
};

/* Each returns 0 on success, -1 on malformed input. */
void json_init(struct jreader *r, const char *buf, size_t len);
int json_punct(struct jreader *r, char c);        /* one of { } [ ] : , */
int json_peek(struct jreader *r, char c);         /* next token is c (not consumed) */
/* A string, decoded into a fresh NUL-terminated buffer (freed by the
 * caller); strings holding U+0000 are refused, as every string here
 * becomes a C string. */
int json_string(struct jreader *r, char **out, size_t *len);
int json_int(struct jreader *r, long min, long max, long *out);
int json_bool(struct jreader *r, int *out);
int json_end(struct jreader *r);                  /* nothing but blanks left */

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* See json.h. The reader is a hand-written descent over one flat object:
 * every caller states what comes next, so no input can make it recurse or
 * allocate beyond the size of the input. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "utf8.h"
#include "json.h"

#define JSON_INT_DIGITS 18

void
jbuf_put(struct jbuf *b, const void *s, size_t n)
{
	if (b->failed)
		return;
	if (n > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap - b->len < n) {
			if (cap > ((size_t)-1) / 2) {
				b->failed = 1;
				return;
			}
			cap *= 2;
		}
		/* No realloc: the old block may hold a secret to wipe. */
		if ((p = malloc(cap)) == NULL) {
			b->failed = 1;
			return;
		}
		if (b->data != NULL) {
			memcpy(p, b->data, b->len);
			sodium_memzero(b->data, b->cap);
			free(b->data);
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

void
jbuf_puts(struct jbuf *b, const char *s)
{
	jbuf_put(b, s, strlen(s));
}

void
jbuf_int(struct jbuf *b, long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%ld", v);
	jbuf_puts(b, num);
}

void
jbuf_str(struct jbuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	jbuf_put(b, "\"", 1);
	while (i < n) {
		unsigned long cp;
		size_t k = ht_utf8_decode(p + i, n - i, &cp);
		char esc[8];

		if (k == 0) {
			jbuf_puts(b, "\\ufffd");
			k = 1;
		} else if (cp == '"' || cp == '\\') {
			esc[0] = '\\';
			esc[1] = (char)cp;
			jbuf_put(b, esc, 2);
		} else if (cp < 0x20 || cp == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04lx", cp);
			jbuf_puts(b, esc);
		} else {
			jbuf_put(b, p + i, k);
		}
		i += k;
	}
	jbuf_put(b, "\"", 1);
}

void
jbuf_free(struct jbuf *b)
{
	if (b->data != NULL) {
		sodium_memzero(b->data, b->cap);
		free(b->data);
	}
	memset(b, 0, sizeof(*b));
}

void
json_init(struct jreader *r, const char *buf, size_t len)
{
	r->p = (const unsigned char *)buf;
	r->end = r->p + len;
}

static void
skip_blanks(struct jreader *r)
{
	while (r->p < r->end &&
	       (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

int
json_peek(struct jreader *r, char c)
{
	skip_blanks(r);
	return r->p < r->end && *r->p == (unsigned char)c;
}

int
json_punct(struct jreader *r, char c)
{
	if (!json_peek(r, c))
		return -1;
	r->p++;
	return 0;
}

int
json_end(struct jreader *r)
{
	skip_blanks(r);
	return r->p == r->end ? 0 : -1;
}

static int
hex4(struct jreader *r, unsigned long *v)
{
	*v = 0;
	if (r->end - r->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned char c = *r->p++;
		unsigned long d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = (unsigned long)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned long)(c - 'A' + 10);
		else
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

/* \uXXXX, with a surrogate pair read as one code point. */
static int
unicode_escape(struct jreader *r, unsigned long *cp)
{
	unsigned long lo;

	if (hex4(r, cp) != 0)
		return -1;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return -1;
	if (*cp < 0xd800 || *cp > 0xdbff)
		return 0;
	if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
		return -1;
	r->p += 2;
	if (hex4(r, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
		return -1;
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

static size_t
utf8_encode(unsigned long cp, unsigned char *o)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

static int
escape(struct jreader *r, unsigned long *cp)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;

	if (r->p >= r->end)
		return -1;
	if (*r->p == 'u') {
		r->p++;
		return unicode_escape(r, cp);
	}
	if ((hit = memchr(from, *r->p, sizeof(from) - 1)) == NULL)
		return -1;
	r->p++;
	*cp = (unsigned char)to[hit - from];
	return 0;
}

/* Bytes up to the closing quote (escapes skipped), or the rest of the
 * input when there is none (the decoder then fails). */
static size_t
encoded_length(const struct jreader *r)
{
	const unsigned char *p = r->p;

	while (p < r->end && *p != '"')
		p += *p == '\\' && p + 1 < r->end ? 2 : 1;
	return (size_t)(p - r->p);
}

/* Decoded text is never longer than its encoding, so the output buffer is
 * sized once, from the string's own encoding: a request of many short
 * strings costs what it weighs. */
int
json_string(struct jreader *r, char **out, size_t *len)
{
	unsigned char *o, *buf;

	*out = NULL;
	if (json_punct(r, '"') != 0)
		return -1;
	if ((buf = malloc(encoded_length(r) + 1)) == NULL)
		return -1;
	o = buf;
	for (;;) {
		unsigned long cp;
		size_t k;

		if (r->p >= r->end)
			break;
		if (*r->p == '"') {
			r->p++;
			*o = '\0';
			*out = (char *)buf;
			*len = (size_t)(o - buf);
			return 0;
		}
		if (*r->p == '\\') {
			r->p++;
			if (escape(r, &cp) != 0 || cp == 0)
				break;
			o += utf8_encode(cp, o);
			continue;
		}
		k = ht_utf8_decode(r->p, (size_t)(r->end - r->p), &cp);
		if (k == 0 || cp < 0x20)
			break;
		memcpy(o, r->p, k);
		o += k;
		r->p += k;
	}
	sodium_memzero(buf, (size_t)(o - buf));
	free(buf);
	return -1;
}

int
json_int(struct jreader *r, long min, long max, long *out)
{
	int neg = 0, digits = 0;
	long v = 0;

	skip_blanks(r);
	if (r->p < r->end && *r->p == '-') {
		neg = 1;
		r->p++;
	}
	if (r->p < r->end && *r->p == '0' && r->end - r->p > 1 &&
	    r->p[1] >= '0' && r->p[1] <= '9')
		return -1;
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		if (++digits > JSON_INT_DIGITS)
			return -1;
		v = v * 10 + (*r->p++ - '0');
	}
	if (digits == 0)
		return -1;
	/* No fraction or exponent: every number here is a count. */
	if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E'))
		return -1;
	if (neg)
		v = -v;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
json_bool(struct jreader *r, int *out)
{
	skip_blanks(r);
	if (r->end - r->p >= 4 && memcmp(r->p, "true", 4) == 0) {
		r->p += 4;
		*out = 1;
		return 0;
	}
	if (r->end - r->p >= 5 && memcmp(r->p, "false", 5) == 0) {
		r->p += 5;
		*out = 0;
		return 0;
	}
	return -1;
}

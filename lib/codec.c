/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "codec.h"

static unsigned char *
reserve(struct ht_writer *w, size_t n)
{
	unsigned char *p;

	if (w->failed || w->cap - w->len < n) {
		w->failed = 1;
		return NULL;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

static void
put_be(struct ht_writer *w, uint64_t v, size_t n)
{
	unsigned char *p = reserve(w, n);

	if (p == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
}

void ht_put_u8(struct ht_writer *w, uint8_t v)   { put_be(w, v, 1); }
void ht_put_u16(struct ht_writer *w, uint16_t v) { put_be(w, v, 2); }
void ht_put_u32(struct ht_writer *w, uint32_t v) { put_be(w, v, 4); }
void ht_put_u64(struct ht_writer *w, uint64_t v) { put_be(w, v, 8); }

void
ht_put_bytes(struct ht_writer *w, const void *src, size_t n)
{
	unsigned char *p = reserve(w, n);

	if (p != NULL && n > 0)
		memcpy(p, src, n);
}

void
ht_put_str(struct ht_writer *w, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max || n > UINT16_MAX) {
		w->failed = 1;
		return;
	}
	ht_put_u16(w, (uint16_t)n);
	ht_put_bytes(w, s, n);
}

static const unsigned char *
take(struct ht_reader *r, size_t n)
{
	const unsigned char *p;

	if (r->failed || r->len - r->pos < n) {
		r->failed = 1;
		return NULL;
	}
	p = r->buf + r->pos;
	r->pos += n;
	return p;
}

static uint64_t
get_be(struct ht_reader *r, size_t n)
{
	const unsigned char *p = take(r, n);
	uint64_t v = 0;

	if (p == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

uint8_t  ht_get_u8(struct ht_reader *r)  { return (uint8_t)get_be(r, 1); }
uint16_t ht_get_u16(struct ht_reader *r) { return (uint16_t)get_be(r, 2); }
uint32_t ht_get_u32(struct ht_reader *r) { return (uint32_t)get_be(r, 4); }
uint64_t ht_get_u64(struct ht_reader *r) { return get_be(r, 8); }

void
ht_get_bytes(struct ht_reader *r, void *dst, size_t n)
{
	const unsigned char *p = take(r, n);

	if (p != NULL && n > 0)
		memcpy(dst, p, n);
}

void
ht_get_str(struct ht_reader *r, char *out, size_t size)
{
	size_t n = ht_get_u16(r);
	const unsigned char *p;

	out[0] = '\0';
	if (r->failed || n >= size) {
		r->failed = 1;
		return;
	}
	p = take(r, n);
	if (p == NULL)
		return;
	if (memchr(p, '\0', n) != NULL) {
		r->failed = 1;
		return;
	}
	memcpy(out, p, n);
	out[n] = '\0';
}

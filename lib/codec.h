/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Explicit big-endian byte encoding for stored values: a bounded writer
 * and a bounded reader that fail (and stay failed) instead of overrunning. */
#ifndef HT_CODEC_H
#define HT_CODEC_H

#include <stddef.h>
#include <stdint.h>

struct ht_writer {
	unsigned char *buf;
	size_t cap, len;
	int failed;
};

struct ht_reader {
	const unsigned char *buf;
	size_t len, pos;
	int failed;
};

void ht_put_u8(struct ht_writer *w, uint8_t v);
void ht_put_u16(struct ht_writer *w, uint16_t v);
void ht_put_u32(struct ht_writer *w, uint32_t v);
void ht_put_u64(struct ht_writer *w, uint64_t v);
void ht_put_bytes(struct ht_writer *w, const void *p, size_t n);
/* A string as u16 length + bytes (no NUL); fails when longer than max. */
void ht_put_str(struct ht_writer *w, const char *s, size_t max);

uint8_t ht_get_u8(struct ht_reader *r);
uint16_t ht_get_u16(struct ht_reader *r);
uint32_t ht_get_u32(struct ht_reader *r);
uint64_t ht_get_u64(struct ht_reader *r);
void ht_get_bytes(struct ht_reader *r, void *p, size_t n);
/* Reads a u16-length string into out (size bytes, NUL-terminated);
 * fails when it does not fit or contains a NUL. */
void ht_get_str(struct ht_reader *r, char *out, size_t size);

#endif

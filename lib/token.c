/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "token.h"

static const char base62[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

#define PREFIX_END  HT_TOKEN_PREFIX_LEN
#define ID_END      (PREFIX_END + HT_ID_HEX_LEN)
#define SECRET_END  (ID_END + HT_SECRET_LEN)

uint32_t
ht_crc32(const unsigned char *buf, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= buf[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static void
checksum_encode(uint32_t crc, char out[HT_CHECKSUM_LEN])
{
	for (int i = HT_CHECKSUM_LEN - 1; i >= 0; i--) {
		out[i] = base62[crc % 62];
		crc /= 62;
	}
}

static int
base62_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 36;
	return -1;
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void
ht_token_generate(struct ht_token *tok)
{
	randombytes_buf(&tok->id, sizeof(tok->id));
	for (size_t i = 0; i < HT_SECRET_LEN; i++)
		tok->secret[i] = base62[randombytes_uniform(62)];
}

struct ht_id_text
ht_id_format(ht_id id)
{
	static const char hex[] = "0123456789abcdef";
	struct ht_id_text t;

	for (int i = HT_ID_HEX_LEN - 1; i >= 0; i--) {
		t.s[i] = hex[id & 0xf];
		id >>= 4;
	}
	t.s[HT_ID_HEX_LEN] = '\0';
	return t;
}

int
ht_id_parse(const char *text, ht_id *id)
{
	ht_id v = 0;

	if (strlen(text) != HT_ID_HEX_LEN)
		return -1;
	for (size_t i = 0; i < HT_ID_HEX_LEN; i++) {
		int d = hex_value((unsigned char)text[i]);
		if (d < 0)
			return -1;
		v = (v << 4) | (ht_id)d;
	}
	*id = v;
	return 0;
}

void
ht_token_format(const struct ht_token *tok, char out[HT_TOKEN_LEN + 1])
{
	struct ht_id_text idt = ht_id_format(tok->id);

	memcpy(out, HT_TOKEN_PREFIX, PREFIX_END);
	memcpy(out + PREFIX_END, idt.s, HT_ID_HEX_LEN);
	memcpy(out + ID_END, tok->secret, HT_SECRET_LEN);
	checksum_encode(ht_crc32((const unsigned char *)out, SECRET_END), out + SECRET_END);
	out[HT_TOKEN_LEN] = '\0';
}

int
ht_token_parse(const char *text, size_t len, struct ht_token *tok)
{
	const unsigned char *p = (const unsigned char *)text;
	char expect[HT_CHECKSUM_LEN];
	ht_id id = 0;
	int bad = 0;

	if (len != HT_TOKEN_LEN || memcmp(p, HT_TOKEN_PREFIX, PREFIX_END) != 0)
		return -1;
	for (size_t i = PREFIX_END; i < ID_END; i++) {
		int d = hex_value(p[i]);
		bad |= d < 0;
		id = (id << 4) | (ht_id)(d & 0xf);
	}
	for (size_t i = ID_END; i < HT_TOKEN_LEN; i++)
		bad |= base62_value(p[i]) < 0;
	checksum_encode(ht_crc32(p, SECRET_END), expect);
	bad |= sodium_memcmp(expect, p + SECRET_END, HT_CHECKSUM_LEN) != 0;
	if (bad)
		return -1;
	tok->id = id;
	memcpy(tok->secret, p + ID_END, HT_SECRET_LEN);
	return 0;
}

void
ht_token_wipe(struct ht_token *tok)
{
	sodium_memzero(tok, sizeof(*tok));
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Token text: generation, round trip, and rejection of everything that is
 * not exactly a well-formed token with the right checksum. */
#include "config.h"

#include <regex.h>
#include <string.h>

#include <sodium.h>

#include "tap.h"
#include "token.h"

static int
matches_spec_regex(const char *text)
{
	regex_t re;
	int rc;

	regcomp(&re, "^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$", REG_EXTENDED | REG_NOSUB);
	rc = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return rc;
}

static void
test_round_trip(void)
{
	int all_ok = 1, all_regex = 1;

	for (int i = 0; i < 1000; i++) {
		struct ht_token tok, back;
		char text[HT_TOKEN_LEN + 1];

		ht_token_generate(&tok);
		ht_token_format(&tok, text);
		all_regex &= matches_spec_regex(text) && strlen(text) == 69;
		all_ok &= ht_token_parse(text, strlen(text), &back) == 0 && back.id == tok.id &&
		          memcmp(back.secret, tok.secret, HT_SECRET_LEN) == 0;
	}
	ok(all_regex, "1000 generated tokens are 69 chars and match the documented pattern");
	ok(all_ok, "1000 generated tokens parse back to the same id and secret");
}

static void
test_known_checksum(void)
{
	/* CRC-32 of "123456789" is the standard check value 0xcbf43926. */
	is_int(ht_crc32((const unsigned char *)"123456789", 9), 0xcbf43926u,
	   "CRC-32 gives the standard check value");
}

static void
test_every_single_change_rejected(void)
{
	struct ht_token tok, out;
	char text[HT_TOKEN_LEN + 1];
	const char alphabet[] = "0123456789abcdefABCDEFxyzXYZ_-+/= \n";
	int accepted = 0, tried = 0;

	ht_token_generate(&tok);
	ht_token_format(&tok, text);
	for (size_t pos = 0; pos < HT_TOKEN_LEN; pos++) {
		char orig = text[pos];
		for (const char *c = alphabet; *c; c++) {
			if (*c == orig)
				continue;
			text[pos] = *c;
			tried++;
			accepted += ht_token_parse(text, HT_TOKEN_LEN, &out) == 0;
		}
		text[pos] = orig;
	}
	is_int(accepted, 0, "all %d single-character changes are rejected", tried);
}

static void
test_shapes_rejected(void)
{
	struct ht_token tok, out;
	char text[HT_TOKEN_LEN + 2];
	char upper[HT_TOKEN_LEN + 1];

	ht_token_generate(&tok);
	ht_token_format(&tok, text);
	is_int(ht_token_parse(text, HT_TOKEN_LEN - 1, &out), -1, "truncated token rejected");
	text[HT_TOKEN_LEN] = 'x';
	text[HT_TOKEN_LEN + 1] = '\0';
	is_int(ht_token_parse(text, HT_TOKEN_LEN + 1, &out), -1, "token with a trailing byte rejected");
	is_int(ht_token_parse("", 0, &out), -1, "empty string rejected");
	is_int(ht_token_parse("correct horse battery staple", 28, &out), -1,
	   "an ordinary password is rejected");
	ht_token_format(&tok, upper);
	memcpy(upper, "HTK_", 4);
	is_int(ht_token_parse(upper, HT_TOKEN_LEN, &out), -1, "upper-case prefix rejected");
	ht_token_format(&tok, text);
	text[10] = '\0';
	is_int(ht_token_parse(text, HT_TOKEN_LEN, &out), -1, "embedded NUL rejected");
}

static void
test_ids(void)
{
	ht_id id;
	struct ht_id_text t = ht_id_format(0x0123456789abcdefULL);

	is_str(t.s, "0123456789abcdef", "id formats as 16 lowercase hex digits");
	is_int(ht_id_parse("0123456789abcdef", &id), 0, "id parses");
	ok(id == 0x0123456789abcdefULL, "id parses back to the same value (%016llx)",
	   (unsigned long long)id);
	is_int(ht_id_parse("0123456789ABCDEF", &id), -1, "upper-case id rejected");
	is_int(ht_id_parse("0123456789abcde", &id), -1, "short id rejected");
	is_int(ht_id_parse("0123456789abcdef0", &id), -1, "long id rejected");
	is_int(ht_id_parse("0123456789abcdeg", &id), -1, "non-hex id rejected");
}

static void
test_wipe(void)
{
	struct ht_token tok;
	static const char zero[sizeof(tok)];

	ht_token_generate(&tok);
	ht_token_wipe(&tok);
	is_mem(&tok, zero, sizeof(tok), "wipe clears id and secret");
}

int
main(void)
{
	if (sodium_init() < 0)
		bail("sodium_init failed");
	test_round_trip();
	test_known_checksum();
	test_every_single_change_rejected();
	test_shapes_rejected();
	test_ids();
	test_wipe();
	return done();
}

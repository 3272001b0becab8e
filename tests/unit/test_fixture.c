/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fixture's mutations of a good input are certain to differ from it:
 * a test that uses them can only pass for the right reason. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "fixture.h"
#include "tap.h"
#include "token.h"

static void
test_next_char(void)
{
	int same = 0;

	for (int c = 1; c < 256; c++)
		same += fixture_next_char((char)c) == (char)c;
	is_int(same, 0, "fixture_next_char changes every byte value");
	is_int(fixture_next_char('z'), '0', "... in a cycle of A-Z a-z 0-9: z becomes 0");
	is_int(fixture_next_char('9'), 'A', "... and 9 becomes A");
}

static void
test_forge(void)
{
	int differ = 0, parse = 0, same_id = 0;

	for (int i = 0; i < 1000; i++) {
		char text[HT_TOKEN_LEN + 1], forged[HT_TOKEN_LEN + 1];
		struct ht_token tok, back;

		ht_token_generate(&tok);
		ht_token_format(&tok, text);
		if (fixture_forge(text, forged) != 0)
			bail("setup failed: fixture_forge refused a generated token");
		differ += strcmp(text, forged) != 0;
		if (ht_token_parse(forged, strlen(forged), &back) != 0)
			continue;
		parse++;
		same_id += back.id == tok.id && memcmp(back.secret, tok.secret, HT_SECRET_LEN) != 0;
	}
	is_int(differ, 1000, "fixture_forge: 1000 forged tokens all differ from the good one");
	is_int(parse, 1000, "fixture_forge: all are well-formed, with a right checksum");
	is_int(same_id, 1000, "fixture_forge: all keep the id and change the secret");
	is_int(fixture_forge("hunter2", (char[HT_TOKEN_LEN + 1]){ 0 }), -1,
	       "fixture_forge refuses what is not a token");
}

int
main(void)
{
	if (sodium_init() < 0)
		bail("sodium_init failed");
	test_next_char();
	test_forge();
	return done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A scratch directory with a fresh key and store, for the C unit tests. */
#ifndef HT_TEST_FIXTURE_H
#define HT_TEST_FIXTURE_H

#include "key.h"
#include "record.h"

struct fixture {
	char dir[256];
	char db[320];
	char keyfile[320];
	struct ht_key key;
};

/* Creates the directory, key and store; exits the test (TAP bail out) on failure. */
void fixture_setup(struct fixture *fx);
void fixture_teardown(struct fixture *fx);

/* Adds a personal token for owner to the store; returns its text in text. */
void fixture_add_token(struct fixture *fx, const char *owner, enum ht_perm perm,
                       int64_t expires, char text[HT_TOKEN_LEN + 1], ht_id *id);

#endif

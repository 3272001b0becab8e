/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared pieces of the hardening tests: a scratch store with tokens of
 * every kind and state (made straight through the library, so the
 * fixture does not depend on tokenctl's command line), running a check
 * in a child under a deadline, and running external programs. */
#ifndef HT_HFIX_H
#define HT_HFIX_H

#include <stddef.h>
#include <sys/types.h>

#include "key.h"
#include "record.h"
#include "verify.h"

#define HFIX_TOKEN_USER "x-token-auth"
#define HFIX_RESOURCE   "PROJ"

struct hfix {
	char dir[256];
	char db[320];
	char keyfile[320];
	char user[HT_OWNER_MAX + 1];   /* the user running the test */
	struct ht_key key;
};

struct hfix_token {
	struct ht_record rec;
	char text[HT_TOKEN_LEN + 1];
	const char *user;          /* the PAM user that presents it */
	enum ht_verdict expect;    /* its verdict in the intact store */
};

/* Creates a private directory under $TMPDIR with a key and an empty
 * store; bails out of the test on failure. */
void hfix_setup(struct hfix *fx);
void hfix_teardown(struct hfix *fx);

/* Fills toks[0..n) with a spread of kinds and states (valid personal,
 * project and repository tokens, revoked, expired, another user's,
 * out of scope) and stores them in one transaction. n <= 8. */
void hfix_standard_tokens(struct hfix *fx, struct hfix_token *toks, size_t n);

/* n new active personal tokens of the test user, stored in one
 * transaction. */
void hfix_add_personals(struct hfix *fx, struct hfix_token *toks, size_t n);

/* The request the module would make for tok against fx (resource PROJ,
 * require read). */
void hfix_request(const struct hfix *fx, const char *db, const struct hfix_token *tok,
                  struct ht_verify_request *req);

/* Reads a whole file into a malloc'd buffer; NULL on failure. */
unsigned char *hfix_slurp(const char *path, size_t *len);
/* Replaces path by len bytes of buf, mode 0600. 0 or -1. */
int hfix_spit(const char *path, const void *buf, size_t len);

/* Runs argv with stdin from in (may be NULL: /dev/null), stdout and
 * stderr captured into out/errbuf (NUL-terminated, truncated to size),
 * killed after timeout_s. Returns the wait status, or -1 when it timed
 * out (it is killed) or could not start. extra_env: "NAME=value"
 * strings added to the environment, NULL-terminated, may be NULL. */
int hfix_run(const char *const argv[], const char *const extra_env[], const char *in,
             char *out, size_t out_size, char *errbuf, size_t err_size, int timeout_s);

/* Path of a built program or module under $top_builddir, NULL when it
 * is not there. */
const char *hfix_built(const char *rel, char *buf, size_t size);

/* Path of libpam_wrapper.so (any multiarch directory), NULL when it is
 * not installed. */
const char *hfix_pam_wrapper(void);

/* Deterministic pseudo-random numbers (seeded from $HT_SEED or the
 * clock; the seed is printed as a TAP comment so a failure can be
 * replayed). */
void hfix_seed(void);
unsigned long hfix_rand(void);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The module as a PAM host loads it: dlopen with RTLD_NOW (every symbol
 * resolves), the three entry points present, and nothing of the library
 * inside visible, so it cannot clash with the host's own symbols. */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>

#include "tap.h"

static const char *const exported[] = {
	"pam_sm_authenticate", "pam_sm_acct_mgmt", "pam_sm_setcred",
};

static const char *const internal[] = {
	"ht_verify_password", "ht_verify_id", "ht_token_parse", "ht_token_format",
	"ht_store_open", "ht_store_get", "ht_key_load", "ht_secret_hash",
	"ht_record_decode", "ht_policy_refuses", "ht_scope_allows",
	"ht_lastused_touch", "ht_open_safely", "ht_error_set", "ht_crc32",
	"options_parse", "pht_log", "ht_log_field", "ht_log_auth",
	"pam_sm_chauthtok", "pam_sm_open_session", "pam_sm_close_session",
};

int
main(int argc, char **argv)
{
	void *h;

	if (argc != 2) {
		fprintf(stderr, "usage: dlsym_check MODULE.so\n");
		return 2;
	}
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!ok(h != NULL, "dlopen with RTLD_NOW")) {
		printf("# %s\n", dlerror());
		return done();
	}
	for (size_t i = 0; i < sizeof(exported) / sizeof(exported[0]); i++)
		ok(dlsym(h, exported[i]) != NULL, "%s exported", exported[i]);
	for (size_t i = 0; i < sizeof(internal) / sizeof(internal[0]); i++)
		ok(dlsym(h, internal[i]) == NULL, "%s not exported", internal[i]);
	dlclose(h);
	return done();
}

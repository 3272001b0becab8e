/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The module's arguments, parsed once per call into one structure. Values
 * point into argv, which libpam keeps alive for the whole call. */
#ifndef PHT_OPTIONS_H
#define PHT_OPTIONS_H

#include <security/pam_modules.h>

#include "record.h"

#define PHT_TOKEN_USER_DEFAULT "x-token-auth"
#define PHT_USE_DEFAULT        "http"

struct options {
	const char *db_path;
	const char *key_path;
	const char *token_user;
	const char *resource;      /* NULL: none configured */
	const char *use;           /* what this service is: "http" unless use= */
	enum ht_perm require;
	const char *git_prefix;    /* git_request=: resource and level come from
	                              each request line; NULL: not set */
	int no_lastused;
	int debug;
};

/* PAM_SUCCESS, or PAM_SERVICE_ERR after logging the offending argument:
 * an unknown or malformed argument must not silently weaken the check. */
int options_parse(pam_handle_t *pamh, int argc, const char **argv, struct options *opt);

#endif

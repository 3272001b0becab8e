/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The module's directives and their per-directory configuration. Built
 * while Apache reads its configuration and read-only afterwards: the only
 * state the module keeps. */
#ifndef HTK_DIRCONF_H
#define HTK_DIRCONF_H

#include <httpd.h>
#include <http_config.h>
#include <ap_expr.h>

#include "record.h"

#define HTK_AUTH_TYPE         "HTTPToken"
#define HTK_TOKEN_USER_DEFAULT "x-token-auth"
#define HTK_USE_DEFAULT       "http"

/* One HTTPTokenRequire line. */
struct htk_require {
	enum ht_perm level;
	ap_expr_info_t *when;   /* NULL: always */
};

/* NULL fields were not set in this section and come from the enclosing
 * one, then from the defaults (see htk_conf_*). */
struct htk_dir_conf {
	const char *store;
	const char *keyfile;
	const char *token_user;
	const char *use;
	ap_expr_info_t *resource;
	apr_array_header_t *requires;   /* of struct htk_require */
};

extern const command_rec htk_directives[];

void *htk_create_dir_conf(apr_pool_t *p, char *dir);
void *htk_merge_dir_conf(apr_pool_t *p, void *base, void *add);

const char *htk_conf_store(const struct htk_dir_conf *conf);
const char *htk_conf_keyfile(const struct htk_dir_conf *conf);
const char *htk_conf_token_user(const struct htk_dir_conf *conf);
const char *htk_conf_use(const struct htk_dir_conf *conf);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <httpd.h>
#include <http_log.h>
#include <apr_strings.h>

#include "dirconf.h"
#include "safefile.h"
#include "scope.h"

APLOG_USE_MODULE(authn_httptoken);

/* What the library appends to a store's path must still fit. */
#define HTK_PATH_MAX (HT_PATH_MAX - HT_PATH_SUFFIX_ROOM)

void *
htk_create_dir_conf(apr_pool_t *p, char *dir)
{
	(void)dir;
	return apr_pcalloc(p, sizeof(struct htk_dir_conf));
}

/* A nested section takes what it sets, the rest from its parent; its
 * HTTPTokenRequire list, when it has one, replaces the parent's whole. */
void *
htk_merge_dir_conf(apr_pool_t *p, void *base_v, void *add_v)
{
	const struct htk_dir_conf *base = base_v, *add = add_v;
	struct htk_dir_conf *c = apr_pcalloc(p, sizeof(*c));

	c->store = add->store != NULL ? add->store : base->store;
	c->keyfile = add->keyfile != NULL ? add->keyfile : base->keyfile;
	c->token_user = add->token_user != NULL ? add->token_user : base->token_user;
	c->use = add->use != NULL ? add->use : base->use;
	c->resource = add->resource != NULL ? add->resource : base->resource;
	c->requires = add->requires != NULL ? add->requires : base->requires;
	return c;
}

const char *
htk_conf_store(const struct htk_dir_conf *conf)
{
	return conf->store != NULL ? conf->store : HT_DEFAULT_DB;
}

const char *
htk_conf_keyfile(const struct htk_dir_conf *conf)
{
	return conf->keyfile != NULL ? conf->keyfile : HT_DEFAULT_KEY;
}

const char *
htk_conf_token_user(const struct htk_dir_conf *conf)
{
	return conf->token_user != NULL ? conf->token_user : HTK_TOKEN_USER_DEFAULT;
}

const char *
htk_conf_use(const struct htk_dir_conf *conf)
{
	return conf->use != NULL ? conf->use : HTK_USE_DEFAULT;
}

/* Every message names the directive: apachectl -t prints it with the file
 * and line. */
static const char *
refuse(cmd_parms *cmd, const char *why, const char *arg)
{
	return apr_psprintf(cmd->pool, "%s: %s: \"%s\"", cmd->cmd->name, why, arg);
}

static const char *
set_once(cmd_parms *cmd, const char **slot, const char *arg)
{
	if (*slot != NULL)
		return refuse(cmd, "given twice in the same section", arg);
	*slot = arg;
	return NULL;
}

static const char *
set_path(cmd_parms *cmd, void *conf_v, const char *arg)
{
	struct htk_dir_conf *conf = conf_v;
	const char **slot = (uintptr_t)cmd->info == 0 ? &conf->store : &conf->keyfile;

	if (arg[0] != '/' || strlen(arg) >= HTK_PATH_MAX)
		return refuse(cmd, "not an absolute path (of under 4000 bytes)", arg);
	return set_once(cmd, slot, arg);
}

static const char *
set_token_user(cmd_parms *cmd, void *conf_v, const char *arg)
{
	struct htk_dir_conf *conf = conf_v;

	if (!ht_user_name_valid(arg))
		return refuse(cmd, "not a valid user name", arg);
	return set_once(cmd, &conf->token_user, arg);
}

static const char *
set_use(cmd_parms *cmd, void *conf_v, const char *arg)
{
	struct htk_dir_conf *conf = conf_v;

	if (!ht_use_valid(arg))
		return refuse(cmd, "a use is a lower-case word: [a-z][a-z0-9-]{0,31}", arg);
	return set_once(cmd, &conf->use, arg);
}

static const char *
set_resource(cmd_parms *cmd, void *conf_v, const char *arg)
{
	struct htk_dir_conf *conf = conf_v;
	const char *err = NULL;
	ap_expr_info_t *expr;

	if (conf->resource != NULL)
		return refuse(cmd, "given twice in the same section", arg);
	expr = ap_expr_parse_cmd(cmd, arg, AP_EXPR_FLAG_STRING_RESULT, &err, NULL);
	if (err != NULL)
		return apr_psprintf(cmd->pool, "%s: cannot parse \"%s\": %s", cmd->cmd->name,
		                    arg, err);
	conf->resource = expr;
	return NULL;
}

static const char *
add_require(cmd_parms *cmd, void *conf_v, const char *level, const char *when)
{
	struct htk_dir_conf *conf = conf_v;
	struct htk_require *req;
	const char *err = NULL;
	enum ht_perm perm;

	if (ht_perm_parse(level, &perm) != 0)
		return refuse(cmd, "the level is read, write or admin", level);
	if (conf->requires == NULL)
		conf->requires = apr_array_make(cmd->pool, 2, sizeof(struct htk_require));
	req = apr_array_push(conf->requires);
	req->level = perm;
	req->when = NULL;
	if (when != NULL) {
		req->when = ap_expr_parse_cmd(cmd, when, 0, &err, NULL);
		if (err != NULL)
			return apr_psprintf(cmd->pool, "%s: cannot parse \"%s\": %s",
			                    cmd->cmd->name, when, err);
	}
	return NULL;
}

/* Server and directory context, never .htaccess: a store, a resource or
 * a level chosen by whoever may write into the document tree would be
 * theirs to weaken. */
const command_rec htk_directives[] = {
	AP_INIT_TAKE1("HTTPTokenStore", set_path, (void *)0, RSRC_CONF | ACCESS_CONF,
	              "the token store (default " HT_DEFAULT_DB ")"),
	AP_INIT_TAKE1("HTTPTokenKeyFile", set_path, (void *)1, RSRC_CONF | ACCESS_CONF,
	              "the store's key file (default " HT_DEFAULT_KEY ")"),
	AP_INIT_TAKE1("HTTPTokenUser", set_token_user, NULL, RSRC_CONF | ACCESS_CONF,
	              "user name of project and repository tokens (default "
	              HTK_TOKEN_USER_DEFAULT ")"),
	AP_INIT_TAKE1("HTTPTokenUse", set_use, NULL, RSRC_CONF | ACCESS_CONF,
	              "what this service is, among a token's uses (default "
	              HTK_USE_DEFAULT ")"),
	AP_INIT_TAKE1("HTTPTokenResource", set_resource, NULL, RSRC_CONF | ACCESS_CONF,
	              "expression giving the project key or KEY/SLUG of the request"),
	AP_INIT_TAKE12("HTTPTokenRequire", add_require, NULL, RSRC_CONF | ACCESS_CONF,
	               "level (read, write, admin) required when the expression holds"),
	{ NULL },
};

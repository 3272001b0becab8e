/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <syslog.h>

#include "gitreq.h"
#include "authlog.h"
#include "log.h"
#include "options.h"
#include "safefile.h"
#include "scope.h"

/* What the library appends to a store's path must still fit. */
#define PHT_PATH_MAX (HT_PATH_MAX - HT_PATH_SUFFIX_ROOM)

/* The key=value arguments as written, before validation. */
struct raw_args {
	const char *db;
	const char *git_request;
	const char *keyfile;
	const char *require;
	const char *resource;
	const char *token_user;
	const char *use;
};

static int
path_valid(const char *v)
{
	return v[0] == '/' && strlen(v) < PHT_PATH_MAX;
}

static int
perm_valid(const char *v)
{
	enum ht_perm p;

	return ht_perm_parse(v, &p) == 0;
}

static const struct {
	const char *key;
	size_t offset;
	int (*valid)(const char *);
} value_args[] = {
	{ "db",         offsetof(struct raw_args, db),         path_valid },
	{ "git_request", offsetof(struct raw_args, git_request), ht_git_prefix_valid },
	{ "keyfile",    offsetof(struct raw_args, keyfile),    path_valid },
	{ "require",    offsetof(struct raw_args, require),    perm_valid },
	{ "resource",   offsetof(struct raw_args, resource),   ht_resource_valid },
	{ "token_user", offsetof(struct raw_args, token_user), ht_user_name_valid },
	{ "use",        offsetof(struct raw_args, use),        ht_use_valid },
};

static int
refuse(pam_handle_t *pamh, const char *arg, const char *why)
{
	char shown[HT_LOG_FIELD_MAX + 4];

	ht_log_field(arg, shown);
	pht_log(pamh, LOG_ERR, "module argument \"%s\": %s", shown, why);
	return -1;
}

/* 1 when arg is one of the flags (and sets it), 0 when it is not a flag. */
static int
parse_flag(const char *arg, struct options *opt)
{
	if (strcmp(arg, "debug") == 0)
		opt->debug = 1;
	else if (strcmp(arg, "no_lastused") == 0)
		opt->no_lastused = 1;
	else if (strcmp(arg, "use_first_pass") != 0 && strcmp(arg, "try_first_pass") != 0)
		return 0;   /* the last two are read by pam_get_authtok itself */
	return 1;
}

static int
parse_value(pam_handle_t *pamh, const char *arg, struct raw_args *raw)
{
	for (size_t i = 0; i < sizeof(value_args) / sizeof(value_args[0]); i++) {
		size_t n = strlen(value_args[i].key);
		const char **slot = (const char **)(void *)((char *)raw + value_args[i].offset);

		if (strncmp(arg, value_args[i].key, n) != 0 || arg[n] != '=')
			continue;
		if (*slot != NULL)
			return refuse(pamh, arg, "given more than once");
		if (!value_args[i].valid(arg + n + 1))
			return refuse(pamh, arg, "invalid value");
		*slot = arg + n + 1;
		return 0;
	}
	return refuse(pamh, arg, "unknown argument");
}

int
options_parse(pam_handle_t *pamh, int argc, const char **argv, struct options *opt)
{
	struct raw_args raw;

	memset(&raw, 0, sizeof(raw));
	memset(opt, 0, sizeof(*opt));
	for (int i = 0; i < argc; i++) {
		if (argv[i] == NULL)
			return PAM_SERVICE_ERR;
		if (!parse_flag(argv[i], opt) && parse_value(pamh, argv[i], &raw) != 0)
			return PAM_SERVICE_ERR;
	}
	/* With git_request= each request names its own resource and level: a
	 * fixed one beside it would leave the reader guessing which applies. */
	if (raw.git_request != NULL && (raw.resource != NULL || raw.require != NULL)) {
		(void)refuse(pamh, raw.git_request - strlen("git_request="),
		             "cannot be combined with resource= or require=");
		return PAM_SERVICE_ERR;
	}
	opt->git_prefix = raw.git_request;
	opt->db_path = raw.db != NULL ? raw.db : HT_DEFAULT_DB;
	opt->key_path = raw.keyfile != NULL ? raw.keyfile : HT_DEFAULT_KEY;
	opt->token_user = raw.token_user != NULL ? raw.token_user : PHT_TOKEN_USER_DEFAULT;
	opt->resource = raw.resource;
	opt->use = raw.use != NULL ? raw.use : PHT_USE_DEFAULT;
	opt->require = HT_PERM_READ;
	if (raw.require != NULL)
		(void)ht_perm_parse(raw.require, &opt->require);
	return PAM_SUCCESS;
}

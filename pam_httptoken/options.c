/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "options.h"
#include "scope.h"

/* Room left in the library's 4096-byte path buffers for ".lastused/<id>"
 * and the writers' ".tmp.XXXXXX". */
#define PHT_PATH_MAX 4000

/* The key=value arguments as written, before validation. */
struct raw_args {
	const char *db;
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

/* A user name a sysadmin could create: portable characters (plus '@' and
 * a trailing '$' as directory services use), not starting with '-'. */
static int
user_valid(const char *v)
{
	size_t len = strlen(v);

	if (len == 0 || len > PHT_USER_MAX || v[0] == '-')
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
		         c == '@' || (c == '$' && i == len - 1);
		if (!ok)
			return 0;
	}
	return 1;
}

static const struct {
	const char *key;
	size_t offset;
	int (*valid)(const char *);
} value_args[] = {
	{ "db",         offsetof(struct raw_args, db),         path_valid },
	{ "keyfile",    offsetof(struct raw_args, keyfile),    path_valid },
	{ "require",    offsetof(struct raw_args, require),    perm_valid },
	{ "resource",   offsetof(struct raw_args, resource),   ht_resource_valid },
	{ "token_user", offsetof(struct raw_args, token_user), user_valid },
	{ "use",        offsetof(struct raw_args, use),        ht_use_valid },
};

static int
refuse(pam_handle_t *pamh, const char *arg, const char *why)
{
	char shown[PHT_LOG_FIELD_MAX + 4];

	pht_log_field(arg, shown);
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
	struct raw_args raw = { NULL, NULL, NULL, NULL, NULL, NULL };

	memset(opt, 0, sizeof(*opt));
	for (int i = 0; i < argc; i++) {
		if (argv[i] == NULL)
			return PAM_SERVICE_ERR;
		if (!parse_flag(argv[i], opt) && parse_value(pamh, argv[i], &raw) != 0)
			return PAM_SERVICE_ERR;
	}
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

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mod_authn_httptoken: HTTP access tokens checked by Apache httpd itself,
 * with the resource and the level worked out for each request.
 *
 * "AuthType HTTPToken" reads Basic and Bearer credentials and answers as
 * the specification says (401 with both challenges, 403 for a valid token
 * out of scope or under the level); "AuthBasicProvider httptoken" offers
 * the same check to mod_auth_basic, which can only answer 401. Both call
 * ht_verify_password() from lib/, as the PAM module does, log the same
 * lines and record last use the same way. Nothing is kept between
 * requests: the store and key are opened and closed within each check, and
 * the only module data is the configuration, read-only once Apache has
 * parsed it, so threads of mpm_event and graceful restarts are safe. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include <sodium.h>

#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <mod_auth.h>
#include <apr_strings.h>

#include "authheader.h"
#include "authlog.h"
#include "dirconf.h"
#include "lastused.h"
#include "scope.h"
#include "verify.h"

APLOG_USE_MODULE(authn_httptoken);

/* What the configuration asks of this request: the resource (NULL when
 * none is configured, or when the expression gave nothing valid) and the
 * level. -1 after logging when an expression cannot be evaluated. */
static int
request_scope(request_rec *r, const struct htk_dir_conf *conf,
              struct ht_verify_request *req)
{
	const char *err = NULL;

	req->require = HT_PERM_READ;
	for (int i = 0; conf->requires != NULL && i < conf->requires->nelts; i++) {
		const struct htk_require *q = &APR_ARRAY_IDX(conf->requires, i, struct htk_require);
		int holds = q->when == NULL ? 1 : ap_expr_exec(r, q->when, &err);

		if (holds < 0) {
			ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
			              "HTTPTokenRequire: cannot evaluate the expression: %s", err);
			return -1;
		}
		if (holds) {
			req->require = q->level;
			break;
		}
	}
	if (conf->resource == NULL)
		return 0;
	req->resource_required = 1;
	req->resource = ap_expr_str_exec(r, conf->resource, &err);
	if (err != NULL) {
		ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
		              "HTTPTokenResource: cannot evaluate the expression: %s", err);
		return -1;
	}
	if (req->resource != NULL && !ht_resource_valid(req->resource)) {
		ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
		              "HTTPTokenResource gave \"%s\", not a project key or KEY/SLUG: "
		              "every token is refused here", ap_escape_logitem(r->pool, req->resource));
		req->resource = NULL;
	}
	return 0;
}

/* The PAM module's service and rhost fields: the virtual host's name and
 * the client's address. */
static void
log_check(request_rec *r, const struct ht_verify_result *res,
          const struct ht_error *err, const char *user)
{
	struct ht_log_line line;

	if (ht_log_auth(&line, res, err, res->verdict == HT_V_OK ? res->user : user,
	                r->server->server_hostname, r->useragent_ip) != 0)
		return;
	/* Never openlog: the host process owns syslog. */
	syslog(LOG_AUTHPRIV | line.priority, "mod_authn_httptoken: %s", line.text);
	if (res->verdict == HT_V_ERROR)
		ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "%s", line.text);
	else if (res->verdict != HT_V_OK)
		ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "%s", line.text);
}

/* What CGI programs and the access log may know about the token. */
static void
export_token(request_rec *r, const struct ht_verify_result *res)
{
	r->user = apr_pstrdup(r->pool, res->user);
	apr_table_setn(r->subprocess_env, "HTTPTOKEN_ID",
	               apr_pstrdup(r->pool, ht_id_format(res->id).s));
	apr_table_setn(r->subprocess_env, "HTTPTOKEN_KIND", ht_kind_str(res->kind));
	apr_table_setn(r->subprocess_env, "HTTPTOKEN_PERM", ht_perm_str(res->perm));
	apr_table_setn(r->subprocess_env, "HTTPTOKEN_SCOPE", apr_pstrdup(r->pool, res->scope));
}

static void
record_use(request_rec *r, const struct htk_dir_conf *conf,
           const struct ht_verify_result *res, int64_t now)
{
	struct ht_lastuse use;

	/* As the PAM module records it: when, from which client, through
	 * which service ("httpd": Apache has no PAM service name). */
	memset(&use, 0, sizeof(use));
	use.time = now;
	snprintf(use.service, sizeof(use.service), "httpd");
	snprintf(use.from, sizeof(use.from), "%s", r->useragent_ip != NULL ? r->useragent_ip : "");
	/* Advisory, as in the PAM module: a request must not fail for it. */
	if (ht_lastused_record(htk_conf_store(conf), res->id, res->lastused_granularity, &use) != 0)
		ap_log_rerror(APLOG_MARK, APLOG_DEBUG, errno, r,
		              "last use of token %s not recorded", ht_id_format(res->id).s);
}

/* The whole check of a presented secret. user is the name sent with
 * Basic, NULL for Bearer (the token then names its user). Sets REMOTE_USER
 * and the HTTPTOKEN_ variables when the token is accepted. */
static enum ht_verdict
check_token(request_rec *r, const char *user, const char *secret, size_t len)
{
	const struct htk_dir_conf *conf =
		ap_get_module_config(r->per_dir_config, &authn_httptoken_module);
	struct ht_verify_request req;
	struct ht_verify_result res;
	struct ht_error err;

	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	ht_error_clear(&err);
	if (request_scope(r, conf, &req) != 0)
		return HT_V_ERROR;
	req.db_path = htk_conf_store(conf);
	req.key_path = htk_conf_keyfile(conf);
	req.token_user = htk_conf_token_user(conf);
	req.now = (int64_t)time(NULL);
	req.user = user;
	if (user == NULL)
		req.lookup_owner = ht_owner_lookup_passwd;
	else if (strcmp(user, req.token_user) == 0)
		/* No personal token passes under the token user's name, so its
		 * account does not matter; and looking up a name that is usually
		 * no account costs NSS a walk through every source (most of a
		 * request's time with nss-systemd). Whether the lookup happens
		 * depends on the user name alone, never on the token. */
		req.user_lookup = HT_USER_MISSING;
	else
		/* For every other password, as the PAM module does: the time a
		 * refusal takes says nothing about the token. */
		req.user_lookup = ht_owner_lookup_passwd(user, &req.user_uid);
	req.use = htk_conf_use(conf);
	ht_verify_password(&req, secret, len, &res, &err);
	log_check(r, &res, &err, user);
	if (res.verdict == HT_V_OK) {
		export_token(r, &res);
		record_use(r, conf, &res, req.now);
	}
	return res.verdict;
}

/* --- AuthType HTTPToken ------------------------------------------------ */

static const char *
realm_of(request_rec *r)
{
	return ap_escape_quotes(r->pool, ap_auth_name(r));
}

/* The two challenges of a 401; error is RFC 6750's code for a Bearer
 * credential that was refused, or NULL. */
static int
unauthorized(request_rec *r, const char *error)
{
	const char *realm = realm_of(r);

	apr_table_addn(r->err_headers_out, "WWW-Authenticate",
	               apr_pstrcat(r->pool, "Basic realm=\"", realm, "\"", NULL));
	apr_table_addn(r->err_headers_out, "WWW-Authenticate",
	               apr_pstrcat(r->pool, "Bearer realm=\"", realm, "\"",
	                           error != NULL ? ", error=\"" : "", error, error != NULL ? "\"" : "",
	                           NULL));
	return HTTP_UNAUTHORIZED;
}

/* The answer to a checked credential. A valid token that may not do this
 * gets 403, with Basic too: after a 401 to credentials it sent, git makes
 * its credential helper forget them, and a read token that tried to push
 * must survive. */
static int
answer(request_rec *r, enum ht_verdict v, int bearer)
{
	switch (v) {
	case HT_V_OK:
		return OK;
	case HT_V_SCOPE:
	case HT_V_PERM:
		if (bearer)
			apr_table_addn(r->err_headers_out, "WWW-Authenticate",
			               apr_pstrcat(r->pool, "Bearer realm=\"", realm_of(r),
			                           "\", error=\"insufficient_scope\"", NULL));
		return HTTP_FORBIDDEN;
	case HT_V_ERROR:
		return HTTP_INTERNAL_SERVER_ERROR;
	default:
		return unauthorized(r, bearer ? "invalid_token" : NULL);
	}
}

static int
authenticate(request_rec *r)
{
	const char *type = ap_auth_type(r);
	char basic[HTK_BASIC_MAX + 1];
	struct htk_credentials cred;
	enum ht_verdict v;

	if (type == NULL || strcasecmp(type, HTK_AUTH_TYPE) != 0)
		return DECLINED;
	if (ap_auth_name(r) == NULL) {
		ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
		              "AuthType HTTPToken needs an AuthName (the realm) for %s", r->uri);
		return HTTP_INTERNAL_SERVER_ERROR;
	}
	r->ap_auth_type = apr_pstrdup(r->pool, type);
	switch (htk_parse_authorization(apr_table_get(r->headers_in, "Authorization"),
	                                basic, &cred)) {
	case HTK_SCHEME_BASIC:
		v = check_token(r, cred.user, cred.password, cred.password_len);
		sodium_memzero(basic, sizeof(basic));
		return answer(r, v, 0);
	case HTK_SCHEME_BEARER:
		return answer(r, check_token(r, NULL, cred.token, cred.token_len), 1);
	case HTK_SCHEME_MALFORMED:
		ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "malformed Authorization header");
		return unauthorized(r, NULL);
	default:
		return unauthorized(r, NULL);
	}
}

/* --- AuthBasicProvider httptoken ---------------------------------------- */

/* mod_auth_basic answers 401 to anything but AUTH_GRANTED: a valid token
 * out of scope is refused with 401 here (AuthType HTTPToken gives 403).
 * A password that is no token at all is "user not found", so that the
 * next provider (a password file) may try it, as PAM_IGNORE lets the next
 * PAM module try. */
static authn_status
check_password(request_rec *r, const char *user, const char *password)
{
	switch (check_token(r, user, password, strlen(password))) {
	case HT_V_OK:
		return AUTH_GRANTED;
	case HT_V_NOT_TOKEN:
	case HT_V_EMPTY:
		return AUTH_USER_NOT_FOUND;
	case HT_V_ERROR:
		return AUTH_GENERAL_ERROR;
	default:
		return AUTH_DENIED;
	}
}

static const authn_provider httptoken_provider = {
	&check_password,
	NULL,   /* no digest: the store keeps no password-equivalent hash */
};

/* --- the module --------------------------------------------------------- */

static int
post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
	(void)pconf;
	(void)plog;
	(void)ptemp;
	if (sodium_init() < 0) {
		ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "libsodium cannot be initialised");
		return HTTP_INTERNAL_SERVER_ERROR;
	}
	return OK;
}

/* Per URI, not per configuration: the resource and the level come from
 * the request's URL, so a subrequest or internal redirect to another URL
 * under the same section must be checked again, not inherit the verdict. */
static void
register_hooks(apr_pool_t *p)
{
	ap_register_auth_provider(p, AUTHN_PROVIDER_GROUP, "httptoken",
	                          AUTHN_PROVIDER_VERSION, &httptoken_provider,
	                          AP_AUTH_INTERNAL_PER_URI);
	ap_hook_check_authn(authenticate, NULL, NULL, APR_HOOK_MIDDLE,
	                    AP_AUTH_INTERNAL_PER_URI);
	ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA authn_httptoken_module = {
	STANDARD20_MODULE_STUFF,
	htk_create_dir_conf,
	htk_merge_dir_conf,
	NULL,
	NULL,
	htk_directives,
	register_hooks,
	AP_MODULE_FLAG_NONE,
};

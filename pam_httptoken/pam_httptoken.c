/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pam_httptoken: an HTTP access token accepted as the password.
 *
 * auth checks the presented password with ht_verify_password() and
 * remembers the accepted token's id (never its secret) in the handle;
 * account re-checks that id, so a token revoked or expired between the two
 * calls is caught. Both look the PAM user up in the account database: a
 * personal token is good only for the account (name and uid) that created
 * it, not after the account is deleted or its name reused. Everything is
 * opened and closed within each call and no state outlives it except that
 * id, so the module is safe in threaded servers. */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <security/pam_modutil.h>

#include "authlog.h"
#include "gitreq.h"
#include "lastused.h"
#include "log.h"
#include "options.h"
#include "verify.h"

/* pam_set_data name of what this handle's auth step established (struct login). */
#define PHT_DATA_ID "pam_httptoken_token_id"

/* Whether the PAM user is an account now, and its uid. Done for every
 * password, token or not, known id or not, so that how long a refusal
 * takes says nothing about the token. pam_modutil_getpwnam keeps its
 * result in the handle, so this is safe in threaded servers. A failed
 * lookup counts as a missing account: a personal token is refused. */
static void
lookup_user(pam_handle_t *pamh, struct ht_verify_request *req)
{
	const struct passwd *pw = req->user != NULL ? pam_modutil_getpwnam(pamh, req->user)
	                                            : NULL;

	req->user_lookup = pw != NULL ? HT_USER_FOUND : HT_USER_MISSING;
	req->user_uid = pw != NULL ? pw->pw_uid : (uid_t)-1;
}

/* Whether the PAM user's account is locked or expired, where this process
 * may read /etc/shadow (root: sshd, su). Elsewhere (the httpd user) the
 * open fails at once, and the last sweep's record decides; so it does for
 * accounts whose shadow entry lives elsewhere (LDAP), which sweep reads
 * through NSS. The file, not NSS: a login must not wait on an NSS module
 * or the daemon behind it (with "shadow: files systemd", a user missing
 * from the file costs ten times a found one through nss-systemd). Done for
 * every password, like lookup_user. */
static void
lookup_shadow(struct ht_verify_request *req)
{
	req->owner_state = HT_OWNER_UNJUDGED;
	if (req->user != NULL)
		(void)ht_account_shadow_file(HT_SHADOW_FILE, req->user, req->now,
		                             &req->owner_state);
}

static void
request_init(pam_handle_t *pamh, struct ht_verify_request *req, const struct options *opt,
             const char *user, struct ht_uid_range *accounts)
{
	memset(req, 0, sizeof(*req));   /* fields this module does not set stay safe */
	/* Read at every call, as the rest: a changed UID_MIN applies at once.
	 * A malformed file leaves the defaults for what it got wrong. */
	(void)ht_uid_range_load(HT_LOGIN_DEFS, accounts);
	req->accounts = accounts;
	req->db_path = opt->db_path;
	req->key_path = opt->key_path;
	req->user = user;
	req->token_user = opt->token_user;
	req->resource = opt->resource;
	req->use = opt->use;
	req->require = opt->require;
	req->now = (int64_t)time(NULL);
	lookup_user(pamh, req);
	lookup_shadow(req);
}

static const char *
item_text(pam_handle_t *pamh, int item)
{
	const void *value = NULL;

	if (pam_get_item(pamh, item, &value) != PAM_SUCCESS)
		return NULL;
	return value;
}

/* One line per decision about a named token, in the format every front
 * end shares (lib/authlog.h). Never the password. */
static void
log_decision(pam_handle_t *pamh, int priority, const char *phase, const char *outcome,
             const char *detail, ht_id id, const char *user)
{
	struct ht_log_line line;

	ht_log_decision(&line, priority, phase, outcome, detail, id, user,
	                item_text(pamh, PAM_SERVICE), item_text(pamh, PAM_RHOST));
	pht_log(pamh, line.priority, "%s", line.text);
}

/* With git_request=, the resource and level of this request, read from the
 * request line the server put in the PAM environment (nginx's auth-pam
 * module calls it REQUEST); they replace the options' (which are unset,
 * options_parse sees to that). gr holds the resource the options then
 * point to. A line that is missing or not canonical refuses the request,
 * whatever the password: the server would serve a path other than the one
 * judged. No secret is involved, so no token id is logged. */
static int
resolve_request(pam_handle_t *pamh, struct options *opt, struct ht_git_request *gr,
                const char *phase, const char *user)
{
	char u[HT_LOG_FIELD_MAX + 4], s[HT_LOG_FIELD_MAX + 4], r[HT_LOG_FIELD_MAX + 4];
	struct ht_error err;

	if (opt->git_prefix == NULL)
		return 0;
	ht_error_clear(&err);
	if (ht_git_request_parse(pam_getenv(pamh, "REQUEST"), opt->git_prefix, gr, &err) ==
	    HT_OK) {
		opt->resource = gr->resource;
		opt->require = gr->require;
		return 0;
	}
	ht_log_field(user, u);
	ht_log_field(item_text(pamh, PAM_SERVICE), s);
	ht_log_field(item_text(pamh, PAM_RHOST), r);
	pht_log(pamh, LOG_NOTICE, "%s refused (%s): user=%s service=%s rhost=%s",
	        phase, err.msg, u, s, r);
	return -1;
}

/* What this handle's auth step established, kept for its account step
 * (never the secret). When nothing it depended on has changed, account
 * needs only the clock: see login_unchanged(). */
struct login {
	ht_id id;
	enum ht_kind kind;
	int64_t expires;
	struct ht_snapshot snap;
	enum ht_user_lookup user_lookup;
	uid_t user_uid;
	enum ht_owner_state owner_state;
	char *user;
	char *args;
	char *resource;         /* what auth judged against: with git_request=, */
	enum ht_perm require;   /* from the request rather than the arguments */
};

static void
free_login(pam_handle_t *pamh, void *data, int error_status)
{
	struct login *l = data;

	(void)pamh;
	(void)error_status;
	free(l->user);
	free(l->args);
	free(l->resource);
	free(l);
}

/* The module's arguments as one string, to tell whether account runs with
 * the same ones as auth; NULL on allocation failure. */
static char *
join_args(int argc, const char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (int i = 0; i < argc; i++) {
		strcat(s, argv[i]);
		strcat(s, "\n");
	}
	return s;
}

static int
remember_login(pam_handle_t *pamh, const struct ht_verify_request *req,
               const struct ht_verify_result *res, int argc, const char **argv)
{
	struct login *l = calloc(1, sizeof(*l));
	int rc;

	if (l == NULL)
		return PAM_BUF_ERR;
	l->id = res->id;
	l->kind = res->kind;
	l->expires = res->expires;
	l->snap = res->snap;
	l->user_lookup = req->user_lookup;
	l->user_uid = req->user_uid;
	l->owner_state = req->owner_state;
	l->user = strdup(req->user);
	l->args = join_args(argc, argv);
	l->resource = strdup(req->resource != NULL ? req->resource : "");
	l->require = req->require;
	if (l->user == NULL || l->args == NULL || l->resource == NULL) {
		free_login(pamh, l, 0);
		return PAM_BUF_ERR;
	}
	rc = pam_set_data(pamh, PHT_DATA_ID, l, free_login);
	if (rc != PAM_SUCCESS)
		free_login(pamh, l, 0);
	return rc;
}

/* Whether account may reuse auth's reading of the store: same user (and
 * same account behind the name), same arguments, and the very same store
 * and key files. Writers replace the store by rename, so any change to any
 * token or to the policy gives it a new identity, and the full check runs. */
static int
login_unchanged(const struct login *l, const struct ht_verify_request *req,
                int argc, const char **argv)
{
	struct ht_snapshot now;
	char *args;
	int same;

	if (req->user == NULL || strcmp(req->user, l->user) != 0 ||
	    req->user_lookup != l->user_lookup || req->user_uid != l->user_uid ||
	    req->owner_state != l->owner_state)
		return 0;
	if (strcmp(req->resource != NULL ? req->resource : "", l->resource) != 0 ||
	    req->require != l->require)
		return 0;
	if (ht_snapshot_current(req->db_path, req->key_path, &now) != 0 ||
	    !ht_snapshot_same(&now, &l->snap))
		return 0;
	args = join_args(argc, argv);
	same = args != NULL && strcmp(args, l->args) == 0;
	free(args);
	return same;
}

/* The last use: when, through which service, from which client. */
static void
record_use(pam_handle_t *pamh, const struct options *opt,
           const struct ht_verify_result *res, int64_t now)
{
	struct ht_lastuse use;
	const char *service, *rhost;

	if (opt->no_lastused)
		return;
	memset(&use, 0, sizeof(use));
	use.time = now;
	service = item_text(pamh, PAM_SERVICE);
	rhost = item_text(pamh, PAM_RHOST);
	/* Cut to size here; the library replaces what is not printable. */
	snprintf(use.service, sizeof(use.service), "%s", service != NULL ? service : "");
	snprintf(use.from, sizeof(use.from), "%s", rhost != NULL ? rhost : "");
	/* Advisory: the server may not be allowed to write there, and a
	 * login must not fail for it. */
	if (ht_lastused_record(opt->db_path, res->id, res->lastused_granularity, &use) != 0 &&
	    opt->debug)
		pht_log(pamh, LOG_DEBUG, "last use of token %s not recorded: %m",
		        ht_id_format(res->id).s);
}

static int
auth_code(const struct ht_verify_result *res)
{
	switch (res->verdict) {
	case HT_V_OK:
		return PAM_SUCCESS;
	case HT_V_NOT_TOKEN:
		return PAM_IGNORE;
	case HT_V_ERROR:
		return res->status == HT_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTHINFO_UNAVAIL;
	default:
		return PAM_AUTH_ERR;
	}
}

static void
log_auth(pam_handle_t *pamh, const struct options *opt, const char *user,
         const struct ht_verify_result *res, const struct ht_error *err)
{
	struct ht_log_line line;

	if (ht_log_auth(&line, res, err, user, item_text(pamh, PAM_SERVICE),
	                item_text(pamh, PAM_RHOST)) == 0)
		pht_log(pamh, line.priority, "%s", line.text);
	else if (opt->debug)
		/* Not about a token: an ordinary password is none of our business. */
		pht_log(pamh, LOG_DEBUG, "auth ignored: %s", ht_verdict_str(res->verdict));
}

/* The password, or a PAM error. PAM_CONV_AGAIN means the application will
 * call again (an event-driven conversation): PAM_INCOMPLETE says so. */
static int
get_credentials(pam_handle_t *pamh, const char **user, const char **password)
{
	int rc = pam_get_user(pamh, user, NULL);

	if (rc == PAM_SUCCESS && *user == NULL)
		rc = PAM_USER_UNKNOWN;
	if (rc == PAM_SUCCESS)
		rc = pam_get_authtok(pamh, PAM_AUTHTOK, password, NULL);
	if (rc == PAM_SUCCESS && *password == NULL)
		rc = PAM_AUTH_ERR;
	return rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE : rc;
}

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct options opt;
	struct ht_git_request gr;
	struct ht_verify_request req;
	struct ht_uid_range accounts;
	struct ht_verify_result res;
	struct ht_error err;
	const char *user = NULL, *password = NULL;
	int rc;

	(void)flags;
	/* Only a token accepted by this very call may pass account. */
	(void)pam_set_data(pamh, PHT_DATA_ID, NULL, NULL);
	if (options_parse(pamh, argc, argv, &opt) != PAM_SUCCESS)
		return PAM_SERVICE_ERR;
	rc = get_credentials(pamh, &user, &password);
	if (rc != PAM_SUCCESS) {
		if (opt.debug)
			pht_log(pamh, LOG_DEBUG, "auth: no user or password: %s",
			        pam_strerror(pamh, rc));
		return rc;
	}
	if (resolve_request(pamh, &opt, &gr, "auth", user) != 0)
		return PAM_AUTH_ERR;
	ht_error_clear(&err);
	request_init(pamh, &req, &opt, user, &accounts);
	ht_verify_password(&req, password, strlen(password), &res, &err);
	log_auth(pamh, &opt, user, &res, &err);
	rc = auth_code(&res);
	if (rc == PAM_SUCCESS) {
		rc = remember_login(pamh, &req, &res, argc, argv);
		if (rc == PAM_SUCCESS)
			record_use(pamh, &opt, &res, req.now);
	}
	return rc;
}

static int
account_code(const struct ht_verify_result *res)
{
	switch (res->verdict) {
	case HT_V_OK:
		return PAM_SUCCESS;
	case HT_V_EXPIRED:
	case HT_V_POLICY:
		return PAM_ACCT_EXPIRED;
	case HT_V_ERROR:
		return res->status == HT_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTHINFO_UNAVAIL;
	default:
		return PAM_PERM_DENIED;
	}
}

PAM_EXTERN int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct options opt;
	struct ht_git_request gr;
	struct ht_verify_request req;
	struct ht_uid_range accounts;
	struct ht_verify_result res;
	struct ht_error err;
	const void *data = NULL;
	const struct login *login;
	const char *user;
	ht_id id;

	(void)flags;
	if (options_parse(pamh, argc, argv, &opt) != PAM_SUCCESS)
		return PAM_SERVICE_ERR;
	if (pam_get_data(pamh, PHT_DATA_ID, &data) != PAM_SUCCESS || data == NULL)
		return PAM_IGNORE;   /* this handle did not log in with a token */
	login = data;
	id = login->id;
	user = item_text(pamh, PAM_USER);
	if (resolve_request(pamh, &opt, &gr, "account", user) != 0)
		return PAM_PERM_DENIED;
	ht_error_clear(&err);
	request_init(pamh, &req, &opt, user, &accounts);
	if (login_unchanged(login, &req, argc, argv)) {
		/* Nothing but the clock can have changed the verdict. */
		memset(&res, 0, sizeof(res));
		res.id = id;
		res.kind = login->kind;
		res.verdict = login->expires != 0 && req.now >= login->expires ? HT_V_EXPIRED
		                                                                 : HT_V_OK;
	} else {
		ht_verify_id(&req, id, &res, &err);
	}
	if (res.verdict == HT_V_ERROR)
		log_decision(pamh, LOG_ERR, "account", "failed", err.msg, id, user);
	else if (res.verdict != HT_V_OK)
		log_decision(pamh, LOG_NOTICE, "account", "refused", ht_log_refusal_detail(&res),
		             id, user);
	else if (opt.debug)
		log_decision(pamh, LOG_DEBUG, "account", "accepted", ht_kind_str(res.kind),
		             id, user);
	return account_code(&res);
}

PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}

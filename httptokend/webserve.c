/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session commands as httptokend answers them:
 *   session open     stdin "USER\nPASSWORD\n"; prints a session secret
 *   session nonce    stdin "SECRET\n"; prints a single-use form nonce
 *   session close    stdin "SECRET\n"; ends the session
 *   --session - [--nonce -] COMMAND ...
 *                    stdin "SECRET\n[NONCE\n]" and then COMMAND's own;
 *                    COMMAND runs as the session's user
 * Every refusal about credentials or sessions is the same EX_NOPERM and
 * the same message, so that a caller learns nothing about which. */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>

#include <sodium.h>

#include "account.h"
#include "token.h"
#include "websession.h"

/* What a session may run: the token commands (tokenctl itself limits
 * them to the user's own tokens and those of the projects and
 * repositories the user administers), and the two read-only listings of
 * what the user administers, word for word. Everything that names files,
 * touches the whole store, the registry or the system stays on the
 * command line. */
static const struct {
	const char *argv[4];
	int exact;                   /* these words and nothing more */
} allowed[] = {
	{ { "create" }, 0 }, { { "list" }, 0 }, { { "show" }, 0 }, { { "edit" }, 0 },
	{ { "revoke" }, 0 }, { { "rotate" }, 0 },
	{ { "project", "list", "--mine" }, 1 },
	{ { "repo", "list", "--mine" }, 1 },
};

static int
say(struct jbuf *err, int code, const char *msg)
{
	jbuf_puts(err, "tokenctl: ");
	jbuf_puts(err, msg);
	jbuf_puts(err, "\n");
	return code;
}

/* Splits the first n lines off in (each without its newline, at most max
 * bytes, no NUL) into line[], copied into buf; the rest is *rest. */
static int
take_lines(const char *in, size_t len, int n, char *buf, size_t max, char **line,
           const char **rest, size_t *rest_len)
{
	size_t off = 0;

	for (int i = 0; i < n; i++) {
		const char *nl = in != NULL ? memchr(in + off, '\n', len - off) : NULL;
		size_t l;

		if (nl == NULL)
			return -1;
		l = (size_t)(nl - (in + off));
		if (l > max || memchr(in + off, '\0', l) != NULL)
			return -1;
		line[i] = buf + i * (max + 1);
		memcpy(line[i], in + off, l);
		line[i][l] = '\0';
		off += l + 1;
	}
	*rest = in != NULL ? in + off : "";
	*rest_len = len - off;
	return 0;
}

static int
user_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > WS_USER_MAX || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

static int
token_shaped(const char *s)
{
	struct ht_token tok;
	int is = ht_token_parse(s, strlen(s), &tok) == 0;

	ht_token_wipe(&tok);
	return is;
}

/* Not root, not a system account, not nobody. */
static int
may_be_session_user(const struct passwd *pw)
{
	return pw->pw_uid >= WS_MIN_UID && pw->pw_uid != 65534;
}

static int
open_session(const struct ws_config *c, const struct htd_request *req, uid_t peer,
             struct jbuf *out, struct jbuf *err)
{
	char buf[2 * (WS_PASSWORD_MAX + 1)], *line[2], secret[WS_SECRET_HEX + 1];
	const char *rest;
	size_t rest_len;
	struct ws_record r = { 0 };
	struct passwd *pw;
	int rc = EX_NOPERM;

	if (!ws_may_open(c, peer))
		return say(err, EX_NOPERM, "only root and the web account may open web sessions");
	if (take_lines(req->in, req->in_len, 2, buf, WS_PASSWORD_MAX, line, &rest,
	               &rest_len) != 0 || rest_len != 0 || !user_name_ok(line[0]) ||
	    line[1][0] == '\0') {
		sodium_memzero(buf, sizeof(buf));
		return say(err, EX_NOPERM, WS_REFUSED);
	}
	if (token_shaped(line[0]) || token_shaped(line[1])) {
		syslog(LOG_NOTICE, "web login refused: a token was given as user name or password");
	} else if ((pw = getpwnam(line[0])) != NULL && !may_be_session_user(pw)) {
		syslog(LOG_NOTICE, "web login refused for %s: a system account", line[0]);
	} else if (ws_authenticate(c, line[0], line[1]) != 0) {
		syslog(LOG_NOTICE, "web login failed for %s", line[0]);
	} else if ((pw = getpwnam(line[0])) == NULL || !may_be_session_user(pw)) {
		syslog(LOG_NOTICE, "web login refused for %s: no such account", line[0]);
	} else {
		strcpy(r.user, line[0]);
		r.uid = pw->pw_uid;
		r.opener = peer;
		r.created = (int64_t)time(NULL);
		ws_sweep(c);
		if ((rc = ws_create(c, &r, secret, err)) == 0) {
			jbuf_puts(out, secret);
			jbuf_puts(out, "\n");
			syslog(LOG_INFO, "web session opened for %s", r.user);
		}
		sodium_memzero(secret, sizeof(secret));
	}
	sodium_memzero(buf, sizeof(buf));
	return rc == EX_NOPERM ? say(err, EX_NOPERM, WS_REFUSED) : rc;
}

/* The account behind a session is still there, the same, and not
 * locked or expired: else the session ends. */
static int
account_live(const struct ws_record *r, struct passwd **pw)
{
	enum ht_owner_state state;

	*pw = getpwnam(r->user);
	if (*pw == NULL || (*pw)->pw_uid != r->uid)
		return 0;
	if (ht_account_shadow(r->user, (int64_t)time(NULL), &state) == HT_LOOKUP_ERROR)
		return 0;
	return state != HT_OWNER_LOCKED && state != HT_OWNER_EXPIRED;
}

static int
command_allowed(const struct htd_request *req, int from)
{
	int i = from;

	while (i < req->argc && strcmp(req->argv[i], "--json") == 0)
		i++;
	for (size_t a = 0; a < sizeof(allowed) / sizeof(allowed[0]); a++) {
		int n = 0;

		while (n < 4 && allowed[a].argv[n] != NULL && i + n < req->argc &&
		       strcmp(req->argv[i + n], allowed[a].argv[n]) == 0)
			n++;
		if (n == 0 || (n < 4 && allowed[a].argv[n] != NULL))
			continue;
		if (!allowed[a].exact || i + n == req->argc)
			return 1;
	}
	return 0;
}

/* A session's secret (and nonce) from stdin, the session found and
 * checked, locked in *fd. */
static int
use_session(const struct ws_config *c, const struct htd_request *req, uid_t peer,
            int with_nonce, struct ws_record *r, int *fd, struct passwd **pw,
            struct ws_run *run, struct jbuf *err)
{
	char buf[2 * (WS_SECRET_HEX + 1)], *line[2];
	int rc;

	*fd = -1;
	if (take_lines(req->in, req->in_len, with_nonce ? 2 : 1, buf, WS_SECRET_HEX, line,
	               &run->in, &run->in_len) != 0)
		return say(err, EX_NOPERM, WS_REFUSED);
	rc = ws_open(c, line[0], peer, r, fd, err);
	if (rc == 0 && !account_live(r, pw)) {
		ws_remove(c, line[0]);
		rc = say(err, EX_NOPERM, WS_REFUSED);
	}
	if (rc == 0 && with_nonce && (ws_take_nonce(r, line[1]) != 0 || ws_save(*fd, r) != 0))
		rc = say(err, EX_NOPERM, WS_REFUSED);
	if (rc != 0) {
		ws_release(*fd);
		*fd = -1;
	}
	sodium_memzero(buf, sizeof(buf));
	return rc;
}

static int
session_command(const struct ws_config *c, const struct htd_request *req, uid_t peer,
                struct jbuf *out, struct jbuf *err)
{
	const char *what = req->argc == 2 ? req->argv[1] : "";
	struct ws_record r;
	struct passwd *pw;
	struct ws_run run;
	int fd, rc;

	if (strcmp(what, "open") == 0)
		return open_session(c, req, peer, out, err);
	if (strcmp(what, "nonce") != 0 && strcmp(what, "close") != 0)
		return say(err, EX_USAGE, "usage: session open|nonce|close (stdin: USER and "
		           "PASSWORD lines, or the session secret)");
	if ((rc = use_session(c, req, peer, 0, &r, &fd, &pw, &run, err)) != 0)
		return rc;
	if (run.in_len != 0) {
		rc = say(err, EX_NOPERM, WS_REFUSED);
	} else if (strcmp(what, "nonce") == 0) {
		char nonce[WS_NONCE_HEX + 1];

		ws_new_nonce(&r, nonce);
		if (ws_save(fd, &r) != 0)
			rc = say(err, EX_IOERR, "cannot update the session file");
		else {
			jbuf_puts(out, nonce);
			jbuf_puts(out, "\n");
		}
	} else {
		char secret[WS_SECRET_HEX + 1];

		memcpy(secret, req->in, WS_SECRET_HEX);
		secret[WS_SECRET_HEX] = '\0';
		ws_remove(c, secret);
		sodium_memzero(secret, sizeof(secret));
		syslog(LOG_INFO, "web session closed for %s", r.user);
	}
	ws_release(fd);
	return rc;
}

int
ws_request(const struct ws_config *base, const struct htd_request *req,
           const struct ucred *peer, struct ctl *ctl, struct jbuf *out, struct jbuf *err,
           int *rc, struct ws_run *run)
{
	struct ws_config conf, *c = &conf;
	struct ws_record r;
	struct passwd *pw;
	int fd, with_nonce;

	if (req->argc < 1 || (strcmp(req->argv[0], "session") != 0 &&
	                      (req->argc < 2 || strcmp(req->argv[0], "--session") != 0)))
		return 0;
	if ((*rc = ws_settings(base, ctl->db, ctl->keyfile, &conf, err)) != 0)
		return 1;
	if (strcmp(req->argv[0], "session") == 0) {
		*rc = session_command(c, req, peer->uid, out, err);
		return 1;
	}
	if (strcmp(req->argv[1], "-") != 0) {
		*rc = say(err, EX_USAGE, "--session takes '-' (the secret is read on stdin)");
		return 1;
	}
	with_nonce = req->argc >= 4 && strcmp(req->argv[2], "--nonce") == 0 &&
	             strcmp(req->argv[3], "-") == 0;
	run->skip = with_nonce ? 4 : 2;
	if (!command_allowed(req, run->skip)) {
		*rc = say(err, EX_NOPERM, "this command is not available in a web session; "
		          "run it on the command line");
		return 1;
	}
	if ((*rc = use_session(c, req, peer->uid, with_nonce, &r, &fd, &pw, run, err)) != 0)
		return 1;
	caller_from_uid(&ctl->who, pw->pw_uid, pw->pw_gid);
	ctl->who.elevated = 1;
	ws_release(fd);
	return 2;
}

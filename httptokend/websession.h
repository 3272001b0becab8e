/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Web sessions: httptoken-web logs a user in once with their password
 * (PAM service httptoken-web) and then runs commands as that user with a
 * session secret. A session is a small file in a root-only directory,
 * named by a keyed hash of its secret, so that neither the directory nor
 * a backup of it gives a usable secret; using it touches that file only,
 * never the token store. */
#ifndef HTD_WEBSESSION_H
#define HTD_WEBSESSION_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "httptokend.h"
#include "json.h"
#include "proto.h"
#include "tokenctl.h"

#define WS_SECRET_HEX   64           /* 32 random bytes */
#define WS_NONCE_HEX    32           /* 16 random bytes */
#define WS_NONCES_KEPT  16           /* outstanding form nonces per session */
#define WS_ABSOLUTE_S   (8 * 3600)
#define WS_USER_MAX     32
#define WS_PASSWORD_MAX 512
#define WS_MIN_UID      1000         /* below: system accounts */
#define WS_PAM_SERVICE  "httptoken-web"

/* The one message for a bad password, a bad, expired or foreign session
 * and a used form: it must not tell which. */
#define WS_REFUSED "not logged in: the user name or password is wrong, or the " \
	"session has ended; log in again"

struct ws_record {
	char user[WS_USER_MAX + 1];
	uid_t uid;
	uid_t opener;
	int64_t created;
	int nnonces;
	char nonces[WS_NONCES_KEPT][WS_NONCE_HEX + 1];
};

/* websession.c: the files. Each returns 0 or a sysexits code with a
 * message in err. */
int ws_create(const struct ws_config *c, const struct ws_record *r,
              char secret[WS_SECRET_HEX + 1], struct jbuf *err);
/* Finds the live session of secret for peer, locked; *fd stays open
 * (and locked) until ws_release. */
int ws_open(const struct ws_config *c, const char *secret, uid_t peer,
            struct ws_record *r, int *fd, struct jbuf *err);
int ws_save(int fd, const struct ws_record *r);
void ws_release(int fd);
int ws_remove(const struct ws_config *c, const char *secret);
void ws_sweep(const struct ws_config *c);
/* Ends every session of user (after a bulk revoke of their tokens). */
void ws_end_user(const struct ws_config *c, const char *user);
/* After a command ran (exit status rc) through httptokend: the sessions
 * it ends. */
void ws_after(const struct ws_config *c, int argc, char **argv, int rc);
void ws_new_nonce(struct ws_record *r, char out[WS_NONCE_HEX + 1]);
int ws_take_nonce(struct ws_record *r, const char *nonce);
int ws_parse_record(const char *buf, size_t len, struct ws_record *r);

/* weblogin.c: the web settings of the store's policy (web-user,
 * session-minutes) over base, read for each request so that a change takes
 * effect on the next one; 0, or 69 with a message in err. */
int ws_settings(const struct ws_config *base, const char *db, const char *keyfile,
                struct ws_config *out, struct jbuf *err);
/* weblogin.c: the PAM conversation and who may log in. */
int ws_may_open(const struct ws_config *c, uid_t peer);
int ws_authenticate(const struct ws_config *c, const char *user, const char *password);

/* webserve.c: a request of the session commands, or one that runs under
 * a session. Returns 0 when req is neither (run it as usual), 1 when it
 * was answered (*rc, out and err set), 2 when it is a command to run for
 * ctl->who, now the session's user: its arguments start at
 * req->argv[run->skip] and its standard input is run->in. */
struct ws_run {
	int skip;
	const char *in;
	size_t in_len;
};
int ws_request(const struct ws_config *c, const struct htd_request *req,
               const struct ucred *peer, struct ctl *ctl, struct jbuf *out,
               struct jbuf *err, int *rc, struct ws_run *run);

#endif

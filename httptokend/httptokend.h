/* SPDX-License-Identifier: GPL-3.0-or-later */
/* httptokend: the root daemon that runs tokenctl's commands for the users
 * who connect to its socket, identified by SO_PEERCRED. */
#ifndef HTTPTOKEND_H
#define HTTPTOKEND_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define HTD_READ_TIMEOUT_MS 5000     /* the whole request, from accept */
#define HTD_SEND_TIMEOUT_S  5        /* the reply (SO_SNDTIMEO) */

/* Web sessions (websession.h). dir and pam_dir come from the options;
 * the rest from the store's policy, read at each request (ws_settings). */
struct ws_config {
	const char *dir;             /* root-only session directory */
	const char *pam_dir;         /* PAM services from here (tests), or NULL */
	char web_user[32 + 1];       /* the account that may open sessions */
	uint32_t web_uid;            /* its uid, or 0xffffffff: any (by name) */
	int idle_s;
};

struct htd_options {
	const char *socket;
	const char *db;
	const char *keyfile;
	const char *config;           /* the fleet configuration (httptoken.conf) */
	int foreground;
	int idle_s;                  /* exit when idle this long; 0: never */
	struct ws_config web;        /* web sessions */
};

/* listen.c: the listening socket, from systemd (LISTEN_FDS) or, with
 * --foreground, bound here. *activated says which; -1 with a message on
 * stderr on failure. */
int listen_open(const struct htd_options *o, int *activated);
void listen_close(const struct htd_options *o, int fd, int activated);

/* limits.c: how many children run, per uid and in all, and how fast each
 * uid may ask. limits_admit returns NULL when the connection may be
 * served, else why not; now is monotonic time in seconds. */
#define HTD_MAX_WORKERS   64
#define HTD_ROOT_RESERVE  8
#define HTD_PER_UID       4
#define HTD_BURST         200
#define HTD_RATE          50         /* requests per second, after the burst */
const char *limits_admit(uid_t uid, double now);
void limits_started(pid_t pid, uid_t uid);
void limits_ended(pid_t pid);
int limits_running(void);

/* serve.c: one connection, in its own process. Never returns. */
void serve(int fd, const struct ucred *peer, const struct htd_options *o)
	__attribute__((noreturn));
/* A reply sent without reading the request (busy), without blocking. */
void serve_refuse(int fd, int code, const char *msg);

#endif

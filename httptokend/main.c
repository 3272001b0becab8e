/* SPDX-License-Identifier: GPL-3.0-or-later */
/* httptokend: accepts on its Unix socket, asks the kernel who the peer is
 * (SO_PEERCRED), applies the limits, and hands each admitted connection to
 * a child of its own (serve.c). The parent never reads a request, never
 * opens the store and never waits on a client, so no client can stall it;
 * it exits when idle if systemd started it. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "tokenctl.h"
#include "httptokend.h"

#define ACTIVATED_IDLE_S 60
#define ACCEPT_BATCH     64
#define REPORT_EVERY_S   60

/* Connections refused as busy since the last report, and the last uid
 * refused: a flood is logged once a minute, not once a connection. */
static struct {
	unsigned long count;
	uid_t last_uid;
	time_t since;
} refused;

static void
report_refused(int force)
{
	if (refused.count == 0 || (!force && time(NULL) - refused.since < REPORT_EVERY_S))
		return;
	syslog(LOG_WARNING, "refused %lu connection%s as busy (limits) in %ld s, the last "
	       "from uid %u", refused.count, refused.count == 1 ? "" : "s",
	       (long)(time(NULL) - refused.since), (unsigned)refused.last_uid);
	refused.count = 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "Usage: httptokend [--foreground] [--socket PATH] [--db PATH] "
	        "[--keyfile PATH] [--config FILE] [--idle SECONDS]\n"
	        "                  [--session-dir DIR] [--pam-dir DIR]\n"
	        "Defaults: --socket %s --db %s --keyfile %s --config %s\n"
	        "          --session-dir %s\n"
	        "The web account and the sessions' idle minutes are the store's policy "
	        "(web-user, session-minutes).\n"
	        "Under systemd (LISTEN_FDS) it uses the socket it is given and exits after "
	        "%d idle seconds.\n", tk_default_socket(), tk_default_db(), tk_default_key(),
	        tk_default_conf(), HT_DEFAULT_SESSION_DIR, ACTIVATED_IDLE_S);
}

/* Returns -1 to go on, or an exit status. */
static int
parse_options(struct htd_options *o, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, 's' },
		{ "db", required_argument, NULL, 'd' },
		{ "keyfile", required_argument, NULL, 'k' },
		{ "config", required_argument, NULL, 'c' },
		{ "idle", required_argument, NULL, 'i' },
		{ "session-dir", required_argument, NULL, 'S' },
		{ "pam-dir", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long idle;
	int c, rc;

	o->socket = tk_default_socket();
	o->db = tk_default_db();
	o->keyfile = tk_default_key();
	o->config = tk_default_conf();
	o->idle_s = -1;
	o->web.dir = HT_DEFAULT_SESSION_DIR;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': o->foreground = 1; break;
		case 's': o->socket = optarg; break;
		case 'd': o->db = optarg; break;
		case 'k': o->keyfile = optarg; break;
		case 'c': o->config = optarg; break;
		case 'i':
			if ((rc = parse_ulong("--idle", optarg, 0, 86400, &idle)) != 0)
				return rc;
			o->idle_s = (int)idle;
			break;
		case 'S': o->web.dir = optarg; break;
		case 'P': o->web.pam_dir = optarg; break;
		case 'h': usage(stdout); return EX_OK;
		case 'V': printf("httptokend (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION); return EX_OK;
		default:
			fprintf(stderr, "httptokend: unknown or incomplete option '%s'\n",
			        argv[optind - 1]);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	return -1;
}

static int
signals_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void
reap(void)
{
	pid_t pid;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		limits_ended(pid);
}

/* 1 when asked to stop. */
static int
handle_signals(int sfd)
{
	struct signalfd_siginfo si;
	int stop = 0;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo != SIGCHLD)
			stop = 1;
	reap();
	return stop;
}

static void
start_child(int lfd, int sfd, int cfd, const struct ucred *peer,
            const struct htd_options *o)
{
	pid_t pid = fork();
	sigset_t none;

	if (pid < 0) {
		syslog(LOG_ERR, "fork: %s", strerror(errno));
		serve_refuse(cfd, EX_TEMPFAIL, "cannot start a worker");
		return;
	}
	if (pid > 0) {
		limits_started(pid, peer->uid);
		return;
	}
	close(lfd);
	close(sfd);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	serve(cfd, peer, o);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
accept_one(int lfd, int sfd, const struct htd_options *o)
{
	struct ucred peer;
	socklen_t len = sizeof(peer);
	const char *busy;
	int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (cfd < 0)
		return;
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 ||
	    len != sizeof(peer)) {
		close(cfd);
		return;
	}
	if ((busy = limits_admit(peer.uid, now_s())) != NULL) {
		serve_refuse(cfd, EX_TEMPFAIL, busy);
		if (refused.count++ == 0)
			refused.since = time(NULL);
		refused.last_uid = peer.uid;
	} else
		start_child(lfd, sfd, cfd, &peer, o);
	close(cfd);
}

static int
loop(int lfd, int sfd, const struct htd_options *o)
{
	time_t last = time(NULL);

	for (;;) {
		struct pollfd p[2] = { { sfd, POLLIN, 0 }, { lfd, POLLIN, 0 } };
		int wait = o->idle_s > 0 ? 1000 : -1;

		if (poll(p, 2, wait) < 0 && errno != EINTR) {
			syslog(LOG_ERR, "poll: %s", strerror(errno));
			return EX_OSERR;
		}
		report_refused(0);
		if ((p[0].revents & POLLIN) && handle_signals(sfd))
			return EX_OK;
		if (p[1].revents & POLLIN) {
			for (int i = 0; i < ACCEPT_BATCH; i++)
				accept_one(lfd, sfd, o);
			last = time(NULL);
		}
		if (limits_running() > 0)
			last = time(NULL);
		else if (o->idle_s > 0 && time(NULL) - last >= o->idle_s)
			return EX_OK;
	}
}

int
main(int argc, char **argv)
{
	struct htd_options o = { 0 };
	int lfd, sfd, activated, rc;

	privs_sanitize(0);
	if ((rc = parse_options(&o, argc, argv)) >= 0)
		return rc;
	openlog("httptokend", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
	if ((sfd = signals_fd()) < 0) {
		perror("httptokend: signals");
		return EX_OSERR;
	}
	if ((lfd = listen_open(&o, &activated)) < 0)
		return EX_UNAVAILABLE;
	if (o.idle_s < 0)
		o.idle_s = activated ? ACTIVATED_IDLE_S : 0;
	syslog(LOG_INFO, "serving store %s on %s", o.db, activated ? "the socket systemd gave" :
	       o.socket);
	rc = loop(lfd, sfd, &o);
	report_refused(1);
	listen_close(&o, lfd, activated);
	return rc;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sync [--follow] [--replace]: bring this host's replica up to date, once
 * or for as long as it runs (httptoken-sync.service). Root only. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "fleetctl.h"

#define FOLLOW_CATCHUP_MS  10000   /* catch-up by sequence, and last use pushed */
#define FOLLOW_RETRY_MAX_S 30      /* longest wait before reconnecting */

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Last use goes to the database at most once per catch-up interval: a
 * burst of notifications does not walk the last-use directory each time. */
static void
push_lastuse(const struct ctl *ctl, struct ht_pg *pg, time_t *last)
{
	unsigned long pushed;
	time_t now = time(NULL);

	if (now - *last < FOLLOW_CATCHUP_MS / 1000)
		return;
	*last = now;
	if (fleet_lastuse_push(ctl, pg, &pushed) == 0 && pushed > 0)
		fleet_log(LOG_INFO, "follow: %lu last use%s pushed", pushed, pushed == 1 ? "" : "s");
}

/* Connected: sync, then again on every notification and every catch-up
 * interval, until the connection drops (returns) or a signal stops us. */
static void
follow_connected(const struct ctl *ctl, struct ht_pg *pg, const struct sync_opts *o)
{
	struct ht_error err = { 0 };
	struct sync_report rep;
	time_t last_push = 0;
	int notified;

	if (ht_pg_listen(pg, &err) != HT_OK) {
		fleet_log(LOG_WARNING, "follow: %s", err.msg);
		return;
	}
	while (!stopping) {
		if (fleet_sync(ctl, pg, o, &rep) != 0 && !ht_pg_ok(pg)) {
			fleet_log(LOG_WARNING, "follow: connection lost; reconnecting");
			return;
		}
		push_lastuse(ctl, pg, &last_push);
		/* A notification or the catch-up interval: sync again. */
		if (ht_pg_wait(pg, FOLLOW_CATCHUP_MS, &notified, &err) != HT_OK) {
			fleet_log(LOG_WARNING, "follow: %s; reconnecting", err.msg);
			return;
		}
	}
}

static int
follow(const struct ctl *ctl, const struct sync_opts *o)
{
	struct sigaction sa;
	unsigned delay = 1;

	if (ctl->serving)
		return tk_error(EX_USAGE, "sync --follow runs in the foreground as root "
		                "(httptoken-sync.service), not through httptokend");
	capture_stream();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stopping) {
		struct ht_error err = { 0 };
		struct ht_pg *pg = NULL;

		if (fleet_connect_as(ctl, "tokenctl-follow", &pg, &err) == 0) {
			delay = 1;
			follow_connected(ctl, pg, o);
			ht_pg_close(pg);
		} else {
			fleet_log(LOG_WARNING, "follow: %s; retrying in %u s", err.msg, delay);
			fflush(stderr);
			sleep(delay);
			delay = delay * 2 > FOLLOW_RETRY_MAX_S ? FOLLOW_RETRY_MAX_S : delay * 2;
		}
	}
	return EX_OK;
}

int
cmd_sync(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "replace", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct sync_opts o = { 0, 0 };
	struct ht_error err = { 0 };
	struct sync_report rep;
	struct ht_pg *pg = NULL;
	unsigned long pushed;
	int c, rc, want_follow = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'f')
			want_follow = 1;
		else if (c == 'r')
			o.replace = 1;
		else
			return unknown_option("sync", c, argv);
	}
	if (optind != argc)
		return tk_usage("sync: unexpected argument '%s'", argv[optind]);
	if ((rc = fleet_need_root(ctl, "sync")) != 0 || (rc = fleet_need_source(ctl, "sync")) != 0)
		return rc;
	if (want_follow) {
		/* Each sync is one line on stderr: line buffering, not held. */
		setvbuf(stderr, NULL, _IOLBF, 0);
		return follow(ctl, &o);
	}
	if ((rc = fleet_connect(ctl, &pg, &err)) != 0)
		return tk_error(rc, "sync: %s", err.msg);
	rc = fleet_sync(ctl, pg, &o, &rep);
	if (rc == 0 && (rc = fleet_lastuse_push(ctl, pg, &pushed)) == 0 && pushed > 0)
		tk_note("sync: %lu last use%s pushed", pushed, pushed == 1 ? "" : "s");
	ht_pg_close(pg);
	return rc;
}

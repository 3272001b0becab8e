/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Several threads, each with its own PAM handles, authenticate in a loop
 * while another process (tokenctl, run from here) creates and revokes
 * tokens. Every answer is judged against what was known before the attempt
 * began and after it ended:
 *   - a token that was valid throughout must be accepted;
 *   - a token whose revocation had returned before the attempt began must
 *     be refused;
 *   - in between, accepted or refused, but never an error.
 *
 *   threads CONFDIR SERVICE USER SECONDS NTHREADS
 * runs SECONDS at least, and on until it has presented both a valid and a
 * revoked token (at most a minute more), with the commands in the
 * environment: HT_CREATE prints a new token; HT_REVOKE gets the token id
 * appended. Uses pam_start_confdir, so no LD_PRELOAD is needed. */
#include "config.h"

#include <dirent.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "conv.h"
#include "pam_codes.h"
#include "tap.h"

#define STABLE   4
#define CHURN    32
#define TOKLEN   69
#define GRACE_S  60

enum state { EMPTY, LIVE, REVOKING, REVOKED };

struct slot {
	char text[TOKLEN + 1];
	enum state state;
};

struct shared {
	const char *confdir, *service, *user;
	pthread_mutex_t lock;
	struct slot stable[STABLE];
	struct slot churn[CHURN];
	atomic_int stop;
	atomic_long attempts, wrong, accepted_live, refused_revoked, racing;
};

struct worker {
	struct shared *sh;
	pthread_t tid;
	unsigned seed;
};

static int
authenticate(const struct shared *sh, const char *password)
{
	struct conv_answer ans = conv_answer_of(password);
	struct pam_conv pc = conv_for(&ans);
	pam_handle_t *pamh = NULL;
	int rc = pam_start_confdir(sh->service, sh->user, &pc, sh->confdir, &pamh);

	if (rc != PAM_SUCCESS)
		return rc;
	pam_set_item(pamh, PAM_RHOST, "192.0.2.1");
	rc = pam_authenticate(pamh, PAM_SILENT);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(pamh, PAM_SILENT);
	pam_end(pamh, rc);
	return rc;
}

static void
judge(struct shared *sh, enum state before, enum state after, int rc, const char *tok)
{
	int good;

	if (before == LIVE && after == LIVE) {
		good = rc == PAM_SUCCESS;
		atomic_fetch_add(&sh->accepted_live, 1);
	} else if (before == REVOKED) {
		good = rc == PAM_AUTH_ERR;
		atomic_fetch_add(&sh->refused_revoked, 1);
	} else {
		/* Revocation ran during the attempt: auth may have seen the token
		 * before it and account after it. */
		good = rc == PAM_SUCCESS || rc == PAM_AUTH_ERR || rc == PAM_PERM_DENIED;
		atomic_fetch_add(&sh->racing, 1);
	}
	if (!good) {
		atomic_fetch_add(&sh->wrong, 1);
		printf("# wrong answer %s for %.20s... (state %d -> %d)\n",
		       pam_code_name(rc), tok, (int)before, (int)after);
	}
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;

	while (!atomic_load(&sh->stop)) {
		unsigned pick = (unsigned)rand_r(&w->seed);
		struct slot *s = (pick & 1) ? &sh->stable[(pick >> 1) % STABLE]
		                            : &sh->churn[(pick >> 1) % CHURN];
		char text[TOKLEN + 1];
		enum state before, after;
		int rc;

		pthread_mutex_lock(&sh->lock);
		before = s->state;
		memcpy(text, s->text, sizeof(text));
		pthread_mutex_unlock(&sh->lock);
		if (before == EMPTY)
			continue;
		rc = authenticate(sh, text);
		pthread_mutex_lock(&sh->lock);
		/* The slot may have been reused for another token meanwhile. */
		after = strcmp(s->text, text) == 0 ? s->state : REVOKED;
		pthread_mutex_unlock(&sh->lock);
		atomic_fetch_add(&sh->attempts, 1);
		judge(sh, before, after, rc, text);
	}
	return NULL;
}

static int
create_token(char out[TOKLEN + 1])
{
	FILE *p = popen(getenv("HT_CREATE"), "r");
	char line[256];
	int ok_ = 0;

	if (p == NULL)
		return -1;
	if (fgets(line, sizeof(line), p) != NULL && strlen(line) == TOKLEN + 1) {
		memcpy(out, line, TOKLEN);
		out[TOKLEN] = '\0';
		ok_ = 1;
	}
	return (pclose(p) == 0 && ok_) ? 0 : -1;
}

static int
revoke_token(const char *text)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "%s %.16s", getenv("HT_REVOKE"), text + 4);
	return system(cmd) == 0 ? 0 : -1;
}

/* Open descriptors of this process: the module must leave none behind. */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static void
set_state(struct shared *sh, struct slot *s, const char *text, enum state st)
{
	pthread_mutex_lock(&sh->lock);
	if (text != NULL)
		memcpy(s->text, text, TOKLEN + 1);
	s->state = st;
	pthread_mutex_unlock(&sh->lock);
}

/* Whether the run has shown what it must: create+revoke cycles, and both
 * a valid and an already revoked token presented. */
static int
seen_enough(struct shared *sh, long cycles)
{
	return cycles >= 3 && atomic_load(&sh->accepted_live) > 0 &&
	       atomic_load(&sh->refused_revoked) > 0;
}

/* The other process's work: fill a slot with a new token, revoke the one
 * half a ring behind, until the time is up and the run has seen enough.
 * A slow run (a loaded machine, valgrind) gets up to GRACE_S more seconds
 * to present a revoked token, rather than a failure that says nothing
 * about the module. */
static long
churn(struct shared *sh, time_t until, long *failures)
{
	long cycles = 0;

	for (unsigned i = 0; time(NULL) < until ||
	                     (!seen_enough(sh, cycles) && time(NULL) < until + GRACE_S); i++) {
		char text[TOKLEN + 1];
		struct slot *fresh = &sh->churn[i % CHURN];
		struct slot *old = &sh->churn[(i + CHURN / 2) % CHURN];

		if (create_token(text) != 0) {
			(*failures)++;
			continue;
		}
		set_state(sh, fresh, text, LIVE);
		if (old->state == LIVE) {
			set_state(sh, old, NULL, REVOKING);
			if (revoke_token(old->text) != 0)
				(*failures)++;
			set_state(sh, old, NULL, REVOKED);
		}
		cycles++;
	}
	return cycles;
}

int
main(int argc, char **argv)
{
	struct shared sh;
	struct worker *w;
	struct conv_answer empty = conv_answer_of("");
	struct pam_conv pc = conv_for(&empty);
	pam_handle_t *pinned = NULL;
	long cycles, failures = 0;
	int n, fds_before;

	if (argc != 6 || getenv("HT_CREATE") == NULL || getenv("HT_REVOKE") == NULL) {
		fprintf(stderr, "usage: HT_CREATE=... HT_REVOKE=... threads CONFDIR SERVICE USER SECONDS NTHREADS\n");
		return 2;
	}
	memset(&sh, 0, sizeof(sh));
	sh.confdir = argv[1], sh.service = argv[2], sh.user = argv[3];
	n = atoi(argv[5]);
	pthread_mutex_init(&sh.lock, NULL);
	for (int i = 0; i < STABLE; i++) {
		if (create_token(sh.stable[i].text) != 0)
			bail("setup failed: creating stable token %d ($HT_CREATE)", i);
		sh.stable[i].state = LIVE;
	}
	/* Keeps the modules loaded between transactions, as a server does. */
	if (pam_start_confdir(sh.service, sh.user, &pc, sh.confdir, &pinned) != PAM_SUCCESS)
		bail("setup failed: pam_start for service %s in %s", sh.service, sh.confdir);
	/* The module looks the user up; a name service may keep a descriptor
	 * of its own from the first lookup on (nss_wrapper its passwd file,
	 * sssd a socket), which is not the module's to close. */
	(void)getpwnam(sh.user);
	fds_before = count_fds();
	w = calloc((size_t)n, sizeof(*w));
	for (int i = 0; i < n; i++) {
		w[i].sh = &sh;
		w[i].seed = (unsigned)i * 7919u + 1u;
		pthread_create(&w[i].tid, NULL, work, &w[i]);
	}
	cycles = churn(&sh, time(NULL) + atoi(argv[4]), &failures);
	atomic_store(&sh.stop, 1);
	for (int i = 0; i < n; i++)
		pthread_join(w[i].tid, NULL);
	free(w);
	pam_end(pinned, PAM_SUCCESS);
	printf("# %ld attempts in %d threads; %ld create+revoke cycles; valid %ld, "
	       "revoked before %ld, racing %ld\n", atomic_load(&sh.attempts), n, cycles,
	       atomic_load(&sh.accepted_live), atomic_load(&sh.refused_revoked),
	       atomic_load(&sh.racing));
	is_int(failures, 0, "every create and revoke succeeded");
	ok(cycles >= 3, "tokens were created and revoked during the run (%ld)", cycles);
	ok(atomic_load(&sh.accepted_live) > 0 && atomic_load(&sh.refused_revoked) > 0,
	   "both valid and revoked tokens were tried");
	is_int(atomic_load(&sh.wrong), 0, "zero wrong answers");
	ok(fds_before > 0, "descriptors counted before the run (%d)", fds_before);
	is_int(count_fds(), fds_before, "no descriptor left open after all those attempts");
	return done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Whole PAM transactions in one process, the way mod_authnz_pam makes
 * them for every request: pam_start_confdir, PAM_RHOST, pam_authenticate
 * and pam_acct_mgmt (PAM_SILENT|PAM_DISALLOW_NULL_AUTHTOK), pam_end.
 *
 * Each stack is a service file in a private directory (no pam_wrapper:
 * it changes the framework's own cost). One extra handle per service
 * stays open for the whole run, so modules stay loaded as they do in a
 * server; without it every pam_end would dlclose them. The stacks run
 * interleaved in rounds so that a change in machine load hits them all.
 *
 *   pam-bench -c CONFDIR [-r ROUNDS] [-w WARMUP] [-m]
 *             [-e PATH]... [-D]  SERVICE,USER,SECRETS_FILE,ITERATIONS[,WARMUP] ...
 *
 * -e PATH evicts PATH from the page cache before every timed
 * transaction (posix_fadvise), -D drops all caches instead (root): cold
 * runs. -m reports the resident set size as the run goes. Each secret
 * file holds one password per line; transactions cycle through them.
 * Every stack first runs WARMUP untimed transactions (default -w).
 * Prints one "stack" line per service; exits 1 if any transaction
 * fails. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "bench-util.h"
#include "conv.h"

#define MAX_STACKS 16
#define MAX_EVICT  8
#define MAX_SECRETS 100000
#define PAM_FLAGS (PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK)

struct stack {
	char *service, *user;
	char **secrets;
	size_t nsecrets, next;
	unsigned long iterations, warmup, done;
	uint64_t *samples;
	pam_handle_t *pinned;
};

struct run {
	const char *confdir;
	unsigned long rounds, warmup;
	int memory, drop_all;
	const char *evict[MAX_EVICT];
	size_t nevict;
	struct stack stacks[MAX_STACKS];
	size_t nstacks;
};

/* One transaction; returns its PAM result (PAM_SUCCESS when both the
 * auth and the account step succeed). */
static int
transaction(const struct run *run, const struct stack *s, const char *password)
{
	/* Answers the password prompt and nothing else, like mod_authnz_pam. */
	struct conv_answer ans = conv_answer_of(password);
	struct pam_conv conv = conv_for(&ans);
	pam_handle_t *pamh;
	int rc;

	rc = pam_start_confdir(s->service, s->user, &conv, run->confdir, &pamh);
	if (rc != PAM_SUCCESS)
		return rc;
	rc = pam_set_item(pamh, PAM_RHOST, "127.0.0.1");
	if (rc == PAM_SUCCESS)
		rc = pam_authenticate(pamh, PAM_FLAGS);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(pamh, PAM_FLAGS);
	pam_end(pamh, rc);
	return rc;
}

static void
evict(const struct run *run)
{
	if (run->drop_all && bench_evict(NULL, 1) < 0) {
		perror("drop_caches");
		exit(1);
	}
	for (size_t i = 0; i < run->nevict; i++)
		if (bench_evict(run->evict[i], 0) < 0) {
			perror(run->evict[i]);
			exit(1);
		}
}

static void
one(const struct run *run, struct stack *s, int timed)
{
	const char *password = s->secrets[s->next++ % s->nsecrets];
	uint64_t t0;
	int rc;

	if (timed)
		evict(run);
	t0 = bench_now_ns();
	rc = transaction(run, s, password);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "pam-bench: %s: %s\n", s->service, pam_strerror(NULL, rc));
		exit(1);
	}
	if (timed)
		s->samples[s->done++] = bench_now_ns() - t0;
}

static void
parse_stack(const char *arg, unsigned long warmup, struct stack *s)
{
	char *copy = strdup(arg), *save = NULL, *f[5];

	for (int i = 0; i < 5; i++)
		f[i] = strtok_r(i == 0 ? copy : NULL, ",", &save);
	if (f[3] == NULL) {
		fprintf(stderr, "pam-bench: bad stack %s (SERVICE,USER,SECRETS,ITERATIONS"
		        "[,WARMUP])\n", arg);
		exit(64);
	}
	s->warmup = f[4] ? strtoul(f[4], NULL, 10) : warmup;
	s->service = f[0];
	s->user = f[1];
	s->secrets = bench_read_lines(f[2], MAX_SECRETS, &s->nsecrets);
	s->iterations = bench_parse_count("iterations", f[3]);
	/* Touched now, so that the samples do not show up as growth in -m. */
	s->samples = calloc(s->iterations, sizeof(*s->samples));
	if (s->samples == NULL) {
		fprintf(stderr, "pam-bench: out of memory\n");
		exit(1);
	}
	memset(s->samples, 0xff, s->iterations * sizeof(*s->samples));
}

static void
parse_args(int argc, char **argv, struct run *run)
{
	int c;

	run->rounds = 5;
	run->warmup = 100;
	while ((c = getopt(argc, argv, "c:r:w:me:D")) != -1) {
		switch (c) {
		case 'c': run->confdir = optarg; break;
		case 'r': run->rounds = bench_parse_count("rounds", optarg); break;
		case 'w': run->warmup = strtoul(optarg, NULL, 10); break;
		case 'm': run->memory = 1; break;
		case 'D': run->drop_all = 1; break;
		case 'e':
			if (run->nevict == MAX_EVICT)
				exit(64);
			run->evict[run->nevict++] = optarg;
			break;
		default: exit(64);
		}
	}
	if (run->confdir == NULL || optind == argc || argc - optind > MAX_STACKS) {
		fprintf(stderr, "usage: pam-bench -c CONFDIR [-r ROUNDS] [-w WARMUP] [-m] "
		        "[-e PATH]... [-D] SERVICE,USER,SECRETS,ITERATIONS ...\n");
		exit(64);
	}
	for (int i = optind; i < argc; i++)
		parse_stack(argv[i], run->warmup, &run->stacks[run->nstacks++]);
}

static void
pin(const struct run *run, struct stack *s)
{
	static struct conv_answer empty = { "", 0, 0, 0 };
	struct pam_conv none = conv_for(&empty);
	int rc = pam_start_confdir(s->service, s->user, &none, run->confdir, &s->pinned);

	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "pam-bench: %s: pam_start: %s\n", s->service,
		        pam_strerror(NULL, rc));
		exit(1);
	}
}

/* Runs stack s's share of round r, reporting RSS at every tenth of the
 * run in memory mode. */
static void
round_of(const struct run *run, struct stack *s, unsigned long r)
{
	unsigned long until = s->iterations * (r + 1) / run->rounds;

	while (s->done < until) {
		one(run, s, 1);
		if (run->memory && s->done % (s->iterations / 10 ? s->iterations / 10 : 1) == 0)
			printf("rss %s after=%lu kb=%ld\n", s->service, s->done, bench_rss_kb());
	}
}

int
main(int argc, char **argv)
{
	struct run run = { 0 };
	struct bench_stats st;

	parse_args(argc, argv, &run);
	for (size_t i = 0; i < run.nstacks; i++) {
		pin(&run, &run.stacks[i]);
		for (unsigned long w = 0; w < run.stacks[i].warmup; w++)
			one(&run, &run.stacks[i], 0);
	}
	if (run.memory)
		printf("rss start kb=%ld\n", bench_rss_kb());
	fflush(stdout);
	for (unsigned long r = 0; r < run.rounds; r++)
		for (size_t i = 0; i < run.nstacks; i++)
			round_of(&run, &run.stacks[i], r);
	for (size_t i = 0; i < run.nstacks; i++) {
		struct stack *s = &run.stacks[i];
		bench_summarise(s->samples, s->done, &st);
		printf("stack %s n=%zu median_us=%.2f p10_us=%.2f p90_us=%.2f p99_us=%.2f "
		       "mean_us=%.2f\n", s->service, st.n, st.median_us, st.p10_us, st.p90_us,
		       st.p99_us, st.mean_us);
		pam_end(s->pinned, PAM_SUCCESS);
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The module's own cost without the PAM framework: ht_verify_password(),
 * the whole check pam_httptoken makes, called directly.
 *
 *   verify-bench [-n ITERATIONS] [-t THREADS,...] [-d SECONDS] [-R REPS] [-b]
 *                DB KEYFILE USER SECRETS_FILE
 *
 * Prints the latency of single calls ("verify" line), then, with -t, the
 * throughput of 1, 2, ... threads each calling it in a loop for -d
 * seconds ("threads" lines, medians of -R rotations), and with -b the cost of each step of a
 * verification ("step" lines): what a per-process cache of the open
 * store and key would save; also the other calls the module makes per
 * transaction (ht_verify_id in account, ht_lastused_touch), a bare gdbm
 * open with and without GDBM_XVERIFY, and the two stat() calls a cache
 * would make to notice a change ("extra" lines). Exits 1 if
 * any token is not accepted. */
#include "config.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include <fcntl.h>
#include <gdbm.h>

#include "bench-util.h"
#include "key.h"
#include "lastused.h"
#include "store.h"
#include "verify.h"

#define MAX_SECRETS 100000
#define MAX_THREADS 64
#define MAX_REPS    15

struct ctx {
	struct ht_verify_request req;
	char **secrets;
	size_t nsecrets;
};

struct worker {
	pthread_t thread;
	const struct ctx *ctx;
	size_t start;
	uint64_t until_ns;
	unsigned long calls;
};

static void
verify_one(const struct ctx *c, size_t i)
{
	const char *pw = c->secrets[i % c->nsecrets];
	struct ht_verify_result res;
	struct ht_error err;

	ht_error_clear(&err);
	if (ht_verify_password(&c->req, pw, strlen(pw), &res, &err) != HT_V_OK) {
		fprintf(stderr, "verify-bench: token not accepted: %s %s\n",
		        ht_verdict_str(res.verdict), err.msg);
		exit(1);
	}
}

static void
latency(const struct ctx *c, unsigned long n)
{
	uint64_t *samples = calloc(n, sizeof(*samples));
	struct bench_stats st;

	if (samples == NULL)
		exit(1);
	for (size_t i = 0; i < c->nsecrets; i++)
		verify_one(c, i);
	for (unsigned long i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns();
		verify_one(c, i);
		samples[i] = bench_now_ns() - t0;
	}
	bench_summarise(samples, n, &st);
	printf("verify n=%zu median_us=%.2f p10_us=%.2f p90_us=%.2f p99_us=%.2f mean_us=%.2f\n",
	       st.n, st.median_us, st.p10_us, st.p90_us, st.p99_us, st.mean_us);
	free(samples);
}

static void *
work(void *arg)
{
	struct worker *w = arg;

	for (size_t i = w->start; bench_now_ns() < w->until_ns; i++) {
		verify_one(w->ctx, i);
		w->calls++;
	}
	return NULL;
}

/* CPU seconds used by the process; *waits gets its voluntary context
 * switches (a thread blocked on a lock or on I/O). */
static double
cpu_seconds(long *waits)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*waits = ru.ru_nvcsw;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Calls per second of n threads running together for secs seconds;
 * *busy gets the CPU seconds the process used per wall second, *waits
 * the voluntary context switches per thousand calls: a busy figure below
 * n with few waits means the threads waited for a CPU (other load), not
 * for each other. */
static double
throughput(const struct ctx *c, int n, double secs, double *busy, double *waits)
{
	struct worker w[MAX_THREADS];
	long sw0, sw1;
	double cpu0 = cpu_seconds(&sw0), wall;
	uint64_t t0 = bench_now_ns(), until = t0 + (uint64_t)(secs * 1e9);
	unsigned long total = 0;

	for (int i = 0; i < n; i++) {
		w[i] = (struct worker){ .ctx = c, .start = (size_t)i * 7919, .until_ns = until };
		if (pthread_create(&w[i].thread, NULL, work, &w[i]) != 0) {
			perror("pthread_create");
			exit(1);
		}
	}
	for (int i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		total += w[i].calls;
	}
	wall = (double)(bench_now_ns() - t0) / 1e9;
	*busy = (cpu_seconds(&sw1) - cpu0) / wall;
	*waits = total ? (double)(sw1 - sw0) * 1000.0 / (double)total : 0;
	return (double)total / wall;
}

static double
median3(double *v, int n)
{
	/* n is small: an insertion sort is plenty. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Each thread count of list, reps times in rotation (so that a change
 * in the machine's load hits every count alike); prints the medians. */
static void
scaling(const struct ctx *c, const char *list, double secs, int reps)
{
	char *copy = strdup(list), *save = NULL, *tok;
	double rate[8][MAX_REPS], busy[8][MAX_REPS], waits[8][MAX_REPS], base = 0;
	int counts[8], k = 0;

	for (tok = strtok_r(copy, ",", &save); tok && k < 8; tok = strtok_r(NULL, ",", &save)) {
		counts[k] = (int)bench_parse_count("threads", tok);
		if (counts[k++] > MAX_THREADS)
			exit(64);
	}
	free(copy);
	for (int r = 0; r < reps; r++)
		for (int i = 0; i < k; i++)
			rate[i][r] = throughput(c, counts[i], secs, &busy[i][r], &waits[i][r]);
	for (int i = 0; i < k; i++) {
		double m = median3(rate[i], reps);
		if (base == 0)
			base = m / counts[i];
		printf("threads n=%d calls_per_s=%.0f speedup=%.2f cpus_busy=%.2f "
		       "waits_per_1000=%.1f\n", counts[i], m, m / base, median3(busy[i], reps),
		       median3(waits[i], reps));
	}
}

/* The steps of one verification, timed separately and summed over n
 * calls: where the time goes. */
enum step { S_KEY, S_OPEN, S_POLICY, S_GET, S_HASH, S_CLOSE, S_COUNT };
static const char *const step_names[S_COUNT] = {
	"key_load", "store_open", "get_policy", "get_record", "secret_hash", "store_close",
};

static void
breakdown(const struct ctx *c, unsigned long n)
{
	uint64_t *samples[S_COUNT];
	struct bench_stats st;

	for (int s = 0; s < S_COUNT; s++)
		if ((samples[s] = calloc(n, sizeof(uint64_t))) == NULL)
			exit(1);
	for (unsigned long i = 0; i < n; i++) {
		const char *pw = c->secrets[i % c->nsecrets];
		unsigned char hash[HT_HASH_BYTES];
		struct ht_store *store;
		struct ht_policy pol;
		struct ht_record rec;
		struct ht_token tok;
		struct ht_error err;
		struct ht_key key;
		uint64_t t[S_COUNT + 1];

		ht_error_clear(&err);
		if (ht_token_parse(pw, strlen(pw), &tok) != 0)
			exit(1);
		t[0] = bench_now_ns();
		if (ht_key_load(c->req.key_path, &key, &err) != HT_OK)
			goto fail;
		t[1] = bench_now_ns();
		if (ht_store_open(c->req.db_path, &key, &store, &err) != HT_OK)
			goto fail;
		t[2] = bench_now_ns();
		if (ht_store_get_policy(store, &pol, &err) != HT_OK)
			goto fail;
		t[3] = bench_now_ns();
		if (ht_store_get(store, tok.id, &rec, &err) != HT_OK)
			goto fail;
		t[4] = bench_now_ns();
		ht_secret_hash(&key, &tok, hash);
		t[5] = bench_now_ns();
		ht_store_close(store);
		t[6] = bench_now_ns();
		for (int s = 0; s < S_COUNT; s++)
			samples[s][i] = t[s + 1] - t[s];
		ht_key_wipe(&key);
		ht_token_wipe(&tok);
		continue;
fail:
		fprintf(stderr, "verify-bench: %s\n", err.msg);
		exit(1);
	}
	for (int s = 0; s < S_COUNT; s++) {
		bench_summarise(samples[s], n, &st);
		printf("step %s median_us=%.2f mean_us=%.2f\n", step_names[s], st.median_us,
		       st.mean_us);
		free(samples[s]);
	}
}

/* A bare gdbm open + close of the store with the given flags. */
static void
gdbm_open_close(const char *path, int flags)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	GDBM_FILE dbf = fd < 0 ? NULL : gdbm_fd_open(fd, path, 0, flags | GDBM_CLOERROR, NULL);

	if (dbf == NULL) {
		fprintf(stderr, "verify-bench: cannot open %s\n", path);
		exit(1);
	}
	gdbm_close(dbf);
}

enum extra { X_VERIFY_ID, X_LASTUSED, X_GDBM_XVERIFY, X_GDBM_PLAIN, X_STAT, X_COUNT };
static const char *const extra_names[X_COUNT] = {
	"verify_id", "lastused_touch", "gdbm_open_xverify", "gdbm_open_plain",
	"stat_store_and_key",
};

static void
extras(const struct ctx *c, unsigned long n)
{
	const int base = GDBM_READER | GDBM_NOMMAP;
	uint64_t *samples[X_COUNT];
	struct bench_stats st;

	for (int x = 0; x < X_COUNT; x++)
		if ((samples[x] = calloc(n, sizeof(uint64_t))) == NULL)
			exit(1);
	/* One untimed pass first: the last-use files may not be cached yet. */
	for (unsigned long i = 0; i < n + c->nsecrets; i++) {
		const char *pw = c->secrets[i % c->nsecrets];
		struct ht_verify_result res;
		struct ht_error err;
		struct ht_token tok;
		struct stat sb;
		uint64_t t[X_COUNT + 1];

		ht_error_clear(&err);
		if (ht_token_parse(pw, strlen(pw), &tok) != 0)
			exit(1);
		t[0] = bench_now_ns();
		if (ht_verify_id(&c->req, tok.id, &res, &err) != HT_V_OK)
			exit(1);
		t[1] = bench_now_ns();
		ht_lastused_touch(c->req.db_path, tok.id, res.lastused_granularity, c->req.now);
		t[2] = bench_now_ns();
		gdbm_open_close(c->req.db_path, base | GDBM_XVERIFY);
		t[3] = bench_now_ns();
		gdbm_open_close(c->req.db_path, base);
		t[4] = bench_now_ns();
		/* What a cache would still pay per call to notice a change. */
		if (stat(c->req.db_path, &sb) < 0 || stat(c->req.key_path, &sb) < 0)
			exit(1);
		t[5] = bench_now_ns();
		for (int x = 0; x < X_COUNT && i >= c->nsecrets; x++)
			samples[x][i - c->nsecrets] = t[x + 1] - t[x];
		ht_token_wipe(&tok);
	}
	for (int x = 0; x < X_COUNT; x++) {
		bench_summarise(samples[x], n, &st);
		printf("extra %s median_us=%.2f mean_us=%.2f\n", extra_names[x], st.median_us,
		       st.mean_us);
		free(samples[x]);
	}
}

int
main(int argc, char **argv)
{
	struct ctx c = { { 0 }, NULL, 0 };
	unsigned long n = 20000;
	const char *threads = NULL;
	double secs = 2;
	int opt, steps = 0, reps = 1;

	while ((opt = getopt(argc, argv, "n:t:d:R:b")) != -1) {
		switch (opt) {
		case 'n': n = bench_parse_count("iterations", optarg); break;
		case 't': threads = optarg; break;
		case 'd': secs = atof(optarg); break;
		case 'b': steps = 1; break;
		case 'R':
			reps = (int)bench_parse_count("repetitions", optarg);
			if (reps > MAX_REPS)
				return 64;
			break;
		default: return 64;
		}
	}
	if (argc - optind != 4 || secs <= 0) {
		fprintf(stderr, "usage: verify-bench [-n N] [-t THREADS,...] [-d SECONDS] [-R REPS] [-b] "
		        "DB KEYFILE USER SECRETS_FILE\n");
		return 64;
	}
	if (sodium_init() < 0)
		return 1;
	c.req = (struct ht_verify_request){
		.db_path = argv[optind], .key_path = argv[optind + 1], .user = argv[optind + 2],
		.token_user = "x-token-auth", .resource = NULL, .require = HT_PERM_READ,
		.now = (int64_t)time(NULL), .user_lookup = HT_USER_UNCHECKED,
	};
	c.secrets = bench_read_lines(argv[optind + 3], MAX_SECRETS, &c.nsecrets);
	latency(&c, n);
	if (steps) {
		breakdown(&c, n);
		extras(&c, n);
	}
	if (threads != NULL)
		scaling(&c, threads, secs, reps);
	bench_free_lines(c.secrets, c.nsecrets);
	return 0;
}

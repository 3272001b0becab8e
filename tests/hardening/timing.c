/* Timing: an unknown token id and a known id with a wrong secret must
 * cost the same, or response times would tell an attacker which ids
 * exist. Both are timed interleaved through ht_verify_password against a
 * store of realistic size; the medians must agree within THRESHOLD, and
 * a two-sample Kolmogorov-Smirnov statistic must stay small. A loaded
 * machine adds noise to both alike; a failing round is repeated before
 * the test fails, a real difference fails every round.
 *
 * Environment: HT_TIMING_SAMPLES (default 3000 per kind and round). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "hfix.h"
#include "store.h"
#include "tap.h"

#define STORE_TOKENS  200
#define ROUNDS        5
#define THRESHOLD     0.05   /* medians within 5 % */
#define KS_LIMIT      0.15   /* largest gap between the two distributions */

static struct hfix fx;

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static double
time_one(const struct hfix_token *who, const char *text, enum ht_verdict *v)
{
	struct ht_verify_request req;
	struct ht_verify_result res;
	struct ht_error err;
	double t0;

	ht_error_clear(&err);
	hfix_request(&fx, fx.db, who, &req);
	t0 = now_ns();
	*v = ht_verify_password(&req, text, HT_TOKEN_LEN, &res, &err);
	return now_ns() - t0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Largest distance between the two empirical distributions (both sorted). */
static double
ks_statistic(const double *a, const double *b, size_t n)
{
	size_t i = 0, j = 0;
	double d = 0;

	while (i < n && j < n) {
		double x = a[i] <= b[j] ? a[i] : b[j];
		double gap;
		while (i < n && a[i] <= x)
			i++;
		while (j < n && b[j] <= x)
			j++;
		gap = (double)i / (double)n - (double)j / (double)n;
		if (gap < 0)
			gap = -gap;
		if (gap > d)
			d = gap;
	}
	return d;
}

/* A token text for id with a fresh random secret (valid checksum). */
static void
forge(ht_id id, char text[HT_TOKEN_LEN + 1])
{
	struct ht_token tok;

	ht_token_generate(&tok);
	tok.id = id;
	ht_token_format(&tok, text);
	ht_token_wipe(&tok);
}

struct round {
	double med_known, med_unknown, diff, ks;
	int verdicts_ok;
};

static void
measure(const struct hfix_token *toks, size_t n, struct round *r)
{
	double *known = calloc(n, sizeof(double)), *unknown = calloc(n, sizeof(double));
	char text[HT_TOKEN_LEN + 1];
	enum ht_verdict v;

	r->verdicts_ok = known != NULL && unknown != NULL;
	for (size_t i = 0; r->verdicts_ok && i < n; i++) {
		const struct hfix_token *t = &toks[hfix_rand() % STORE_TOKENS];
		/* Alternate which goes first so drift hits both alike. */
		int order = (int)(i & 1);

		for (int k = 0; k < 2; k++) {
			if ((k ^ order) == 0) {
				forge(t->rec.id, text);
				known[i] = time_one(t, text, &v);
				r->verdicts_ok &= v == HT_V_BAD_SECRET;
			} else {
				forge(((ht_id)hfix_rand() << 32) ^ hfix_rand(), text);
				unknown[i] = time_one(t, text, &v);
				r->verdicts_ok &= v == HT_V_UNKNOWN;
			}
		}
	}
	if (r->verdicts_ok) {
		qsort(known, n, sizeof(double), cmp_double);
		qsort(unknown, n, sizeof(double), cmp_double);
		r->med_known = known[n / 2];
		r->med_unknown = unknown[n / 2];
		r->diff = (r->med_known - r->med_unknown) /
		          (r->med_known < r->med_unknown ? r->med_known : r->med_unknown);
		r->ks = ks_statistic(known, unknown, n);
	}
	free(known);
	free(unknown);
}

int
main(void)
{
	static struct hfix_token toks[STORE_TOKENS];
	const char *env = getenv("HT_TIMING_SAMPLES");
	size_t n = env ? strtoul(env, NULL, 10) : 3000;
	struct round r;
	int passed = 0, rounds = 0, verdicts = 1;

	if (sodium_init() < 0) {
		printf("Bail out! sodium_init failed\n");
		return 1;
	}
	hfix_seed();
	hfix_setup(&fx);
	for (size_t i = 0; i < STORE_TOKENS; i++)
		hfix_add_personal(&fx, &toks[i]);
	measure(toks, n / 10 + 1, &r);   /* warm the caches */
	while (!passed && rounds < ROUNDS) {
		measure(toks, n, &r);
		rounds++;
		verdicts &= r.verdicts_ok;
		printf("# round %d: %zu each; median known id + wrong secret %.1f us, unknown "
		       "id %.1f us (%+.1f %%), KS distance %.3f\n", rounds, n,
		       r.med_known / 1000, r.med_unknown / 1000, r.diff * 100, r.ks);
		passed = r.verdicts_ok && r.diff < THRESHOLD && r.diff > -THRESHOLD &&
		         r.ks < KS_LIMIT;
	}
	ok(verdicts, "every attempt got the expected verdict (wrong secret / unknown)");
	ok(passed, "unknown and known ids take the same time: medians within %.0f %%, "
	   "KS distance under %.2f (%d round(s))", THRESHOLD * 100, KS_LIMIT, rounds);
	hfix_teardown(&fx);
	return done();
}

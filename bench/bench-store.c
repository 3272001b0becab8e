/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Builds a benchmark store of COUNT personal tokens through the library,
 * in one writer transaction, and keeps the text of SAMPLES of them
 * (spread evenly over the batch) in a 0600 file for the benchmarks to
 * authenticate with. Usage:
 *   bench-store DB KEYFILE COUNT USER SAMPLES_FILE [SAMPLES]            */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "bench-util.h"
#include "fixture.h"

static FILE *
open_samples(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	return f;
}

struct fill {
	struct fixture *fx;
	const char *user;
	unsigned long count, stride;
	FILE *samples;
};

/* Puts count fresh personal tokens of user (created now, with the
 * caller's uid); every stride-th one is written to samples. */
static enum ht_status
fill(struct ht_txn *txn, void *ctx, struct ht_error *err)
{
	const struct fill *f = ctx;
	struct fixture_token t;
	char name[32];
	enum ht_status s = HT_OK;

	for (unsigned long i = 0; s == HT_OK && i < f->count; i++) {
		snprintf(name, sizeof(name), "bench-%lu", i);
		fixture_token_init(f->fx, &t, f->user, name);
		t.rec.created = (int64_t)time(NULL);
		t.rec.owner_uid = getuid();
		s = ht_txn_put(txn, &t.rec, err);
		if (i % f->stride == f->stride / 2)
			fprintf(f->samples, "%s\n", t.text);
	}
	sodium_memzero(&t, sizeof(t));
	return s;
}

int
main(int argc, char **argv)
{
	unsigned long count, nsamples = 1000;
	struct fixture fx;
	struct fill f;
	uint64_t t0;

	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: bench-store DB KEYFILE COUNT USER SAMPLES_FILE [SAMPLES]\n");
		return 64;
	}
	count = bench_parse_count("count", argv[3]);
	if (argc == 7)
		nsamples = bench_parse_count("samples", argv[6]);
	if (nsamples > count)
		nsamples = count;
	if (sodium_init() < 0)
		return 1;
	t0 = bench_now_ns();
	fixture_create(&fx, argv[1], argv[2]);
	f = (struct fill){ &fx, argv[4], count, count / nsamples, open_samples(argv[5]) };
	fixture_change(&fx, fill, &f);
	if (fclose(f.samples) != 0) {
		perror(argv[5]);
		return 1;
	}
	fixture_close(&fx);
	printf("built %lu tokens in %.1f s\n", count, (double)(bench_now_ns() - t0) / 1e9);
	return 0;
}

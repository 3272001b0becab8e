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
#include "key.h"
#include "lastused.h"
#include "store.h"

static void
die(const struct ht_error *err)
{
	fprintf(stderr, "bench-store: %s\n", err->msg);
	exit(1);
}

static void
make_record(const struct ht_key *key, const char *user, unsigned long i,
            const struct ht_token *tok, struct ht_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->id = tok->id;
	rec->kind = HT_KIND_PERSONAL;
	ht_record_default_uses(rec);
	rec->perm = HT_PERM_WRITE;
	rec->created = (int64_t)time(NULL);
	rec->owner_uid = getuid();
	snprintf(rec->owner, sizeof(rec->owner), "%s", user);
	snprintf(rec->name, sizeof(rec->name), "bench-%lu", i);
	ht_secret_hash(key, tok, rec->hash);
}

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

/* Puts count fresh tokens; every stride-th one is written to samples. */
static void
fill(struct ht_txn *txn, const struct ht_key *key, const char *user,
     unsigned long count, unsigned long stride, FILE *samples)
{
	char text[HT_TOKEN_LEN + 1];
	struct ht_record rec;
	struct ht_token tok;
	struct ht_error err;

	ht_error_clear(&err);
	for (unsigned long i = 0; i < count; i++) {
		ht_token_generate(&tok);
		make_record(key, user, i, &tok, &rec);
		if (ht_txn_put(txn, &rec, &err) != HT_OK)
			die(&err);
		if (i % stride == stride / 2) {
			ht_token_format(&tok, text);
			fprintf(samples, "%s\n", text);
		}
	}
	ht_token_wipe(&tok);
	sodium_memzero(text, sizeof(text));
}

int
main(int argc, char **argv)
{
	unsigned long count, nsamples = 1000;
	struct ht_txn *txn;
	struct ht_error err;
	struct ht_key key;
	uint64_t t0;
	FILE *samples;

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
	ht_error_clear(&err);
	t0 = bench_now_ns();
	if (ht_key_create(argv[2], (gid_t)-1, &err) != HT_OK ||
	    ht_key_load(argv[2], &key, &err) != HT_OK ||
	    ht_store_create(argv[1], &key, (gid_t)-1, &err) != HT_OK)
		die(&err);
	if (ht_lastused_dir_create(argv[1], (gid_t)-1) < 0) {
		perror("lastused directory");
		return 1;
	}
	if (ht_txn_begin(argv[1], &key, 10000, &txn, &err) != HT_OK)
		die(&err);
	samples = open_samples(argv[5]);
	fill(txn, &key, argv[4], count, count / nsamples, samples);
	if (fclose(samples) != 0) {
		perror(argv[5]);
		return 1;
	}
	if (ht_txn_commit(txn, &err) != HT_OK)
		die(&err);
	ht_key_wipe(&key);
	printf("built %lu tokens in %.1f s\n", count, (double)(bench_now_ns() - t0) / 1e9);
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Checking the signatures of a batch of rows on worker threads, so that a
 * sync verifies one batch on every core while it applies the batch before
 * (an Ed25519 verification costs more than applying the row). Each
 * worker takes every nth row and writes its verdict into ok[]; the caller
 * reads ok[] only after ht_rowcheck_wait, and applies a row as verified
 * only when its ok[] says so (ht_replica_apply_checked). The rows must not
 * change between start and wait. */
#ifndef HT_FLEET_ROWCHECK_H
#define HT_FLEET_ROWCHECK_H

#include <pthread.h>
#include <stddef.h>

#include "pg.h"

#define HT_ROWCHECK_MAX_THREADS 8

struct ht_rowcheck;

struct ht_rowcheck_stripe {
	const struct ht_rowcheck *c;
	size_t first;
	pthread_t tid;
	int running;
};

struct ht_rowcheck {
	const unsigned char *pk;
	const struct ht_row *rows;
	unsigned char *ok;
	size_t n;
	unsigned threads;
	struct ht_rowcheck_stripe stripe[HT_ROWCHECK_MAX_THREADS];
};

/* How many workers to use: the cores online, at least 1, at most the
 * maximum. */
unsigned ht_rowcheck_threads(void);
/* Sets ok[0..n) to 0, then starts threads workers (1..max) on the rows; a
 * worker that cannot be started has its share checked here, before this
 * returns. */
void ht_rowcheck_start(struct ht_rowcheck *c, unsigned threads,
                       const unsigned char pk[HT_SIGN_PUB], const struct ht_row *rows,
                       size_t n, unsigned char *ok);
/* Waits for the workers: then ok[i] is 1 when row i's signature verifies. */
void ht_rowcheck_wait(struct ht_rowcheck *c);

#endif

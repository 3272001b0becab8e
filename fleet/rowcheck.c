/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "replica.h"
#include "rowcheck.h"

unsigned
ht_rowcheck_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > HT_ROWCHECK_MAX_THREADS ? HT_ROWCHECK_MAX_THREADS : (unsigned)n;
}

static void *
check_stripe(void *arg)
{
	const struct ht_rowcheck_stripe *st = arg;
	const struct ht_rowcheck *c = st->c;

	for (size_t i = st->first; i < c->n; i += c->threads)
		c->ok[i] = ht_row_check(c->pk, &c->rows[i]) == 0;
	return NULL;
}

void
ht_rowcheck_start(struct ht_rowcheck *c, unsigned threads,
                  const unsigned char pk[HT_SIGN_PUB], const struct ht_row *rows,
                  size_t n, unsigned char *ok)
{
	memset(c, 0, sizeof(*c));
	c->pk = pk;
	c->rows = rows;
	c->ok = ok;
	c->n = n;
	c->threads = threads < 1 ? 1 : threads > HT_ROWCHECK_MAX_THREADS
	             ? HT_ROWCHECK_MAX_THREADS : threads;
	memset(ok, 0, n);
	for (unsigned t = 0; t < c->threads; t++) {
		struct ht_rowcheck_stripe *st = &c->stripe[t];

		st->c = c;
		st->first = t;
		st->running = pthread_create(&st->tid, NULL, check_stripe, st) == 0;
		if (!st->running)
			check_stripe(st);
	}
}

void
ht_rowcheck_wait(struct ht_rowcheck *c)
{
	for (unsigned t = 0; t < c->threads; t++)
		if (c->stripe[t].running) {
			pthread_join(c->stripe[t].tid, NULL);
			c->stripe[t].running = 0;
		}
}

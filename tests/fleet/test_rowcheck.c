/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Checking a batch's signatures on worker threads: every row gets the
 * verdict of its own signature, whatever the number of workers and
 * wherever a bad row sits among them (first, last, in another worker's
 * share); a row signed by another key, one whose payload changed after
 * signing, and one with a short signature are all refused. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "replica.h"
#include "rowcheck.h"
#include "tap.h"

#define ROWS 1001

static struct ht_signer sg, other;

static void
make_rows(struct ht_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memset(&rows[i], 0, sizeof(rows[i]));
		rows[i].len = 40 + i % 50;
		memset(rows[i].payload, (int)(i & 0xff), rows[i].len);
		ht_row_sign(&sg, HT_ROW_TOKEN, 1000 + i, 1, rows[i].payload, rows[i].len,
		            rows[i].sig);
		rows[i].kind = HT_ROW_TOKEN;
		rows[i].id = 1000 + i;
		rows[i].version = 1;
		rows[i].sig_len = HT_SIG_BYTES;
	}
}

/* Spoils rows 0, 1 (another key), 500 (payload), 999 (short signature)
 * and the last (version changed after signing); expect[] says which. */
static void
spoil(struct ht_row *rows, unsigned char *expect)
{
	memset(expect, 1, ROWS);
	ht_row_sign(&other, HT_ROW_TOKEN, rows[1].id, 1, rows[1].payload, rows[1].len,
	            rows[1].sig);
	rows[0].sig[10] ^= 1;
	rows[500].payload[3] ^= 0x80;
	rows[999].sig_len = 0;
	rows[ROWS - 1].version = 2;
	expect[0] = expect[1] = expect[500] = expect[999] = expect[ROWS - 1] = 0;
}

static void
check_threads(const struct ht_row *rows, const unsigned char *expect, unsigned threads)
{
	unsigned char verdict[ROWS];
	struct ht_rowcheck c;

	memset(verdict, 7, sizeof(verdict));
	ht_rowcheck_start(&c, threads, sg.pk, rows, ROWS, verdict);
	ht_rowcheck_wait(&c);
	is_mem(verdict, expect, ROWS, "%u worker%s: every row gets its own verdict", threads,
	       threads == 1 ? "" : "s");
}

int
main(void)
{
	unsigned char seed[HT_SIGN_SEED], expect[ROWS], none = 9;
	struct ht_row *rows = calloc(ROWS, sizeof(*rows));
	struct ht_rowcheck c;

	if (sodium_init() < 0 || rows == NULL)
		return 1;
	memset(seed, 3, sizeof(seed));
	crypto_sign_seed_keypair(sg.pk, sg.sk, seed);
	memset(seed, 4, sizeof(seed));
	crypto_sign_seed_keypair(other.pk, other.sk, seed);
	make_rows(rows, ROWS);
	spoil(rows, expect);
	for (unsigned t = 1; t <= 3; t++)
		check_threads(rows, expect, t);
	check_threads(rows, expect, HT_ROWCHECK_MAX_THREADS + 5);
	ok(ht_rowcheck_threads() >= 1 && ht_rowcheck_threads() <= HT_ROWCHECK_MAX_THREADS,
	   "the workers are one per core, within bounds (%u)", ht_rowcheck_threads());
	ht_rowcheck_start(&c, 2, sg.pk, rows, 0, &none);
	ht_rowcheck_wait(&c);
	ok(none == 9, "an empty batch: nothing checked, nothing written");
	free(rows);
	return done();
}

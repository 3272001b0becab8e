/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Password hashes through libxcrypt, for the stacks a sysadmin would use
 * instead of tokens:
 *   crypt-bench hash PREFIX PASSWORD     prints a new hash ("$6$", "$y$",
 *                                        "$2y$": default cost)
 *   crypt-bench time HASH PASSWORD N     times N checks of PASSWORD
 *                                        against HASH, in-process (how
 *                                        Apache checks an htpasswd -B file)
 * The passwords are throw-away benchmark values. */
#include "config.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-util.h"

static int
hash(const char *prefix, const char *password)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;

	memset(&cd, 0, sizeof(cd));
	if (crypt_gensalt_rn(prefix, 0, NULL, 0, salt, sizeof(salt)) == NULL ||
	    crypt_rn(password, salt, &cd, sizeof(cd)) == NULL || cd.output[0] == '*') {
		fprintf(stderr, "crypt-bench: cannot hash with %s\n", prefix);
		return 1;
	}
	printf("%s\n", cd.output);
	return 0;
}

static int
timing(const char *stored, const char *password, unsigned long n)
{
	uint64_t *samples = calloc(n, sizeof(*samples));
	struct crypt_data cd;
	struct bench_stats st;

	if (samples == NULL)
		return 1;
	for (unsigned long i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns();
		memset(&cd, 0, sizeof(cd));
		if (crypt_rn(password, stored, &cd, sizeof(cd)) == NULL ||
		    strcmp(cd.output, stored) != 0) {
			fprintf(stderr, "crypt-bench: password does not match the hash\n");
			return 1;
		}
		samples[i] = bench_now_ns() - t0;
	}
	bench_summarise(samples, n, &st);
	printf("crypt n=%zu median_us=%.2f p10_us=%.2f p90_us=%.2f p99_us=%.2f mean_us=%.2f\n",
	       st.n, st.median_us, st.p10_us, st.p90_us, st.p99_us, st.mean_us);
	free(samples);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "hash") == 0)
		return hash(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "time") == 0)
		return timing(argv[2], argv[3], bench_parse_count("iterations", argv[4]));
	fprintf(stderr, "usage: crypt-bench hash PREFIX PASSWORD\n"
	        "       crypt-bench time HASH PASSWORD N\n");
	return 64;
}

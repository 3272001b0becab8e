/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small helpers shared by the benchmark programs: a monotonic clock,
 * order statistics over a run's samples, the process's resident set, and
 * reading one secret per line from a file. Not linked into the module. */
#ifndef HT_BENCH_UTIL_H
#define HT_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t bench_now_ns(void);

struct bench_stats {
	size_t n;
	double median_us, p10_us, p90_us, p99_us, mean_us;
};

/* Sorts samples (nanoseconds) in place and summarises them. */
void bench_summarise(uint64_t *samples, size_t n, struct bench_stats *out);

/* VmRSS of this process in KiB, or -1. */
long bench_rss_kb(void);

/* Reads up to max non-empty lines of path into a NULL-terminated array
 * (each line without its newline). Exits with a message on failure. */
char **bench_read_lines(const char *path, size_t max, size_t *count);
void bench_free_lines(char **lines, size_t count);

/* Parses a positive count ("1000", "1k", "1M"); exits on a bad value. */
unsigned long bench_parse_count(const char *what, const char *s);

/* Evicts path from the page cache (posix_fadvise DONTNEED) or, with
 * drop_all, drops every clean cache of the machine (needs root).
 * Returns 0, or -1 with errno. */
int bench_evict(const char *path, int drop_all);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"

uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples, in microseconds. */
static double
rank_us(const uint64_t *sorted, size_t n, double pct)
{
	size_t i = (size_t)(pct / 100.0 * (double)(n - 1) + 0.5);

	return (double)sorted[i] / 1000.0;
}

void
bench_summarise(uint64_t *samples, size_t n, struct bench_stats *out)
{
	double sum = 0;

	memset(out, 0, sizeof(*out));
	out->n = n;
	if (n == 0)
		return;
	qsort(samples, n, sizeof(*samples), cmp_u64);
	for (size_t i = 0; i < n; i++)
		sum += (double)samples[i];
	out->mean_us = sum / (double)n / 1000.0;
	/* An even count's median is the mean of the two middle samples. */
	out->median_us = n % 2 ? (double)samples[n / 2] / 1000.0
	                       : ((double)samples[n / 2 - 1] + (double)samples[n / 2]) / 2000.0;
	out->p10_us = rank_us(samples, n, 10);
	out->p90_us = rank_us(samples, n, 90);
	out->p99_us = rank_us(samples, n, 99);
}

long
bench_rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

char **
bench_read_lines(const char *path, size_t max, size_t *count)
{
	char buf[1024];
	char **lines = calloc(max + 1, sizeof(*lines));
	FILE *f = fopen(path, "re");
	size_t n = 0;

	if (lines == NULL || f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
	while (n < max && fgets(buf, sizeof(buf), f) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0] == '\0')
			continue;
		lines[n] = strdup(buf);
		if (lines[n++] == NULL) {
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
	}
	fclose(f);
	if (n == 0) {
		fprintf(stderr, "%s: no lines\n", path);
		exit(1);
	}
	*count = n;
	return lines;
}

void
bench_free_lines(char **lines, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		explicit_bzero(lines[i], strlen(lines[i]));
		free(lines[i]);
	}
	free(lines);
}

unsigned long
bench_parse_count(const char *what, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end == 'k' || *end == 'K')
		v *= 1000, end++;
	else if (*end == 'M')
		v *= 1000000, end++;
	if (errno != 0 || end == s || *end != '\0' || v == 0 || s[0] == '-') {
		fprintf(stderr, "bad %s: %s\n", what, s);
		exit(64);
	}
	return v;
}

int
bench_evict(const char *path, int drop_all)
{
	int fd, rc;

	if (drop_all) {
		fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		sync();
		rc = write(fd, "3\n", 2) == 2 ? 0 : -1;
		close(fd);
		return rc;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

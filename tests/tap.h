/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A minimal TAP producer for the C tests. Each assertion prints one
 * "ok N - description" line; a failed one adds, as TAP comments, where
 * it is (file:line) and what differed (both values):
 *
 *   ok(cond, fmt, ...)                    a condition
 *   is_int(got, want, fmt, ...)           integers
 *   is_str(got, want, fmt, ...)           strings (NULL allowed)
 *   like(got, needle, fmt, ...)           got contains needle
 *   is_mem(got, want, len, fmt, ...)      len bytes
 *   is_named(got, want, name, fmt, ...)   codes shown by name: name() is
 *                                         a const char *(*)(int), e.g. the
 *                                         fixture's status and verdict names
 *   skip(why)                             a check that cannot run here
 *   bail(fmt, ...)                        stop the test ("Bail out!")
 *   done()                                the plan; main's exit status
 *
 * Each argument is evaluated once. */
#ifndef HT_TEST_TAP_H
#define HT_TEST_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count, tap_failures;

#define ok(cond, ...) tap_check(__FILE__, __LINE__, (cond), __VA_ARGS__)
#define is_int(got, want, ...) \
	tap_is_int(__FILE__, __LINE__, (long long)(got), (long long)(want), __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str(__FILE__, __LINE__, (got), (want), __VA_ARGS__)
#define like(got, needle, ...) tap_like(__FILE__, __LINE__, (got), (needle), __VA_ARGS__)
#define is_mem(got, want, len, ...) \
	tap_is_mem(__FILE__, __LINE__, (got), (want), (len), __VA_ARGS__)
#define is_named(got, want, name, ...) \
	tap_is_named(__FILE__, __LINE__, (int)(got), (int)(want), (name), __VA_ARGS__)

/* Prints the result line and, for a failure, where it is and diag (what
 * differed: "#"-prefixed lines). Returns cond. */
static int
tap_report(const char *file, int line, int cond, const char *diag, const char *fmt, va_list ap)
{
	tap_count++;
	if (!cond)
		tap_failures++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	vprintf(fmt, ap);
	putchar('\n');
	if (!cond)
		printf("#   at %s:%d\n%s", file, line, diag);
	fflush(stdout);
	return cond;
}

/* Each assertion below: the verdict, what to say if it failed, then the
 * shared report. */
#define TAP_REPORT(cond, diag) \
	do { \
		va_list ap_; \
		int rc_; \
		va_start(ap_, fmt); \
		rc_ = tap_report(file, line, (cond), (diag), fmt, ap_); \
		va_end(ap_); \
		return rc_; \
	} while (0)

__attribute__((format(printf, 4, 5), unused)) static int
tap_check(const char *file, int line, int cond, const char *fmt, ...)
{
	TAP_REPORT(cond, "");
}

__attribute__((format(printf, 5, 6), unused)) static int
tap_is_int(const char *file, int line, long long got, long long want, const char *fmt, ...)
{
	char diag[128];

	snprintf(diag, sizeof(diag), "#   got:      %lld\n#   expected: %lld\n", got, want);
	TAP_REPORT(got == want, diag);
}

__attribute__((format(printf, 5, 6), unused)) static int
tap_is_str(const char *file, int line, const char *got, const char *want, const char *fmt, ...)
{
	int same = got != NULL && want != NULL ? strcmp(got, want) == 0 : got == want;
	char diag[1024];

	snprintf(diag, sizeof(diag), "#   got:      %s%s%s\n#   expected: %s%s%s\n",
	         got ? "\"" : "", got ? got : "NULL", got ? "\"" : "",
	         want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
	TAP_REPORT(same, diag);
}

__attribute__((format(printf, 5, 6), unused)) static int
tap_like(const char *file, int line, const char *got, const char *needle, const char *fmt, ...)
{
	int found = got != NULL && needle != NULL && strstr(got, needle) != NULL;
	char diag[1024];

	snprintf(diag, sizeof(diag), "#   got:      \"%s\"\n#   expected to contain: \"%s\"\n",
	         got ? got : "(NULL)", needle ? needle : "(NULL)");
	TAP_REPORT(found, diag);
}

__attribute__((format(printf, 6, 7), unused)) static int
tap_is_mem(const char *file, int line, const void *got, const void *want, size_t len,
           const char *fmt, ...)
{
	const unsigned char *g = got, *w = want;
	char diag[256], hex[2][40] = { "", "" };
	size_t at = 0;

	while (at < len && g[at] == w[at])
		at++;
	for (size_t i = at; i < len && i < at + 16; i++) {
		snprintf(hex[0] + 2 * (i - at), 3, "%02x", g[i]);
		snprintf(hex[1] + 2 * (i - at), 3, "%02x", w[i]);
	}
	snprintf(diag, sizeof(diag), "#   first difference at byte %zu of %zu\n"
	         "#   got:      %s\n#   expected: %s\n", at, len, hex[0], hex[1]);
	TAP_REPORT(at == len, diag);
}

__attribute__((format(printf, 6, 7), unused)) static int
tap_is_named(const char *file, int line, int got, int want, const char *(*name)(int),
             const char *fmt, ...)
{
	char diag[256];

	snprintf(diag, sizeof(diag), "#   got:      %s (%d)\n#   expected: %s (%d)\n",
	         name(got), got, name(want), want);
	TAP_REPORT(got == want, diag);
}

__attribute__((unused)) static void
skip(const char *why)
{
	printf("ok %d - # SKIP %s\n", ++tap_count, why);
	fflush(stdout);
}

__attribute__((format(printf, 1, 2), noreturn, unused)) static void
bail(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	exit(1);
}

__attribute__((unused)) static int
done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failures == 0 ? 0 : 1;
}

#endif

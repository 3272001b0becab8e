/* SPDX-License-Identifier: GPL-3.0-or-later */
/* System accounts: UID_MIN and UID_MAX read from login.defs text, and
 * which uids they make system accounts. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accounts.h"
#include "tap.h"

static struct ht_uid_range
parse(const char *text, int *rc)
{
	struct ht_uid_range r;

	*rc = ht_uid_range_parse(text, strlen(text), &r);
	return r;
}

static void
test_parse(void)
{
	struct ht_uid_range r;
	int rc;

	r = parse("", &rc);
	ok(rc == 0 && r.min == 1000 && r.max == 60000, "empty: the defaults 1000..60000");
	r = parse("# UID_MIN 5\nUID_MIN\t\t 500\n  UID_MAX 30000 # comment\nSYS_UID_MIN 100\n", &rc);
	ok(rc == 0 && r.min == 500 && r.max == 30000, "tabs, blanks, comments, other keys");
	r = parse("UID_MIN 2000\r\nUID_MAX 3000", &rc);
	ok(rc == 0 && r.min == 2000 && r.max == 3000, "CRLF and no final newline");
	r = parse("UID_MIN 1O00\n", &rc);
	ok(rc == -1 && r.min == 1000, "a value that is not a number: the default, reported");
	r = parse("UID_MIN 0\n", &rc);
	ok(rc == -1 && r.min == 1000, "zero: the default");
	r = parse("UID_MAX 99999999999999999999\n", &rc);
	ok(rc == -1 && r.max == 60000, "an overflowing value: the default");
	r = parse("UID_MIN 1000 2000\n", &rc);
	ok(rc == -1 && r.min == 1000, "two values: refused");
	r = parse("UID_MIN 5000\nUID_MAX 4000\n", &rc);
	ok(rc == -1 && r.min == 1000 && r.max == 60000, "min above max: the defaults");
	r = parse("UID_MINX 5\nXUID_MIN 5\n", &rc);
	ok(rc == 0 && r.min == 1000, "longer names are other keys");
	r = parse("UID_MIN 1000\nUID_MIN 1500\n", &rc);
	ok(rc == 0 && r.min == 1500, "the last value wins, as in login.defs");
}

static void
test_system(void)
{
	struct ht_uid_range r = { 1000, 60000 };

	ok(!ht_uid_is_system(0, &r), "root is not a system account (it administers)");
	ok(ht_uid_is_system(1, &r) && ht_uid_is_system(33, &r) && ht_uid_is_system(999, &r),
	   "daemon, www-data, 999: system accounts");
	ok(!ht_uid_is_system(1000, &r) && !ht_uid_is_system(60000, &r), "the edges are not");
	ok(ht_uid_is_system(60001, &r) && ht_uid_is_system(65534, &r), "above UID_MAX: nobody");
	ok(ht_uid_is_system(999, NULL) && !ht_uid_is_system(1000, NULL), "NULL: the defaults");
}

/* A file longer than what is read: a line cut at the end is not parsed. */
static void
test_load(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/htk-defs-XXXXXX", tmp != NULL ? tmp : "/tmp");
	fd = mkstemp(path);
	FILE *f;
	struct ht_uid_range r;
	size_t written = 0;

	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		ok(0, "temp file");
		return;
	}
	fputs("UID_MIN 2000\n", f);
	written += 13;
	while (written < 65536 - 12) {
		fputs("# padding\n", f);
		written += 10;
	}
	fputs("UID_MAX 60000000\n", f);   /* cut by the 64 KiB read */
	fclose(f);
	ok(ht_uid_range_load(path, &r) == 0 && r.min == 2000 && r.max == 60000,
	   "a line cut by the read limit is left out, not read as a shorter number");
	ok(ht_uid_range_load("/nonexistent/login.defs", &r) == 0 && r.min == 1000,
	   "no login.defs: the defaults");

	/* Lines longer than the reader's buffer are skipped whole; the lines
	 * after them are read. */
	f = fopen(path, "w");
	if (f == NULL) {
		ok(0, "temp file");
		return;
	}
	fputs("UID_MIN 5", f);
	for (int i = 0; i < 6000; i++)
		fputc(' ', f);
	fputs("\n# ", f);
	for (int i = 0; i < 9000; i++)
		fputc('x', f);
	fputs("\nUID_MAX 3000", f);   /* no final newline */
	fclose(f);
	ok(ht_uid_range_load(path, &r) == 0 && r.min == 1000 && r.max == 3000,
	   "overlong lines skipped whole (UID_MIN 5 is not read), the rest read, the last "
	   "line without a newline too");
	unlink(path);
}

int
main(void)
{
	test_parse();
	test_system();
	test_load();
	return done();
}

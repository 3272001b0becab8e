/* SPDX-License-Identifier: GPL-3.0-or-later */
/* httptokend's limits, on a clock the test sets: workers at once (in all,
 * per uid, with root's reserve) and each uid's token bucket (a burst, then
 * a steady rate), including a table of buckets that is full. */
#include "config.h"

#include <string.h>

#include "httptokend.h"
#include "tap.h"

#define USER ((uid_t)1000)

static pid_t next_pid = 100;

/* Admits and starts n workers for uid at time t; how many were admitted. */
static int
start(uid_t uid, int n, double t)
{
	int admitted = 0;

	for (int i = 0; i < n; i++) {
		if (limits_admit(uid, t) != NULL)
			continue;
		limits_started(next_pid++, uid);
		admitted++;
	}
	return admitted;
}

static void
end_all(void)
{
	for (pid_t p = 100; p < next_pid; p++)
		limits_ended(p);
}

static int
says(const char *why, const char *what)
{
	return why != NULL && strstr(why, what) != NULL;
}

static void
test_workers(void)
{
	ok(start(USER, 10, 0) == HTD_PER_UID, "a user gets %d workers at once", HTD_PER_UID);
	ok(says(limits_admit(USER, 0), "of yours at once"), "the next is refused, saying why");
	ok(limits_admit(USER + 1, 0) == NULL, "another user is admitted meanwhile");
	limits_ended(100);
	ok(limits_admit(USER, 0) == NULL, "a worker done frees a place");
	end_all();
	ok(limits_running() == 0, "all workers done: none counted");

	for (uid_t u = 2000; u < 2100; u++)
		start(u, 1, 0);
	ok(limits_running() == HTD_MAX_WORKERS - HTD_ROOT_RESERVE,
	   "users together get %d workers", HTD_MAX_WORKERS - HTD_ROOT_RESERVE);
	ok(says(limits_admit(3000, 0), "at once"), "a new user is refused then");
	ok(start(0, 20, 0) == HTD_ROOT_RESERVE, "root gets the %d kept for it", HTD_ROOT_RESERVE);
	ok(says(limits_admit(0, 0), "at once"), "and no more than %d in all", HTD_MAX_WORKERS);
	end_all();
}

static void
test_rate(void)
{
	int admitted = 0;

	for (int i = 0; i < HTD_BURST + 50; i++)
		if (limits_admit(USER + 5, 10.0) == NULL)
			admitted++;
	ok(admitted == HTD_BURST, "a burst of %d requests is admitted (got %d)", HTD_BURST,
	   admitted);
	ok(says(limits_admit(USER + 5, 10.0), "in a short time"), "the next is refused, saying why");
	ok(limits_admit(USER + 6, 10.0) == NULL, "another user is admitted meanwhile");
	admitted = 0;
	for (int i = 0; i < 2 * HTD_RATE; i++)
		if (limits_admit(USER + 5, 11.0) == NULL)
			admitted++;
	ok(admitted == HTD_RATE, "a second later, %d more (got %d)", HTD_RATE, admitted);
	admitted = 0;
	for (int i = 0; i < 2 * HTD_BURST; i++)
		if (limits_admit(USER + 5, 1000.0) == NULL)
			admitted++;
	ok(admitted == HTD_BURST, "long idle: a full burst again, never more (got %d)", admitted);
	for (int i = 0; i < 2 * HTD_BURST; i++)
		limits_admit(0, 1000.0);
	ok(limits_admit(0, 1000.0) == NULL, "root is not rate-limited");
}

static void
test_many_users(void)
{
	int admitted = 0;

	/* More uids than buckets: each still gets its burst's first request. */
	for (uid_t u = 10000; u < 10600; u++)
		if (limits_admit(u, 2000.0) == NULL)
			admitted++;
	ok(admitted == 600, "600 different users are each admitted (got %d)", admitted);
}

int
main(void)
{
	test_workers();
	test_rate();
	test_many_users();
	return done();
}

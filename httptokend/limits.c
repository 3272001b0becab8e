/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bounds on what callers can make the daemon do: at most MAX_CHILDREN
 * connections served at once, of which ROOT_RESERVE are kept for root (so
 * that root's revoke is served while users flood the socket); at most
 * PER_UID at once for any other uid; and per uid a token bucket of BURST
 * requests refilled at RATE per second. A refused connection gets a busy
 * reply (75) at once, and costs the daemon one accept and one close. */
#include "config.h"

#include <string.h>

#include "httptokend.h"

#define MAX_CHILDREN HTD_MAX_WORKERS
#define ROOT_RESERVE HTD_ROOT_RESERVE
#define PER_UID      HTD_PER_UID
#define BURST        HTD_BURST
#define RATE         HTD_RATE
#define BUCKETS      256

struct child {
	pid_t pid;                /* 0: free slot */
	uid_t uid;
};

struct bucket {
	uid_t uid;
	int used;
	double tokens;
	double stamp;             /* when tokens was last brought up to date */
};

static struct child children[MAX_CHILDREN];
static struct bucket buckets[BUCKETS];

static int
running_for(uid_t uid, int *all)
{
	int n = 0;

	*all = 0;
	for (int i = 0; i < MAX_CHILDREN; i++) {
		if (children[i].pid == 0)
			continue;
		(*all)++;
		n += children[i].uid == uid;
	}
	return n;
}

/* The uid's bucket, or the one idle longest (a full bucket is as good as
 * a new one) when the table is full. */
static struct bucket *
bucket_for(uid_t uid, double now)
{
	struct bucket *oldest = &buckets[0];

	for (int i = 0; i < BUCKETS; i++) {
		if (buckets[i].used && buckets[i].uid == uid)
			return &buckets[i];
		if (!buckets[i].used || (oldest->used && buckets[i].stamp < oldest->stamp))
			oldest = &buckets[i];
	}
	oldest->used = 1;
	oldest->uid = uid;
	oldest->tokens = BURST;
	oldest->stamp = now;
	return oldest;
}

static int
take_token(uid_t uid, double now)
{
	struct bucket *b = bucket_for(uid, now);

	b->tokens += (now - b->stamp) * RATE;
	if (b->tokens > BURST)
		b->tokens = BURST;
	b->stamp = now;
	if (b->tokens < 1)
		return 0;
	b->tokens -= 1;
	return 1;
}

const char *
limits_admit(uid_t uid, double now)
{
	int all, mine = running_for(uid, &all);

	if (all >= MAX_CHILDREN)
		return "too many requests at once";
	if (uid == 0)
		return NULL;
	if (all >= MAX_CHILDREN - ROOT_RESERVE)
		return "too many requests at once";
	if (mine >= PER_UID)
		return "too many requests of yours at once";
	if (!take_token(uid, now))
		return "too many requests of yours in a short time";
	return NULL;
}

void
limits_started(pid_t pid, uid_t uid)
{
	for (int i = 0; i < MAX_CHILDREN; i++) {
		if (children[i].pid == 0) {
			children[i].pid = pid;
			children[i].uid = uid;
			return;
		}
	}
}

void
limits_ended(pid_t pid)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (children[i].pid == pid)
			memset(&children[i], 0, sizeof(children[i]));
}

int
limits_running(void)
{
	int all;

	running_for((uid_t)-1, &all);
	return all;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Killed writers: tokenctl create, revoke, rotate, purge and restore are
 * killed with SIGKILL after a random delay (microseconds, spread over the
 * command's own run time). After every kill the store must open and
 * verify cleanly and hold exactly the state before the command or the
 * state after it, so no committed token is ever lost; the next writer
 * must not be blocked by the dead one's lock or temp file (it runs with
 * --wait 2), and after it no temp file remains.
 *
 * Environment: HT_KILLS (default 300) kills in all, HT_SEED replays. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"
#include "support.h"
#include "store.h"
#include "tap.h"

#define MAX_TOKENS 512

struct entry {
	ht_id id;
	int revoked;
	int mine;    /* a personal token of the user running the test */
	char name[HT_NAME_MAX + 1];
};

struct snap {
	size_t n;
	struct entry e[MAX_TOKENS];
};

enum op { OP_CREATE, OP_REVOKE, OP_ROTATE, OP_PURGE, OP_RESTORE, OP_COUNT };
static const char *const op_names[OP_COUNT] = { "create", "revoke", "rotate", "purge",
                                                "restore" };

struct stats {
	unsigned long kills[OP_COUNT], old_state[OP_COUNT], new_state[OP_COUNT];
	unsigned long completed, bad_state, unclean, blocked, temps_left, temps_after_next;
	double usec[OP_COUNT];   /* running estimate of each command's duration */
};

struct ctx {
	struct fixture fx;
	char tokenctl[512];
	char backup[400];
	struct snap backup_snap;
	struct stats st;
	unsigned long names;
};

struct visit_ctx {
	struct snap *s;
	const char *user;
};

static int
visit(const struct ht_record *rec, void *arg)
{
	struct visit_ctx *v = arg;
	struct snap *s = v->s;

	if (s->n >= MAX_TOKENS)
		return 1;
	s->e[s->n].mine = rec->kind == HT_KIND_PERSONAL && strcmp(rec->owner, v->user) == 0;
	s->e[s->n].id = rec->id;
	s->e[s->n].revoked = rec->revoked;
	memcpy(s->e[s->n].name, rec->name, sizeof(rec->name));
	s->n++;
	return 0;
}

static int
by_id(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The store as a sorted list; -1 (with a diagnostic) when it does not
 * open and verify cleanly. */
static int
snapshot(struct ctx *c, const char *db, struct snap *s)
{
	struct visit_ctx v = { s, c->fx.user };
	struct ht_store *st;
	struct ht_error err;
	unsigned long count;
	enum ht_status rc;

	ht_error_clear(&err);
	s->n = 0;
	if (ht_store_open(db, &c->fx.key, &st, &err) != HT_OK) {
		printf("# store does not open: %s\n", err.msg);
		return -1;
	}
	rc = ht_store_verify(st, &count, &err);
	if (rc == HT_OK)
		rc = ht_store_foreach(st, visit, &v, &err);
	ht_store_close(st);
	if (rc != HT_OK || count != s->n) {
		printf("# store does not verify: %s\n", err.msg);
		return -1;
	}
	qsort(s->e, s->n, sizeof(s->e[0]), by_id);
	return 0;
}

static int
same(const struct snap *a, const struct snap *b)
{
	if (a->n != b->n)
		return 0;
	/* mine follows from the record, which the other fields identify. */
	for (size_t i = 0; i < a->n; i++)
		if (a->e[i].id != b->e[i].id || a->e[i].revoked != b->e[i].revoked ||
		    strcmp(a->e[i].name, b->e[i].name) != 0)
			return 0;
	return 1;
}

/* What old becomes after the operation: exact for revoke and purge; for
 * create and rotate the new token's id is unknown in advance, so the
 * expected state lacks it and is_new() allows exactly one extra active
 * entry with the given name. */
static void
expected(const struct snap *old, enum op op, ht_id id, struct snap *exp,
         const char **extra_name, const char *create_name)
{
	*extra_name = NULL;
	exp->n = 0;
	for (size_t i = 0; i < old->n; i++) {
		struct entry e = old->e[i];
		if (op == OP_PURGE && e.revoked)
			continue;
		if ((op == OP_REVOKE || op == OP_ROTATE) && e.id == id) {
			e.revoked = 1;
			*extra_name = op == OP_ROTATE ? old->e[i].name : NULL;
		}
		exp->e[exp->n++] = e;
	}
	if (op == OP_CREATE)
		*extra_name = create_name;
}

/* What restore makes: the backup, with every token the replaced store had
 * revoked still revoked (restore never brings a revoked token back). A
 * backup token the replaced store no longer has was purged, which here
 * (no token expires) means revoked first: its tombstone keeps it revoked. */
static void
restored(const struct snap *backup, const struct snap *old, struct snap *exp)
{
	*exp = *backup;
	for (size_t i = 0; i < exp->n; i++) {
		size_t j;

		for (j = 0; j < old->n && old->e[j].id != exp->e[i].id; j++)
			;
		if (j == old->n || old->e[j].revoked)
			exp->e[i].revoked = 1;
	}
}

static int
is_new(const struct snap *now, const struct snap *exp, const char *extra_name)
{
	struct snap rest;
	int extra = 0;

	if (extra_name == NULL)
		return same(now, exp);
	rest.n = 0;
	for (size_t i = 0; i < now->n; i++) {
		size_t j;
		for (j = 0; j < exp->n && exp->e[j].id != now->e[i].id; j++)
			;
		if (j == exp->n && !now->e[i].revoked && strcmp(now->e[i].name, extra_name) == 0)
			extra++;
		else
			rest.e[rest.n++] = now->e[i];
	}
	return extra == 1 && same(&rest, exp);
}

static int
count_temps(const struct ctx *c)
{
	DIR *d = opendir(c->fx.dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, "tokens.db.tmp.", 14) == 0;
	closedir(d);
	return n;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Starts tokenctl with args; when delay_us >= 0 kills it after that long.
 * Returns the wait status; *elapsed gets the run time in µs. */
static int
run_tokenctl(struct ctx *c, const char *const *args, long delay_us, double *elapsed)
{
	const char *argv[16];
	int status, n = 0, devnull;
	double t0 = now_us();
	pid_t pid;

	argv[n++] = c->tokenctl;
	argv[n++] = "--db";
	argv[n++] = c->fx.db;
	argv[n++] = "--keyfile";
	argv[n++] = c->fx.keyfile;
	argv[n++] = "--wait";
	argv[n++] = "2";
	for (int i = 0; args[i] != NULL && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	if (delay_us >= 0) {
		struct timespec ts = { delay_us / 1000000, (delay_us % 1000000) * 1000 };
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
	}
	waitpid(pid, &status, 0);
	*elapsed = now_us() - t0;
	return status;
}

/* Picks an active token (of our own: rotating makes a new token for the
 * owner, which not even root may do for someone else); 0 when none. */
static ht_id
pick_active(const struct snap *s)
{
	size_t active = 0, k;

	for (size_t i = 0; i < s->n; i++)
		active += !s->e[i].revoked && s->e[i].mine;
	if (active == 0)
		return 0;
	k = fixture_rand() % active;
	for (size_t i = 0; i < s->n; i++)
		if (!s->e[i].revoked && s->e[i].mine && k-- == 0)
			return s->e[i].id;
	return 0;
}

/* One command, killed or (delay_us < 0) not; checks the state after it.
 * Returns 1 when it ran to completion. */
static int
attempt(struct ctx *c, enum op op, long delay_us)
{
	static struct snap old, now, exp;
	struct ht_id_text idt;
	const char *args[6] = { NULL };
	const char *extra_name;
	char name[32];
	double elapsed;
	ht_id id = 0;
	int status, done_ok;

	if (snapshot(c, c->fx.db, &old) != 0)
		return c->st.unclean++, 0;
	snprintf(name, sizeof(name), "crash-%lu", ++c->names);
	if (op == OP_REVOKE || op == OP_ROTATE) {
		id = pick_active(&old);
		if (id == 0)
			op = OP_CREATE;
		idt = ht_id_format(id);
	}
	args[0] = op_names[op];
	switch (op) {
	case OP_CREATE:  args[1] = "--name"; args[2] = name; break;
	case OP_REVOKE:
	case OP_ROTATE:  args[1] = idt.s; break;
	case OP_PURGE:   args[1] = "--revoked"; break;
	case OP_RESTORE: args[1] = c->backup; break;
	case OP_COUNT:   break;
	}
	status = run_tokenctl(c, args, delay_us, &elapsed);
	done_ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (delay_us < 0 || done_ok)
		c->st.usec[op] = c->st.usec[op] == 0 ? elapsed : 0.8 * c->st.usec[op] + 0.2 * elapsed;
	if (snapshot(c, c->fx.db, &now) != 0)
		return c->st.unclean++, 0;
	if (op == OP_RESTORE)
		restored(&c->backup_snap, &old, &exp), extra_name = NULL;
	else
		expected(&old, op, id, &exp, &extra_name, name);
	if (WIFSIGNALED(status)) {
		c->st.kills[op]++;
		if (same(&now, &old))
			c->st.old_state[op]++;
		else if (is_new(&now, &exp, extra_name))
			c->st.new_state[op]++;
		else {
			c->st.bad_state++;
			printf("# %s killed after %ld us: neither the old nor the new state "
			       "(%zu -> %zu tokens)\n", op_names[op], delay_us, old.n, now.n);
		}
		c->st.temps_left += count_temps(c) > 0;
		return 0;
	}
	if (!done_ok) {
		c->st.blocked++;
		printf("# %s exited with status %d after a killed writer\n", op_names[op],
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return 0;
	}
	c->st.completed++;
	if (!is_new(&now, &exp, extra_name)) {
		c->st.bad_state++;
		printf("# %s completed but the store does not show it\n", op_names[op]);
	}
	if (count_temps(c) != 0) {
		c->st.temps_after_next++;
		printf("# a temp file remains after a completed %s\n", op_names[op]);
	}
	return 1;
}

static void
take_backup(struct ctx *c)
{
	const char *args[] = { "backup", c->backup, NULL };
	double elapsed;
	int status = run_tokenctl(c, args, -1, &elapsed);

	if (status != 0 || snapshot(c, c->backup, &c->backup_snap) != 0)
		bail("tokenctl backup failed (status %d)", status);
}

static void
report(struct ctx *c)
{
	struct stats *s = &c->st;
	unsigned long kills = 0;

	for (int op = 0; op < OP_COUNT; op++) {
		printf("# %-7s: %3lu kills (old state %lu, new state %lu), ~%.0f us per run\n",
		       op_names[op], s->kills[op], s->old_state[op], s->new_state[op],
		       s->usec[op]);
		kills += s->kills[op];
	}
	printf("# %lu kills, %lu commands completed; killed writers left a temp file "
	       "%lu times\n", kills, s->completed, s->temps_left);
	ok(kills >= 100, "writers were killed mid-run (%lu kills)", kills);
	is_int(s->unclean, 0, "the store always opens and verifies");
	is_int(s->bad_state, 0, "always exactly the old or the new state");
	is_int(s->blocked, 0, "the next writer is never blocked by a killed one");
	is_int(s->temps_after_next, 0, "no temp file survives the next writer");
	for (int op = 0; op < OP_COUNT; op++)
		ok(s->old_state[op] > 0 || s->new_state[op] > 0,
		   "%s was killed at least once with the store checked after", op_names[op]);
}

int
main(void)
{
	static struct ctx c;
	struct fixture_token toks[8];
	const char *kills_env = getenv("HT_KILLS");
	unsigned long total = kills_env ? strtoul(kills_env, NULL, 10) : 300, n = 0;

	if (fixture_built("tokenctl/tokenctl", c.tokenctl, sizeof(c.tokenctl)) == NULL) {
		printf("1..0 # SKIP tokenctl not built\n");
		return 0;
	}
	fixture_seed();
	fixture_setup(&c.fx);
	fixture_standard_tokens(&c.fx, toks, 8);
	snprintf(c.backup, sizeof(c.backup), "%s/backup.db", c.fx.dir);
	/* Warm up: one complete run of each command gives its duration. */
	for (int op = 0; op < OP_COUNT; op++) {
		if (op == OP_RESTORE)
			take_backup(&c);
		for (int k = 0; k < 3; k++)
			attempt(&c, (enum op)op, -1);
	}
	while (n < total && c.st.unclean == 0) {
		enum op op = (enum op)(n % OP_COUNT);
		/* Spread the kill over the whole run, a little past its usual end. */
		long delay = (long)(fixture_rand() % (unsigned long)(c.st.usec[op] * 1.2 + 1));

		if (!attempt(&c, op, delay))
			n++;
		/* Keep the store changing: a completed create now and then, and a
		 * fresh backup so restore has something new to bring back. */
		if (n % 7 == 0)
			attempt(&c, OP_CREATE, -1);
		if (n % 50 == 0)
			take_backup(&c);
	}
	report(&c);
	fixture_teardown(&c.fx);
	return done();
}

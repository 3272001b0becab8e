/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Readers and writers at once: reader threads in several processes call
 * ht_verify_password in a loop (and read the registry), a pamtester process
 * authenticates through the module, while writer processes create and
 * revoke tokens and another changes the registry (edits a project, adds
 * and removes others).
 * A token that stayed active for the whole of an authentication must be
 * accepted (no spurious refusal); one whose revocation was committed
 * before the authentication began must be refused.
 *
 * Environment: HT_CONC_SECONDS (default 6), HT_SEED. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "fixture.h"
#include "registry_store.h"
#include "support.h"
#include "store.h"
#include "tap.h"

#define BASE_TOKENS      8
#define SLOTS            4096
#define READER_PROCS     2
#define THREADS_PER_PROC 2
#define WRITERS          2

enum slot_state { EMPTY, ACTIVE, REVOKING, REVOKED };

struct slot {
	int state;
	ht_id id;
	char text[HT_TOKEN_LEN + 1];
};

/* Shared between all processes (an anonymous shared mapping). */
struct shared {
	int stop;
	unsigned long next_slot;
	unsigned long auths, pam_auths, refused_wrongly, accepted_wrongly;
	unsigned long creates, revokes, writer_errors, checked_revoked, checked_active;
	unsigned long registry_changes, registry_reads, registry_errors;
	struct fixture_token base[BASE_TOKENS];
	struct slot slots[SLOTS];
};

static struct shared *sh;
static struct fixture fx;

static int
load_state(const struct slot *s)
{
	return __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
}

static void
add(unsigned long *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

/* --- writers ------------------------------------------------------------ */

static int
create_one(struct slot *slot)
{
	struct fixture_token t;
	struct ht_error err;
	struct ht_txn *txn;

	ht_error_clear(&err);
	fixture_token_init(&fx, &t, fx.user, "concurrent");
	t.rec.perm = HT_PERM_READ;
	t.rec.created = (int64_t)time(NULL);
	memcpy(slot->text, t.text, sizeof(t.text));
	slot->id = t.rec.id;
	if (ht_txn_begin(fx.db, &fx.key, 10000, &txn, &err) != HT_OK)
		return -1;
	if (ht_txn_put(txn, &t.rec, &err) != HT_OK) {
		ht_txn_abort(txn);
		return -1;
	}
	return ht_txn_commit(txn, &err) == HT_OK ? 0 : -1;
}

static int
revoke_one(struct slot *slot)
{
	struct ht_record rec;
	struct ht_error err;
	struct ht_txn *txn;

	ht_error_clear(&err);
	if (ht_txn_begin(fx.db, &fx.key, 10000, &txn, &err) != HT_OK)
		return -1;
	if (ht_store_get(ht_txn_store(txn), slot->id, &rec, &err) != HT_OK) {
		ht_txn_abort(txn);
		return -1;
	}
	rec.revoked = 1;
	rec.revoked_at = (int64_t)time(NULL);
	if (ht_txn_put(txn, &rec, &err) != HT_OK) {
		ht_txn_abort(txn);
		return -1;
	}
	return ht_txn_commit(txn, &err) == HT_OK ? 0 : -1;
}

/* Creates tokens and revokes older ones. A slot is marked ACTIVE only
 * after its commit, and REVOKING before the revoking transaction starts,
 * so readers know exactly which outcomes are allowed. */
static void
writer(void)
{
	unsigned long mine[SLOTS];
	size_t n = 0, next_revoke = 0;

	while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
		unsigned long k = __atomic_fetch_add(&sh->next_slot, 1, __ATOMIC_RELAXED);
		if (k >= SLOTS)
			break;
		if (create_one(&sh->slots[k]) != 0) {
			add(&sh->writer_errors);
			continue;
		}
		__atomic_store_n(&sh->slots[k].state, ACTIVE, __ATOMIC_RELEASE);
		add(&sh->creates);
		mine[n++] = k;
		/* Keep a few of ours active; revoke the oldest beyond that. */
		if (n - next_revoke > 3) {
			struct slot *s = &sh->slots[mine[next_revoke++]];
			__atomic_store_n(&s->state, REVOKING, __ATOMIC_RELEASE);
			if (revoke_one(s) != 0) {
				add(&sh->writer_errors);
				continue;
			}
			__atomic_store_n(&s->state, REVOKED, __ATOMIC_RELEASE);
			add(&sh->revokes);
		}
	}
	_exit(0);
}

/* One registry change: PROJ's entry edited, TMP<k> added, TMP<k-1> removed. */
static int
registry_change(unsigned long k)
{
	struct ht_entry e;
	struct ht_error err;
	struct ht_txn *txn;
	enum ht_status s;

	ht_error_clear(&err);
	if (ht_txn_begin(fx.db, &fx.key, 10000, &txn, &err) != HT_OK)
		return -1;
	s = ht_store_get_entry(ht_txn_store(txn), "PROJ", &e, &err);
	if (s == HT_ERR_NOTFOUND && k == 0) {   /* the first: registers PROJ */
		memset(&e, 0, sizeof(e));
		snprintf(e.scope, sizeof(e.scope), "PROJ");
		s = HT_OK;
	}
	snprintf(e.description, sizeof(e.description), "edited %lu times", k);
	if (s == HT_OK)
		s = ht_txn_put_entry(txn, &e, &err);
	snprintf(e.scope, sizeof(e.scope), "TMP%lu", k);
	if (s == HT_OK)
		s = ht_txn_put_entry(txn, &e, &err);
	if (s == HT_OK && k > 0) {
		char prev[32];

		snprintf(prev, sizeof(prev), "TMP%lu", k - 1);
		s = ht_txn_delete_entry(txn, prev, &err);
	}
	if (s != HT_OK) {
		printf("# registry change %lu: %s\n", k, err.msg);
		ht_txn_abort(txn);
		return -1;
	}
	return ht_txn_commit(txn, &err) == HT_OK ? 0 : -1;
}

static void
registry_writer(void)
{
	for (unsigned long k = 0; !__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE); k++) {
		if (registry_change(k) != 0)
			add(&sh->writer_errors);
		else
			add(&sh->registry_changes);
	}
	_exit(0);
}

/* --- readers ------------------------------------------------------------ */

/* PROJ is registered throughout: every read must find it whole. */
static void
read_registry(void)
{
	struct ht_store *st;
	struct ht_entry e;
	struct ht_error err;

	ht_error_clear(&err);
	add(&sh->registry_reads);
	if (ht_store_open(fx.db, &fx.key, &st, &err) != HT_OK ||
	    ht_store_get_entry(st, "PROJ", &e, &err) != HT_OK) {
		add(&sh->registry_errors);
		printf("# registry read: %s\n", err.msg);
	}
	ht_store_close(st);
}

/* Judges one authentication of a token whose state was before/after. */
static void
judge(int accepted, int before, int after, const char *how)
{
	if (before == ACTIVE && after == ACTIVE) {
		add(&sh->checked_active);
		if (!accepted) {
			add(&sh->refused_wrongly);
			printf("# %s refused a token active throughout\n", how);
		}
	} else if (before == REVOKED) {
		add(&sh->checked_revoked);
		if (accepted) {
			add(&sh->accepted_wrongly);
			printf("# %s accepted a token revoked before it began\n", how);
		}
	}
}

static int
verify(const char *text, enum ht_verdict *v)
{
	struct ht_verify_request req;
	struct ht_verify_result res;
	struct ht_error err;

	ht_error_clear(&err);
	fixture_request(&fx, fx.db, &sh->base[0], &req);
	*v = ht_verify_password(&req, text, HT_TOKEN_LEN, &res, &err);
	if (*v != HT_V_OK && *v != HT_V_REVOKED)
		printf("# verdict %s: %s\n", ht_verdict_str(*v), err.msg);
	return *v == HT_V_OK;
}

/* Picks a base token or a published slot: its text and state. */
static int
pick(unsigned *seed, const char **text, const struct slot **slot)
{
	unsigned long used = __atomic_load_n(&sh->next_slot, __ATOMIC_RELAXED);
	unsigned r = (unsigned)rand_r(seed);

	*slot = NULL;
	if (used == 0 || r % 4 == 0) {
		*text = sh->base[r / 4 % BASE_TOKENS].text;
		return ACTIVE;
	}
	*slot = &sh->slots[r / 4 % (used < SLOTS ? used : SLOTS)];
	*text = (*slot)->text;
	return load_state(*slot);
}

static void *
reader(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;

	while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
		const struct slot *slot;
		const char *text;
		enum ht_verdict v;
		int before = pick(&seed, &text, &slot), after;
		int accepted;

		if (before == EMPTY)
			continue;
		if (rand_r(&seed) % 8 == 0)
			read_registry();
		accepted = verify(text, &v);
		after = slot != NULL ? load_state(slot) : ACTIVE;
		add(&sh->auths);
		judge(accepted, before, after, "ht_verify_password");
	}
	return NULL;
}

static void
reader_process(unsigned seed)
{
	pthread_t th[THREADS_PER_PROC];

	for (int i = 0; i < THREADS_PER_PROC; i++)
		pthread_create(&th[i], NULL, reader, (void *)(uintptr_t)(seed * 31 + (unsigned)i));
	for (int i = 0; i < THREADS_PER_PROC; i++)
		pthread_join(th[i], NULL);
	_exit(0);
}

/* --- the module, through pamtester ------------------------------------- */

static const char *
service_dir(const char *module)
{
	static char dir[400];
	char path[500], text[2048];

	snprintf(dir, sizeof(dir), "%s/pam.d", fx.dir);
	if (mkdir(dir, 0755) != 0)
		bail("mkdir %s: %s", dir, strerror(errno));
	snprintf(path, sizeof(path), "%s/ht-conc", dir);
	snprintf(text, sizeof(text), "auth required %s db=%s keyfile=%s no_lastused\n"
	         "account required %s db=%s keyfile=%s no_lastused\n",
	         module, fx.db, fx.keyfile, module, fx.db, fx.keyfile);
	fixture_write_text(path, text);
	snprintf(path, sizeof(path), "%s/other", dir);
	fixture_write_text(path, "auth required pam_deny.so\n");
	return dir;
}

static void
pam_process(const char *module, const char *wrapper)
{
	const char *asan = getenv("HT_TEST_PRELOAD");
	char env_preload[600], env_dir[500], in[HT_TOKEN_LEN + 2];
	const char *env[] = { env_preload, "PAM_WRAPPER=1", env_dir, NULL };
	const char *argv[] = { "/usr/bin/pamtester", "ht-conc", fx.user, "authenticate", NULL };
	unsigned seed = 7;

	snprintf(env_preload, sizeof(env_preload), "LD_PRELOAD=%s%s%s", asan ? asan : "",
	         asan ? ":" : "", wrapper);
	snprintf(env_dir, sizeof(env_dir), "PAM_WRAPPER_SERVICE_DIR=%s", service_dir(module));
	while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
		const struct slot *slot;
		const char *text;
		int before = pick(&seed, &text, &slot), after, status;

		if (before == EMPTY)
			continue;
		snprintf(in, sizeof(in), "%s\n", text);
		status = fixture_run_program(argv, env, in, NULL, 0, NULL, 0, 10);
		after = slot != NULL ? load_state(slot) : ACTIVE;
		add(&sh->pam_auths);
		if (status == -1 || !WIFEXITED(status)) {
			add(&sh->refused_wrongly);
			printf("# pamtester crashed or hung\n");
			continue;
		}
		judge(WEXITSTATUS(status) == 0, before, after, "pamtester");
	}
	_exit(0);
}

static pid_t
spawn(void (*fn)(void))
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		fn();
	return pid;
}

static const char *pam_module, *pam_wrapper;
static void start_pam(void) { pam_process(pam_module, pam_wrapper); }

int
main(void)
{
	const char *secs_env = getenv("HT_CONC_SECONDS");
	unsigned secs = secs_env ? (unsigned)strtoul(secs_env, NULL, 10) : 6;
	pid_t pids[READER_PROCS + WRITERS + 2];
	char modbuf[512];
	int np = 0, pam = 0, clean = 1;

	if (sodium_init() < 0)
		bail("sodium_init failed");
	fixture_seed();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		bail("mmap: %s", strerror(errno));
	fixture_setup(&fx);
	fixture_standard_tokens(&fx, sh->base, 1);
	fixture_add_personals(&fx, &sh->base[1], BASE_TOKENS - 1);
	if (registry_change(0) != 0)
		bail("cannot register PROJ");

	pam_module = fixture_built("pam_httptoken/.libs/pam_httptoken.so", modbuf, sizeof(modbuf));
	pam_wrapper = fixture_pam_wrapper();
	pam = pam_module != NULL && pam_wrapper != NULL &&
	      access("/usr/bin/pamtester", X_OK) == 0;

	for (int i = 0; i < WRITERS; i++)
		pids[np++] = spawn(writer);
	pids[np++] = spawn(registry_writer);
	for (int i = 0; i < READER_PROCS; i++) {
		fflush(stdout);
		if ((pids[np++] = fork()) == 0)
			reader_process((unsigned)fixture_rand() + (unsigned)i);
	}
	if (pam)
		pids[np++] = spawn(start_pam);
	sleep(secs);
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < np; i++) {
		int status;
		waitpid(pids[i], &status, 0);
		clean &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}

	printf("# %u s: %lu ht_verify_password calls in %d processes x %d threads, "
	       "%lu through pamtester; writers: %lu creates, %lu revokes\n", secs, sh->auths,
	       READER_PROCS, THREADS_PER_PROC, sh->pam_auths, sh->creates, sh->revokes);
	printf("# judged: %lu of tokens active throughout, %lu of tokens already revoked\n",
	       sh->checked_active, sh->checked_revoked);
	printf("# registry: %lu changes, %lu reads\n", sh->registry_changes, sh->registry_reads);
	ok(clean, "every reader and writer process exited cleanly");
	ok(sh->registry_changes >= 10 && sh->registry_reads >= 100,
	   "the registry changed while it was read and tokens authenticated");
	is_int(sh->registry_errors, 0, "every registry read found the entry whole");
	is_int(sh->writer_errors, 0, "writers never failed");
	ok(sh->creates >= 20 && sh->revokes >= 10 && sh->auths >= 1000,
	   "enough happened to mean something (%lu creates >= 20, %lu revokes >= 10, "
	   "%lu verifications >= 1000)", sh->creates, sh->revokes, sh->auths);
	ok(sh->checked_revoked > 0 && sh->checked_active > 0,
	   "both revoked and active tokens were presented");
	is_int(sh->refused_wrongly, 0, "zero spurious refusals");
	is_int(sh->accepted_wrongly, 0, "zero acceptances of revoked tokens");
	if (pam)
		ok(sh->pam_auths >= 10, "the module was exercised too (%lu pamtester runs)",
		   sh->pam_auths);
	else
		skip("module through pamtester: module, pamtester or pam_wrapper missing");
	fixture_teardown(&fx);
	return done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Damaged stores: every truncation point and thousands of random bit
 * flips of a real store holding tokens of every kind and state. For each
 * damaged copy, in a child under a deadline (a crash or hang fails the
 * test): the verify path must never accept a token whose record was
 * damaged, nor one that was not acceptable before; a sample goes through
 * the PAM module (pamtester under pam_wrapper) and `tokenctl list --all`,
 * which must fail with a message or list only true data; and `tokenctl
 * restore` of a backup must bring every token back. Then the registry's
 * entries get the same treatment (corrupt_registry.c).
 *
 * Environment: HT_SEED replays a run; HT_FLIPS (default 3000) single
 * bit flips, plus HT_FLIPS/10 cases of 16 flips. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "corrupt_registry.h"
#include "fixture.h"
#include "support.h"
#include "store.h"
#include "tap.h"

#define NTOK        8
#define DEADLINE_S  10
#define MULTI_FLIPS 16

struct span { size_t off, len; };

struct stats {
	unsigned long cases, judged, flips, verifications, granted_wrongly, crashes, hangs;
	unsigned long valid_refused, valid_accepted;
	unsigned long pam_runs, pam_wrong, list_runs, list_failed_clearly, list_ok,
	              list_bad, list_missing;
};

struct ctx {
	struct fixture fx;
	struct fixture_token toks[NTOK];
	struct span spans[NTOK];
	unsigned char *orig;
	size_t size;
	char damaged[400];
	char damaged_dir[340];
	const char *tokenctl;
	const char *pamtester;
	const char *module;
	const char *wrapper;
	char svcdir[400];
	struct stats st;
	char tokenctl_buf[512], module_buf[512];
};

/* Where each token's sealed value sits in the file: the bytes a flip or
 * a cut must hit to damage that record. */
static int
locate_records(struct ctx *c)
{
	for (int i = 0; i < NTOK; i++) {
		unsigned char enc[HT_RECORD_MAX];
		size_t n = ht_record_encode(&c->toks[i].rec, &c->fx.key, enc);
		unsigned char *p = memmem(c->orig, c->size, enc, n);

		if (n == 0 || p == NULL ||
		    memmem(p + 1, c->size - (size_t)(p - c->orig) - 1, enc, n) != NULL)
			return -1;
		c->spans[i] = (struct span){ (size_t)(p - c->orig), n };
	}
	return 0;
}

/* One damaged copy: the original cut to len bytes, nflip bits flipped. */
struct dcase {
	size_t len;
	int nflip;
	size_t bits[MULTI_FLIPS];
	int sample;      /* also through pamtester and tokenctl */
};

static void
apply(const struct ctx *c, const struct dcase *d, unsigned char *buf)
{
	memcpy(buf, c->orig, d->len);
	for (int f = 0; f < d->nflip; f++)
		buf[d->bits[f] / 8] ^= (unsigned char)(1u << (d->bits[f] % 8));
}

static void
write_case(const struct ctx *c, const struct dcase *d, unsigned char *buf)
{
	apply(c, d, buf);
	if (fixture_spit(c->damaged, buf, d->len) != 0)
		bail("cannot write %s: %s", c->damaged, strerror(errno));
}

static void
hits(const struct ctx *c, const struct dcase *d, int hit[NTOK])
{
	for (int i = 0; i < NTOK; i++) {
		size_t end = c->spans[i].off + c->spans[i].len;
		hit[i] = d->len < end;
		for (int f = 0; f < d->nflip; f++)
			hit[i] |= d->bits[f] / 8 >= c->spans[i].off && d->bits[f] / 8 < end;
	}
}

/* The child: for each case from first on, writes the damaged copy and
 * sends one verdict byte per token down fd. */
static void
verify_cases(struct ctx *c, const struct dcase *cases, size_t first, size_t n, int fd)
{
	unsigned char *buf = malloc(c->size + 1);

	for (size_t k = first; buf != NULL && k < n; k++) {
		unsigned char verdicts[NTOK];

		write_case(c, &cases[k], buf);
		for (int i = 0; i < NTOK; i++) {
			struct ht_verify_request req;
			struct ht_verify_result res;
			struct ht_error err;

			ht_error_clear(&err);
			fixture_request(&c->fx, c->damaged, &c->toks[i], &req);
			verdicts[i] = (unsigned char)ht_verify_password(&req, c->toks[i].text,
			                                                HT_TOKEN_LEN, &res, &err);
		}
		if (write(fd, verdicts, sizeof(verdicts)) != sizeof(verdicts))
			_exit(3);
	}
	_exit(buf != NULL ? 0 : 3);
}

/* Reads the verdicts of one case, waiting at most the deadline. */
static int
read_verdicts(int fd, unsigned char verdicts[NTOK])
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t got = 0;

	while (got < NTOK) {
		ssize_t n;
		if (poll(&pfd, 1, DEADLINE_S * 1000) != 1)
			return -1;
		n = read(fd, verdicts + got, NTOK - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* Runs cases [first, n) in one child until it finishes or one case
 * crashes or hangs; out[k] gets each case's verdicts. Returns the index
 * of the case that failed (counted), or n. */
static size_t
run_batch(struct ctx *c, const struct dcase *cases, size_t first, size_t n,
          unsigned char (*out)[NTOK])
{
	size_t k = first;
	int p[2], status;
	pid_t pid;

	if (pipe(p) < 0)
		bail("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		verify_cases(c, cases, first, n, p[1]);
	}
	close(p[1]);
	while (k < n && read_verdicts(p[0], out[k]) == 0)
		k++;
	if (k < n)
		kill(pid, SIGKILL);
	close(p[0]);
	waitpid(pid, &status, 0);
	if (k == n && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return n;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		c->st.hangs++;
	else
		c->st.crashes++;
	printf("# crash or hang (status %d) on case %zu: cut to %zu bytes, %d flip(s)%s\n",
	       status, k, k < n ? cases[k].len : 0, k < n ? cases[k].nflip : 0,
	       k < n ? "" : " (after the last case)");
	return k;
}

/* hit(i): whether the damage reached token i's record. */
static void
judge(struct ctx *c, const unsigned char verdicts[NTOK], const int hit[NTOK],
      const char *what)
{
	for (int i = 0; i < NTOK; i++) {
		const struct fixture_token *t = &c->toks[i];

		c->st.verifications++;
		if (verdicts[i] == HT_V_OK && (hit[i] || t->expect != HT_V_OK)) {
			c->st.granted_wrongly++;
			printf("# WRONGLY ACCEPTED token %d (%s, record %s) after %s\n", i,
			       ht_verdict_str(t->expect), hit[i] ? "damaged" : "intact", what);
		}
		if (t->expect == HT_V_OK && !hit[i])
			verdicts[i] == HT_V_OK ? c->st.valid_accepted++ : c->st.valid_refused++;
	}
}

/* pamtester for token i against the damaged store: 1 accepted, 0
 * refused, -1 crashed or hung (counted). */
static int
pam_try(struct ctx *c, int i)
{
	char in[HT_TOKEN_LEN + 2], out[512], err[2048];
	const char *argv[] = { c->pamtester, "-v", "ht-corrupt", c->toks[i].user,
	                       "authenticate", NULL };
	char env_preload[600], env_dir[500];
	const char *env[] = { env_preload, "PAM_WRAPPER=1", env_dir, NULL };
	const char *asan = getenv("HT_TEST_PRELOAD");
	int status;

	snprintf(in, sizeof(in), "%s\n", c->toks[i].text);
	snprintf(env_preload, sizeof(env_preload), "LD_PRELOAD=%s%s%s",
	         asan ? asan : "", asan ? ":" : "", c->wrapper);
	snprintf(env_dir, sizeof(env_dir), "PAM_WRAPPER_SERVICE_DIR=%s", c->svcdir);
	status = fixture_run_program(argv, env, in, out, sizeof(out), err, sizeof(err),
	                             DEADLINE_S);
	if (status == -1 || !WIFEXITED(status)) {
		c->st.crashes++;
		printf("# pamtester crashed or hung (status %d): %s\n", status, err);
		return -1;
	}
	return WEXITSTATUS(status) == 0;
}

/* Must not succeed when the token was damaged or not acceptable. */
static void
pam_sample(struct ctx *c, int i, int hit)
{
	c->st.pam_runs++;
	if (pam_try(c, i) == 1 && (hit || c->toks[i].expect != HT_V_OK)) {
		c->st.pam_wrong++;
		printf("# PAM WRONGLY ACCEPTED token %d (record %s)\n", i,
		       hit ? "damaged" : "intact");
	}
}

static int
known_id(struct ctx *c, const char *hex)
{
	for (int i = 0; i < NTOK; i++)
		if (strncmp(ht_id_format(c->toks[i].rec.id).s, hex, HT_ID_HEX_LEN) == 0)
			return i;
	return -1;
}

static int
is_hex_run(const char *p)
{
	for (int k = 0; k < HT_ID_HEX_LEN; k++)
		if (!((p[k] >= '0' && p[k] <= '9') || (p[k] >= 'a' && p[k] <= 'f')))
			return 0;
	return !((p[HT_ID_HEX_LEN] >= '0' && p[HT_ID_HEX_LEN] <= '9') ||
	         (p[HT_ID_HEX_LEN] >= 'a' && p[HT_ID_HEX_LEN] <= 'f'));
}

/* tokenctl list --all: a clear failure, or only ids that exist (a token
 * whose bucket entry vanished cannot be told from one never made: gdbm
 * has no checksums; those are counted, not failed). */
static void
list_sample(struct ctx *c)
{
	const char *argv[] = { c->tokenctl, "--db", c->damaged, "--keyfile", c->fx.keyfile,
	                       "list", "--all", NULL };
	static char out[65536];
	char err[2048];
	int seen[NTOK] = { 0 }, status, bad = 0;

	status = fixture_run_program(argv, NULL, NULL, out, sizeof(out), err, sizeof(err),
	                             DEADLINE_S);
	c->st.list_runs++;
	if (status == -1 || !WIFEXITED(status)) {
		c->st.crashes++;
		printf("# tokenctl list crashed or hung (status %d)\n", status);
		return;
	}
	if (WEXITSTATUS(status) != 0) {
		if (err[0] != '\0' && strstr(err, "tokenctl") != NULL)
			c->st.list_failed_clearly++;
		else {
			c->st.list_bad++;
			printf("# tokenctl list failed (exit %d) without a message: \"%s\"\n",
			       WEXITSTATUS(status), err);
		}
		return;
	}
	for (const char *p = out; *p != '\0'; p++) {
		if ((p == out || !((p[-1] >= '0' && p[-1] <= '9') || (p[-1] >= 'a' && p[-1] <= 'f'))) &&
		    strlen(p) >= HT_ID_HEX_LEN && is_hex_run(p)) {
			int i = known_id(c, p);
			if (i < 0)
				bad = 1;
			else
				seen[i] = 1;
		}
	}
	for (int i = 0; i < NTOK; i++)
		if (!seen[i])
			c->st.list_missing++;
	if (bad) {
		c->st.list_bad++;
		printf("# tokenctl list showed an id that was never stored\n");
	} else {
		c->st.list_ok++;
	}
}

static void
sample(struct ctx *c, const struct dcase *d, const int hit[NTOK], unsigned char *buf)
{
	int i = (int)(fixture_rand() % NTOK);

	write_case(c, d, buf);
	if (c->tokenctl != NULL)
		list_sample(c);
	if (c->pamtester == NULL)
		return;
	/* Prefer a damaged record that was valid: the case that matters. */
	for (int k = 0; k < NTOK; k++)
		if (hit[k] && c->toks[k].expect == HT_V_OK)
			i = k;
	pam_sample(c, i, hit[i]);
}

/* Runs every case, in batches per child, then judges them. */
static void
examine(struct ctx *c, const struct dcase *cases, size_t n)
{
	unsigned char (*verdicts)[NTOK] = calloc(n, sizeof(*verdicts));
	unsigned char *buf = malloc(c->size + 1);
	char *failed = calloc(n, 1);
	size_t k = 0;

	if (verdicts == NULL || buf == NULL || failed == NULL)
		bail("out of memory");
	while (k < n) {
		k = run_batch(c, cases, k, n, verdicts);
		if (k < n)
			failed[k++] = 1;
	}
	for (k = 0; k < n; k++) {
		int hit[NTOK];
		char what[96];

		c->st.cases++;
		c->st.flips += (unsigned long)cases[k].nflip;
		if (failed[k])
			continue;
		c->st.judged++;
		hits(c, &cases[k], hit);
		snprintf(what, sizeof(what), "cut to %zu bytes, %d flip(s) first at bit %zu",
		         cases[k].len, cases[k].nflip, cases[k].nflip ? cases[k].bits[0] : 0);
		judge(c, verdicts[k], hit, what);
		if (cases[k].sample)
			sample(c, &cases[k], hit, buf);
	}
	free(verdicts);
	free(buf);
	free(failed);
}

static void
truncations(struct ctx *c)
{
	size_t n = c->size + 1;
	struct dcase *cases = calloc(n, sizeof(*cases));
	unsigned long before = c->st.judged;

	for (size_t len = 0; cases != NULL && len < n; len++)
		cases[len] = (struct dcase){ len, 0, { 0 },
		                             len % 512 <= 1 || fixture_rand() % 64 == 0 };
	if (cases != NULL)
		examine(c, cases, n);
	is_int(c->st.judged - before, n, "every truncation point judged: each length "
	       "(0..%zu bytes) gave every token's verdict", c->size);
	free(cases);
}

/* A random bit not among the first n of bits: flipping the same bit
 * twice would undo the damage that hits() counts. */
static size_t
distinct_bit(const struct ctx *c, const size_t *bits, int n)
{
	for (;;) {
		size_t b = fixture_rand() % (c->size * 8);
		int f = 0;

		while (f < n && bits[f] != b)
			f++;
		if (f == n)
			return b;
	}
}

static void
flips(struct ctx *c, size_t n, int per_case)
{
	struct dcase *cases = calloc(n, sizeof(*cases));

	for (size_t k = 0; cases != NULL && k < n; k++) {
		cases[k].len = c->size;
		cases[k].nflip = per_case;
		cases[k].sample = k % 20 == 0;
		for (int f = 0; f < per_case; f++)
			cases[k].bits[f] = distinct_bit(c, cases[k].bits, f);
	}
	if (cases != NULL)
		examine(c, cases, n);
	free(cases);
}

/* Verifies every token against the damaged path as it is now. */
static int
check_file(struct ctx *c, unsigned char verdicts[NTOK])
{
	unsigned char (*out)[NTOK] = (unsigned char (*)[NTOK])verdicts;
	unsigned char *cur;
	struct dcase d = { 0, 0, { 0 }, 0 };
	size_t len;
	unsigned char *keep = c->orig;
	int good;

	/* Run it as a one-case batch over the file's current content. */
	cur = fixture_slurp(c->damaged, &len);
	if (cur == NULL)
		return 0;
	d.len = len;
	c->orig = cur;
	good = run_batch(c, &d, 0, 1, out) == 1;
	c->orig = keep;
	free(cur);
	return good;
}

/* tokenctl restore of the backup over a damaged store brings every
 * token back to its verdict. */
static void
restore_check(struct ctx *c, const char *backup)
{
	unsigned char verdicts[NTOK];
	int hit[NTOK] = { 0 }, good = 1;
	const char *argv[] = { c->tokenctl, "--db", c->damaged, "--keyfile", c->fx.keyfile,
	                       "restore", backup, NULL };
	char out[512], err[1024];
	int status;

	/* Damage every record: cut the file in the middle of the first one. */
	if (fixture_spit(c->damaged, c->orig, c->spans[0].off + 1) != 0)
		bail("cannot write %s: %s", c->damaged, strerror(errno));
	status = fixture_run_program(argv, NULL, NULL, out, sizeof(out), err, sizeof(err),
	                             DEADLINE_S);
	if (!is_int(status, 0, "tokenctl restore over a damaged store succeeds"))
		printf("# %s\n", err);
	good = check_file(c, verdicts);
	for (int i = 0; good && i < NTOK; i++)
		good = verdicts[i] == (unsigned char)c->toks[i].expect;
	judge(c, verdicts, hit, "restore");
	ok(good, "after restore every token gets its original verdict");
}

static void
write_service(struct ctx *c)
{
	char path[500], text[4096];

	snprintf(c->svcdir, sizeof(c->svcdir), "%s/pam.d", c->fx.dir);
	if (mkdir(c->svcdir, 0755) != 0)
		bail("mkdir %s: %s", c->svcdir, strerror(errno));
	snprintf(path, sizeof(path), "%s/ht-corrupt", c->svcdir);
	snprintf(text, sizeof(text),
	         "auth required %s db=%s keyfile=%s resource=%s no_lastused\n"
	         "account required %s db=%s keyfile=%s resource=%s no_lastused\n",
	         c->module, c->damaged, c->fx.keyfile, FIXTURE_RESOURCE,
	         c->module, c->damaged, c->fx.keyfile, FIXTURE_RESOURCE);
	fixture_write_text(path, text);
	snprintf(path, sizeof(path), "%s/other", c->svcdir);
	fixture_write_text(path, "auth required pam_deny.so\naccount required pam_deny.so\n");
}

static void
find_tools(struct ctx *c)
{
	c->tokenctl = fixture_built("tokenctl/tokenctl", c->tokenctl_buf, sizeof(c->tokenctl_buf));
	c->module = fixture_built("pam_httptoken/.libs/pam_httptoken.so", c->module_buf,
	                       sizeof(c->module_buf));
	c->pamtester = access("/usr/bin/pamtester", X_OK) == 0 ? "/usr/bin/pamtester" : NULL;
	c->wrapper = fixture_pam_wrapper();
	if (c->module == NULL || c->wrapper == NULL)
		c->pamtester = NULL;
	if (c->pamtester != NULL)
		write_service(c);
}

static void
intact_sanity(struct ctx *c)
{
	unsigned char verdicts[NTOK];
	int hit[NTOK] = { 0 }, good;

	good = fixture_spit(c->damaged, c->orig, c->size) == 0 && check_file(c, verdicts);
	for (int i = 0; good && i < NTOK; i++)
		good = verdicts[i] == (unsigned char)c->toks[i].expect;
	ok(good, "intact copy: every token gets its expected verdict");
	judge(c, verdicts, hit, "no damage");
	/* The samples below must be able to say yes, or their "no" means nothing. */
	if (c->pamtester != NULL) {
		is_int(pam_try(c, 0), 1, "intact copy: pamtester accepts a valid token");
		is_int(pam_try(c, 2), 0, "intact copy: pamtester refuses a revoked token");
	}
	if (c->tokenctl != NULL) {
		list_sample(c);
		ok(c->st.list_ok == 1 && c->st.list_missing == 0,
		   "intact copy: tokenctl list --all shows every token (correct listings %lu, "
		   "missing ids %lu)", c->st.list_ok, c->st.list_missing);
	}
	memset(&c->st, 0, sizeof(c->st));
}

static void
report(struct ctx *c)
{
	struct stats *s = &c->st;

	printf("# cases %lu (bit flips %lu), verifications %lu, valid tokens still "
	       "accepted %lu, refused %lu\n", s->cases, s->flips, s->verifications,
	       s->valid_accepted, s->valid_refused);
	printf("# pamtester runs %lu; tokenctl list runs %lu: clear failures %lu, "
	       "correct listings %lu (ids silently missing: %lu)\n", s->pam_runs,
	       s->list_runs, s->list_failed_clearly, s->list_ok, s->list_missing);
	is_int(s->granted_wrongly, 0, "verify path: none wrongly accepted");
	ok(s->crashes == 0 && s->hangs == 0, "no crash (%lu) and no hang (%lu)", s->crashes,
	   s->hangs);
	if (c->pamtester != NULL)
		is_int(s->pam_wrong, 0, "PAM module: none of %lu wrongly accepted", s->pam_runs);
	else
		skip("PAM module sample: module, pamtester or pam_wrapper missing");
	if (c->tokenctl != NULL)
		is_int(s->list_bad, 0, "tokenctl list: of %lu runs, none neither a clear failure "
		       "nor true data", s->list_runs);
	else
		skip("tokenctl list: tokenctl not built");
}

static void
registry_checks(struct ctx *c)
{
	struct reg_stats st;

	registry_damage(&c->fx, c->toks, NTOK, c->tokenctl, &st);
	printf("# registry: %lu single-bit flips of PROJ's %zu-byte entry, %lu tokenctl runs\n",
	       st.cases, st.entry_len, st.tokenctl_runs);
	ok(st.cases == st.entry_len * 8 && st.read_wrongly == 0,
	   "registry: no damaged entry reads as one (%lu of %lu did)", st.read_wrongly, st.cases);
	ok(st.verified_wrongly == 0, "registry: a full check refuses every damaged copy "
	   "(%lu passed)", st.verified_wrongly);
	ok(st.tokens_changed == 0, "registry: the tokens' verdicts are unchanged by it (%lu "
	   "changed)", st.tokens_changed);
	if (c->tokenctl != NULL)
		ok(st.tokenctl_wrong == 0, "registry: tokenctl fails closed with 69 and names the "
		   "entry (%lu of %lu runs did not)", st.tokenctl_wrong, st.tokenctl_runs);
	else
		printf("ok %d - # SKIP tokenctl: not built\n", ++tap_count);
	ok(st.moved_refused, "registry: an entry moved under another project's key is refused");
}

int
main(void)
{
	static struct ctx c;
	const char *flips_env = getenv("HT_FLIPS");
	unsigned long nflips = flips_env ? strtoul(flips_env, NULL, 10) : 3000;
	char backup[400];
	struct ht_error err;

	fixture_seed();
	fixture_setup(&c.fx);
	fixture_standard_tokens(&c.fx, c.toks, NTOK);
	c.orig = fixture_slurp(c.fx.db, &c.size);
	if (c.orig == NULL || locate_records(&c) != 0)
		bail("cannot find the records in %s", c.fx.db);
	printf("# store of %d tokens: %zu bytes\n", NTOK, c.size);
	snprintf(c.damaged_dir, sizeof(c.damaged_dir), "%s/damaged", c.fx.dir);
	if (mkdir(c.damaged_dir, 0755) != 0)
		bail("mkdir %s: %s", c.damaged_dir, strerror(errno));
	snprintf(c.damaged, sizeof(c.damaged), "%s/tokens.db", c.damaged_dir);
	find_tools(&c);
	intact_sanity(&c);
	ht_error_clear(&err);
	snprintf(backup, sizeof(backup), "%s/backup.db", c.fx.dir);
	if (!is_status(ht_store_backup(c.fx.db, &c.fx.key, backup, &err), HT_OK, "backup taken"))
		printf("# %s\n", err.msg);

	truncations(&c);
	flips(&c, nflips, 1);
	flips(&c, nflips / 10, MULTI_FLIPS);
	report(&c);
	if (c.tokenctl != NULL)
		restore_check(&c, backup);
	else
		skip("tokenctl restore: tokenctl not built");
	registry_checks(&c);
	free(c.orig);
	fixture_teardown(&c.fx);
	return done();
}

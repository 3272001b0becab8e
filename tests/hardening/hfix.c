/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hfix.h"
#include "lastused.h"
#include "store.h"

#define DAY 86400

static void
bail(const char *what, const struct ht_error *err)
{
	printf("Bail out! %s: %s\n", what, err != NULL ? err->msg : strerror(errno));
	exit(1);
}

void
hfix_setup(struct hfix *fx)
{
	const char *tmp = getenv("TMPDIR");
	struct passwd *pw = getpwuid(geteuid());
	struct ht_error err;

	ht_error_clear(&err);
	snprintf(fx->dir, sizeof(fx->dir), "%s/httptoken-hard.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(fx->dir) == NULL)
		bail("mkdtemp", NULL);
	chmod(fx->dir, 0755);
	snprintf(fx->db, sizeof(fx->db), "%s/tokens.db", fx->dir);
	snprintf(fx->keyfile, sizeof(fx->keyfile), "%s/key", fx->dir);
	snprintf(fx->user, sizeof(fx->user), "%s", pw != NULL ? pw->pw_name : "nobody");
	if (ht_key_create(fx->keyfile, (gid_t)-1, &err) != HT_OK ||
	    ht_key_load(fx->keyfile, &fx->key, &err) != HT_OK ||
	    ht_store_create(fx->db, &fx->key, (gid_t)-1, &err) != HT_OK)
		bail("fixture", &err);
	if (ht_lastused_dir_create(fx->db, (gid_t)-1) != 0)
		bail("lastused directory", NULL);
}

void
hfix_teardown(struct hfix *fx)
{
	char cmd[400];

	ht_key_wipe(&fx->key);
	if (getenv("HT_KEEP") != NULL) {
		printf("# kept %s\n", fx->dir);
		return;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", fx->dir);
}

static void
make_token(struct hfix *fx, struct hfix_token *t)
{
	struct ht_token tok;

	ht_token_generate(&tok);
	t->rec.id = tok.id;
	ht_secret_hash(&fx->key, &tok, t->rec.hash);
	ht_token_format(&tok, t->text);
	ht_token_wipe(&tok);
}

static void
personal(struct hfix *fx, struct hfix_token *t, const char *owner, const char *name)
{
	memset(t, 0, sizeof(*t));
	t->rec.kind = HT_KIND_PERSONAL;
	ht_record_default_uses(&t->rec);
	t->rec.perm = HT_PERM_WRITE;
	t->rec.created = (int64_t)time(NULL) - DAY;
	t->rec.owner_uid = geteuid();
	snprintf(t->rec.owner, sizeof(t->rec.owner), "%s", owner);
	snprintf(t->rec.name, sizeof(t->rec.name), "%s", name);
	t->user = fx->user;
	t->expect = HT_V_OK;
	make_token(fx, t);
}

static void
shape(struct hfix *fx, struct hfix_token *t, size_t i)
{
	char name[32];

	snprintf(name, sizeof(name), "token %zu", i);
	personal(fx, t, fx->user, name);
	switch (i % 8) {
	case 1:   /* valid, with an expiry in the future */
		t->rec.expires = t->rec.created + 30 * DAY;
		t->rec.perm = HT_PERM_READ;
		break;
	case 2:
		t->rec.revoked = 1;
		t->rec.revoked_at = t->rec.created + 60;
		t->expect = HT_V_REVOKED;
		break;
	case 3:
		t->rec.expires = t->rec.created + 60;
		t->expect = HT_V_EXPIRED;
		break;
	case 4:   /* a project token that reaches the resource */
		t->rec.kind = HT_KIND_PROJECT;
		strcpy(t->rec.scope, HFIX_RESOURCE);
		t->user = HFIX_TOKEN_USER;
		break;
	case 5:   /* a repository token of another project */
		t->rec.kind = HT_KIND_REPO;
		strcpy(t->rec.scope, "OTHER/repo");
		t->user = HFIX_TOKEN_USER;
		t->expect = HT_V_SCOPE;
		break;
	case 6:   /* someone else's token presented as ours */
		strcpy(t->rec.owner, "mallory");
		t->expect = HT_V_WRONG_USER;
		break;
	case 7:
		t->rec.perm = HT_PERM_ADMIN;
		break;
	}
}

static void
put_all(struct hfix *fx, struct hfix_token *toks, size_t n)
{
	struct ht_error err;
	struct ht_txn *txn;

	ht_error_clear(&err);
	if (ht_txn_begin(fx->db, &fx->key, 10000, &txn, &err) != HT_OK)
		bail("begin", &err);
	for (size_t i = 0; i < n; i++)
		if (ht_txn_put(txn, &toks[i].rec, &err) != HT_OK)
			bail("put", &err);
	if (ht_txn_commit(txn, &err) != HT_OK)
		bail("commit", &err);
}

void
hfix_standard_tokens(struct hfix *fx, struct hfix_token *toks, size_t n)
{
	for (size_t i = 0; i < n; i++)
		shape(fx, &toks[i], i);
	put_all(fx, toks, n);
}

void
hfix_add_personals(struct hfix *fx, struct hfix_token *toks, size_t n)
{
	for (size_t i = 0; i < n; i++)
		personal(fx, &toks[i], fx->user, "added");
	put_all(fx, toks, n);
}

void
hfix_request(const struct hfix *fx, const char *db, const struct hfix_token *tok,
             struct ht_verify_request *req)
{
	memset(req, 0, sizeof(*req));
	req->db_path = db;
	req->key_path = fx->keyfile;
	req->user = tok->user;
	req->token_user = HFIX_TOKEN_USER;
	req->resource = HFIX_RESOURCE;
	req->require = HT_PERM_READ;
	req->now = (int64_t)time(NULL);
}

unsigned char *
hfix_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rbe");
	unsigned char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

int
hfix_spit(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = len > 0 ? write(fd, buf, len) : 0;
	if (close(fd) != 0 || n != (ssize_t)len)
		return -1;
	return 0;
}

/* In the child: writable copies of argv for execv, the extra variables
 * set, the three descriptors in place. */
static void
child_exec(const char *const argv[], const char *const extra_env[], int in_fd,
           int out_fd, int err_fd)
{
	size_t n = 0;
	char **args;

	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(126);
	for (size_t i = 0; extra_env != NULL && extra_env[i] != NULL; i++) {
		char *kv = strdup(extra_env[i]);
		char *eq = kv != NULL ? strchr(kv, '=') : NULL;
		if (eq == NULL)
			_exit(126);
		*eq = '\0';
		setenv(kv, eq + 1, 1);
	}
	while (argv[n] != NULL)
		n++;
	args = calloc(n + 1, sizeof(*args));
	for (size_t i = 0; args != NULL && i < n; i++)
		args[i] = strdup(argv[i]);
	if (args == NULL)
		_exit(126);
	execv(args[0], args);
	dprintf(2, "cannot run %s: %s\n", args[0], strerror(errno));
	_exit(127);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Collects both outputs until they close or the deadline passes. */
static int
collect(int fds[2], char *bufs[2], size_t sizes[2], double deadline)
{
	size_t used[2] = { 0, 0 };
	int open_n = 2;

	while (open_n > 0) {
		struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
		int ms = (int)((deadline - now_s()) * 1000);

		if (ms <= 0 || poll(p, 2, ms) <= 0)
			return -1;
		for (int i = 0; i < 2; i++) {
			char junk[4096];
			char *dst = junk;
			size_t room = sizeof(junk);
			ssize_t n;

			if (fds[i] < 0 || p[i].revents == 0)
				continue;
			if (bufs[i] != NULL && used[i] + 1 < sizes[i]) {
				dst = bufs[i] + used[i];
				room = sizes[i] - used[i] - 1;
			}
			n = read(fds[i], dst, room);
			if (n <= 0) {
				close(fds[i]);
				fds[i] = -1;
				open_n--;
			} else if (dst != junk) {
				used[i] += (size_t)n;
				bufs[i][used[i]] = '\0';
			}
		}
	}
	return 0;
}

int
hfix_run(const char *const argv[], const char *const extra_env[], const char *in,
         char *out, size_t out_size, char *errbuf, size_t err_size, int timeout_s)
{
	int inp[2], outp[2], errp[2], status = -1;
	char *bufs[2] = { out, errbuf };
	size_t sizes[2] = { out_size, err_size };
	pid_t pid;

	if (out != NULL && out_size > 0)
		out[0] = '\0';
	if (errbuf != NULL && err_size > 0)
		errbuf[0] = '\0';
	if (pipe2(inp, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0)
		child_exec(argv, extra_env, inp[0], outp[1], errp[1]);
	close(inp[0]);
	close(outp[1]);
	close(errp[1]);
	if (pid > 0 && in != NULL && write(inp[1], in, strlen(in)) < 0)
		status = -1;
	close(inp[1]);
	if (pid < 0)
		return -1;
	{
		int fds[2] = { outp[0], errp[0] };
		if (collect(fds, bufs, sizes, now_s() + timeout_s) != 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			for (int i = 0; i < 2; i++)
				if (fds[i] >= 0)
					close(fds[i]);
			return -1;
		}
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return status;
}

const char *
hfix_built(const char *rel, char *buf, size_t size)
{
	const char *top = getenv("top_builddir");

	snprintf(buf, size, "%s/%s", top ? top : ".", rel);
	return access(buf, X_OK) == 0 || access(buf, R_OK) == 0 ? buf : NULL;
}

const char *
hfix_pam_wrapper(void)
{
	static char path[512];
	const char *patterns[] = { "/usr/lib/*/libpam_wrapper.so", "/usr/lib/libpam_wrapper.so",
	                           "/usr/lib64/libpam_wrapper.so", NULL };

	for (int i = 0; patterns[i] != NULL; i++) {
		glob_t g;
		if (glob(patterns[i], 0, NULL, &g) != 0)
			continue;
		snprintf(path, sizeof(path), "%s", g.gl_pathv[0]);
		globfree(&g);
		return path;
	}
	return NULL;
}

static unsigned long long rng_state;

void
hfix_seed(void)
{
	const char *s = getenv("HT_SEED");

	rng_state = s != NULL ? strtoull(s, NULL, 10) : (unsigned long long)time(NULL);
	printf("# seed %llu (HT_SEED=%llu replays this run)\n", rng_state, rng_state);
	if (rng_state == 0)
		rng_state = 1;
}

unsigned long
hfix_rand(void)
{
	/* xorshift64*: plenty for choosing offsets and delays. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned long)((rng_state * 2685821657736338717ULL) >> 16);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* git_request=: the request lines accepted, the resource and level read
 * from them, and every rule that refuses one. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gitreq.h"
#include "scope.h"
#include "tap.h"

#define REFS "/info/refs?service=git-upload-pack"

struct line_case {
	const char *prefix;
	const char *line;
	const char *resource;    /* NULL: refused */
	enum ht_perm require;
	const char *why;         /* what the refusal message must contain */
};

static const struct line_case cases[] = {
	/* Accepted: what git sends, over HTTP/1.x and HTTP/2. */
	{ "/git/", "GET /git/PROJ/a.git" REFS " HTTP/1.1", "PROJ/a", HT_PERM_READ, NULL },
	{ "/git/", "POST /git/PROJ/a.git/git-upload-pack HTTP/1.1", "PROJ/a", HT_PERM_READ, NULL },
	{ "/git/", "GET /git/PROJ/a.git/info/refs?service=git-receive-pack HTTP/1.1",
	  "PROJ/a", HT_PERM_WRITE, NULL },
	{ "/git/", "POST /git/PROJ/a.git/git-receive-pack HTTP/1.1", "PROJ/a", HT_PERM_WRITE, NULL },
	{ "/git/", "POST /git/PROJ/a.git/git-receive-pack HTTP/2.0", "PROJ/a", HT_PERM_WRITE, NULL },
	{ "/git/", "GET /git/PROJ/a.git" REFS " HTTP/2.0", "PROJ/a", HT_PERM_READ, NULL },
	{ "/git/", "HEAD /git/PROJ/a.git/HEAD HTTP/1.0", "PROJ/a", HT_PERM_READ, NULL },
	/* Dumb HTTP and anything else under a repository is read. */
	{ "/git/", "GET /git/PROJ/a.git/objects/info/packs HTTP/1.1", "PROJ/a", HT_PERM_READ, NULL },
	{ "/git/", "GET /git/PROJ/a.git/info/refs HTTP/1.1", "PROJ/a", HT_PERM_READ, NULL },
	{ "/git/", "GET /git/PROJ/a.git/info/refs? HTTP/1.1", "PROJ/a", HT_PERM_READ, NULL },
	{ "/git/", "GET /git/PROJ/a.git/x/git-receive-pack HTTP/1.1", "PROJ/a", HT_PERM_WRITE, NULL },
	{ "/git/", "GET /git/P_1/my-repo.v2_x.git/info/refs HTTP/1.1", "P_1/my-repo.v2_x",
	  HT_PERM_READ, NULL },
	{ "/git/", "GET /git/PROJ/a.b.git/info/refs HTTP/1.1", "PROJ/a.b", HT_PERM_READ, NULL },
	{ "/git/", "GET /git/PROJ/a.git/objects/~x/y HTTP/1.1", "PROJ/a", HT_PERM_READ, NULL },
	/* The prefix with or without its slash, at the root, nested. */
	{ "/git", "GET /git/PROJ/a.git" REFS " HTTP/1.1", "PROJ/a", HT_PERM_READ, NULL },
	{ "/", "GET /PROJ/a.git" REFS " HTTP/1.1", "PROJ/a", HT_PERM_READ, NULL },
	{ "/srv/git.d/", "GET /srv/git.d/PROJ/a.git" REFS " HTTP/1.1", "PROJ/a", HT_PERM_READ, NULL },

	/* Not a request line of the accepted shape. */
	{ "/git/", "", NULL, 0, "not METHOD TARGET VERSION" },
	{ "/git/", "GET", NULL, 0, "not METHOD TARGET VERSION" },
	{ "/git/", "GET /git/PROJ/a.git/info/refs", NULL, 0, "not METHOD TARGET VERSION" },
	{ "/git/", "GET  /git/PROJ/a.git" REFS " HTTP/1.1", NULL, 0, "version" },
	{ "/git/", "GET /git/PROJ/a.git" REFS "  HTTP/1.1", NULL, 0, "version" },
	{ "/git/", "GET /git/PROJ/a.git" REFS " HTTP/1.1 ", NULL, 0, "version" },
	{ "/git/", "GET /git/PROJ/a.git" REFS " HTTP/1.1\r", NULL, 0, "version" },
	{ "/git/", "GET /git/PROJ/a.git" REFS " HTTP/1.2", NULL, 0, "version" },
	{ "/git/", "GET /git/PROJ/a.git" REFS " HTTP/3.0", NULL, 0, "version" },
	{ "/git/", "GET /git/PROJ/a.git" REFS " HTTP/2", NULL, 0, "version" },
	{ "/git/", "GET /git/PROJ/a.git" REFS " http/1.1", NULL, 0, "version" },
	{ "/git/", "GET /git/PROJ/a b.git" REFS " HTTP/1.1", NULL, 0, "version" },
	/* Methods. */
	{ "/git/", "get /git/PROJ/a.git" REFS " HTTP/1.1", NULL, 0, "method" },
	{ "/git/", "PUT /git/PROJ/a.git/info/refs HTTP/1.1", NULL, 0, "method" },
	{ "/git/", "DELETE /git/PROJ/a.git/git-receive-pack HTTP/1.1", NULL, 0, "method" },
	{ "/git/", "OPTIONS /git/PROJ/a.git/info/refs HTTP/1.1", NULL, 0, "method" },
	{ "/git/", "POST /git/PROJ/a.git/info/refs HTTP/1.1", NULL, 0, "method" },
	{ "/git/", "POST /git/PROJ/a.git/git-upload-packx HTTP/1.1", NULL, 0, "method" },
	{ "/git/", "POST /git/PROJ/a.git/xgit-receive-pack HTTP/1.1", NULL, 0, "method" },
	/* Not origin form, or outside the prefix. */
	{ "/git/", "GET http://h/git/PROJ/a.git" REFS " HTTP/1.1", NULL, 0, "origin form" },
	{ "/git/", "GET * HTTP/1.1", NULL, 0, "origin form" },
	{ "/git/", "GET /other/PROJ/a.git" REFS " HTTP/1.1", NULL, 0, "prefix" },
	{ "/git/", "GET /GIT/PROJ/a.git" REFS " HTTP/1.1", NULL, 0, "prefix" },
	{ "/git", "GET /gitx/PROJ/a.git" REFS " HTTP/1.1", NULL, 0, "prefix" },
	{ "/git", "GET /git HTTP/1.1", NULL, 0, "prefix" },
	{ "/git/", "GET /git/ HTTP/1.1", NULL, 0, "empty segment" },
	/* Escapes: nginx decodes them before it serves the path. */
	{ "/git/", "GET /git/%2e%2e/OTHER/a.git" REFS " HTTP/1.1", NULL, 0, "'%'" },
	{ "/git/", "GET /git/PROJ/a.git/%2e%2e/%2e%2e/OTHER/a.git" REFS " HTTP/1.1", NULL, 0, "'%'" },
	{ "/git/", "GET /git/PROJ%2Fa.git" REFS " HTTP/1.1", NULL, 0, "'%'" },
	{ "/git/", "GET /git/PROJ/a.git/info/refs%3Fservice=git-upload-pack HTTP/1.1", NULL, 0, "'%'" },
	{ "/git/", "GET /git/PROJ/%61.git" REFS " HTTP/1.1", NULL, 0, "'%'" },
	{ "/git/", "GET /git/PROJ/a.git/info/refs?service=git%2Dupload-pack HTTP/1.1",
	  NULL, 0, "query" },
	/* Dot and empty segments: nginx removes them before it serves. */
	{ "/git/", "GET /git/PROJ/../OTHER/a.git" REFS " HTTP/1.1", NULL, 0, "'.' or '..'" },
	{ "/git/", "GET /git/PROJ/a.git/../../OTHER/a.git" REFS " HTTP/1.1", NULL, 0, "'.' or '..'" },
	{ "/git/", "GET /git/PROJ/a.git/info/.. HTTP/1.1", NULL, 0, "'.' or '..'" },
	{ "/git/", "GET /git/./PROJ/a.git" REFS " HTTP/1.1", NULL, 0, "'.' or '..'" },
	{ "/git/", "GET /git/PROJ/a.git/./info/refs HTTP/1.1", NULL, 0, "'.' or '..'" },
	{ "/git/", "GET /git//PROJ/a.git" REFS " HTTP/1.1", NULL, 0, "empty segment" },
	{ "/git/", "GET //git/PROJ/a.git" REFS " HTTP/1.1", NULL, 0, "empty segment" },
	{ "/git/", "GET /git/PROJ//a.git" REFS " HTTP/1.1", NULL, 0, "empty segment" },
	{ "/git/", "GET /git/PROJ/a.git//info/refs HTTP/1.1", NULL, 0, "empty segment" },
	{ "/git/", "GET /git/PROJ/a.git/info/refs/ HTTP/1.1", NULL, 0, "empty segment" },
	{ "/git/", "GET /git/PROJ/a.git/ HTTP/1.1", NULL, 0, "empty segment" },
	/* Backslashes, controls, characters outside the plain set. */
	{ "/git/", "GET /git/PROJ\\..\\OTHER/a.git" REFS " HTTP/1.1", NULL, 0, "backslash" },
	{ "/git/", "GET /git/PROJ/a.git\\info/refs HTTP/1.1", NULL, 0, "backslash" },
	{ "/git/", "GET /git/PROJ/a.git/info\trefs HTTP/1.1", NULL, 0, "character" },
	{ "/git/", "GET /git/PROJ/a.git/info/refs\r\nX:y HTTP/1.1", NULL, 0, "character" },
	{ "/git/", "GET /git/PROJ/\xc3\xa4.git" REFS " HTTP/1.1", NULL, 0, "character" },
	{ "/git/", "GET /git/PROJ/a.git;x/info/refs HTTP/1.1", NULL, 0, "character" },
	{ "/git/", "GET /git/PROJ/a.git/info/refs#x HTTP/1.1", NULL, 0, "character" },
	{ "/git/", "GET /git/PROJ/a.git/info/refs+ HTTP/1.1", NULL, 0, "character" },
	/* Queries other than git's two. */
	{ "/git/", "GET /git/PROJ/a.git/info/refs?service=git-upload-pack&x=1 HTTP/1.1",
	  NULL, 0, "query" },
	{ "/git/", "GET /git/PROJ/a.git/info/refs?service=git-upload-packx HTTP/1.1", NULL, 0, "query" },
	{ "/git/", "GET /git/PROJ/a.git/info/refs?Service=git-receive-pack HTTP/1.1", NULL, 0, "query" },
	{ "/git/", "GET /git/PROJ/a.git/info/refs?service=git-upload-pack? HTTP/1.1", NULL, 0, "query" },
	{ "/git/", "GET /git/PROJ/a.git/info/refs?x=1 HTTP/1.1", NULL, 0, "query" },
	/* The repository part. */
	{ "/git/", "GET /git/PROJ/a/info/refs HTTP/1.1", NULL, 0, "\".git\"" },
	{ "/git/", "GET /git/PROJ/a.git.git" REFS " HTTP/1.1", NULL, 0, "slug ends in" },
	{ "/git/", "GET /git/PROJ/.git" REFS " HTTP/1.1", NULL, 0, "invalid project key" },
	{ "/git/", "GET /git/PROJ/..git" REFS " HTTP/1.1", NULL, 0, "invalid project key" },
	{ "/git/", "GET /git/PROJ/a~b.git" REFS " HTTP/1.1", NULL, 0, "invalid project key" },
	{ "/git/", "GET /git/1PROJ/a.git" REFS " HTTP/1.1", NULL, 0, "invalid project key" },
	{ "/git/", "GET /git/PR-OJ/a.git" REFS " HTTP/1.1", NULL, 0, "invalid project key" },
	{ "/git/", "GET /git/PROJ/a.git HTTP/1.1", NULL, 0, "KEY/SLUG.git/" },
	{ "/git/", "GET /git/PROJ HTTP/1.1", NULL, 0, "KEY/SLUG.git/" },
	{ "/git/", "GET /git/a.git/info/refs HTTP/1.1", NULL, 0, "\".git\"" },
};

/* line with every byte outside printable ASCII shown as \xNN, for the
 * TAP output. */
static const char *
shown(const char *line)
{
	static char buf[4 * 512 + 1];
	char *p = buf;

	for (; *line != '\0' && p < buf + sizeof(buf) - 5; line++) {
		unsigned char c = (unsigned char)*line;
		if (c >= 0x20 && c < 0x7f)
			*p++ = (char)c;
		else
			p += sprintf(p, "\\x%02x", c);
	}
	*p = '\0';
	return buf;
}

static void
test_table(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct line_case *c = &cases[i];
		struct ht_git_request gr;
		struct ht_error err;
		enum ht_status st;

		ht_error_clear(&err);
		st = ht_git_request_parse(c->line, c->prefix, &gr, &err);
		if (c->resource != NULL)
			ok(st == HT_OK && strcmp(gr.resource, c->resource) == 0 &&
			   gr.require == c->require,
			   "accepted with prefix %s: \"%s\" -> %s %s (got status %d, %s %s: %s)",
			   c->prefix, shown(c->line), c->resource, ht_perm_str(c->require), (int)st,
			   gr.resource, st == HT_OK ? ht_perm_str(gr.require) : "-", err.msg);
		else
			ok(st == HT_ERR_DATA && strstr(err.msg, c->why) != NULL &&
			   gr.resource[0] == '\0' && gr.require == HT_PERM_ADMIN,
			   "refused with prefix %s: \"%s\" for \"%s\" (got status %d, \"%s\", \"%s\")",
			   c->prefix, shown(c->line), c->why, (int)st, err.msg, gr.resource);
	}
}

static void
test_missing(void)
{
	struct ht_git_request gr;
	struct ht_error err;

	ht_error_clear(&err);
	ok(ht_git_request_parse(NULL, "/git/", &gr, &err) == HT_ERR_DATA &&
	   strcmp(err.msg, "request line: none given (REQUEST is not in the PAM environment)") == 0,
	   "no request line refused: \"%s\"", err.msg);
	ht_error_clear(&err);
	ok(ht_git_request_parse("GET /git/PROJ/a.git" REFS " HTTP/1.1", "/git//", &gr, &err) ==
	   HT_ERR_DATA && strstr(err.msg, "prefix") != NULL,
	   "invalid prefix refuses every line: \"%s\"", err.msg);
}

/* parse_sized LEN, SLUG_LEN: a request line of exactly len bytes whose
 * slug has slug_len bytes (key "K"), padded in the path after the
 * repository; the result of parsing it. */
static enum ht_status
parse_sized(size_t len, size_t key_len, size_t slug_len, struct ht_git_request *gr,
            struct ht_error *err)
{
	const char *tail = " HTTP/1.1";
	char *line = malloc(len + 1), *p = line;
	enum ht_status st;
	size_t fixed;

	if (line == NULL)
		abort();
	p += sprintf(p, "GET /git/");
	memset(p, 'K', key_len);
	p += key_len;
	*p++ = '/';
	memset(p, 's', slug_len);
	p += slug_len;
	p += sprintf(p, ".git/");
	fixed = (size_t)(p - line) + strlen(tail);
	if (fixed >= len)
		abort();
	memset(p, 'x', len - fixed);
	strcpy(p + len - fixed, tail);
	ht_error_clear(err);
	st = ht_git_request_parse(line, "/git/", gr, err);
	free(line);
	return st;
}

static void
test_sizes(void)
{
	struct ht_git_request gr;
	struct ht_error err;
	enum ht_status st;

	st = parse_sized(HT_GITREQ_LINE_MAX, 1, 1, &gr, &err);
	ok(st == HT_OK && strcmp(gr.resource, "K/s") == 0,
	   "line of %d bytes accepted (status %d: %s)", HT_GITREQ_LINE_MAX, (int)st, err.msg);
	st = parse_sized(HT_GITREQ_LINE_MAX - 1, 1, 1, &gr, &err);
	ok(st == HT_OK, "line of %d bytes accepted (status %d: %s)", HT_GITREQ_LINE_MAX - 1,
	   (int)st, err.msg);
	st = parse_sized(HT_GITREQ_LINE_MAX + 1, 1, 1, &gr, &err);
	ok(st == HT_ERR_DATA && strcmp(err.msg, "request line: longer than 8192 bytes") == 0,
	   "line of %d bytes refused: \"%s\"", HT_GITREQ_LINE_MAX + 1, err.msg);
	st = parse_sized(1000, HT_PROJECT_KEY_MAX, HT_SLUG_MAX, &gr, &err);
	ok(st == HT_OK && strlen(gr.resource) == HT_PROJECT_KEY_MAX + 1 + HT_SLUG_MAX,
	   "key and slug of %d bytes each accepted (status %d: %s)", HT_SLUG_MAX, (int)st,
	   err.msg);
	st = parse_sized(1000, HT_PROJECT_KEY_MAX + 1, 1, &gr, &err);
	ok(st == HT_ERR_DATA && strstr(err.msg, "project key or repository slug") != NULL,
	   "key of %d bytes refused: \"%s\"", HT_PROJECT_KEY_MAX + 1, err.msg);
	st = parse_sized(1000, 1, HT_SLUG_MAX + 1, &gr, &err);
	ok(st == HT_ERR_DATA && strstr(err.msg, "project key or repository slug") != NULL,
	   "slug of %d bytes refused: \"%s\"", HT_SLUG_MAX + 1, err.msg);
	st = parse_sized(1000, HT_PROJECT_KEY_MAX + 1 + HT_SLUG_MAX, 1, &gr, &err);
	ok(st == HT_ERR_DATA && strstr(err.msg, "too long") != NULL,
	   "key and slug longer than a scope refused: \"%s\"", err.msg);
}

static void
test_prefixes(void)
{
	static const char *good[] = { "/git/", "/git", "/", "/srv/git.d/x_y-z~/" };
	static const char *bad[] = { "", "git/", "//", "/git//", "/./", "/../git/", "/git/.",
	                             "/git%2f", "/git\\", "/g it/", "/git/?", "/git;x/" };
	char longest[HT_GITREQ_PREFIX_MAX + 2];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(ht_git_prefix_valid(good[i]), "prefix \"%s\" valid", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!ht_git_prefix_valid(bad[i]), "prefix \"%s\" invalid", bad[i]);
	memset(longest, 'p', sizeof(longest));
	longest[0] = '/';
	longest[HT_GITREQ_PREFIX_MAX] = '\0';
	ok(ht_git_prefix_valid(longest), "prefix of %d bytes valid", HT_GITREQ_PREFIX_MAX);
	longest[HT_GITREQ_PREFIX_MAX] = 'p';
	longest[HT_GITREQ_PREFIX_MAX + 1] = '\0';
	ok(!ht_git_prefix_valid(longest), "prefix of %d bytes invalid", HT_GITREQ_PREFIX_MAX + 1);
}

int
main(void)
{
	test_table();
	test_missing();
	test_sizes();
	test_prefixes();
	return done();
}

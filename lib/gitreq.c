/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "gitreq.h"
#include "scope.h"

#define UPLOAD_PACK  "git-upload-pack"
#define RECEIVE_PACK "git-receive-pack"

/* A request line split at its two spaces; lengths, not NUL-terminated. */
struct line_parts {
	const char *method, *path, *query;
	size_t method_len, path_len, query_len;
};

static int
span_is(const char *p, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(p, s, n) == 0;
}

static int
span_ends_with(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && memcmp(p + n - k, s, k) == 0;
}

/* What may appear in an accepted path: RFC 3986's unreserved characters
 * and '/'. Nothing here is decoded or rewritten by a web server. */
static int
path_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == '_' || c == '~' || c == '/';
}

static int
dot_segment(const char *seg, size_t n)
{
	return span_is(seg, n, ".") || span_is(seg, n, "..");
}

/* Checks an absolute path of n bytes: allowed characters only, and no
 * empty, "." or ".." segment (an empty last one only when trailing_slash
 * allows it). Returns NULL or what is wrong. */
static const char *
path_problem(const char *p, size_t n, int trailing_slash)
{
	size_t seg = 1;

	if (n == 0 || p[0] != '/')
		return "not in origin form (the target must start with '/')";
	for (size_t i = 1; i <= n; i++) {
		if (i < n && p[i] == '%')
			return "'%'-escape in the path";
		if (i < n && p[i] == '\\')
			return "backslash in the path";
		if (i < n && !path_char((unsigned char)p[i]))
			return "character outside letters, digits, \".-_~/\" in the path";
		if (i < n && p[i] != '/')
			continue;
		if (i == seg && !(i == n && trailing_slash))
			return "empty segment in the path";
		if (dot_segment(p + seg, i - seg))
			return "'.' or '..' segment in the path";
		seg = i + 1;
	}
	return NULL;
}

int
ht_git_prefix_valid(const char *prefix)
{
	size_t n = strnlen(prefix, HT_GITREQ_PREFIX_MAX + 1);

	return n <= HT_GITREQ_PREFIX_MAX && path_problem(prefix, n, 1) == NULL;
}

static enum ht_status
refuse(struct ht_error *err, const char *why)
{
	return ht_error_set(err, HT_ERR_DATA, "request line: %s", why);
}

/* METHOD SP TARGET SP VERSION, the target split at its first '?'. */
static const char *
split_line(const char *line, size_t len, struct line_parts *lp)
{
	const char *sp1 = memchr(line, ' ', len), *sp2, *target, *q, *version;
	size_t target_len, version_len;

	if (sp1 == NULL)
		return "not METHOD TARGET VERSION";
	target = sp1 + 1;
	sp2 = memchr(target, ' ', len - (size_t)(target - line));
	if (sp2 == NULL)
		return "not METHOD TARGET VERSION";
	version = sp2 + 1;
	version_len = len - (size_t)(version - line);
	if (!span_is(version, version_len, "HTTP/1.1") &&
	    !span_is(version, version_len, "HTTP/1.0") &&
	    !span_is(version, version_len, "HTTP/2.0"))
		return "version not HTTP/1.0, HTTP/1.1 or HTTP/2.0";
	target_len = (size_t)(sp2 - target);
	q = memchr(target, '?', target_len);
	lp->method = line;
	lp->method_len = (size_t)(sp1 - line);
	lp->path = target;
	lp->path_len = q != NULL ? (size_t)(q - target) : target_len;
	lp->query = q != NULL ? q + 1 : sp2;
	lp->query_len = q != NULL ? (size_t)(sp2 - q - 1) : 0;
	return NULL;
}

/* The part of the path after prefix, or NULL when the path is not under
 * it. A prefix without its trailing '/' still ends at a segment boundary. */
static const char *
after_prefix(const struct line_parts *lp, const char *prefix, size_t *rest_len)
{
	size_t n = strlen(prefix);

	if (lp->path_len < n || memcmp(lp->path, prefix, n) != 0)
		return NULL;
	if (prefix[n - 1] != '/') {
		if (lp->path_len == n || lp->path[n] != '/')
			return NULL;
		n++;
	}
	*rest_len = lp->path_len - n;
	return lp->path + n;
}

/* KEY/SLUG.git/REST: the resource "KEY/SLUG" into out, or what is wrong. */
static const char *
repository_of(const char *rest, size_t n, struct ht_git_request *out)
{
	const char *slash1 = memchr(rest, '/', n), *repo, *slash2;
	size_t key_len, repo_len, slug_len;

	if (slash1 == NULL)
		return "no KEY/SLUG.git/ after the prefix";
	key_len = (size_t)(slash1 - rest);
	repo = slash1 + 1;
	slash2 = memchr(repo, '/', n - key_len - 1);
	if (slash2 == NULL)
		return "no KEY/SLUG.git/ after the prefix";
	repo_len = (size_t)(slash2 - repo);
	if (!span_ends_with(repo, repo_len, ".git"))
		return "repository does not end in \".git\"";
	slug_len = repo_len - 4;
	/* git-http-backend serves a.git for "a" too: a slug "a.git" would
	 * name the same directory as the slug "a". */
	if (span_ends_with(repo, slug_len, ".git"))
		return "repository slug ends in \".git\"";
	if (key_len + 1 + slug_len > HT_SCOPE_MAX)
		return "project key or repository slug too long";
	memcpy(out->resource, rest, key_len + 1 + slug_len);
	out->resource[key_len + 1 + slug_len] = '\0';
	if (!ht_repo_valid(out->resource))
		return "invalid project key or repository slug";
	return NULL;
}

static const char *
method_problem(const struct line_parts *lp)
{
	if (span_is(lp->method, lp->method_len, "GET") ||
	    span_is(lp->method, lp->method_len, "HEAD"))
		return NULL;
	if (span_is(lp->method, lp->method_len, "POST") &&
	    (span_ends_with(lp->path, lp->path_len, "/" UPLOAD_PACK) ||
	     span_ends_with(lp->path, lp->path_len, "/" RECEIVE_PACK)))
		return NULL;
	return "method not GET or HEAD, or POST to git-upload-pack or git-receive-pack";
}

static const char *
query_problem(const struct line_parts *lp)
{
	if (lp->query_len == 0 ||
	    span_is(lp->query, lp->query_len, "service=" UPLOAD_PACK) ||
	    span_is(lp->query, lp->query_len, "service=" RECEIVE_PACK))
		return NULL;
	return "query not service=git-upload-pack or service=git-receive-pack";
}

static const char *
parse(const char *line, const char *prefix, struct ht_git_request *out)
{
	struct line_parts lp;
	const char *why, *rest;
	size_t len, rest_len = 0;

	if (!ht_git_prefix_valid(prefix))
		return "invalid git_request= prefix";
	if (line == NULL)
		return "none given (REQUEST is not in the PAM environment)";
	len = strnlen(line, HT_GITREQ_LINE_MAX + 1);
	if (len > HT_GITREQ_LINE_MAX)
		return "longer than 8192 bytes";
	if ((why = split_line(line, len, &lp)) != NULL ||
	    (why = path_problem(lp.path, lp.path_len, 0)) != NULL)
		return why;
	if ((rest = after_prefix(&lp, prefix, &rest_len)) == NULL)
		return "path not under the git_request= prefix";
	if ((why = repository_of(rest, rest_len, out)) != NULL ||
	    (why = method_problem(&lp)) != NULL || (why = query_problem(&lp)) != NULL)
		return why;
	out->require = span_is(lp.query, lp.query_len, "service=" RECEIVE_PACK) ||
	               span_ends_with(lp.path, lp.path_len, "/" RECEIVE_PACK)
	               ? HT_PERM_WRITE : HT_PERM_READ;
	return NULL;
}

enum ht_status
ht_git_request_parse(const char *line, const char *prefix, struct ht_git_request *out,
                     struct ht_error *err)
{
	const char *why = parse(line, prefix, out);

	if (why == NULL)
		return HT_OK;
	memset(out, 0, sizeof(*out));
	out->require = HT_PERM_ADMIN;
	return refuse(err, why);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: git_request='s request-line parser. The input is split
 * at the first NUL into a prefix and a request line; an invalid prefix is
 * replaced by "/git/" so that most inputs reach the line parser. Checks,
 * for every accepted line: it is at most 8 KiB; its path is one a web
 * server serves unchanged (no '%', backslash, "//", "." or ".." segment);
 * the path starts with the prefix followed by exactly the resource and
 * ".git/"; the resource is a valid KEY/SLUG; the level is write exactly
 * when the path ends in /git-receive-pack or the query asks for it. A refused line leaves a result
 * that no token reaches. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gitreq.h"
#include "scope.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int
path_served_unchanged(const char *path, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (path[i] == '%' || path[i] == '\\' || path[i] == ' ' || path[i] == '?')
			return 0;
		if (path[i] != '/')
			continue;
		if (i + 1 == n || path[i + 1] == '/')
			return 0;
		if (path[i + 1] == '.' && (i + 2 == n || path[i + 2] == '/'))
			return 0;
		if (path[i + 1] == '.' && path[i + 2] == '.' && (i + 3 == n || path[i + 3] == '/'))
			return 0;
	}
	return n > 0 && path[0] == '/';
}

/* The path ends in /git-receive-pack or the query asks for it. */
static int
names_receive_pack(const char *path, size_t path_len)
{
	static const char tail[] = "/git-receive-pack", query[] = "?service=git-receive-pack ";
	size_t n = sizeof(tail) - 1;

	return (path_len >= n && memcmp(path + path_len - n, tail, n) == 0) ||
	       strncmp(path + path_len, query, sizeof(query) - 1) == 0;
}

static void
check_accepted(const char *line, const char *prefix, const struct ht_git_request *gr)
{
	const char *path = strchr(line, ' ') + 1;
	size_t path_len = strcspn(path, "? "), plen = strlen(prefix), rlen = strlen(gr->resource);
	const char *rest;

	if (strlen(line) > HT_GITREQ_LINE_MAX || !ht_repo_valid(gr->resource))
		abort();
	if (!path_served_unchanged(path, path_len))
		abort();
	if (strncmp(path, prefix, plen) != 0)
		abort();
	rest = path + plen + (prefix[plen - 1] == '/' ? 0 : 1);
	if (strncmp(rest, gr->resource, rlen) != 0 || strncmp(rest + rlen, ".git/", 5) != 0)
		abort();
	if ((gr->require == HT_PERM_WRITE) != names_receive_pack(path, path_len))
		abort();
	if (gr->require != HT_PERM_WRITE && gr->require != HT_PERM_READ)
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *buf = malloc(size + 2);
	const char *prefix, *line;
	struct ht_git_request gr;
	struct ht_error err;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	buf[size + 1] = '\0';
	prefix = buf;
	line = buf + strlen(buf) + 1;
	if (!ht_git_prefix_valid(prefix))
		prefix = "/git/";
	ht_error_clear(&err);
	if (ht_git_request_parse(line, prefix, &gr, &err) == HT_OK)
		check_accepted(line, prefix, &gr);
	else if (gr.resource[0] != '\0' || gr.require != HT_PERM_ADMIN || err.msg[0] == '\0')
		abort();
	free(buf);
	return 0;
}

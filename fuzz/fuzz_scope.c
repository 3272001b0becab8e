/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: names, project keys, repository slugs and the scope
 * rule. The input is split at the first NUL into a scope and a resource.
 * Checks: a valid name holds no control character (C0, DEL, or C1 in
 * UTF-8) and none of the invisible format characters checked byte by byte
 * below (zero-width space, byte order mark, line and paragraph separators,
 * bidi overrides, tag characters), so it can never drive or reorder a
 * terminal; a project token reaches only
 * its own project and the project's repositories; a repository token
 * reaches only exactly its repository. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "scope.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void
check_name(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!ht_name_valid(s))
		return;
	for (size_t i = 0; p[i] != '\0'; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			abort();
		if (p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			abort();
		/* U+200B..U+200F, U+2028..U+202E: E2 80 8B..8F, E2 80 A8..AE */
		if (p[i] == 0xe2 && p[i + 1] == 0x80 &&
		    ((p[i + 2] >= 0x8b && p[i + 2] <= 0x8f) || (p[i + 2] >= 0xa8 && p[i + 2] <= 0xae)))
			abort();
		/* U+FEFF: EF BB BF; U+E0000..U+E007F: F3 A0 80..81 xx */
		if ((p[i] == 0xef && p[i + 1] == 0xbb && p[i + 2] == 0xbf) ||
		    (p[i] == 0xf3 && p[i + 1] == 0xa0 && (p[i + 2] == 0x80 || p[i + 2] == 0x81)))
			abort();
	}
}

static void
check_scope(const char *scope, const char *resource)
{
	struct ht_record rec;
	size_t n = strlen(scope);

	memset(&rec, 0, sizeof(rec));
	if (n > HT_SCOPE_MAX)
		return;
	memcpy(rec.scope, scope, n + 1);
	rec.kind = HT_KIND_REPO;
	if (ht_scope_allows(&rec, resource) && strcmp(scope, resource) != 0)
		abort();
	rec.kind = HT_KIND_PROJECT;
	if (ht_project_key_valid(scope) && ht_scope_allows(&rec, resource) &&
	    !(strncmp(resource, scope, n) == 0 && (resource[n] == '\0' || resource[n] == '/')))
		abort();
	if (ht_scope_allows(&rec, NULL))
		abort();
	if (ht_repo_valid(resource) && !ht_resource_valid(resource))
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *buf = malloc(size + 2);
	const char *resource;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	buf[size + 1] = '\0';
	resource = buf + strlen(buf) + 1;
	check_name(buf);
	check_scope(buf, resource);
	free(buf);
	return 0;
}

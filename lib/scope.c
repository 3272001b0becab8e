/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "scope.h"
#include "utf8.h"

static int
is_alpha(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Length of the character at p when it is well-formed UTF-8 and not a
 * control character (C0, DEL or C1); 0 otherwise. */
static size_t
printable_char_len(const unsigned char *p, size_t avail)
{
	unsigned long cp;
	size_t n = ht_utf8_decode(p, avail, &cp);

	if (n == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return 0;
	return n;
}

int
ht_name_valid(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t len = strlen(name);

	if (len == 0 || len > HT_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len;) {
		size_t n = printable_char_len(p + i, len - i);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

static int
key_valid_n(const char *key, size_t len)
{
	if (len == 0 || len > HT_PROJECT_KEY_MAX || !is_alpha((unsigned char)key[0]))
		return 0;
	for (size_t i = 1; i < len; i++) {
		unsigned char c = (unsigned char)key[i];
		if (!is_alpha(c) && !is_digit(c) && c != '_')
			return 0;
	}
	return 1;
}

int
ht_project_key_valid(const char *key)
{
	return key_valid_n(key, strlen(key));
}

static int
slug_valid(const char *slug)
{
	size_t len = strlen(slug);

	if (len == 0 || len > HT_SLUG_MAX || strcmp(slug, ".") == 0 || strcmp(slug, "..") == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)slug[i];
		if (!is_alpha(c) && !is_digit(c) && c != '.' && c != '_' && c != '-')
			return 0;
	}
	return 1;
}

int
ht_repo_valid(const char *repo)
{
	const char *slash = strchr(repo, '/');

	return slash != NULL && key_valid_n(repo, (size_t)(slash - repo)) &&
	       slug_valid(slash + 1);
}

int
ht_resource_valid(const char *resource)
{
	return ht_project_key_valid(resource) || ht_repo_valid(resource);
}

int
ht_scope_covers(const char *scope, const char *resource)
{
	size_t n = strlen(scope);

	if (strchr(scope, '/') != NULL)
		return strcmp(scope, resource) == 0;
	return strncmp(scope, resource, n) == 0 && (resource[n] == '\0' || resource[n] == '/');
}

/* A personal token limited with --only passes where one of its scopes
 * covers the resource, and never where the service names none. */
static int
only_allows(const struct ht_record *rec, const char *resource)
{
	if (rec->n_only == 0)
		return 1;
	if (resource == NULL)
		return 0;
	for (unsigned i = 0; i < rec->n_only && i < HT_ONLY_MAX; i++)
		if (ht_scope_covers(rec->only[i], resource))
			return 1;
	return 0;
}

int
ht_scope_allows(const struct ht_record *rec, const char *resource)
{
	if (rec->kind == HT_KIND_PERSONAL)
		return only_allows(rec, resource);
	if (resource == NULL)
		return 0;
	return ht_scope_covers(rec->scope, resource);
}

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

/* Control and invisible format characters (ht_utf8_is_invisible) let a
 * name hide or reorder what a terminal or a web page shows
 * ("invoice<U+202E>fdp.exe"). */
int
ht_text_valid(const char *s, size_t min, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);

	if (len < min || len > max)
		return 0;
	for (size_t i = 0; i < len;) {
		unsigned long cp;
		size_t n = ht_utf8_decode(p + i, len - i, &cp);

		if (n == 0 || ht_utf8_is_invisible(cp))
			return 0;
		i += n;
	}
	return 1;
}

int
ht_name_valid(const char *name)
{
	return ht_text_valid(name, 1, HT_NAME_MAX);
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
ht_user_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > HT_OWNER_MAX || name[0] == '-')
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		int ok = is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-' ||
		         c == '@' || (c == '$' && i == len - 1);
		if (!ok)
			return 0;
	}
	return 1;
}

int
ht_use_valid(const char *use)
{
	size_t len = strlen(use);

	if (len == 0 || len > 32 || use[0] < 'a' || use[0] > 'z')
		return 0;
	for (size_t i = 1; i < len; i++) {
		unsigned char c = (unsigned char)use[i];
		if (!(c >= 'a' && c <= 'z') && !is_digit(c) && c != '-')
			return 0;
	}
	return 1;
}

int
ht_resource_valid(const char *resource)
{
	return ht_project_key_valid(resource) || ht_repo_valid(resource);
}

static int
project_covers(const char *key, const char *resource)
{
	size_t n = strlen(key);

	return strncmp(key, resource, n) == 0 && (resource[n] == '\0' || resource[n] == '/');
}

int
ht_scope_covers(const char *scope, const char *resource)
{
	if (strchr(scope, '/') != NULL)
		return strcmp(scope, resource) == 0;
	return project_covers(scope, resource);
}

/* A project or repository token: by its kind, not the shape of its scope,
 * so that a record whose scope and kind disagree reaches no more than its
 * kind allows. */
static int
token_covers(const struct ht_record *rec, const char *resource)
{
	if (rec->kind == HT_KIND_REPO)
		return strcmp(rec->scope, resource) == 0;
	return project_covers(rec->scope, resource);
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

const char *
ht_scope_matched(const struct ht_record *rec, const char *resource)
{
	if (rec->kind != HT_KIND_PERSONAL)
		return resource != NULL && token_covers(rec, resource) ? rec->scope : NULL;
	for (unsigned i = 0; resource != NULL && i < rec->n_only && i < HT_ONLY_MAX; i++)
		if (ht_scope_covers(rec->only[i], resource))
			return rec->only[i];
	return NULL;
}

int
ht_scope_allows(const struct ht_record *rec, const char *resource)
{
	if (rec->kind == HT_KIND_PERSONAL)
		return only_allows(rec, resource);
	if (resource == NULL)
		return 0;
	return token_covers(rec, resource);
}

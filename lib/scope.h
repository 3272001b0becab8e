/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a token may be called and what it may reach: validation of names,
 * project keys and repository slugs, and the scope rule the module applies
 * against its resource= argument. */
#ifndef HT_SCOPE_H
#define HT_SCOPE_H

#include "record.h"

#define HT_PROJECT_KEY_MAX 128
#define HT_SLUG_MAX        128

/* min..max bytes of UTF-8 without control or invisible format characters
 * (ht_utf8_is_invisible: Unicode Cc, Cf, Zl, Zp). */
int ht_text_valid(const char *s, size_t min, size_t max);

/* A display name: ht_text_valid, 1..HT_NAME_MAX bytes. */
int ht_name_valid(const char *name);

/* A project key: a letter, then letters, digits or '_'; at most 128. */
int ht_project_key_valid(const char *key);

/* "KEY/slug": a valid key, '/', 1..128 of [A-Za-z0-9._-], not "." or "..". */
int ht_repo_valid(const char *repo);

/* A user name a sysadmin could create: 1..HT_OWNER_MAX portable
 * characters (plus '@' and a trailing '$' as directory services use), not
 * starting with '-'. */
int ht_user_name_valid(const char *name);

/* A token use: [a-z][a-z0-9-]{0,31}. */
int ht_use_valid(const char *use);

/* A resource= value is either of the two. */
int ht_resource_valid(const char *resource);

/* Whether scope ("KEY" or "KEY/slug") covers resource: a project covers
 * itself and its repositories, a repository only itself. */
int ht_scope_covers(const char *scope, const char *resource);

/* Whether a token reaches resource (NULL: none set). Project and
 * repository tokens reach what their scope covers, never "none"; personal
 * tokens reach everything, or with --only what one of those scopes covers
 * and never "none". */
int ht_scope_allows(const struct ht_record *rec, const char *resource);

/* The scope through which rec reaches resource: a project or repository
 * token's own, or the --only entry of a personal token that matched; NULL
 * for an unscoped personal token (and where rec does not reach it). */
const char *ht_scope_matched(const struct ht_record *rec, const char *resource);

#endif

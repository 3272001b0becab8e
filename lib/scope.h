/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a token may be called and what it may reach: validation of names,
 * project keys and repository slugs, and the scope rule the module applies
 * against its resource= argument. */
#ifndef HT_SCOPE_H
#define HT_SCOPE_H

#include "record.h"

#define HT_PROJECT_KEY_MAX 128
#define HT_SLUG_MAX        128

/* A display name: 1..HT_NAME_MAX bytes of UTF-8 with no control or
 * invisible format character (ht_utf8_is_invisible). */
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

/* Whether a project or repository token reaches resource (NULL: none set,
 * which no such token reaches). Personal tokens are not scoped: 1. */
int ht_scope_allows(const struct ht_record *rec, const char *resource);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The registry of projects and repositories and their administrators, kept
 * in stores of schema 2 beside the tokens: "prj:KEY" and "rep:KEY/slug",
 * each sealed like a token record (a MAC bound to its GDBM key), so that a
 * damaged or moved entry fails closed.
 *
 * Layout, version 1, big-endian:
 *   u8 version=1, u64 created, str description (u16 len + bytes)
 *   u8 count, then per administrator: u8 type (1 user, 2 group),
 *   u32 uid or gid, str name
 *   32 bytes MAC over (GDBM key, all of the above)
 *
 * Administrators are kept with the uid or gid they had when they were
 * named: they match only while the name and the number still agree, so an
 * account or group re-created under the same name inherits nothing. */
#ifndef HT_REGISTRY_H
#define HT_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "key.h"
#include "record.h"

#define HT_REGISTRY_VERSION 1
#define HT_ADMINS_MAX       32
#define HT_ADMIN_NAME_MAX   64
#define HT_DESC_MAX         256
#define HT_ENTRY_KEY_MAX    (4 + HT_SCOPE_MAX)
#define HT_ENTRY_MAX        (64 + HT_DESC_MAX + HT_ADMINS_MAX * (7 + HT_ADMIN_NAME_MAX))

enum ht_admin_type { HT_ADMIN_USER = 1, HT_ADMIN_GROUP = 2 };

struct ht_admin {
	enum ht_admin_type type;
	uint32_t id;                          /* uid or gid when named */
	char name[HT_ADMIN_NAME_MAX + 1];
};

struct ht_entry {
	char scope[HT_SCOPE_MAX + 1];         /* "KEY" or "KEY/slug" */
	int64_t created;
	char description[HT_DESC_MAX + 1];
	unsigned n_admins;
	struct ht_admin admins[HT_ADMINS_MAX];
};

/* The GDBM key of an entry ("prj:KEY" / "rep:KEY/slug"); -1 when scope is
 * neither a project key nor a repository. */
int ht_entry_key(const char *scope, char out[HT_ENTRY_KEY_MAX + 1]);

/* Whether a GDBM key (len bytes, not NUL-terminated) names an entry;
 * scope gets its "KEY" or "KEY/slug". */
int ht_entry_key_parse(const char *k, size_t len, char scope[HT_SCOPE_MAX + 1]);

/* A repository slug the registry accepts: valid, and not ending in ".git"
 * (git-http-backend serves a.git for a, and a.git.git for a.git). */
int ht_registry_scope_valid(const char *scope);

size_t ht_entry_encode(const struct ht_entry *e, const struct ht_key *key,
                       unsigned char *out);
/* HT_ERR_CORRUPT on any mismatch: MAC, layout, an invalid administrator. */
enum ht_status ht_entry_decode(const char *scope, const unsigned char *buf, size_t len,
                               const struct ht_key *key, struct ht_entry *e,
                               struct ht_error *err);

/* Adds an administrator (a duplicate is not added twice); -1 when full. */
int ht_entry_add_admin(struct ht_entry *e, const struct ht_admin *a);
/* Removes the administrator of that type and name; -1 when absent. */
int ht_entry_remove_admin(struct ht_entry *e, enum ht_admin_type type, const char *name);

#endif

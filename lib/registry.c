/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "registry.h"
#include "scope.h"

#define PROJECT_PREFIX "prj:"
#define REPO_PREFIX    "rep:"

int
ht_registry_scope_valid(const char *scope)
{
	size_t n = strlen(scope);

	if (ht_project_key_valid(scope))
		return 1;
	return ht_repo_valid(scope) && !(n >= 4 && strcmp(scope + n - 4, ".git") == 0);
}

int
ht_entry_key(const char *scope, char out[HT_ENTRY_KEY_MAX + 1])
{
	if (!ht_resource_valid(scope))
		return -1;
	snprintf(out, HT_ENTRY_KEY_MAX + 1, "%s%s",
	         strchr(scope, '/') != NULL ? REPO_PREFIX : PROJECT_PREFIX, scope);
	return 0;
}

int
ht_entry_key_parse(const char *k, size_t len, char scope[HT_SCOPE_MAX + 1])
{
	size_t plen = strlen(PROJECT_PREFIX);
	int repo;

	if (len <= plen || len - plen > HT_SCOPE_MAX)
		return 0;
	if (memcmp(k, PROJECT_PREFIX, plen) == 0)
		repo = 0;
	else if (memcmp(k, REPO_PREFIX, plen) == 0)
		repo = 1;
	else
		return 0;
	memcpy(scope, k + plen, len - plen);
	scope[len - plen] = '\0';
	if (memchr(scope, '\0', len - plen) != NULL)
		return 0;
	return repo ? ht_repo_valid(scope) : ht_project_key_valid(scope);
}

size_t
ht_entry_encode(const struct ht_entry *e, const struct ht_key *key, unsigned char *out)
{
	struct ht_writer w = { out, HT_ENTRY_MAX - HT_MAC_BYTES, 0, 0 };
	char dbkey[HT_ENTRY_KEY_MAX + 1];

	if (ht_entry_key(e->scope, dbkey) != 0 || e->n_admins > HT_ADMINS_MAX)
		return 0;
	ht_put_u8(&w, HT_REGISTRY_VERSION);
	ht_put_u64(&w, (uint64_t)e->created);
	ht_put_str(&w, e->description, HT_DESC_MAX);
	ht_put_u8(&w, (uint8_t)e->n_admins);
	for (unsigned i = 0; i < e->n_admins; i++) {
		ht_put_u8(&w, (uint8_t)e->admins[i].type);
		ht_put_u32(&w, e->admins[i].id);
		ht_put_str(&w, e->admins[i].name, HT_ADMIN_NAME_MAX);
	}
	if (w.failed)
		return 0;
	ht_mac(key, dbkey, strlen(dbkey), out, w.len, out + w.len);
	return w.len + HT_MAC_BYTES;
}

static void
get_admins(struct ht_reader *r, struct ht_entry *e)
{
	e->n_admins = ht_get_u8(r);
	if (e->n_admins > HT_ADMINS_MAX) {
		r->failed = 1;
		return;
	}
	for (unsigned i = 0; i < e->n_admins && !r->failed; i++) {
		struct ht_admin *a = &e->admins[i];
		uint8_t type = ht_get_u8(r);

		a->type = (enum ht_admin_type)type;
		a->id = ht_get_u32(r);
		ht_get_str(r, a->name, sizeof(a->name));
		if (!r->failed && ((type != HT_ADMIN_USER && type != HT_ADMIN_GROUP) ||
		                   a->name[0] == '\0' || a->id == UINT32_MAX))
			r->failed = 1;
	}
}

enum ht_status
ht_entry_decode(const char *scope, const unsigned char *buf, size_t len,
                const struct ht_key *key, struct ht_entry *e, struct ht_error *err)
{
	char dbkey[HT_ENTRY_KEY_MAX + 1];
	struct ht_reader r;

	memset(e, 0, sizeof(*e));
	if (ht_entry_key(scope, dbkey) != 0 || len < HT_MAC_BYTES + 1 || len > HT_ENTRY_MAX ||
	    ht_mac_verify(key, dbkey, strlen(dbkey), buf, len - HT_MAC_BYTES,
	                  buf + len - HT_MAC_BYTES) != 0)
		return ht_error_set(err, HT_ERR_CORRUPT, "registry entry %s fails its integrity "
		                    "check", scope);
	r = (struct ht_reader){ buf, len - HT_MAC_BYTES, 0, 0 };
	snprintf(e->scope, sizeof(e->scope), "%s", scope);
	if (ht_get_u8(&r) != HT_REGISTRY_VERSION)
		r.failed = 1;
	e->created = (int64_t)ht_get_u64(&r);
	ht_get_str(&r, e->description, sizeof(e->description));
	get_admins(&r, e);
	if (r.failed || r.pos != r.len || e->created < 0)
		return ht_error_set(err, HT_ERR_CORRUPT, "registry entry %s is malformed", scope);
	return HT_OK;
}

int
ht_entry_add_admin(struct ht_entry *e, const struct ht_admin *a)
{
	for (unsigned i = 0; i < e->n_admins; i++)
		if (e->admins[i].type == a->type && strcmp(e->admins[i].name, a->name) == 0) {
			e->admins[i].id = a->id;
			return 0;
		}
	if (e->n_admins >= HT_ADMINS_MAX)
		return -1;
	e->admins[e->n_admins++] = *a;
	return 0;
}

int
ht_entry_remove_admin(struct ht_entry *e, enum ht_admin_type type, const char *name)
{
	for (unsigned i = 0; i < e->n_admins; i++)
		if (e->admins[i].type == type && strcmp(e->admins[i].name, name) == 0) {
			memmove(&e->admins[i], &e->admins[i + 1],
			        (e->n_admins - i - 1) * sizeof(e->admins[0]));
			e->n_admins--;
			return 0;
		}
	return -1;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "record.h"
#include "scope.h"

#define FLAG_REVOKED 0x01u

void
ht_record_key(ht_id id, char out[HT_RECORD_KEY_LEN + 1])
{
	struct ht_id_text t = ht_id_format(id);

	memcpy(out, "tok:", 4);
	memcpy(out + 4, t.s, HT_ID_HEX_LEN + 1);
}

static unsigned
layout_of(const struct ht_record *rec)
{
	return rec->version == 0 ? HT_RECORD_VERSION : rec->version;
}

static void
put_set(struct ht_writer *w, const char *set, size_t stride, unsigned n, size_t max)
{
	ht_put_u8(w, (uint8_t)n);
	for (unsigned i = 0; i < n; i++)
		ht_put_str(w, set + i * stride, max);
}

/* Whether a version-1 record can say everything rec holds: the uses its
 * kind is read with and no --only. */
static int
fits_v1(const struct ht_record *rec)
{
	struct ht_record v1 = { .kind = rec->kind };

	ht_record_v1_uses(&v1);
	if (rec->n_only != 0 || rec->n_uses != v1.n_uses)
		return 0;
	for (unsigned i = 0; i < v1.n_uses; i++)
		if (strcmp(rec->uses[i], v1.uses[i]) != 0)
			return 0;
	return 1;
}

int
ht_record_key_id(const char *key, size_t len, ht_id *id)
{
	char hex[HT_ID_HEX_LEN + 1];

	if (len != HT_RECORD_KEY_LEN || memcmp(key, "tok:", 4) != 0)
		return -1;
	memcpy(hex, key + 4, HT_ID_HEX_LEN);
	hex[HT_ID_HEX_LEN] = '\0';
	return ht_id_parse(hex, id);
}

static void
encode_body(const struct ht_record *rec, struct ht_writer *w)
{
	unsigned version = layout_of(rec);

	ht_put_u8(w, (uint8_t)version);
	ht_put_u8(w, (uint8_t)rec->kind);
	ht_put_u8(w, (uint8_t)rec->perm);
	ht_put_u8(w, rec->revoked ? FLAG_REVOKED : 0);
	ht_put_u64(w, (uint64_t)rec->created);
	ht_put_u64(w, (uint64_t)rec->expires);
	ht_put_u64(w, (uint64_t)rec->revoked_at);
	ht_put_u32(w, (uint32_t)rec->owner_uid);
	ht_put_str(w, rec->owner, HT_OWNER_MAX);
	ht_put_str(w, rec->scope, HT_SCOPE_MAX);
	ht_put_str(w, rec->name, HT_NAME_MAX);
	if (version == 2) {
		put_set(w, rec->uses[0], sizeof(rec->uses[0]), rec->n_uses, HT_USE_MAX);
		put_set(w, rec->only[0], sizeof(rec->only[0]), rec->n_only, HT_SCOPE_MAX);
		ht_put_str(w, rec->revoked_reason, HT_REASON_MAX);
	}
	ht_put_bytes(w, rec->hash, HT_HASH_BYTES);
}

size_t
ht_record_encode(const struct ht_record *rec, const struct ht_key *key,
                 unsigned char *out)
{
	struct ht_writer w = { out, HT_RECORD_MAX - HT_MAC_BYTES, 0, 0 };
	char dbkey[HT_RECORD_KEY_LEN + 1];
	unsigned version = layout_of(rec);

	/* Never write what decoding refuses: a token for nothing, or a
	 * version-1 record that would read back wider or narrower. */
	if (version > 2 || (version == 1 && !fits_v1(rec)) || rec->n_uses == 0 ||
	    rec->n_uses > HT_USES_MAX || rec->n_only > HT_ONLY_MAX)
		return 0;
	encode_body(rec, &w);
	if (w.failed)
		return 0;
	ht_record_key(rec->id, dbkey);
	ht_mac(key, dbkey, HT_RECORD_KEY_LEN, out, w.len, out + w.len);
	return w.len + HT_MAC_BYTES;
}

static int
fields_valid(const struct ht_record *rec)
{
	if (rec->kind < HT_KIND_PERSONAL || rec->kind > HT_KIND_REPO)
		return 0;
	if (rec->perm < HT_PERM_READ || rec->perm > HT_PERM_ADMIN)
		return 0;
	if (rec->created < 0 || rec->expires < 0 || rec->revoked_at < 0)
		return 0;
	if ((rec->kind == HT_KIND_PERSONAL) != (rec->scope[0] == '\0'))
		return 0;
	if (rec->n_only != 0 && rec->kind != HT_KIND_PERSONAL)
		return 0;
	if (!rec->revoked && rec->revoked_reason[0] != '\0')
		return 0;
	return rec->revoked == (rec->revoked_at != 0);
}

/* A set as written by put_set: 1..max (or 0..max) words, each valid,
 * strictly ascending, so that one set has one encoding. */
static void
get_set(struct ht_reader *r, char *set, size_t stride, unsigned min, unsigned max,
        unsigned *n, int (*valid)(const char *))
{
	*n = ht_get_u8(r);
	if (*n < min || *n > max) {
		r->failed = 1;
		return;
	}
	for (unsigned i = 0; i < *n && !r->failed; i++) {
		char *word = set + i * stride;

		ht_get_str(r, word, stride);
		if (!r->failed && (!valid(word) || (i > 0 && strcmp(word - stride, word) >= 0)))
			r->failed = 1;
	}
}

static int
reason_valid(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

static void
decode_v2_fields(struct ht_reader *r, struct ht_record *rec)
{
	get_set(r, rec->uses[0], sizeof(rec->uses[0]), 1, HT_USES_MAX, &rec->n_uses,
	        ht_use_valid);
	get_set(r, rec->only[0], sizeof(rec->only[0]), 0, HT_ONLY_MAX, &rec->n_only,
	        ht_resource_valid);
	ht_get_str(r, rec->revoked_reason, sizeof(rec->revoked_reason));
	if (!r->failed && !reason_valid(rec->revoked_reason))
		r->failed = 1;
}

static void
decode_body(struct ht_reader *r, struct ht_record *rec, uint8_t *version, uint8_t *flags)
{
	*version = ht_get_u8(r);
	if (*version != 1 && *version != 2)
		return;
	rec->kind = (enum ht_kind)ht_get_u8(r);
	rec->perm = (enum ht_perm)ht_get_u8(r);
	*flags = ht_get_u8(r);
	rec->revoked = (*flags & FLAG_REVOKED) != 0;
	rec->created = (int64_t)ht_get_u64(r);
	rec->expires = (int64_t)ht_get_u64(r);
	rec->revoked_at = (int64_t)ht_get_u64(r);
	rec->owner_uid = (uid_t)ht_get_u32(r);
	ht_get_str(r, rec->owner, sizeof(rec->owner));
	ht_get_str(r, rec->scope, sizeof(rec->scope));
	ht_get_str(r, rec->name, sizeof(rec->name));
	if (*version == 2)
		decode_v2_fields(r, rec);
	else
		ht_record_v1_uses(rec);
	ht_get_bytes(r, rec->hash, HT_HASH_BYTES);
	rec->version = *version;
}

/* The body of a record whose MAC has been checked (or, for the decoy,
 * computed): fields, version and their consistency. */
static enum ht_status
parse(ht_id id, const unsigned char *body, size_t len, struct ht_record *rec,
      struct ht_error *err)
{
	struct ht_reader r = { body, len, 0, 0 };
	uint8_t version, flags;

	memset(rec, 0, sizeof(*rec));
	rec->id = id;
	decode_body(&r, rec, &version, &flags);
	if (!r.failed && version != 1 && version != 2)
		return ht_error_set(err, HT_ERR_CORRUPT, "token %s: unknown record version %u",
		                    ht_id_format(id).s, version);
	if (r.failed || r.pos != r.len || (flags & ~FLAG_REVOKED) || !fields_valid(rec))
		return ht_error_set(err, HT_ERR_CORRUPT, "token %s: malformed record",
		                    ht_id_format(id).s);
	return HT_OK;
}

static int
mac_matches(ht_id id, const unsigned char *buf, size_t len, const struct ht_key *key)
{
	char dbkey[HT_RECORD_KEY_LEN + 1];

	ht_record_key(id, dbkey);
	return ht_mac_verify(key, dbkey, HT_RECORD_KEY_LEN, buf, len - HT_MAC_BYTES,
	                     buf + len - HT_MAC_BYTES) == 0;
}

enum ht_status
ht_record_decode(ht_id id, const unsigned char *buf, size_t len,
                 const struct ht_key *key, struct ht_record *rec,
                 struct ht_error *err)
{
	if (len < HT_MAC_BYTES + 1 || len > HT_RECORD_MAX || !mac_matches(id, buf, len, key))
		return ht_error_set(err, HT_ERR_CORRUPT,
		                    "token %s: record fails its integrity check",
		                    ht_id_format(id).s);
	return parse(id, buf, len - HT_MAC_BYTES, rec, err);
}

/* A well-formed personal record of ordinary size (an 8-byte owner, a
 * 16-byte name, the use http) under a MAC of zeros, which no key produces
 * in practice. Big-endian integers and 16-bit length prefixes, as
 * encode_body writes; DECOY_FIELDS bytes of fields, then the secret hash
 * and the MAC. */
#define DECOY_FIELDS 72
_Static_assert(DECOY_FIELDS + HT_HASH_BYTES + HT_MAC_BYTES == HT_RECORD_ORDINARY_LEN,
               "the decoy is an ordinary record");
static const unsigned char decoy[HT_RECORD_ORDINARY_LEN] = {
	2, HT_KIND_PERSONAL, HT_PERM_WRITE, 0,
	0, 0, 0, 0, 0x65, 0x50, 0x6a, 0x00,             /* created */
	0, 0, 0, 0, 0, 0, 0, 0,                         /* expires: never */
	0, 0, 0, 0, 0, 0, 0, 0,                         /* not revoked */
	0, 0, 0x03, 0xe8,                               /* uid 1000 */
	0, 8, 'd', 'e', 'c', 'o', 'y', 'u', 's', 'r',   /* owner */
	0, 0,                                           /* scope: none */
	0, 16, 'd', 'e', 'c', 'o', 'y', ' ', 'r', 'e', 'c', 'o', 'r', 'd', ' ', 'p', 'a', 'd',
	1, 0, 4, 'h', 't', 't', 'p',                    /* uses: http */
	0,                                              /* only: none */
	0, 0,                                           /* not revoked: no reason */
	/* the secret hash and the MAC: zeros */
};

int
ht_record_decode_decoy(const struct ht_key *key, struct ht_record *rec)
{
	struct ht_error ignored;
	int mac_ok = mac_matches(0, decoy, sizeof(decoy), key);
	int body_ok = parse(0, decoy, sizeof(decoy) - HT_MAC_BYTES, rec, &ignored) == HT_OK;

	return body_ok && !mac_ok;
}

int
ht_record_has_use(const struct ht_record *rec, const char *word)
{
	for (unsigned i = 0; i < rec->n_uses && i < HT_USES_MAX; i++)
		if (strcmp(rec->uses[i], word) == 0)
			return 1;
	return 0;
}

int
ht_wordset_add(char *set, size_t stride, unsigned max, unsigned *n, const char *word)
{
	unsigned at = 0;

	if (strlen(word) >= stride)
		return -1;
	while (at < *n && strcmp(set + at * stride, word) < 0)
		at++;
	if (at < *n && strcmp(set + at * stride, word) == 0)
		return 0;
	if (*n >= max)
		return -1;
	memmove(set + (at + 1) * stride, set + at * stride, (*n - at) * stride);
	strcpy(set + at * stride, word);
	(*n)++;
	return 0;
}

void
ht_record_default_uses(struct ht_record *rec)
{
	rec->n_uses = 1;
	strcpy(rec->uses[0], "http");
}

void
ht_record_v1_uses(struct ht_record *rec)
{
	rec->n_uses = 0;
	(void)ht_wordset_add(rec->uses[0], sizeof(rec->uses[0]), HT_USES_MAX, &rec->n_uses,
	                     "http");
	if (rec->kind == HT_KIND_PERSONAL)
		(void)ht_wordset_add(rec->uses[0], sizeof(rec->uses[0]), HT_USES_MAX,
		                     &rec->n_uses, "login");
}

const char *
ht_kind_str(enum ht_kind kind)
{
	switch (kind) {
	case HT_KIND_PERSONAL: return "personal";
	case HT_KIND_PROJECT:  return "project";
	case HT_KIND_REPO:     return "repository";
	}
	return "?";
}

const char *
ht_perm_str(enum ht_perm perm)
{
	switch (perm) {
	case HT_PERM_READ:  return "read";
	case HT_PERM_WRITE: return "write";
	case HT_PERM_ADMIN: return "admin";
	}
	return "?";
}

int
ht_perm_parse(const char *s, enum ht_perm *perm)
{
	if (strcmp(s, "read") == 0)
		*perm = HT_PERM_READ;
	else if (strcmp(s, "write") == 0)
		*perm = HT_PERM_WRITE;
	else if (strcmp(s, "admin") == 0)
		*perm = HT_PERM_ADMIN;
	else
		return -1;
	return 0;
}

enum ht_token_state
ht_record_state(const struct ht_record *rec, int64_t now)
{
	if (rec->revoked)
		return HT_STATE_REVOKED;
	if (rec->expires != 0 && now >= rec->expires)
		return HT_STATE_EXPIRED;
	return HT_STATE_ACTIVE;
}

const char *
ht_state_str(enum ht_token_state st)
{
	switch (st) {
	case HT_STATE_ACTIVE:  return "active";
	case HT_STATE_EXPIRED: return "expired";
	case HT_STATE_REVOKED: return "revoked";
	}
	return "?";
}

int
ht_state_parse(const char *s, enum ht_token_state *st)
{
	if (strcmp(s, "active") == 0)
		*st = HT_STATE_ACTIVE;
	else if (strcmp(s, "expired") == 0)
		*st = HT_STATE_EXPIRED;
	else if (strcmp(s, "revoked") == 0)
		*st = HT_STATE_REVOKED;
	else
		return -1;
	return 0;
}

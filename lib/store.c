/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "codec.h"
#include "quota.h"
#include "registry_store.h"
#include "safefile.h"
#include "store_impl.h"
#include "tombstone.h"

#define META_MAGIC "httptoken-store"
#define META_MAX   64

static enum ht_status
gdbm_failure(struct ht_store *st, const char *what, struct ht_error *err)
{
	gdbm_error e = gdbm_last_errno(st->dbf);

	if (e == GDBM_MALLOC_ERROR)
		return ht_error_set(err, HT_ERR_NOMEM, "out of memory");
	if (e == GDBM_FILE_READ_ERROR || e == GDBM_FILE_WRITE_ERROR ||
	    e == GDBM_FILE_SEEK_ERROR || e == GDBM_FILE_SYNC_ERROR)
		return ht_error_set(err, HT_ERR_IO, "store %s: %s: %s", st->path, what,
		                    gdbm_strerror(e));
	return ht_error_set(err, HT_ERR_CORRUPT, "store %s: %s: %s", st->path, what,
	                    gdbm_strerror(e));
}

enum ht_status
ht_store_attach(int fd, const char *path, int flags, const struct ht_key *key,
                struct ht_store *st, struct ht_error *err)
{
	st->key = key;
	st->path = path;
	memset(&st->sb, 0, sizeof(st->sb));   /* ht_store_open fills it in */
	st->schema = 0;                       /* ht_store_check_meta does */
	st->dbf = gdbm_fd_open(fd, path, 0, flags | GDBM_CLOERROR, NULL);
	if (st->dbf == NULL) {
		gdbm_error e = gdbm_errno;
		if (e == GDBM_MALLOC_ERROR)
			return ht_error_set(err, HT_ERR_NOMEM, "out of memory");
		return ht_error_set(err, HT_ERR_CORRUPT, "store %s: not a valid store: %s",
		                    path, gdbm_strerror(e));
	}
	return HT_OK;
}

static void
meta_body(struct ht_writer *w, unsigned schema)
{
	ht_put_bytes(w, META_MAGIC, strlen(META_MAGIC));
	ht_put_u32(w, schema);
}

enum ht_status
ht_store_put_meta_schema(struct ht_store *st, unsigned schema, struct ht_error *err)
{
	unsigned char buf[META_MAX];
	struct ht_writer w = { buf, sizeof(buf) - HT_MAC_BYTES, 0, 0 };

	meta_body(&w, schema);
	ht_mac(st->key, HT_META_KEY, strlen(HT_META_KEY), buf, w.len, buf + w.len);
	st->schema = schema;
	return ht_store_put_raw(st, HT_META_KEY, buf, w.len + HT_MAC_BYTES, err);
}

enum ht_status
ht_store_put_meta(struct ht_store *st, struct ht_error *err)
{
	return ht_store_put_meta_schema(st, HT_SCHEMA_VERSION, err);
}

static enum ht_status
fetch(struct ht_store *st, const char *name, size_t name_len, datum *val,
      struct ht_error *err)
{
	return ht_store_fetch(st, name, name_len, val, err);
}

enum ht_status
ht_store_fetch(struct ht_store *st, const char *name, size_t name_len, datum *val,
               struct ht_error *err)
{
	datum k = { (char *)(uintptr_t)name, (int)name_len };

	*val = gdbm_fetch(st->dbf, k);
	if (val->dptr != NULL)
		return HT_OK;
	if (gdbm_last_errno(st->dbf) == GDBM_ITEM_NOT_FOUND)
		return HT_ERR_NOTFOUND;
	return gdbm_failure(st, "read failed", err);
}

enum ht_status
ht_store_check_meta(struct ht_store *st, struct ht_error *err)
{
	size_t magic_len = strlen(META_MAGIC);
	struct ht_reader r;
	enum ht_status s;
	uint32_t version;
	datum val;

	s = fetch(st, HT_META_KEY, strlen(HT_META_KEY), &val, err);
	if (s == HT_ERR_NOTFOUND)
		return ht_error_set(err, HT_ERR_CORRUPT, "store %s: not an httptoken store "
		                    "(no schema record)", st->path);
	if (s != HT_OK)
		return s;
	s = HT_OK;
	if (val.dsize < (int)(magic_len + 4 + HT_MAC_BYTES) ||
	    ht_mac_verify(st->key, HT_META_KEY, strlen(HT_META_KEY), val.dptr,
	                  (size_t)val.dsize - HT_MAC_BYTES,
	                  (unsigned char *)val.dptr + val.dsize - HT_MAC_BYTES) != 0 ||
	    memcmp(val.dptr, META_MAGIC, magic_len) != 0) {
		s = ht_error_set(err, HT_ERR_CORRUPT, "store %s: schema record fails its "
		                 "integrity check (damaged, or made with another key)", st->path);
		goto out;
	}
	r = (struct ht_reader){ (unsigned char *)val.dptr + magic_len,
	                        (size_t)val.dsize - magic_len - HT_MAC_BYTES, 0, 0 };
	version = ht_get_u32(&r);
	/* A version-1 program refuses schema 2 here (it knows only 1): a
	 * module left loaded across the upgrade fails closed, never open. */
	if (r.failed || r.pos != r.len || (version != HT_SCHEMA_VERSION && version != HT_SCHEMA_V1))
		s = ht_error_set(err, HT_ERR_CORRUPT, "store %s: unknown schema version %u "
		                 "(this program knows %d and %d)", st->path, version,
		                 HT_SCHEMA_V1, HT_SCHEMA_VERSION);
	else
		st->schema = version;
out:
	free(val.dptr);
	return s;
}

enum ht_status
ht_store_open(const char *path, const struct ht_key *key, struct ht_store **out,
              struct ht_error *err)
{
	struct ht_store *st;
	enum ht_status s;
	struct stat sb;
	int fd;

	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return ht_error_set(err, HT_ERR_NOMEM, "out of memory");
	s = ht_open_safely(path, "store", &sb, &fd, err);
	/* GDBM_NOLOCK: the live file is never written in place, so readers
	 * need no lock; taking gdbm's flock would let anyone who can read the
	 * file (the server's group) hold LOCK_EX on it and so refuse every
	 * authentication and every tokenctl change.
	 * No GDBM_XVERIFY: it walks gdbm's whole free-space chain on every
	 * open, a cost that grows with the file (docs/benchmarks.md has the
	 * numbers). Damage to what we read
	 * is caught by the MAC on every value, and gdbm still validates each
	 * bucket it reads (tests/hardening/corruption proves no crash, hang or
	 * false acceptance without it). Restore keeps it for the file it is
	 * about to install. */
	if (s == HT_OK)
		s = ht_store_attach(fd, path, GDBM_READER | GDBM_NOMMAP | GDBM_NOLOCK, key, st,
		                    err);
	if (s != HT_OK) {
		free(st);
		return s;
	}
	s = ht_store_check_meta(st, err);
	if (s != HT_OK) {
		ht_store_close(st);
		return s;
	}
	st->sb = sb;
	*out = st;
	return HT_OK;
}

unsigned
ht_store_schema(const struct ht_store *st)
{
	return st->schema;
}

const struct stat *
ht_store_stat(const struct ht_store *st)
{
	return &st->sb;
}

void
ht_store_close(struct ht_store *st)
{
	if (st == NULL)
		return;
	if (st->dbf != NULL)
		gdbm_close(st->dbf);
	free(st);
}

/* A fetch that finds its key reads the key and value from the file; one
 * that misses reads nothing more. Do on a miss what a hit costs, so that
 * response times do not tell which token ids exist: with GDBM_NOMMAP a
 * hit is two system calls (a seek and a read) of a record somewhere in
 * the file, a heap copy handed to the caller, and ht_store_get's wipe
 * and free of it. The read lands where the id points, as a record's
 * would, not on a page always in cache; and inside one page, as gdbm
 * keeps a record inside one of its 4 KiB blocks (a read across two pages
 * costs measurably more). The seek asks for the current position, and
 * pread leaves it alone, so gdbm's idea of where the file stands stays
 * true. tests/hardening/timing holds this to account. */
static void
equalise_miss(struct ht_store *st, ht_id id)
{
	enum { PAD = HT_RECORD_KEY_LEN + HT_RECORD_ORDINARY_LEN, PAGE = 4096 };
	int fd = gdbm_fdesc(st->dbf);
	ht_id pages = st->sb.st_size >= PAGE ? (ht_id)(st->sb.st_size / PAGE) : 1;
	off_t at = (off_t)((id % pages) * PAGE + (id / pages) % (PAGE - PAD));
	unsigned char *buf = malloc(PAD);

	if (buf != NULL && lseek(fd, 0, SEEK_CUR) >= 0 && pread(fd, buf, PAD, at) > 0)
		sodium_memzero(buf, PAD);
	free(buf);
}

enum ht_status
ht_store_get(struct ht_store *st, ht_id id, struct ht_record *rec, struct ht_error *err)
{
	char name[HT_RECORD_KEY_LEN + 1];
	enum ht_status s;
	datum val;

	ht_record_key(id, name);
	s = fetch(st, name, HT_RECORD_KEY_LEN, &val, err);
	if (s == HT_ERR_NOTFOUND)
		equalise_miss(st, id);
	if (s != HT_OK)
		return s;
	s = ht_record_decode(id, (unsigned char *)val.dptr, (size_t)val.dsize, st->key,
	                     rec, err);
	/* Records are in their store's layout: a version-1 record in a
	 * converted store was put there by no writer of ours. */
	if (s == HT_OK && rec->version != st->schema)
		s = ht_error_set(err, HT_ERR_CORRUPT, "token %s: record of version %u in a "
		                 "store of schema %u", ht_id_format(id).s, rec->version,
		                 st->schema);
	sodium_memzero(val.dptr, (size_t)val.dsize);
	free(val.dptr);
	return s;
}

enum ht_status
ht_store_get_policy(struct ht_store *st, struct ht_policy *pol, struct ht_error *err)
{
	enum ht_status s;
	datum val;

	s = fetch(st, HT_POLICY_KEY, strlen(HT_POLICY_KEY), &val, err);
	if (s == HT_ERR_NOTFOUND)
		return ht_error_set(err, HT_ERR_CORRUPT, "store %s: policy record missing",
		                    st->path);
	if (s != HT_OK)
		return s;
	s = ht_policy_decode((unsigned char *)val.dptr, (size_t)val.dsize, st->key, pol, err);
	if (s == HT_OK && pol->version != st->schema)
		s = ht_error_set(err, HT_ERR_CORRUPT, "store %s: policy of version %u in a "
		                 "store of schema %u", st->path, pol->version, st->schema);
	free(val.dptr);
	return s;
}

enum ht_status
ht_store_put_raw_n(struct ht_store *st, const char *name, size_t name_len, const void *val,
                   size_t len, struct ht_error *err)
{
	datum k = { (char *)(uintptr_t)name, (int)name_len };
	datum v = { (char *)(uintptr_t)val, (int)len };

	if (gdbm_store(st->dbf, k, v, GDBM_REPLACE) != 0)
		return gdbm_failure(st, "write failed", err);
	return HT_OK;
}

enum ht_status
ht_store_put_raw(struct ht_store *st, const char *name, const void *val, size_t len,
                 struct ht_error *err)
{
	return ht_store_put_raw_n(st, name, strlen(name), val, len, err);
}

/* Overwrites the value under k with zeros where it lies (GDBM writes a
 * value of the same size in place); 1 when there was one, 0 when not,
 * -1 on a GDBM failure. */
static int
wipe_in_place(struct ht_store *st, datum k, size_t unless_len)
{
	datum old = gdbm_fetch(st->dbf, k);
	int rc;

	if (old.dptr == NULL)
		return gdbm_last_errno(st->dbf) == GDBM_ITEM_NOT_FOUND ? 0 : -1;
	sodium_memzero(old.dptr, (size_t)old.dsize);
	rc = (size_t)old.dsize == unless_len || gdbm_store(st->dbf, k, old, GDBM_REPLACE) == 0;
	free(old.dptr);
	return rc ? 1 : -1;
}

enum ht_status
ht_store_put_wiped(struct ht_store *st, const char *name, const void *val, size_t len,
                   struct ht_error *err)
{
	datum k = { (char *)(uintptr_t)name, (int)strlen(name) };

	/* A value of another size goes to GDBM's free space: zeros, not the
	 * old name or hash, are what stay there. */
	if (wipe_in_place(st, k, len) < 0)
		return gdbm_failure(st, "write failed", err);
	return ht_store_put_raw(st, name, val, len, err);
}

enum ht_status
ht_store_delete_wiped(struct ht_store *st, const char *name, struct ht_error *err)
{
	datum k = { (char *)(uintptr_t)name, (int)strlen(name) };
	int had = wipe_in_place(st, k, (size_t)-1);

	if (had < 0)
		return gdbm_failure(st, "delete failed", err);
	if (had == 0)
		return ht_error_set(err, HT_ERR_NOTFOUND, "store %s: no entry %s", st->path, name);
	if (gdbm_delete(st->dbf, k) != 0)
		return gdbm_failure(st, "delete failed", err);
	return HT_OK;
}

/* Whether the walk ended because there were no more keys. */
static enum ht_status
walk_end(struct ht_store *st, struct ht_error *err)
{
	gdbm_error e = gdbm_last_errno(st->dbf);

	if (e != GDBM_ITEM_NOT_FOUND && e != GDBM_NO_ERROR)
		return gdbm_failure(st, "walk failed", err);
	return HT_OK;
}

enum ht_status
ht_store_foreach_raw(struct ht_store *st, ht_raw_visit visit, void *ctx,
                     struct ht_error *err)
{
	enum ht_status s = HT_OK;
	datum k = gdbm_firstkey(st->dbf);

	while (k.dptr != NULL && s == HT_OK) {
		datum next, val = gdbm_fetch(st->dbf, k);

		if (val.dptr == NULL)
			s = gdbm_failure(st, "read failed", err);
		else
			s = visit(ctx, k.dptr, (size_t)k.dsize, (unsigned char *)val.dptr,
			          (size_t)val.dsize, err);
		if (val.dptr != NULL)
			sodium_memzero(val.dptr, (size_t)val.dsize);
		free(val.dptr);
		next = s == HT_OK ? gdbm_nextkey(st->dbf, k) : (datum){ NULL, 0 };
		free(k.dptr);
		k = next;
	}
	return s == HT_OK ? walk_end(st, err) : s;
}

/* Token id of a GDBM key, or -1 when it is not a token key. */
static int
token_key_id(datum k, ht_id *id)
{
	return ht_record_key_id(k.dptr, (size_t)k.dsize, id);
}

/* Checks a tombstone's seal; HT_ERR_CORRUPT naming it when it fails. */
static enum ht_status
check_tombstone(struct ht_store *st, ht_id id, datum k, struct ht_error *err)
{
	datum val = gdbm_fetch(st->dbf, k);
	int64_t when;
	enum ht_status s;

	if (val.dptr == NULL)
		return gdbm_failure(st, "read failed", err);
	s = ht_tombstone_decode(id, (unsigned char *)val.dptr, (size_t)val.dsize, st->key,
	                        &when, err);
	free(val.dptr);
	return s;
}

static int
is_known_key(const struct ht_store *st, datum k)
{
	char scope[HT_SCOPE_MAX + 1];
	ht_id id;

	if (token_key_id(k, &id) == 0 || ht_tombstone_key_id(k.dptr, (size_t)k.dsize, &id) == 0 ||
	    ht_sealed_key_known(k.dptr, (size_t)k.dsize))
		return 1;
	if (st->schema >= HT_SCHEMA_VERSION && ht_entry_key_parse(k.dptr, (size_t)k.dsize, scope))
		return 1;
	if (st->schema >= HT_SCHEMA_VERSION && ht_quota_key_valid(k.dptr, (size_t)k.dsize))
		return 1;
	if (ht_replica_name_valid(k.dptr, (size_t)k.dsize))
		return 1;
	return (k.dsize == (int)strlen(HT_META_KEY) &&
	        memcmp(k.dptr, HT_META_KEY, strlen(HT_META_KEY)) == 0) ||
	       (k.dsize == (int)strlen(HT_POLICY_KEY) &&
	        memcmp(k.dptr, HT_POLICY_KEY, strlen(HT_POLICY_KEY)) == 0);
}

/* Walks every key; for token keys decodes and calls visit. strict: any
 * key this schema does not define is corruption. */
static enum ht_status
walk(struct ht_store *st, ht_store_visit visit, void *ctx, int strict,
     unsigned long *count, struct ht_error *err)
{
	enum ht_status s = HT_OK;
	datum k = gdbm_firstkey(st->dbf);

	while (k.dptr != NULL && s == HT_OK) {
		char scope[HT_SCOPE_MAX + 1];
		struct ht_record rec;
		ht_id id;
		datum next;

		if (token_key_id(k, &id) == 0) {
			s = ht_store_get(st, id, &rec, err);
			if (s == HT_OK && count != NULL)
				(*count)++;
			if (s == HT_OK && visit != NULL && visit(&rec, ctx) != 0) {
				free(k.dptr);
				return HT_OK;
			}
		} else if (strict && ht_tombstone_key_id(k.dptr, (size_t)k.dsize, &id) == 0) {
			s = check_tombstone(st, id, k, err);
		} else if (strict && !is_known_key(st, k)) {
			s = ht_error_set(err, HT_ERR_CORRUPT, "store %s: unexpected key "
			                 "of %d bytes", st->path, k.dsize);
		} else if (strict && ht_entry_key_parse(k.dptr, (size_t)k.dsize, scope)) {
			struct ht_entry e;

			s = ht_store_get_entry(st, scope, &e, err);
		} else if (strict && ht_quota_key_valid(k.dptr, (size_t)k.dsize) &&
		           !ht_quota_counter_valid(st, k.dptr, (size_t)k.dsize)) {
			s = ht_error_set(err, HT_ERR_CORRUPT, "store %s: a token counter fails "
			                 "its integrity check", st->path);
		}
		next = gdbm_nextkey(st->dbf, k);
		free(k.dptr);
		k = next;
	}
	free(k.dptr);
	return s == HT_OK ? walk_end(st, err) : s;
}

enum ht_status
ht_store_foreach(struct ht_store *st, ht_store_visit visit, void *ctx,
                 struct ht_error *err)
{
	return walk(st, visit, ctx, 0, NULL, err);
}

enum ht_status
ht_store_verify(struct ht_store *st, unsigned long *count, struct ht_error *err)
{
	struct ht_policy pol;
	enum ht_status s;

	*count = 0;
	s = ht_store_check_meta(st, err);
	if (s == HT_OK)
		s = ht_store_get_policy(st, &pol, err);
	return s == HT_OK ? walk(st, NULL, NULL, 1, count, err) : s;
}

int
ht_replica_name_valid(const char *name, size_t len)
{
	if (len == 5 && memcmp(name, "fleet", 5) == 0)
		return 1;
	if (len != 4 + HT_ID_HEX_LEN ||
	    (memcmp(name, "flv:", 4) != 0 && memcmp(name, "fle:", 4) != 0))
		return 0;
	for (size_t i = 4; i < len; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	return 1;
}

enum ht_status
ht_store_get_replica_state(struct ht_store *st, const char *name, unsigned char *body,
                    size_t cap, size_t *len, struct ht_error *err)
{
	size_t name_len = strlen(name);
	enum ht_status s;
	datum val;

	s = fetch(st, name, name_len, &val, err);
	if (s != HT_OK)
		return s;
	if ((size_t)val.dsize < HT_MAC_BYTES || (size_t)val.dsize - HT_MAC_BYTES > cap ||
	    ht_mac_verify(st->key, name, name_len, val.dptr, (size_t)val.dsize - HT_MAC_BYTES,
	                  (unsigned char *)val.dptr + val.dsize - HT_MAC_BYTES) != 0) {
		free(val.dptr);
		return ht_error_set(err, HT_ERR_CORRUPT, "store %s: value %s does not verify",
		                    st->path, name);
	}
	*len = (size_t)val.dsize - HT_MAC_BYTES;
	memcpy(body, val.dptr, *len);
	free(val.dptr);
	return HT_OK;
}

struct replica_state_walk {
	struct ht_store *st;
	ht_replica_state_visit visit;
	void *ctx;
};

static enum ht_status
replica_state_one(void *ctx, const char *name, size_t name_len, const unsigned char *val, size_t len,
           struct ht_error *err)
{
	struct replica_state_walk *w = ctx;

	if (!ht_replica_name_valid(name, name_len))
		return HT_OK;
	if (len < HT_MAC_BYTES ||
	    ht_mac_verify(w->st->key, name, name_len, val, len - HT_MAC_BYTES,
	                  val + len - HT_MAC_BYTES) != 0)
		return ht_error_set(err, HT_ERR_CORRUPT, "store %s: value %.*s does not verify",
		                    w->st->path, (int)name_len, name);
	return w->visit(w->ctx, name, name_len, val, len - HT_MAC_BYTES, err);
}

enum ht_status
ht_store_foreach_replica_state(struct ht_store *st, ht_replica_state_visit visit, void *ctx,
                        struct ht_error *err)
{
	struct replica_state_walk w = { st, visit, ctx };

	return ht_store_foreach_raw(st, replica_state_one, &w, err);
}

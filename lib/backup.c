/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backup: a copy of the live store; restore: its replacement by a backup
 * that verifies under the key, keeping what the live store says that a
 * backup must not undo (revocations, purged revocations, the policy). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "registry.h"
#include "store_impl.h"
#include "tombstone.h"

enum ht_status
ht_store_backup(const char *path, const struct ht_key *key, const char *dest,
                struct ht_error *err)
{
	struct ht_file_owner own = { (uid_t)-1, (gid_t)-1, 0600 };
	struct ht_store *st;
	unsigned long count;
	enum ht_status s;

	/* The live file is never written in place, so the inode we opened is a
	 * consistent snapshot for as long as we hold it. */
	s = ht_store_open(path, key, &st, err);
	if (s != HT_OK)
		return s;
	s = ht_store_verify(st, &count, err);
	if (s == HT_OK)
		s = ht_store_write_copy(st, dest, &own, err);
	ht_store_close(st);
	return s;
}

/* Opens src as a store and checks every value under key. */
static enum ht_status
open_verified(const char *src, const struct ht_key *key, struct ht_store *st,
              unsigned long *count, struct ht_error *err)
{
	struct stat sb;
	enum ht_status s;
	int fd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return ht_error_set(err, HT_ERR_UNAVAIL, "backup %s: %s", src,
		                    errno == ELOOP ? "is a symbolic link" : strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return ht_error_set(err, HT_ERR_DATA, "backup %s: not a regular file", src);
	}
	s = ht_store_attach(fd, src, GDBM_READER | GDBM_NOMMAP | GDBM_XVERIFY | GDBM_NOLOCK,
	                    key, st, err);
	if (s != HT_OK)
		return s;
	s = ht_store_verify(st, count, err);
	if (s != HT_OK) {
		gdbm_close(st->dbf);
		st->dbf = NULL;
	}
	return s;
}

/* A token the live store has revoked, or purged after revoking it. */
struct revocation {
	ht_id id;
	int64_t when;
	int purged;      /* only its tombstone is left */
};

/* What restore keeps from the store it replaces. */
struct live {
	struct revocation *r;
	size_t n, cap;
	int readable;
	unsigned char policy[HT_POLICY_MAX];
	size_t policy_len;
	unsigned policy_version;
};

static enum ht_status
add_revocation(struct live *l, ht_id id, int64_t when, int purged, struct ht_error *err)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct revocation *r = reallocarray(l->r, cap, sizeof(*r));

		if (r == NULL)
			return ht_error_set(err, HT_ERR_NOMEM, "out of memory");
		l->r = r;
		l->cap = cap;
	}
	l->r[l->n++] = (struct revocation){ id, when, purged };
	return HT_OK;
}

struct live_reader {
	struct ht_store *st;
	struct live *l;
};

static enum ht_status
read_live_one(void *ctx, const char *name, size_t name_len, const unsigned char *val,
              size_t len, struct ht_error *err)
{
	struct ht_store *st = ((struct live_reader *)ctx)->st;
	struct live *l = ((struct live_reader *)ctx)->l;
	struct ht_record rec;
	struct ht_policy pol;
	enum ht_status s;
	int64_t when;
	ht_id id;

	if (ht_tombstone_key_id(name, name_len, &id) == 0) {
		s = ht_tombstone_decode(id, val, len, st->key, &when, err);
		return s == HT_OK ? add_revocation(l, id, when, 1, err) : s;
	}
	if (ht_record_key_id(name, name_len, &id) == 0) {
		s = ht_record_decode(id, val, len, st->key, &rec, err);
		if (s == HT_OK && rec.revoked)
			s = add_revocation(l, id, rec.revoked_at, 0, err);
		sodium_memzero(&rec, sizeof(rec));
		return s;
	}
	if (name_len == strlen(HT_POLICY_KEY) && memcmp(name, HT_POLICY_KEY, name_len) == 0 &&
	    len <= sizeof(l->policy) &&
	    ht_policy_decode(val, len, st->key, &pol, err) == HT_OK) {
		memcpy(l->policy, val, len);
		l->policy_len = len;
		l->policy_version = pol.version;
	}
	return HT_OK;
}

static int
by_id(const void *a, const void *b)
{
	ht_id x = ((const struct revocation *)a)->id, y = ((const struct revocation *)b)->id;

	return x < y ? -1 : x > y;
}

/* Reads the revocations and policy of the store being replaced. It may be
 * missing or damaged (that is when one restores): then l->readable stays 0
 * and nothing is kept. */
static void
read_live(const char *path, const struct ht_key *key, struct live *l)
{
	struct ht_error err = { 0 };
	struct live_reader ctx = { NULL, l };

	if (ht_store_open(path, key, &ctx.st, &err) != HT_OK)
		return;
	if (ht_store_foreach_raw(ctx.st, read_live_one, &ctx, &err) == HT_OK) {
		l->readable = 1;
		if (l->n > 0)
			qsort(l->r, l->n, sizeof(*l->r), by_id);
	} else {
		l->n = 0;
		l->policy_len = 0;
	}
	ht_store_close(ctx.st);
}

static const struct revocation *
find(const struct live *l, ht_id id)
{
	struct revocation k = { id, 0, 0 };

	return l->n == 0 ? NULL : bsearch(&k, l->r, l->n, sizeof(*l->r), by_id);
}

struct restore {
	const struct live *live;
	struct ht_store *backup;
	struct ht_restore_report *rep;
	struct ht_store *dst;
};

/* One token of the backup into the new store: revoked when the live store
 * revoked (or purged) it since. The record is checked again as it is
 * copied, as the backup file could have changed since it was verified. */
static enum ht_status
restore_token(struct restore *r, ht_id id, const unsigned char *val, size_t len,
              struct ht_error *err)
{
	const struct revocation *rv = find(r->live, id);
	unsigned char buf[HT_RECORD_MAX];
	char name[HT_RECORD_KEY_LEN + 1];
	struct ht_record rec;
	enum ht_status s = ht_record_decode(id, val, len, r->dst->key, &rec, err);

	if (s != HT_OK)
		return s;
	r->rep->tokens++;
	if (rv != NULL && !rec.revoked) {
		rec.revoked = 1;
		rec.revoked_at = rv->when;
		r->rep->kept_revoked++;
	}
	len = ht_record_encode(&rec, r->dst->key, buf);
	ht_record_key(id, name);
	s = len == 0 ? ht_error_set(err, HT_ERR_CORRUPT, "backup: token %s does not fit",
	                            name + 4)
	             : ht_store_put_raw(r->dst, name, buf, len, err);
	sodium_memzero(&rec, sizeof(rec));
	sodium_memzero(buf, sizeof(buf));
	return s;
}

static enum ht_status
restore_one(void *ctx, const char *name, size_t name_len, const unsigned char *val,
            size_t len, struct ht_error *err)
{
	struct restore *r = ctx;
	char scope[HT_SCOPE_MAX + 1];
	struct ht_policy pol;
	struct ht_entry e;
	int64_t when;
	ht_id id;

	if (ht_record_key_id(name, name_len, &id) == 0)
		return restore_token(r, id, val, len, err);
	if (ht_tombstone_key_id(name, name_len, &id) == 0) {
		const struct revocation *rv = find(r->live, id);

		if (rv != NULL && rv->purged)   /* the live one is written later */
			return HT_OK;
		if (ht_tombstone_decode(id, val, len, r->dst->key, &when, err) != HT_OK)
			return HT_ERR_CORRUPT;
		return ht_store_put_raw_n(r->dst, name, name_len, val, len, err);
	}
	if (ht_entry_key_parse(name, name_len, scope)) {
		/* The registry as the backup has it: its tokens' projects and
		 * repositories. Checked again like a token. */
		if (ht_entry_decode(scope, val, len, r->dst->key, &e, err) != HT_OK)
			return HT_ERR_CORRUPT;
		return ht_store_put_raw_n(r->dst, name, name_len, val, len, err);
	}
	if (name_len == strlen(HT_POLICY_KEY) && memcmp(name, HT_POLICY_KEY, name_len) == 0) {
		if (r->rep->policy != HT_RESTORE_POLICY_FROM_BACKUP)
			return HT_OK;   /* the live one is written later */
		if (ht_policy_decode(val, len, r->dst->key, &pol, err) != HT_OK)
			return HT_ERR_CORRUPT;
		return ht_store_put_raw_n(r->dst, name, name_len, val, len, err);
	}
	/* meta: written fresh; per-owner token counters: counted again when
	 * next needed (quota.c). */
	return HT_OK;
}

static enum ht_status
fill_restored(struct ht_store *dst, void *ctx, struct ht_error *err)
{
	struct restore *r = ctx;
	const struct live *l = r->live;
	enum ht_status s;

	r->dst = dst;
	/* The backup's schema: its records and policy are in that layout. */
	s = ht_store_put_meta_schema(dst, ht_store_schema(r->backup), err);
	if (s == HT_OK && r->rep->policy == HT_RESTORE_POLICY_KEPT)
		s = ht_store_put_raw(dst, HT_POLICY_KEY, l->policy, l->policy_len, err);
	if (s == HT_OK)
		s = ht_store_foreach_raw(r->backup, restore_one, r, err);
	for (size_t i = 0; s == HT_OK && i < l->n; i++) {
		unsigned char buf[HT_TOMBSTONE_LEN];
		char name[HT_TOMBSTONE_KEY_LEN + 1];

		if (!l->r[i].purged)
			continue;
		ht_tombstone_key(l->r[i].id, name);
		ht_tombstone_encode(l->r[i].id, l->r[i].when, dst->key, buf);
		s = ht_store_put_raw(dst, name, buf, sizeof(buf), err);
	}
	return s;
}

/* Ownership and mode of the store being replaced, or init's when there is
 * none. */
static struct ht_file_owner
live_owner(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
		return (struct ht_file_owner){ (uid_t)-1, (gid_t)-1, 0640 };
	return (struct ht_file_owner){ sb.st_uid, sb.st_gid, sb.st_mode & 0644 };
}

static enum ht_status
restore_locked(const char *path, const struct ht_key *key, struct ht_store *backup,
               const struct ht_restore_options *opt, struct ht_restore_report *rep,
               struct ht_error *err)
{
	struct live l = { 0 };
	struct restore r = { &l, backup, rep, NULL };
	struct ht_file_owner own = live_owner(path);
	enum ht_status s;

	read_live(path, key, &l);
	rep->live_read = l.readable;
	/* The live policy is kept only in the layout of the backup's schema
	 * (a store upgraded since the backup has a policy a version-1 store
	 * cannot hold). */
	rep->policy = opt->with_policy || l.policy_len == 0 ||
	              l.policy_version != ht_store_schema(backup)
	              ? HT_RESTORE_POLICY_FROM_BACKUP : HT_RESTORE_POLICY_KEPT;
	s = ht_store_write(path, key, &own, HT_WRITE_REPLACE, fill_restored, &r, err);
	free(l.r);
	return s;
}

enum ht_status
ht_store_restore(const char *path, const struct ht_key *key, const char *src,
                 const struct ht_restore_options *opt, struct ht_restore_report *rep,
                 struct ht_error *err)
{
	struct ht_store backup = { 0 };
	unsigned long count;
	enum ht_status s;
	int lock_fd;

	memset(rep, 0, sizeof(*rep));
	s = open_verified(src, key, &backup, &count, err);
	if (s != HT_OK)
		return s;
	/* The live store may be damaged or missing: restoring is the cure, so
	 * only its directory and the writers' lock are required. */
	s = ht_writer_enter(path, opt->timeout_ms, &lock_fd, err);
	if (s == HT_OK) {
		s = restore_locked(path, key, &backup, opt, rep, err);
		close(lock_fd);
	}
	gdbm_close(backup.dbf);
	return s;
}

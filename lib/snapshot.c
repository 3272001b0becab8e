/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "snapshot.h"

void
ht_file_identity_of(const struct stat *st, struct ht_file_identity *id)
{
	memset(id, 0, sizeof(*id));
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtime = st->st_mtim;
	id->ctime = st->st_ctim;
}

int
ht_snapshot_current(const char *db_path, const char *key_path, struct ht_snapshot *snap)
{
	struct stat db, key;

	if (stat(db_path, &db) < 0 || stat(key_path, &key) < 0)
		return -1;
	ht_file_identity_of(&db, &snap->store);
	ht_file_identity_of(&key, &snap->key);
	return 0;
}

static int
same_file(const struct ht_file_identity *a, const struct ht_file_identity *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

int
ht_snapshot_same(const struct ht_snapshot *a, const struct ht_snapshot *b)
{
	return same_file(&a->store, &b->store) && same_file(&a->key, &b->key);
}

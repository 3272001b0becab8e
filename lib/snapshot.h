/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which store and key a verdict was reached on. Writers never change the
 * store in place (they rename a new file over it), and any chmod or chown
 * changes a file's ctime, so the same identity means the same contents
 * under the same checks. The module uses this to let its account step
 * trust what its auth step read, at the cost of two stat() calls. */
#ifndef HT_SNAPSHOT_H
#define HT_SNAPSHOT_H

#include <sys/stat.h>

struct ht_file_identity {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct ht_snapshot {
	struct ht_file_identity store, key;
};

void ht_file_identity_of(const struct stat *st, struct ht_file_identity *id);

/* The identity of the files at these paths now; -1 when either is gone. */
int ht_snapshot_current(const char *db_path, const char *key_path, struct ht_snapshot *snap);

/* 1 when both files are the very ones a and b describe. */
int ht_snapshot_same(const struct ht_snapshot *a, const struct ht_snapshot *b);

#endif

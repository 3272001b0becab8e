/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one way the library writes a file (a store, a backup, a key): a temp
 * file beside the target, PATH.tmp.XXXXXX, written, fsynced and renamed or
 * linked into place, then the directory fsynced; or removed on failure, so
 * that the target is always the old file or the new one, whole. */
#ifndef HT_NEWFILE_H
#define HT_NEWFILE_H

#include <sys/types.h>

#include "error.h"
#include "safefile.h"

#define HT_TEMP_INFIX ".tmp."

/* Creates PATH.tmp.XXXXXX beside path, mode 0600; name into tmp. Set its
 * owner before widening its mode. */
int ht_make_temp(const char *path, char *tmp, size_t size);

/* Copies all of src_fd into dst_fd and rewinds dst_fd; 0, or -1 with errno. */
int ht_copy_fd(int src_fd, int dst_fd);

/* Owner and mode of a file a writer makes ((uid_t)-1 / (gid_t)-1: the
 * process's own). */
struct ht_file_owner {
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

enum ht_write_how {
	HT_WRITE_REPLACE,   /* rename over path */
	HT_WRITE_NEW,       /* only when path does not exist yet */
};

/* A file being written to replace (or create) path: PATH.tmp.XXXXXX. */
struct ht_newfile {
	int fd;                  /* -1 once published or discarded */
	const char *path;
	char tmp[HT_PATH_MAX];
};

/* open creates the temp file beside path, owned and moded as own says
 * (owner first, then mode). publish fsyncs it, renames it over path (or
 * links it, never replacing) and fsyncs the directory; on failure, and in
 * discard, the temp file is removed and path is as it was. */
enum ht_status ht_newfile_open(struct ht_newfile *nf, const char *path,
                               const struct ht_file_owner *own, struct ht_error *err);
enum ht_status ht_newfile_publish(struct ht_newfile *nf, enum ht_write_how how,
                                  struct ht_error *err);
void ht_newfile_discard(struct ht_newfile *nf);
#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opening the files the module and tool trust: no symlinks, no FIFOs or
 * devices, owned by root (or by the process's own effective uid, which
 * could rewrite them anyway), not writable by group or others, and the
 * same rules for the directory that holds them. */
#ifndef HT_SAFEFILE_H
#define HT_SAFEFILE_H

#include <sys/stat.h>
#include <sys/types.h>

#include "error.h"

/* Bytes of any path the library builds, NUL included. Paths given to it
 * must leave HT_PATH_SUFFIX_ROOM for what it appends to a store's path:
 * ".lock", ".tmp.XXXXXX", ".lastused/<16 hex digits>" and its temp files. */
#define HT_PATH_MAX         4096
#define HT_PATH_SUFFIX_ROOM 96

/* Opens path read-only with O_CLOEXEC|O_NOFOLLOW|O_NOCTTY and checks the
 * descriptor (into *fd). what names the file in messages ("store", "key
 * file"). HT_ERR_UNAVAIL when it is missing or unreadable, HT_ERR_CONFIG
 * when it is unsafe; *fd is -1 then. */
enum ht_status ht_open_safely(const char *path, const char *what, struct stat *st, int *fd,
                              struct ht_error *err);

/* The same ownership and mode rules for an open descriptor / a directory. */
enum ht_status ht_check_file(int fd, const char *path, const char *what,
                             struct stat *st, struct ht_error *err);
enum ht_status ht_check_parent_dir(const char *path, const char *what,
                                   struct ht_error *err);

/* Directory part of path into buf ("." when there is none). */
int ht_dirname(const char *path, char *buf, size_t size);

/* write(2) until done or error; 0 or -1 with errno. */
int ht_write_all(int fd, const void *buf, size_t len);

/* fsync a directory by name, so that a rename inside it is durable. */
int ht_fsync_dir(const char *dir);

#endif

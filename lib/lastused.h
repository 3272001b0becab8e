/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Last use of a token, kept outside the GDBM store so that authentication
 * never becomes a writer of it. PATH.lastused/ holds one small file per
 * token id whose content is the time of last use (decimal seconds); the
 * module rewrites it at most once per granularity. The directory is
 * setgid, sticky and group-writable so that an unprivileged server (the
 * httpd user in the store's group) can record uses. */
#ifndef HT_LASTUSED_H
#define HT_LASTUSED_H

#include <stdint.h>
#include <sys/types.h>

#include "token.h"

/* Records a use at now unless one within granularity seconds is already
 * recorded. Returns 0, or -1 with errno (callers treat it as advisory). */
int ht_lastused_touch(const char *db_path, ht_id id, unsigned granularity, int64_t now);

/* The recorded time, or 0 when none is recorded or it is unreadable. */
int64_t ht_lastused_get(const char *db_path, ht_id id);

void ht_lastused_remove(const char *db_path, ht_id id);

/* Creates PATH.lastused (mode 3770, group gid unless (gid_t)-1); an
 * existing directory is left alone. 0 or -1 with errno. */
int ht_lastused_dir_create(const char *db_path, gid_t gid);

#endif

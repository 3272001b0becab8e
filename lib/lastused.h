/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Last use of a token, kept outside the GDBM store so that authentication
 * never becomes a writer of it. PATH.lastused/ holds one small file per
 * token id; the module rewrites it at most once per granularity, and at
 * once when the client or the service differs from the one recorded. The
 * directory is setgid, sticky and group-writable so that an unprivileged
 * server (the httpd user in the store's group) can record uses; so every
 * member of that group can write these files, and what they hold is
 * untrusted: it is parsed strictly, opened without following links, and
 * printed escaped.
 *
 * A file is exactly HT_LASTUSE_FILE_LEN bytes: one line
 *     TIME SERVICE FROM HOST\n
 * then NUL bytes. TIME is 20 decimal digits (seconds since the epoch);
 * the others are 1 to their maximum of printable ASCII without blanks,
 * "-" when unknown. (Version 1 files, 20 digits and a newline, are read
 * as a time alone.) */
#ifndef HT_LASTUSED_H
#define HT_LASTUSED_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "token.h"

#define HT_LASTUSE_FILE_LEN    512
#define HT_LASTUSE_SERVICE_MAX 64
#define HT_LASTUSE_FROM_MAX    255
#define HT_LASTUSE_HOST_MAX    64

/* One recorded use. Text fields are "" when unknown. */
struct ht_lastuse {
	int64_t time;                               /* 0: never */
	char service[HT_LASTUSE_SERVICE_MAX + 1];   /* the PAM service */
	char from[HT_LASTUSE_FROM_MAX + 1];         /* the client (PAM_RHOST) */
	char host[HT_LASTUSE_HOST_MAX + 1];         /* the host that saw it (a fleet) */
};

/* Records a use: rewrites the entry when none is recorded, when the last
 * one is granularity seconds old or more, or when its service, client or
 * host differ. Values are cut to their maximum and bytes outside printable
 * ASCII become '?'. 0, or -1 with errno (callers treat it as advisory). */
int ht_lastused_record(const char *db_path, ht_id id, unsigned granularity,
                       const struct ht_lastuse *use);

/* The same with no service, client or host. */
int ht_lastused_touch(const char *db_path, ht_id id, unsigned granularity, int64_t now);

/* The recorded use into *use; all zero when none is recorded or the entry
 * is unreadable or malformed. Returns use->time. */
int64_t ht_lastused_read(const char *db_path, ht_id id, struct ht_lastuse *use);

/* The recorded time alone, or 0. */
int64_t ht_lastused_get(const char *db_path, ht_id id);

/* Parses an entry's bytes strictly: 0 and *use, or -1 (use zeroed). */
int ht_lastuse_parse(const unsigned char *buf, size_t len, struct ht_lastuse *use);

/* Writes the canonical HT_LASTUSE_FILE_LEN bytes of use into out; 0, or
 * -1 when use->time is negative. */
int ht_lastuse_format(const struct ht_lastuse *use, unsigned char out[HT_LASTUSE_FILE_LEN]);

void ht_lastused_remove(const char *db_path, ht_id id);

/* Creates PATH.lastused (mode 3770, group gid unless (gid_t)-1); an
 * existing directory is left alone. 0 or -1 with errno. */
int ht_lastused_dir_create(const char *db_path, gid_t gid);

#endif

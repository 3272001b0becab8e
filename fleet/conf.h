/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /etc/httptoken/httptoken.conf: where this host's tokens come from.
 *
 * Lines of "key = value": the key is the text before the first '=', the
 * value the rest of the line, both trimmed of blanks; '#' at the start of
 * a line (after blanks) makes it a comment, blank lines are ignored.
 * Known keys: source (local | postgresql), postgresql (a libpq conninfo).
 * Anything else, a key given twice, a line without '=', a control byte or
 * a file over HT_CONF_MAX bytes is refused: a configuration that might be
 * misread is not used. The file must be as safe as the key file (root's,
 * not writable by group or others, in a directory likewise). */
#ifndef HT_FLEET_CONF_H
#define HT_FLEET_CONF_H

#include <stddef.h>

#include "error.h"

#define HT_CONF_MAX       8192   /* bytes of the whole file */
#define HT_CONNINFO_MAX   1024   /* bytes of the postgresql value */

enum ht_source { HT_SOURCE_LOCAL = 0, HT_SOURCE_POSTGRESQL = 1 };

struct ht_conf {
	enum ht_source source;               /* zero value: local */
	char conninfo[HT_CONNINFO_MAX + 1];  /* "" when not given */
};

/* Parses len bytes (no NUL needed). HT_ERR_CONFIG with the line number
 * and what is wrong; conf is the local default then. */
enum ht_status ht_conf_parse(const char *buf, size_t len, const char *path,
                             struct ht_conf *conf, struct ht_error *err);

/* Opens path safely and parses it. A missing file is HT_ERR_NOTFOUND
 * (the caller decides whether that means local). */
enum ht_status ht_conf_load(const char *path, struct ht_conf *conf, struct ht_error *err);

#endif

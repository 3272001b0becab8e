/* SPDX-License-Identifier: GPL-3.0-or-later */
/* System accounts: uid 1 to UID_MIN-1 and above UID_MAX, as /etc/login.defs
 * sets them (www-data, nobody, service users). They get no personal tokens,
 * and a system account's personal token is refused at authentication: a
 * compromised web application must not mint itself a git credential. */
#ifndef HT_ACCOUNTS_H
#define HT_ACCOUNTS_H

#include <stddef.h>
#include <sys/types.h>

#define HT_LOGIN_DEFS   "/etc/login.defs"
#define HT_UID_MIN_DEFAULT 1000u
#define HT_UID_MAX_DEFAULT 60000u

struct ht_uid_range {
	unsigned long min, max;
};

void ht_uid_range_defaults(struct ht_uid_range *r);

/* Reads UID_MIN and UID_MAX from login.defs text (len bytes). Lines are
 * "NAME VALUE", '#' starts a comment; a value that is not a decimal number
 * from 1 to 2^32-2 leaves the default, and a range with min > max is
 * replaced by the defaults. Returns 0, or -1 when something was malformed. */
int ht_uid_range_parse(const char *text, size_t len, struct ht_uid_range *r);

/* The same from a file; a missing file gives the defaults. */
int ht_uid_range_load(const char *path, struct ht_uid_range *r);

/* Whether uid is a system account under r (NULL: the defaults). Root is
 * not: it is the system administrator. */
int ht_uid_is_system(uid_t uid, const struct ht_uid_range *r);

#endif

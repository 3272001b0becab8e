/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Errors reported by the library. Every function that can fail returns its
 * enum ht_status, which the callers map to their own results (sysexits in
 * tokenctl, PAM codes in the module); the library never chooses them.
 * struct ht_error carries only the message that names the file and what is
 * wrong. The library never logs by itself. */
#ifndef HT_ERROR_H
#define HT_ERROR_H

enum ht_status {
	HT_OK = 0,
	HT_ERR_NOMEM,      /* allocation failed */
	HT_ERR_USAGE,      /* caller asked for something malformed */
	HT_ERR_DATA,       /* well-formed but refused (policy, bad value) */
	HT_ERR_NOTFOUND,   /* no such token */
	HT_ERR_UNAVAIL,    /* store or key missing / unreadable */
	HT_ERR_EXISTS,     /* refuses to overwrite */
	HT_ERR_IO,         /* read/write/fsync failure */
	HT_ERR_BUSY,       /* another writer holds the lock */
	HT_ERR_PERM,       /* caller is not allowed */
	HT_ERR_CONFIG,     /* unsafe ownership/mode, wrong key size */
	HT_ERR_CORRUPT,    /* MAC mismatch, bad encoding, unknown schema */
};

struct ht_error {
	char msg[256];   /* "" until the first error */
};

/* Records the message of the first error only: a later, less precise
 * failure on the way out does not overwrite the cause. err may be NULL.
 * Returns status, for "return ht_error_set(...)". */
enum ht_status ht_error_set(struct ht_error *err, enum ht_status status,
                            const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void ht_error_clear(struct ht_error *err);

/* "no such token" etc., for messages that have no better text. */
const char *ht_status_str(enum ht_status status);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The owner's account as the system's account databases describe it:
 * whether it exists (told apart from a lookup that failed), and whether
 * it is locked or expired. Thread-safe (the _r lookups, buffers of the
 * caller's own), so the module may call it inside threaded servers. */
#ifndef HT_ACCOUNT_H
#define HT_ACCOUNT_H

#include <stdint.h>
#include <sys/types.h>

/* What the shadow entry says. HT_OWNER_UNJUDGED (the zero value): no
 * entry could be read (the caller may not read shadow, as the httpd user
 * cannot, or the account has none, as in LDAP): the store's own record of
 * the last sweep decides then. */
enum ht_owner_state {
	HT_OWNER_UNJUDGED = 0,
	HT_OWNER_ACTIVE,
	HT_OWNER_LOCKED,
	HT_OWNER_EXPIRED,
};

/* Locked: "!" followed by a hash (passwd -l, usermod -L). "!" or "*"
 * alone, or "!*", is an account that never had a password (key-only and
 * CI accounts): not locked. */
int ht_shadow_locked(const char *pwdp);

/* The state of a shadow entry at time now: expired as pam_unix judges it
 * (sp_expire set, i.e. not -1, and today >= sp_expire), else locked, else
 * active. Expiry first: it also ends logins that use no password. */
enum ht_owner_state ht_shadow_judge(const char *pwdp, long sp_expire, int64_t now);

enum ht_lookup {
	HT_LOOKUP_FOUND,
	HT_LOOKUP_MISSING,   /* the database answered: no such entry */
	HT_LOOKUP_ERROR,     /* it did not answer (errno-style failure) */
};

/* The passwd entry of name: its uid on HT_LOOKUP_FOUND. */
enum ht_lookup ht_account_passwd(const char *name, uid_t *uid);

/* The shadow entry of name, judged at now into *state. MISSING when there
 * is none the caller can see. */
enum ht_lookup ht_account_shadow(const char *name, int64_t now, enum ht_owner_state *state);

/* The same from a shadow file read directly (the module reads
 * /etc/shadow so: no NSS module, no daemon, and one failed open where the
 * process may not read it, as for the httpd user). ERROR when the file
 * cannot be opened or read. */
enum ht_lookup ht_account_shadow_file(const char *path, const char *name, int64_t now,
                                      enum ht_owner_state *state);

#define HT_SHADOW_FILE "/etc/shadow"

const char *ht_owner_state_str(enum ht_owner_state s);

#endif

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Logging from the module: pam_syslog only (the host process owns syslog,
 * so never openlog), always to the authpriv facility. */
#ifndef PHT_LOG_H
#define PHT_LOG_H

#include <stddef.h>

#include <security/pam_modules.h>

#define PHT_LOG_FIELD_MAX 64

void pht_log(pam_handle_t *pamh, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Copies untrusted text (a user name sent by a web client, a host name)
 * into out for a log line: printable ASCII without spaces (so fields cannot be forged), anything else as '?',
 * cut at PHT_LOG_FIELD_MAX bytes with a trailing "...". NULL gives "-". */
void pht_log_field(const char *in, char out[PHT_LOG_FIELD_MAX + 4]);

#endif

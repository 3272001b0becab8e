/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Logging from the module: pam_syslog only (the host process owns syslog,
 * so never openlog), always to the authpriv facility. */
#ifndef PHT_LOG_H
#define PHT_LOG_H

#include <stddef.h>

#include <security/pam_modules.h>

void pht_log(pam_handle_t *pamh, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

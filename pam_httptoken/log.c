/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "log.h"

void
pht_log(pam_handle_t *pamh, int priority, const char *fmt, ...)
{
	va_list ap;

	/* The facility is named explicitly: pam_syslog(3) takes facility and
	 * level ORed, and the spec promises authpriv. */
	va_start(ap, fmt);
	pam_vsyslog(pamh, LOG_AUTHPRIV | priority, fmt, ap);
	va_end(ap);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <string.h>
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

void
pht_log_field(const char *in, char out[PHT_LOG_FIELD_MAX + 4])
{
	size_t i;

	if (in == NULL) {
		strcpy(out, "-");
		return;
	}
	for (i = 0; in[i] != '\0' && i < PHT_LOG_FIELD_MAX; i++) {
		unsigned char c = (unsigned char)in[i];
		out[i] = (c > 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (in[i] != '\0') {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audit trail: every change is logged to syslog, facility authpriv,
 * with who made it (real uid and user name), the command and the token id.
 * Callers never pass a secret here; there is no argument for one. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "tokenctl.h"

void
tk_audit_open(void)
{
	openlog("tokenctl", LOG_PID, LOG_AUTHPRIV);
}

void
audit_change(const struct ctl *ctl, const char *command, const ht_id *id,
             const char *fmt, ...)
{
	char detail[512] = "";
	struct ht_id_text idt = { "-" };
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	if (id != NULL)
		idt = ht_id_format(*id);
	syslog(LOG_NOTICE, "%s: uid=%u user=%s token=%s%s%s", command,
	       (unsigned)ctl->who.uid, ctl->who.has_name ? ctl->who.name : "?", idt.s,
	       detail[0] != '\0' ? " " : "", detail);
}

/* Refused attempts are worth an auditor's attention too. */
void
audit_refused(const struct ctl *ctl, const char *command)
{
	syslog(LOG_WARNING, "%s: uid=%u user=%s refused: permission denied", command,
	       (unsigned)ctl->who.uid, ctl->who.has_name ? ctl->who.name : "?");
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An LD_PRELOAD shim for tests: syslog() messages are appended to the file
 * named by HT_SYSLOG_CAPTURE (one line each, "PRIORITY IDENT: MESSAGE")
 * instead of going to /dev/log, so a test can read the audit trail of a
 * build-tree tokenctl. A setuid program must never load it: ld.so ignores
 * LD_PRELOAD there, and tokenctl clears its environment. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

void __syslog_chk(int pri, int flag, const char *fmt, ...);
void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap);

static char capture_ident[64] = "?";
static int capture_facility = LOG_USER;

void
openlog(const char *ident, int option, int facility)
{
	(void)option;
	capture_facility = facility;
	snprintf(capture_ident, sizeof(capture_ident), "%s", ident ? ident : "?");
}

void
vsyslog(int pri, const char *fmt, va_list ap)
{
	const char *path = getenv("HT_SYSLOG_CAPTURE");
	char msg[2048];
	int fd, n;

	if (path == NULL)
		return;
	/* As syslog(3) does: the openlog facility unless pri names one. */
	if ((pri & LOG_FACMASK) == 0)
		pri |= capture_facility;
	n = snprintf(msg, sizeof(msg), "%d %s: ", pri, capture_ident);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n - 1, fmt, ap);
	strcat(msg, "\n");
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		return;
	if (write(fd, msg, strlen(msg)) < 0)
		(void)0;
	close(fd);
}

void
syslog(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(pri, fmt, ap);
	va_end(ap);
}

void
__vsyslog_chk(int pri, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	vsyslog(pri, fmt, ap);
}

void
__syslog_chk(int pri, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	vsyslog(pri, fmt, ap);
	va_end(ap);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Exit statuses (sysexits.h) and the messages that go with them. Every
 * message is "tokenctl: ..." on stderr, passed through the same filter as
 * any other text, so a path or name cannot smuggle terminal escapes. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <sysexits.h>

#include "tokenctl.h"

int
tk_exit_code(enum ht_status s)
{
	switch (s) {
	case HT_OK:           return EX_OK;
	case HT_ERR_NOMEM:    return EX_OSERR;
	case HT_ERR_USAGE:    return EX_USAGE;
	case HT_ERR_DATA:     return EX_DATAERR;
	case HT_ERR_NOTFOUND: return EX_NOINPUT;
	case HT_ERR_UNAVAIL:  return EX_UNAVAILABLE;
	case HT_ERR_EXISTS:   return EX_CANTCREAT;
	case HT_ERR_IO:       return EX_IOERR;
	case HT_ERR_BUSY:     return EX_TEMPFAIL;
	case HT_ERR_PERM:     return EX_NOPERM;
	case HT_ERR_CONFIG:   return EX_CONFIG;
	/* A store that fails its checks is as unusable as a missing one;
	 * the PAM module treats both alike too. */
	case HT_ERR_CORRUPT:  return EX_UNAVAILABLE;
	}
	return EX_SOFTWARE;
}

static void
vmessage(const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fputs("tokenctl: ", stderr);
	out_safe(stderr, buf);
	fputc('\n', stderr);
}

int
tk_fail(enum ht_status s, const struct ht_error *err)
{
	return tk_error(tk_exit_code(s), "%s", err->msg[0] != '\0' ? err->msg : ht_status_str(s));
}

int
tk_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	return code;
}

int
tk_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	fputs("Try 'tokenctl --help'.\n", stderr);
	return EX_USAGE;
}

void
tk_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

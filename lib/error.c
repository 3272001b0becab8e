/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "error.h"

enum ht_status
ht_error_set(struct ht_error *err, enum ht_status status, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || err->msg[0] != '\0')
		return status;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return status;
}

void
ht_error_clear(struct ht_error *err)
{
	err->msg[0] = '\0';
}

const char *
ht_status_str(enum ht_status status)
{
	switch (status) {
	case HT_OK:           return "success";
	case HT_ERR_NOMEM:    return "out of memory";
	case HT_ERR_USAGE:    return "invalid request";
	case HT_ERR_DATA:     return "refused";
	case HT_ERR_NOTFOUND: return "no such token";
	case HT_ERR_UNAVAIL:  return "store unavailable";
	case HT_ERR_EXISTS:   return "already exists";
	case HT_ERR_IO:       return "input/output error";
	case HT_ERR_BUSY:     return "store busy";
	case HT_ERR_PERM:     return "permission denied";
	case HT_ERR_CONFIG:   return "unsafe configuration";
	case HT_ERR_CORRUPT:  return "store corrupted";
	}
	return "unknown error";
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The query string: our pages link with at most a field or two. */
#include "config.h"

#include <string.h>

#include "web.h"

int
web_query_parse(const char *qs, struct web_fields *out)
{
	size_t len = qs != NULL ? strlen(qs) : 0;

	memset(out, 0, sizeof(*out));
	if (len > WEB_QUERY_MAX)
		return -1;
	return web_pairs_parse(qs != NULL ? qs : "", len, out);
}

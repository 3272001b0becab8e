/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the fleet configuration parser. Whatever the input,
 * the result is either a configuration the parser's own rules allow or a
 * refusal that leaves the local default. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct ht_conf conf;
	struct ht_error err;
	enum ht_status s;
	size_t n;

	ht_error_clear(&err);
	s = ht_conf_parse((const char *)data, size, "fuzz.conf", &conf, &err);
	n = strnlen(conf.conninfo, sizeof(conf.conninfo));
	if (n == sizeof(conf.conninfo))
		abort();
	if (s == HT_OK) {
		if (size > HT_CONF_MAX || memchr(data, '\0', size) != NULL)
			abort();
		if (conf.source == HT_SOURCE_POSTGRESQL && n == 0)
			abort();
		if (n > 0 && (conf.conninfo[0] == ' ' || conf.conninfo[n - 1] == ' '))
			abort();
	} else if (s != HT_ERR_CONFIG || conf.source != HT_SOURCE_LOCAL || n != 0 ||
	           err.msg[0] == '\0') {
		abort();
	}
	return 0;
}

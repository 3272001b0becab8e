/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Argument values: numbers with strtoul, an end pointer and a range,
 * yes/no, token ids. Each returns 0, or prints why and returns EX_USAGE. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "tokenctl.h"

int
parse_ulong(const char *opt, const char *s, unsigned long min, unsigned long max,
            unsigned long *out)
{
	char *end;
	unsigned long v;

	/* strtoul accepts "-1" (as a huge value) and leading blanks: not here. */
	if (s[0] < '0' || s[0] > '9')
		return tk_usage("%s: expected a number from %lu to %lu, got '%s'",
		                opt, min, max, s);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return tk_usage("%s: expected a number from %lu to %lu, got '%s'",
		                opt, min, max, s);
	*out = v;
	return 0;
}

int
parse_days(const char *opt, const char *s, unsigned long max, unsigned long *out)
{
	return parse_ulong(opt, s, 1, max, out);
}

int
parse_yesno(const char *opt, const char *s, int *out)
{
	if (strcmp(s, "yes") == 0)
		*out = 1;
	else if (strcmp(s, "no") == 0)
		*out = 0;
	else
		return tk_usage("%s: expected yes or no, got '%s'", opt, s);
	return 0;
}

int
parse_id(const char *s, ht_id *id)
{
	if (ht_id_parse(s, id) != 0)
		return tk_usage("'%s' is not a token id (16 lowercase hex digits)", s);
	return 0;
}

/* For getopt_long with a leading ':' in its option string. */
int
unknown_option(const char *cmd, int opt, char **argv)
{
	const char *arg = argv[optind - 1];

	if (opt == ':')
		return tk_usage("%s: option '%s' needs a value", cmd, arg);
	if (optopt != 0)
		return tk_usage("%s: unknown option '-%c'", cmd, optopt);
	return tk_usage("%s: unknown option '%s'", cmd, arg);
}

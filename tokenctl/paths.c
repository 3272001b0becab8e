/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The compiled-in store and key paths. Kept apart so that a test build of
 * the same program can be pointed at a fixed scratch location: a setuid
 * tokenctl never takes paths from its caller. */
#include "config.h"

#include "tokenctl.h"

const char *
tk_default_db(void)
{
	return HT_DEFAULT_DB;
}

const char *
tk_default_key(void)
{
	return HT_DEFAULT_KEY;
}

const char *
tk_default_conf(void)
{
	return HT_DEFAULT_CONF;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The compiled-in paths of the store, the key and httptokend's socket,
 * kept apart from the code that uses them. */
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
tk_default_socket(void)
{
	return HT_DEFAULT_SOCKET;
}

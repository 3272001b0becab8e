/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "session": web sessions live in httptokend, which answers these
 * commands itself (httptokend/webserve.c); tokenctl only sends them. This
 * runs when one reaches the command table instead, which is a misuse. */
#include "config.h"

#include <sysexits.h>

#include "tokenctl.h"

int
cmd_session(struct ctl *ctl, int argc, char **argv)
{
	(void)ctl;
	(void)argc;
	(void)argv;
	return tk_usage("session: give it first, without other options (tokenctl "
	                "session open|nonce|close); httptokend answers it");
}

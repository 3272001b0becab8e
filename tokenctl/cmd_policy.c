#include "config.h"

#include <sysexits.h>

#include "tokenctl.h"

int
cmd_policy(struct ctl *ctl, int argc, char **argv)
{
	(void)ctl; (void)argc; (void)argv;
	return tk_error(EX_SOFTWARE, "policy: not implemented yet");
}

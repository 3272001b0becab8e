/* SPDX-License-Identifier: GPL-3.0-or-later */
/* show ID: every field of one token. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <sysexits.h>

#include "lastused.h"
#include "tokenctl.h"

int
cmd_show(struct ctl *ctl, int argc, char **argv)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	struct session ses;
	struct ht_record rec;
	int64_t used;
	int c, rc, refused;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", none, NULL)) != -1)
		return unknown_option("show", c, argv);
	if (argc - optind != 1)
		return tk_usage("show: expected one token id");
	if ((rc = session_read(ctl, &ses)) != 0)
		return rc;
	rc = session_get(ctl, &ses, argv[optind], &rec);
	refused = rc == 0 && ht_policy_refuses(&ses.pol, &rec);
	session_end(&ses);
	if (rc != 0)
		return rc;
	used = ht_lastused_get(ctl->db, rec.id);
	privs_drop();
	if (ctl->json) {
		out_record_json(stdout, &rec, ctl->now, used, refused);
		fputc('\n', stdout);
	} else {
		out_record_show(stdout, &rec, ctl->now, used, refused);
	}
	if (fflush(stdout) != 0)
		return tk_error(EX_IOERR, "show: write error on standard output");
	return EX_OK;
}

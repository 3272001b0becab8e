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
	struct ht_lastuse use;
	enum ht_refusal owner = HT_REFUSE_NONE;
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
	if (rc == 0)
		owner = owner_refusal(ses.st, &rec);
	session_end(&ses);
	if (rc != 0)
		return rc;
	(void)ht_lastused_read(ctl->db, rec.id, &use);
	privs_drop();
	if (ctl->json) {
		out_record_json(stdout, &rec, ctl->now, &use, refused, owner);
		fputc('\n', stdout);
	} else {
		out_record_show(stdout, &rec, ctl->now, &use, refused, owner);
	}
	if (fflush(stdout) != 0)
		return tk_error(EX_IOERR, "show: write error on standard output");
	return EX_OK;
}

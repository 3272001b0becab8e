/* SPDX-License-Identifier: GPL-3.0-or-later */
/* show ID: every field of one token. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "fleetctl.h"
#include "lastused.h"
#include "registry_store.h"
#include "tokenctl.h"

/* Who administers a project or repository token: the entries of its
 * project and, for a repository token, of its repository. */
static void
show_admins(FILE *f, struct session *ses, const struct ht_record *rec)
{
	char project[HT_SCOPE_MAX + 1];
	const char *scopes[2] = { project, rec->kind == HT_KIND_REPO ? rec->scope : NULL };

	snprintf(project, sizeof(project), "%.*s", (int)strcspn(rec->scope, "/"), rec->scope);
	for (int i = 0; i < 2 && scopes[i] != NULL; i++) {
		struct ht_error err = { 0 };
		struct ht_entry e;
		enum ht_status s = ht_store_get_entry(ses->st, scopes[i], &e, &err);

		fprintf(f, "%-11s ", i == 0 ? "project:" : "repository:");
		out_safe(f, scopes[i]);
		if (s == HT_ERR_NOTFOUND)
			fputs(", not registered", f);
		else if (s != HT_OK)
			fputs(", registry entry damaged", f);
		for (unsigned k = 0; s == HT_OK && k < e.n_admins; k++) {
			fputs(k == 0 ? ", administered by " : ",", f);
			if (e.admins[k].type == HT_ADMIN_GROUP)
				fputc('@', f);
			out_safe(f, e.admins[k].name);
		}
		fputc('\n', f);
	}
}

int
cmd_show(struct ctl *ctl, int argc, char **argv)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	struct session ses;
	struct ht_record rec;
	struct ht_lastuse use;
	struct fleet_lastuse lu;
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
	if (rc != 0) {
		session_end(&ses);
		return rc;
	}
	(void)ht_lastused_read(ctl->db, rec.id, &use);
	fleet_lastuse_load(ctl, &rec.id, &lu);
	fleet_lastuse_merge(&lu, rec.id, &use);
	fleet_lastuse_free(&lu);
	privs_drop();
	if (ctl->json) {
		out_record_json(stdout, &rec, ctl->now, &use, refused, owner);
		fputc('\n', stdout);
	} else {
		out_record_show(stdout, &rec, ctl->now, &use, refused, owner);
		if (rec.kind != HT_KIND_PERSONAL && ht_store_schema(ses.st) >= HT_SCHEMA_VERSION)
			show_admins(stdout, &ses, &rec);
	}
	session_end(&ses);
	if (fflush(stdout) != 0)
		return tk_error(EX_IOERR, "show: write error on standard output");
	return EX_OK;
}

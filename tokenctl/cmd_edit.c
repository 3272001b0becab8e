/* SPDX-License-Identifier: GPL-3.0-or-later */
/* edit ID: a token's name or permission level. Expiry is not editable: a
 * token keeps the lifetime it was issued with (tokenctl(8)). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "lastused.h"
#include "scope.h"
#include "tokenctl.h"

struct edit_args {
	const char *name;
	int has_perm;
	enum ht_perm perm;
	struct token_limits limits;
};

static int
parse_edit(int argc, char **argv, struct edit_args *a)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "perm", required_argument, NULL, 'p' },
		{ "use", required_argument, NULL, 'u' },
		{ "only", required_argument, NULL, 'o' },
		{ "anywhere", no_argument, NULL, 'A' },
		/* Recognised only to be refused with the reason. */
		{ "expires", required_argument, NULL, 'x' },
		{ "expiry", required_argument, NULL, 'x' },
		{ "no-expiry", no_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	memset(a, 0, sizeof(*a));
	a->perm = HT_PERM_READ;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'n': a->name = optarg; break;
		case 'p':
			if (ht_perm_parse(optarg, &a->perm) != 0)
				return tk_usage("--perm: expected read, write or admin, got '%s'", optarg);
			a->has_perm = 1;
			break;
		case 'u':
		case 'o':
		case 'A':
			if ((rc = limits_option(&a->limits, c, optarg)) != 0)
				return rc;
			break;
		case 'x':
			return tk_error(EX_DATAERR, "edit: expiry cannot be changed; rotate the "
			                "token instead");
		default: return unknown_option("edit", c, argv);
		}
	}
	if (argc - optind != 1)
		return tk_usage("edit: expected one token id");
	if (a->name == NULL && !a->has_perm && !limits_given(&a->limits))
		return tk_usage("edit: nothing to change (give --name, --perm, --use, --only "
		                "or --anywhere)");
	if (a->name != NULL && !ht_name_valid(a->name))
		return tk_error(EX_DATAERR, "edit: invalid name: it must be 1 to %d bytes "
		                "of UTF-8 without control or invisible format characters "
		                "(Unicode Cc, Cf, Zl, Zp)", HT_NAME_MAX);
	return 0;
}

static int
apply(const struct ctl *ctl, struct session *ses, const char *idtext,
      const struct edit_args *a, struct ht_record *rec, enum ht_refusal *owner)
{
	struct ht_error err = { 0 };
	int rc = session_get(ctl, ses, idtext, rec);
	enum ht_status s;

	if (rc != 0)
		return rc;
	if (rec->revoked)
		return tk_error(EX_DATAERR, "edit: token %s is revoked", idtext);
	if (a->name != NULL)
		snprintf(rec->name, sizeof(rec->name), "%s", a->name);
	if (a->has_perm)
		rec->perm = a->perm;
	if ((rc = limits_apply(ses, &a->limits, ses->admin, rec)) != 0)
		return rc;
	if ((s = session_put(ses, rec, &err)) != HT_OK)
		return tk_fail(s, &err);
	*owner = owner_refusal(ses->st, rec);
	return session_commit(ses);
}

int
cmd_edit(struct ctl *ctl, int argc, char **argv)
{
	struct edit_args a;
	struct session ses;
	struct ht_record rec;
	struct ht_lastuse use;
	struct owner_mail om;
	enum ht_refusal owner = HT_REFUSE_NONE;
	int rc;

	if ((rc = parse_edit(argc, argv, &a)) != 0)
		return rc;
	if ((rc = session_write(ctl, &ses)) != 0)
		return rc;
	rc = apply(ctl, &ses, argv[optind], &a, &rec, &owner);
	session_end(&ses);
	if (rc != 0)
		return rc;
	(void)ht_lastused_read(ctl->db, rec.id, &use);
	owner_mail_prepare(ctl, &rec.id, 1, &om);
	privs_drop();
	{
		char uses[HT_USES_MAX * (HT_USE_MAX + 1) + 1];
		char only[HT_ONLY_MAX * (HT_SCOPE_MAX + 1) + 1];

		out_words(uses, sizeof(uses), rec.uses[0], sizeof(rec.uses[0]), rec.n_uses, "-");
		out_words(only, sizeof(only), rec.only[0], sizeof(rec.only[0]), rec.n_only, "-");
		audit_change(ctl, "edit", &rec.id, "name=%s perm=%s uses=%s only=%s",
		             a.name ? "changed" : "kept", ht_perm_str(rec.perm), uses, only);
	}
	if (ctl->json) {
		out_record_json(stdout, &rec, ctl->now, &use, 0, owner);
		fputc('\n', stdout);
	} else {
		tk_note("token %s updated", ht_id_format(rec.id).s);
	}
	owner_mail_send(ctl, &om, "edited");
	return EX_OK;
}

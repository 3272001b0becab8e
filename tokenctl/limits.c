/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a token is for and where it reaches: the --use and --only options
 * of create and edit, parsed into a token_limits and applied to a record.
 * Both lists replace what the token had; they need a store of schema 2. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "fleetctl.h"
#include "quota.h"
#include "registry_store.h"
#include "scope.h"
#include "tokenctl.h"

/* --use WORD, also as WORD,WORD. */
int
limits_add_use(struct token_limits *l, const char *arg)
{
	char word[HT_USE_MAX + 2];
	const char *p = arg;

	do {
		size_t n = strcspn(p, ",");

		if (n >= sizeof(word))
			return tk_error(EX_DATAERR, "--use: '%s' is not a use (a lower-case "
			                "letter, then up to %d of a-z, 0-9, -)", arg, HT_USE_MAX - 1);
		memcpy(word, p, n);
		word[n] = '\0';
		if (!ht_use_valid(word))
			return tk_error(EX_DATAERR, "--use: '%s' is not a use (a lower-case "
			                "letter, then up to %d of a-z, 0-9, -)", word, HT_USE_MAX - 1);
		if (ht_wordset_add(l->uses[0], sizeof(l->uses[0]), HT_USES_MAX, &l->n_uses,
		                   word) != 0)
			return tk_error(EX_DATAERR, "--use: at most %d uses", HT_USES_MAX);
		p += n;
	} while (*p++ == ',');
	l->has_uses = 1;
	return 0;
}

/* --only KEY or KEY/SLUG. */
int
limits_add_only(struct token_limits *l, const char *arg)
{
	if (!ht_resource_valid(arg))
		return tk_error(EX_DATAERR, "--only: '%s' is not a project key or KEY/slug", arg);
	if (ht_wordset_add(l->only[0], sizeof(l->only[0]), HT_ONLY_MAX, &l->n_only, arg) != 0)
		return tk_error(EX_DATAERR, "--only: at most %d projects or repositories",
		                HT_ONLY_MAX);
	l->has_only = 1;
	return 0;
}

/* One of create's or edit's getopt results: 'u' --use, 'o' --only,
 * 'A' --anywhere. */
int
limits_option(struct token_limits *l, int opt, const char *arg)
{
	if (opt == 'u')
		return limits_add_use(l, arg);
	if (opt == 'o')
		return limits_add_only(l, arg);
	l->anywhere = 1;
	return 0;
}

int
limits_given(const struct token_limits *l)
{
	return l->has_uses || l->has_only || l->anywhere;
}

/* 0 when scope is registered; 66 naming it when not, 69 when its entry
 * does not verify. */
int
registered(const struct session *ses, const char *scope, const char *what)
{
	struct ht_error err = { 0 };
	struct ht_entry e;
	enum ht_status s = ht_store_get_entry(ses->st, scope, &e, &err);

	if (s == HT_ERR_NOTFOUND)
		return tk_error(EX_NOINPUT, "%s: no such %s %s (see 'tokenctl %s list')", what,
		                strchr(scope, '/') != NULL ? "repository" : "project", scope,
		                strchr(scope, '/') != NULL ? "repo" : "project");
	return s == HT_OK ? 0 : tk_fail(s, &err);
}

/* Checks the request against the store and the caller, then replaces the
 * record's lists. trusted: a token or system administrator, whom
 * allowed-uses does not bind. */
int
limits_apply(const struct session *ses, const struct token_limits *l, int trusted,
             struct ht_record *rec)
{
	if (l->has_only && l->anywhere)
		return tk_usage("--only and --anywhere exclude each other");
	if (!limits_given(l))
		return 0;
	if (ht_store_schema(ses->st) < HT_SCHEMA_VERSION)
		return tk_error(EX_DATAERR, "--use, --only and --anywhere need a store of "
		                "version 2; run 'tokenctl upgrade' (system administrator)");
	if ((l->has_only || l->anywhere) && rec->kind != HT_KIND_PERSONAL)
		return tk_error(EX_DATAERR, "--only and --anywhere are for personal tokens; a "
		                "project or repository token is scoped already");
	if (l->has_uses) {
		struct ht_record want = *rec;

		want.n_uses = l->n_uses;
		memcpy(want.uses, l->uses, sizeof(want.uses));
		if (!trusted && !ht_policy_allows_uses(&ses->pol, &want))
			return tk_error(EX_DATAERR, "--use: the policy allows only some uses "
			                "(see 'tokenctl policy'); ask a token administrator");
		rec->n_uses = l->n_uses;
		memcpy(rec->uses, l->uses, sizeof(rec->uses));
	}
	for (unsigned i = 0; i < l->n_only; i++) {
		int rc = registered(ses, l->only[i], "--only");

		if (rc != 0)
			return rc;
	}
	if (l->has_only || l->anywhere) {
		rec->n_only = l->anywhere ? 0 : l->n_only;
		memcpy(rec->only, l->only, sizeof(rec->only));
	}
	return 0;
}

int
limits_quota_exceeded(unsigned long count, unsigned max)
{
	return tk_error(EX_DATAERR, "you have %lu personal tokens, revoked ones included, "
	                "and the policy allows %u (max-tokens-per-user); remove your "
	                "revoked tokens with 'tokenctl purge --revoked'", count, max);
}

/* Policy max-tokens-per-user: every record of the caller's personal
 * tokens counts, revoked ones too, so that a create-and-revoke loop cannot
 * grow the store without bound. Counted inside the writer's transaction
 * (a kept counter, see lib/quota.c), so concurrent creates cannot both
 * pass the last free place. Root is not limited. */
int
limits_quota(const struct ctl *ctl, const struct session *ses)
{
	struct ht_error err = { 0 };
	unsigned long count;
	enum ht_status s;

	if (ctl->who.uid == 0)
		return 0;
	if ((s = ht_txn_count_personal(ses->txn, ctl->who.uid, &count, &err)) != HT_OK)
		return tk_fail(s, &err);
	if (count >= ses->pol.max_tokens_per_user)
		return limits_quota_exceeded(count, ses->pol.max_tokens_per_user);
	if (ses->fw != NULL) {
		/* In a fleet, again at commit, with what other hosts wrote. */
		ses->fw->quota = 1;
		ses->fw->quota_uid = ctl->who.uid;
		ses->fw->quota_max = ses->pol.max_tokens_per_user;
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Names, project keys, repository slugs and the scope rule. */
#include "config.h"

#include <string.h>

#include "scope.h"
#include "tap.h"

static struct ht_record
token(enum ht_kind kind, const char *scope)
{
	struct ht_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.kind = kind;
	strcpy(rec.scope, scope);
	return rec;
}

static void
test_names(void)
{
	char longest[HT_NAME_MAX + 2];

	ok(ht_name_valid("laptop"), "plain name valid");
	ok(ht_name_valid("CI \xc3\xa9t\xc3\xa9 \xe2\x9c\x93"), "UTF-8 name valid");
	ok(!ht_name_valid(""), "empty name invalid");
	ok(!ht_name_valid("a\tb"), "tab invalid");
	ok(!ht_name_valid("red\x1b[31m"), "terminal escape invalid");
	ok(!ht_name_valid("del\x7f"), "DEL invalid");
	ok(!ht_name_valid("invoice\xe2\x80\xae" "fdp.exe"), "right-to-left override (Cf) invalid");
	ok(!ht_name_valid("zero\xe2\x80\x8bwidth"), "zero-width space (Cf) invalid");
	ok(!ht_name_valid("line\xe2\x80\xa8sep"), "line separator (Zl) invalid");
	ok(!ht_name_valid("para\xe2\x80\xa9sep"), "paragraph separator (Zp) invalid");
	ok(!ht_name_valid("bom\xef\xbb\xbf"), "byte order mark (Cf) invalid");
	ok(!ht_name_valid("tag\xf3\xa0\x80\x81"), "language tag (Cf) invalid");
	ok(!ht_name_valid("c1\xc2\x9b"), "C1 control (CSI) invalid");
	ok(!ht_name_valid("\xff\xfe"), "invalid UTF-8 invalid");
	ok(!ht_name_valid("\xc0\xaf"), "overlong UTF-8 invalid");
	ok(!ht_name_valid("\xed\xa0\x80"), "UTF-16 surrogate invalid");
	ok(!ht_name_valid("trunc\xe2\x9c"), "truncated UTF-8 invalid");
	memset(longest, 'x', HT_NAME_MAX);
	longest[HT_NAME_MAX] = '\0';
	ok(ht_name_valid(longest), "name of %d bytes valid", HT_NAME_MAX);
	longest[HT_NAME_MAX] = 'x';
	longest[HT_NAME_MAX + 1] = '\0';
	ok(!ht_name_valid(longest), "name of %d bytes invalid", HT_NAME_MAX + 1);
}

static void
test_keys(void)
{
	ok(ht_project_key_valid("PROJ"), "project key valid");
	ok(ht_project_key_valid("P_1"), "key with digit and underscore valid");
	ok(!ht_project_key_valid("1PROJ"), "key starting with a digit invalid");
	ok(!ht_project_key_valid("PR-OJ"), "key with '-' invalid");
	ok(!ht_project_key_valid(""), "empty key invalid");
	ok(ht_repo_valid("PROJ/my-repo.git_2"), "repository valid");
	ok(!ht_repo_valid("PROJ/"), "empty slug invalid");
	ok(!ht_repo_valid("PROJ/.."), "'..' slug invalid");
	ok(!ht_repo_valid("PROJ/a/b"), "slug with '/' invalid");
	ok(!ht_repo_valid("/repo"), "missing key invalid");
	ok(ht_resource_valid("PROJ") && ht_resource_valid("PROJ/repo"),
	   "resource is a key or a repository");
	ok(!ht_resource_valid("PROJ/repo/x"), "deeper resource invalid");
}

static void
test_scope_rule(void)
{
	struct ht_record proj = token(HT_KIND_PROJECT, "PROJ");
	struct ht_record repo = token(HT_KIND_REPO, "PROJ/repo");
	struct ht_record personal = token(HT_KIND_PERSONAL, "");

	ok(ht_scope_allows(&proj, "PROJ"), "project token passes on its project");
	ok(ht_scope_allows(&proj, "PROJ/anything"), "project token passes on its repositories");
	ok(!ht_scope_allows(&proj, "PROJX"), "project token refused on a key it prefixes");
	ok(!ht_scope_allows(&proj, "PROJX/repo"), "project token refused on another project's repo");
	ok(!ht_scope_allows(&proj, "OTHER"), "project token refused on another project");
	ok(!ht_scope_allows(&proj, NULL), "project token refused without resource=");
	ok(ht_scope_allows(&repo, "PROJ/repo"), "repository token passes on its repository");
	ok(!ht_scope_allows(&repo, "PROJ"), "repository token refused on the whole project");
	ok(!ht_scope_allows(&repo, "PROJ/repo2"), "repository token refused on another repository");
	ok(!ht_scope_allows(&repo, NULL), "repository token refused without resource=");
	{
		struct ht_record odd = token(HT_KIND_REPO, "PROJ");
		ok(!ht_scope_allows(&odd, "PROJ/repo") && ht_scope_allows(&odd, "PROJ"),
		   "a repository token's reach follows its kind, not its scope's shape");
	}
	ok(ht_scope_allows(&personal, NULL) && ht_scope_allows(&personal, "X/y"),
	   "personal tokens ignore resource=");
}

/* A personal token limited with --only: a project covers itself and its
 * repositories, a repository only itself, and no resource passes nothing. */
static void
test_only_rule(void)
{
	struct ht_record rec = token(HT_KIND_PERSONAL, "");
	static const struct { const char *resource; int pass; } m[] = {
		{ "PROJ", 1 }, { "PROJ/a", 1 }, { "PROJ/b", 1 }, { "PROJ2", 0 }, { "PROJ2/a", 0 },
		{ "OTHER/app", 1 }, { "OTHER/app2", 0 }, { "OTHER", 0 }, { "X/app", 0 },
	};

	strcpy(rec.only[0], "OTHER/app");
	strcpy(rec.only[1], "PROJ");
	rec.n_only = 2;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		ok(ht_scope_allows(&rec, m[i].resource) == m[i].pass,
		   "--only OTHER/app,PROJ: resource %s %s", m[i].resource,
		   m[i].pass ? "passes" : "refused");
	ok(!ht_scope_allows(&rec, NULL), "--only: refused where the service names no resource");
	ok(ht_scope_matched(&rec, "PROJ/a") == rec.only[1] &&
	   ht_scope_matched(&rec, "OTHER/app") == rec.only[0] &&
	   ht_scope_matched(&rec, "X/app") == NULL && ht_scope_matched(&rec, NULL) == NULL,
	   "--only: the entry that matched is named");
	rec.n_only = 0;
	ok(ht_scope_allows(&rec, NULL) && ht_scope_allows(&rec, "PROJ2"),
	   "without --only: everywhere again");
}

static void
test_uses(void)
{
	struct ht_record rec = token(HT_KIND_PERSONAL, "");
	char longest[HT_USE_MAX + 2];

	ok(ht_use_valid("http") && ht_use_valid("login") && ht_use_valid("git-2"),
	   "use words valid");
	ok(!ht_use_valid("") && !ht_use_valid("Http") && !ht_use_valid("2fa") &&
	   !ht_use_valid("-x") && !ht_use_valid("a b") && !ht_use_valid("a,b"),
	   "malformed use words invalid");
	memset(longest, 'a', HT_USE_MAX);
	longest[HT_USE_MAX] = '\0';
	ok(ht_use_valid(longest), "a use of %d bytes valid", HT_USE_MAX);
	longest[HT_USE_MAX] = 'a';
	longest[HT_USE_MAX + 1] = '\0';
	ok(!ht_use_valid(longest), "a use of %d bytes invalid", HT_USE_MAX + 1);
	ok(ht_wordset_add(rec.uses[0], sizeof(rec.uses[0]), HT_USES_MAX, &rec.n_uses, "login") == 0 &&
	   ht_wordset_add(rec.uses[0], sizeof(rec.uses[0]), HT_USES_MAX, &rec.n_uses, "http") == 0 &&
	   ht_wordset_add(rec.uses[0], sizeof(rec.uses[0]), HT_USES_MAX, &rec.n_uses, "login") == 0 &&
	   rec.n_uses == 2 && strcmp(rec.uses[0], "http") == 0 && strcmp(rec.uses[1], "login") == 0,
	   "a word set stays sorted and without duplicates");
	ok(ht_record_has_use(&rec, "login") && !ht_record_has_use(&rec, "mail"),
	   "has_use finds only what is there");
}

static void
test_user_and_use(void)
{
	char longest[HT_OWNER_MAX + 2];

	ok(ht_user_name_valid("x-token-auth") && ht_user_name_valid("a.b_c@d") &&
	   ht_user_name_valid("HOST$"), "ordinary, directory-service and machine user names valid");
	ok(!ht_user_name_valid("") && !ht_user_name_valid("-x") && !ht_user_name_valid("a b") &&
	   !ht_user_name_valid("a$b") && !ht_user_name_valid("a/b"),
	   "empty, leading '-', space, inner '$' and '/' invalid");
	memset(longest, 'u', HT_OWNER_MAX);
	longest[HT_OWNER_MAX] = '\0';
	ok(ht_user_name_valid(longest), "user name of %d bytes valid", HT_OWNER_MAX);
	longest[HT_OWNER_MAX] = 'u';
	longest[HT_OWNER_MAX + 1] = '\0';
	ok(!ht_user_name_valid(longest), "user name of %d bytes invalid", HT_OWNER_MAX + 1);

	ok(ht_use_valid("http") && ht_use_valid("git-http2") && ht_use_valid("a"),
	   "uses http, git-http2, a valid");
	ok(!ht_use_valid("") && !ht_use_valid("Http") && !ht_use_valid("1http") &&
	   !ht_use_valid("-http") && !ht_use_valid("ht_tp") && !ht_use_valid("ht tp"),
	   "empty, upper case, leading digit or '-', '_' and space invalid");
	ok(ht_use_valid("abcdefghijklmnopqrstuvwxyz012345"), "use of 32 characters valid");
	ok(!ht_use_valid("abcdefghijklmnopqrstuvwxyz0123456"), "use of 33 characters invalid");
}

int
main(void)
{
	test_names();
	test_keys();
	test_scope_rule();
	test_only_rule();
	test_uses();
	test_user_and_use();
	return done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The verify path the module runs: every verdict, and last-use records. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "fixture.h"
#include "lastused.h"
#include "store.h"
#include "tap.h"
#include "verify.h"

static struct ht_verify_request
request(const struct fixture *fx, const char *user)
{
	struct ht_verify_request req = {
		.db_path = fx->db, .key_path = fx->keyfile, .user = user,
		.token_user = "x-token-auth", .resource = NULL,
		.require = HT_PERM_READ, .now = time(NULL), .user_lookup = HT_USER_UNCHECKED,
	};
	return req;
}

static enum ht_verdict
check(const struct ht_verify_request *req, const char *text)
{
	struct ht_verify_result res;
	struct ht_error err = { 0 };

	return ht_verify_password(req, text, strlen(text), &res, &err);
}

static void make_project(struct ht_record *r) { r->kind = HT_KIND_PROJECT; strcpy(r->scope, "PROJ"); }
static void make_revoked(struct ht_record *r) { r->revoked = 1; r->revoked_at = time(NULL); }
static void make_uid_1234(struct ht_record *r) { r->owner_uid = 1234; }

static void
test_personal(struct fixture *fx)
{
	struct ht_verify_request req = request(fx, "alice");
	char text[HT_TOKEN_LEN + 1], forged[HT_TOKEN_LEN + 1];
	struct ht_token tok;
	ht_id id;

	fixture_add_token(fx, "alice", HT_PERM_WRITE, 0, text, &id);
	is_verdict(check(&req, text), HT_V_OK, "owner's token accepted");
	req.user = "bob";
	is_verdict(check(&req, text), HT_V_WRONG_USER, "another user refused");
	req.user = "alice";
	req.require = HT_PERM_ADMIN;
	is_verdict(check(&req, text), HT_V_PERM, "write token refused where admin is required");
	req.require = HT_PERM_WRITE;
	is_verdict(check(&req, text), HT_V_OK, "write token accepted where write is required");
	is_verdict(check(&req, "hunter2"), HT_V_NOT_TOKEN, "ordinary password is not a token");
	is_verdict(check(&req, ""), HT_V_EMPTY, "empty password refused as empty");

	/* Same id, another valid-looking secret: the checksum is right, the hash is not. */
	if (fixture_forge(text, forged) != 0)
		bail("setup failed: fixture_forge of a good token");
	is_verdict(check(&req, forged), HT_V_BAD_SECRET, "right id with a wrong secret refused");
	ht_token_generate(&tok);
	ht_token_format(&tok, forged);
	is_verdict(check(&req, forged), HT_V_UNKNOWN, "unknown id refused");

	req.now = time(NULL) + 100;
	fixture_add_token(fx, "alice", HT_PERM_READ, time(NULL) + 50, text, &id);
	req.require = HT_PERM_READ;
	is_verdict(check(&req, text), HT_V_EXPIRED, "expired token refused");
	req.now = time(NULL);
	is_verdict(check(&req, text), HT_V_OK, "the same token accepted before its expiry");
	fixture_update(fx, id, make_revoked);
	is_verdict(check(&req, text), HT_V_REVOKED, "revoked token refused by the very next check");
}

static void
test_project(struct fixture *fx)
{
	struct ht_verify_request req = request(fx, "x-token-auth");
	char text[HT_TOKEN_LEN + 1];
	ht_id id;

	fixture_add_token(fx, "root", HT_PERM_READ, 0, text, &id);
	fixture_update(fx, id, make_project);
	is_verdict(check(&req, text), HT_V_SCOPE, "project token refused without resource=");
	req.resource = "PROJ/repo";
	is_verdict(check(&req, text), HT_V_OK, "project token accepted on one of its repositories");
	req.resource = "OTHER";
	is_verdict(check(&req, text), HT_V_SCOPE, "project token refused on another project");
	req.resource = "PROJ";
	req.user = "root";
	is_verdict(check(&req, text), HT_V_WRONG_USER, "project token refused for a user other than token_user");
}

/* A personal token belongs to the account (name and uid) that created it. */
static void
test_owner_account(struct fixture *fx)
{
	struct ht_verify_request req = request(fx, "carol");
	struct ht_verify_result res;
	struct ht_error err = { 0 };
	char text[HT_TOKEN_LEN + 1];
	ht_id id;

	fixture_add_token(fx, "carol", HT_PERM_READ, 0, text, &id);
	fixture_update(fx, id, make_uid_1234);
	is_verdict(check(&req, text), HT_V_OK, "unchecked account: the name alone decides (tests only)");
	req.user_lookup = HT_USER_FOUND;
	req.user_uid = 1234;
	is_verdict(check(&req, text), HT_V_OK, "the owner's account with its uid: accepted");
	is_verdict(ht_verify_id(&req, id, &res, &err), HT_V_OK, "account phase: accepted");
	req.user_uid = 1235;
	is_verdict(check(&req, text), HT_V_OWNER_ACCOUNT,
	   "the name now belongs to another uid: refused");
	is_verdict(ht_verify_id(&req, id, &res, &err), HT_V_OWNER_ACCOUNT,
	   "account phase: another uid refused");
	req.user_lookup = HT_USER_MISSING;
	req.user_uid = 1234;
	is_verdict(check(&req, text), HT_V_OWNER_ACCOUNT, "the owner's account deleted: refused");
	is_verdict(ht_verify_id(&req, id, &res, &err), HT_V_OWNER_ACCOUNT,
	   "account phase: deleted account refused");
	req.user = "bob";
	req.user_lookup = HT_USER_FOUND;
	is_verdict(check(&req, text), HT_V_WRONG_USER, "another name with the owner's uid: refused");

	/* A user account named like token_user owning personal tokens. */
	fixture_add_token(fx, "x-token-auth", HT_PERM_WRITE, 0, text, &id);
	req = request(fx, "x-token-auth");
	req.resource = "PROJ";
	req.user_lookup = HT_USER_FOUND;
	req.user_uid = 0;
	is_verdict(check(&req, text), HT_V_WRONG_USER,
	   "personal token of an account named like token_user: refused");
	req.user_lookup = HT_USER_UNCHECKED;
	is_verdict(check(&req, text), HT_V_WRONG_USER,
	   "personal token of an account named like token_user: refused, unchecked too");
}

/* A request whose fields were left zero refuses: the owner check is not
 * skipped, a missing token_user matches no token, missing paths are an
 * error and nothing is dereferenced. */
static void
test_zero_request(struct fixture *fx)
{
	struct ht_verify_request req = request(fx, "dave");
	struct ht_verify_result res;
	struct ht_error err = { 0 };
	char text[HT_TOKEN_LEN + 1], proj[HT_TOKEN_LEN + 1];
	ht_id id, pid;

	fixture_add_token(fx, "dave", HT_PERM_READ, 0, text, &id);
	fixture_add_token(fx, "root", HT_PERM_READ, 0, proj, &pid);
	fixture_update(fx, pid, make_project);
	req.user_lookup = 0;
	is_verdict(check(&req, text), HT_V_OWNER_ACCOUNT,
	           "user_lookup left zero: the personal token is refused (owner account)");
	is_verdict(ht_verify_id(&req, id, &res, &err), HT_V_OWNER_ACCOUNT,
	           "user_lookup left zero: the account phase refuses too");
	req = request(fx, "x-token-auth");
	req.resource = "PROJ";
	is_verdict(check(&req, proj), HT_V_OK, "a project token with token_user set: accepted");
	req.token_user = NULL;
	is_verdict(check(&req, proj), HT_V_WRONG_USER,
	           "token_user left NULL: a project token is refused");
	memset(&req, 0, sizeof(req));
	ht_error_clear(&err);
	is_verdict(ht_verify_password(&req, text, strlen(text), &res, &err), HT_V_ERROR,
	           "an all-zero request: an error, not a crash");
	is_status(res.status, HT_ERR_USAGE, "... a usage error");
	ok(err.msg[0] != '\0', "... with a message (%s)", err.msg);
	ht_error_clear(&err);
	is_verdict(ht_verify_id(&req, id, &res, &err), HT_V_ERROR,
	           "an all-zero request, account phase: an error");
	is_status(res.status, HT_ERR_USAGE, "... a usage error");
}

/* A stand-in account database for tokens presented without a user name:
 * "carol" is uid 1234, "dave" uid 4321, nobody else exists. */
static enum ht_user_lookup
fake_lookup(const char *name, uid_t *uid)
{
	if (strcmp(name, "carol") == 0)
		*uid = 1234;
	else if (strcmp(name, "dave") == 0)
		*uid = 4321;
	else
		return HT_USER_MISSING;
	return HT_USER_FOUND;
}

static void make_uid_4321(struct ht_record *r) { r->owner_uid = 4321; }
static void make_repo(struct ht_record *r) { r->kind = HT_KIND_REPO; strcpy(r->scope, "PROJ/a"); }

/* Bearer: no user name; the token names its user. */
static void
test_token_names_user(struct fixture *fx)
{
	struct ht_verify_request req = request(fx, NULL);
	struct ht_verify_result res;
	struct ht_error err = { 0 };
	char text[HT_TOKEN_LEN + 1], repo[HT_TOKEN_LEN + 1];
	ht_id id, repo_id;

	fixture_add_token(fx, "carol", HT_PERM_WRITE, 0, text, &id);
	fixture_update(fx, id, make_uid_1234);
	ok(check(&req, text) == HT_V_WRONG_USER,
	   "no user name and no owner lookup: refused (the zero value)");
	req.lookup_owner = fake_lookup;
	ok(ht_verify_password(&req, text, strlen(text), &res, &err) == HT_V_OK,
	   "no user name: the personal token's owner, found with its uid, accepted");
	ok(strcmp(res.user, "carol") == 0, "result names the owner: \"%s\"", res.user);
	ok(res.perm == HT_PERM_WRITE && res.kind == HT_KIND_PERSONAL && res.scope[0] == '\0',
	   "result: personal, write, no scope (perm %d kind %d scope \"%s\")",
	   (int)res.perm, (int)res.kind, res.scope);
	ok(ht_verify_id(&req, id, &res, &err) == HT_V_OK && strcmp(res.user, "carol") == 0,
	   "re-check by id without a user name: accepted for the owner");

	fixture_update(fx, id, make_uid_4321);
	ok(check(&req, text) == HT_V_OWNER_ACCOUNT,
	   "no user name: the owner's name now has another uid: refused");
	fixture_add_token(fx, "erin", HT_PERM_READ, 0, text, &id);
	ok(check(&req, text) == HT_V_OWNER_ACCOUNT,
	   "no user name: the owner's account is gone: refused");
	fixture_add_token(fx, "x-token-auth", HT_PERM_READ, 0, text, &id);
	ok(check(&req, text) == HT_V_WRONG_USER,
	   "no user name: personal token of an account named like token_user: refused");

	fixture_add_token(fx, "root", HT_PERM_READ, 0, repo, &repo_id);
	fixture_update(fx, repo_id, make_repo);
	req.resource = "PROJ/a";
	ok(ht_verify_password(&req, repo, strlen(repo), &res, &err) == HT_V_OK,
	   "no user name: repository token on its repository accepted");
	ok(strcmp(res.user, "x-token-auth") == 0 && strcmp(res.scope, "PROJ/a") == 0 &&
	   res.perm == HT_PERM_READ && res.kind == HT_KIND_REPO,
	   "result: token user, scope PROJ/a, read, repository (\"%s\" \"%s\")",
	   res.user, res.scope);
	req.resource = "PROJ/b";
	ok(ht_verify_password(&req, repo, strlen(repo), &res, &err) == HT_V_SCOPE,
	   "no user name: repository token on another repository: out of scope");
	ok(res.user[0] == '\0' && res.scope[0] == '\0' && res.perm == 0,
	   "a refusal leaves the result's user, scope and level empty");
	req.token_user = NULL;
	req.resource = "PROJ/a";
	ok(check(&req, repo) == HT_V_WRONG_USER,
	   "no user name and no token user: repository token refused");
}

/* The account lookup the Apache module hands to verify for Bearer tokens. */
static void
test_owner_lookup_passwd(void)
{
	uid_t uid = 12345;
	enum ht_user_lookup found = ht_owner_lookup_passwd("root", &uid);

	ok(found == HT_USER_FOUND && uid == 0, "root is found, uid 0 (got %d, uid %u)",
	   (int)found, (unsigned)uid);
	uid = 12345;
	ok(ht_owner_lookup_passwd("htk-unit-no-such-account", &uid) == HT_USER_MISSING &&
	   uid == 12345, "a name that is no account is missing, uid untouched");
	ok(ht_owner_lookup_passwd("", &uid) == HT_USER_MISSING, "the empty name is missing");
}

/* A service whose resource could not be worked out refuses every token. */
static void
test_resource_required(struct fixture *fx)
{
	struct ht_verify_request req = request(fx, "alice");
	char text[HT_TOKEN_LEN + 1];
	ht_id id;

	fixture_add_token(fx, "alice", HT_PERM_ADMIN, 0, text, &id);
	ok(check(&req, text) == HT_V_OK, "personal token, no resource: accepted");
	req.resource_required = 1;
	ok(check(&req, text) == HT_V_SCOPE,
	   "personal token where the resource is required but missing: out of scope");
	req.resource = "PROJ/a";
	ok(check(&req, text) == HT_V_OK, "personal token, resource required and given: accepted");
}

static void
test_unavailable(struct fixture *fx)
{
	struct ht_verify_request req = request(fx, "alice");
	char text[HT_TOKEN_LEN + 1];
	struct ht_verify_result res;
	struct ht_error err = { 0 };
	ht_id id;

	fixture_add_token(fx, "alice", HT_PERM_READ, 0, text, &id);
	req.key_path = "/nonexistent/key";
	is_verdict(ht_verify_password(&req, text, strlen(text), &res, &err), HT_V_ERROR,
	           "missing key: an error");
	like(err.msg, "/nonexistent/key", "missing key: the error names the file");
	req = request(fx, "alice");
	is_verdict(check(&req, "not a token"), HT_V_NOT_TOKEN,
	   "a non-token never touches the store (no error even if it were missing)");
}

/* The first bytes of path as a string ("" when it cannot be read). */
static const char *
file_text(const char *path, char buf[64])
{
	FILE *f = fopen(path, "re");
	size_t n = f != NULL ? fread(buf, 1, 63, f) : 0;

	if (f != NULL)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

/* The directory is group-writable: a member of the group may plant a hard
 * link to a file it cannot write (without fs.protected_hardlinks), which a
 * root process (sshd) would then overwrite. */
static void
test_lastused_hardlink(struct fixture *fx, ht_id id)
{
	const char *stamp = "00000000000000000042\n";
	char victim[400], entry[400], buf[64];
	FILE *f;

	snprintf(victim, sizeof(victim), "%s/victim", fx->dir);
	snprintf(entry, sizeof(entry), "%s.lastused/%s", fx->db, ht_id_format(id).s);
	f = fopen(victim, "we");
	if (f == NULL || fputs(stamp, f) < 0 || fclose(f) != 0)
		bail("cannot write %s", victim);
	is_int(link(victim, entry), 0, "hard link planted in the last-use directory");
	is_int(ht_lastused_touch(fx->db, id, 0, 1000000), -1,
	       "a hard-linked last-use entry is refused");
	is_str(file_text(victim, buf), stamp, "a hard-linked last-use entry is not written through");
	is_int(ht_lastused_get(fx->db, id), 0, "a hard-linked last-use entry is not read");
	unlink(entry);
	unlink(victim);
}

static void
test_lastused(struct fixture *fx)
{
	char dir[400];
	ht_id id = 0x42;

	/* The fixture makes the directory as an installation does: start without. */
	snprintf(dir, sizeof(dir), "%s.lastused", fx->db);
	if (rmdir(dir) != 0)
		bail("rmdir %s", dir);
	is_int(ht_lastused_get(fx->db, id), 0, "no use recorded yet");
	is_int(ht_lastused_dir_create(fx->db, (gid_t)-1), 0, "last-use directory created");
	is_int(ht_lastused_touch(fx->db, id, 3600, 1000000), 0, "a use is recorded");
	is_int(ht_lastused_get(fx->db, id), 1000000, "... and read back");
	ht_lastused_touch(fx->db, id, 3600, 1000000 + 3599);
	is_int(ht_lastused_get(fx->db, id), 1000000, "a use within the granularity is not rewritten");
	ht_lastused_touch(fx->db, id, 3600, 1000000 + 3600);
	is_int(ht_lastused_get(fx->db, id), 1003600, "a use past the granularity is recorded");
	ht_lastused_remove(fx->db, id);
	is_int(ht_lastused_get(fx->db, id), 0, "removed");
	test_lastused_hardlink(fx, id);
}

int
main(void)
{
	if (sodium_init() < 0)
		bail("sodium_init failed");
	fixture_run(test_personal);
	fixture_run(test_project);
	fixture_run(test_owner_account);
	fixture_run(test_zero_request);
	fixture_run(test_token_names_user);
	fixture_run(test_resource_required);
	test_owner_lookup_passwd();
	fixture_run(test_unavailable);
	fixture_run(test_lastused);
	return done();
}

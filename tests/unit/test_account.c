/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The owner's account state (lock, expiry), the last-use file format that
 * the servers' group can write, and sweep's sealed owner entries. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "lastused.h"
#include "refusal.h"
#include "tap.h"

#define DAY 86400

static void
test_locked(void)
{
	static const struct { const char *pw; int locked; } cases[] = {
		{ "!$y$j9T$abc$def", 1 }, { "!!$6$salt$hash", 1 }, { "!x", 1 },
		{ "$y$j9T$abc$def", 0 }, { "!", 0 }, { "*", 0 }, { "!*", 0 }, { "!!", 0 },
		{ "", 0 }, { "x", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(ht_shadow_locked(cases[i].pw) == cases[i].locked, "shadow field '%s': %s",
		   cases[i].pw, cases[i].locked ? "locked" : "not locked");
	ok(!ht_shadow_locked(NULL), "no password field: not locked");
}

static void
test_expiry(void)
{
	int64_t now = 20000LL * DAY + 3600;

	ok(ht_shadow_judge("$6$h", -1, now) == HT_OWNER_ACTIVE, "no expiry date: active");
	ok(ht_shadow_judge("$6$h", 20001, now) == HT_OWNER_ACTIVE, "expires tomorrow: active");
	ok(ht_shadow_judge("$6$h", 20000, now) == HT_OWNER_EXPIRED, "expires today: expired (as pam_unix)");
	ok(ht_shadow_judge("$6$h", 1, now) == HT_OWNER_EXPIRED, "usermod -e 1: expired");
	ok(ht_shadow_judge("$6$h", 0, now) == HT_OWNER_EXPIRED, "expiry day 0: expired (fails closed)");
	ok(ht_shadow_judge("!$6$h", 1, now) == HT_OWNER_EXPIRED, "locked and expired: expired");
	ok(ht_shadow_judge("!$6$h", -1, now) == HT_OWNER_LOCKED, "locked: locked");
	ok(ht_shadow_judge("!", 1, now) == HT_OWNER_EXPIRED,
	   "an account without password disabled by expiry: expired");
}

/* A 512-byte entry with line, and NUL padding. */
static size_t
entry(unsigned char *buf, const char *line)
{
	memset(buf, 0, HT_LASTUSE_FILE_LEN);
	memcpy(buf, line, strlen(line));
	return HT_LASTUSE_FILE_LEN;
}

static void
test_lastuse_good(void)
{
	unsigned char buf[HT_LASTUSE_FILE_LEN], out[HT_LASTUSE_FILE_LEN];
	struct ht_lastuse u;
	size_t n = entry(buf, "00000000001767225600 git-read 192.0.2.7 -\n");

	ok(ht_lastuse_parse(buf, n, &u) == 0 && u.time == 1767225600 &&
	   strcmp(u.service, "git-read") == 0 && strcmp(u.from, "192.0.2.7") == 0 &&
	   u.host[0] == '\0', "an entry: time, service, client, no host");
	ok(ht_lastuse_format(&u, out) == 0 && memcmp(out, buf, sizeof(buf)) == 0,
	   "formats back to the same bytes");
	ok(ht_lastuse_parse((const unsigned char *)"00000000001767225600\n", 21, &u) == 0 &&
	   u.time == 1767225600 && u.service[0] == '\0', "a version 1 entry: the time alone");
	memset(&u, 0, sizeof(u));
	u.time = 5;
	strcpy(u.service, "a b\x1b[31m");
	strcpy(u.from, "\xe2\x80\xae" "evil");
	ok(ht_lastuse_format(&u, out) == 0 && ht_lastuse_parse(out, sizeof(out), &u) == 0 &&
	   strcmp(u.service, "a?b?[31m") == 0 && strcmp(u.from, "???evil") == 0,
	   "blanks, escapes and non-ASCII are written as '?'");
}

static void
test_lastuse_bad(void)
{
	static const char *const lines[] = {
		"00000000001767225600 git-read 192.0.2.7\n",        /* three fields */
		"00000000001767225600 git-read 192.0.2.7 - x\n",    /* five */
		"00000000001767225600 git-read 192.0.2.7 - \n",     /* trailing blank */
		"00000000001767225600  git-read 192.0.2.7 -\n",     /* empty field */
		"0000000001767225600 git-read 192.0.2.7 -\n",       /* 19 digits */
		"99999999999999999999 git-read 192.0.2.7 -\n",      /* past INT64_MAX */
		"0000000000176722560x git-read 192.0.2.7 -\n",
		"00000000001767225600 git\x7fread 192.0.2.7 -\n",
		"00000000001767225600 git-read 192.0.2.7 -",        /* no newline */
	};
	unsigned char buf[HT_LASTUSE_FILE_LEN + 1];
	struct ht_lastuse u;
	char longsvc[HT_LASTUSE_FILE_LEN];

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ok(ht_lastuse_parse(buf, entry(buf, lines[i]), &u) == -1 && u.time == 0,
		   "refused, nothing kept: %.*s", (int)strcspn(lines[i], "\n"), lines[i]);
	entry(buf, "00000000001767225600 git-read 192.0.2.7 -\n");
	buf[HT_LASTUSE_FILE_LEN - 1] = 'x';
	ok(ht_lastuse_parse(buf, HT_LASTUSE_FILE_LEN, &u) == -1, "bytes after the line: refused");
	entry(buf, "00000000001767225600 git-read 192.0.2.7 -\n");
	ok(ht_lastuse_parse(buf, HT_LASTUSE_FILE_LEN + 1, &u) == -1, "one byte too long: refused");
	ok(ht_lastuse_parse(buf, HT_LASTUSE_FILE_LEN - 1, &u) == -1, "one byte short: refused");
	snprintf(longsvc, sizeof(longsvc), "00000000001767225600 %065d - -\n", 0);
	ok(ht_lastuse_parse(buf, entry(buf, longsvc), &u) == -1, "a 65-byte service: refused");
}

static void
test_refusal_codec(void)
{
	struct ht_owner_refusal r = { 1000, "alice", HT_REFUSE_LOCKED, 1767225600 }, d;
	unsigned char body[HT_REFUSAL_BODY_LEN];
	char key[128];

	ht_refusal_encode(&r, body);
	ok(ht_refusal_decode(body, sizeof(body), &d) == 0 && d.reason == HT_REFUSE_LOCKED &&
	   d.since == 1767225600, "an owner entry decodes");
	ok(ht_refusal_decode(body, sizeof(body) - 1, &d) == -1, "truncated: refused");
	body[1] = 4;
	ok(ht_refusal_decode(body, sizeof(body), &d) == -1, "unknown reason: refused");
	body[1] = 0;
	ok(ht_refusal_decode(body, sizeof(body), &d) == -1, "reason none: refused");
	body[1] = 1;
	body[0] = 2;
	ok(ht_refusal_decode(body, sizeof(body), &d) == -1, "unknown version: refused");
	ok(ht_refusal_key(1000, "alice", key) == 0 && strcmp(key, "own:1000:alice") == 0,
	   "key: own:UID:NAME");
	ok(ht_refusal_key(1000, "a:b", key) == -1 && ht_refusal_key(1000, "a b", key) == -1 &&
	   ht_refusal_key(1000, "", key) == -1, "names with ':', blanks, or none: no key");
}

static void
test_shadow_file(void)
{
	char path[] = "/tmp/htk-shadow-XXXXXX";
	int fd = mkstemp(path);
	enum ht_owner_state st;
	int64_t now = 20000LL * DAY;
	const char *text = "root:*:19000:0:99999:7:::\n"
	                   "broken line\n"
	                   "locked:!$y$j9T$a$b:19000:0:99999:7:::\n"
	                   "gone:$y$j9T$a$b:19000:0:99999:7::1:\n"
	                   "keyonly:!:19000:0:99999:7:::\n";

	ok(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text), "a shadow file");
	close(fd);
	ok(ht_account_shadow_file(path, "locked", now, &st) == HT_LOOKUP_FOUND &&
	   st == HT_OWNER_LOCKED, "file: a locked account, past a malformed line");
	ok(ht_account_shadow_file(path, "gone", now, &st) == HT_LOOKUP_FOUND &&
	   st == HT_OWNER_EXPIRED, "file: an expired account");
	ok(ht_account_shadow_file(path, "keyonly", now, &st) == HT_LOOKUP_FOUND &&
	   st == HT_OWNER_ACTIVE, "file: an account without password is active");
	ok(ht_account_shadow_file(path, "nobody-here", now, &st) == HT_LOOKUP_MISSING &&
	   st == HT_OWNER_UNJUDGED, "file: no entry: missing, unjudged");
	unlink(path);
	ok(ht_account_shadow_file(path, "locked", now, &st) == HT_LOOKUP_ERROR &&
	   st == HT_OWNER_UNJUDGED, "file: unreadable: error, unjudged");
}

int
main(void)
{
	test_locked();
	test_expiry();
	test_lastuse_good();
	test_lastuse_bad();
	test_refusal_codec();
	test_shadow_file();
	return done();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The log line every front end writes about a decision on a token. */
#include "config.h"

#include <string.h>
#include <syslog.h>

#include "authlog.h"
#include "tap.h"

static void
is_line(const struct ht_log_line *line, int priority, const char *want, const char *what)
{
	ok(line->priority == priority && strcmp(line->text, want) == 0,
	   "%s\n#   got:  %d \"%s\"\n#   want: %d \"%s\"", what, line->priority, line->text,
	   priority, want);
}

static void
test_field(void)
{
	char out[HT_LOG_FIELD_MAX + 4], long_in[200];

	ht_log_field(NULL, out);
	ok(strcmp(out, "-") == 0, "NULL field: \"%s\"", out);
	ht_log_field("a b=c\n\xc3\xa9", out);
	ok(strcmp(out, "a?b=c???") == 0, "space, newline and UTF-8 become '?': \"%s\"", out);
	memset(long_in, 'x', sizeof(long_in) - 1);
	long_in[sizeof(long_in) - 1] = '\0';
	ht_log_field(long_in, out);
	ok(strlen(out) == HT_LOG_FIELD_MAX + 3 && strcmp(out + HT_LOG_FIELD_MAX, "...") == 0,
	   "a long field is cut at %d bytes with \"...\" (%zu bytes)", HT_LOG_FIELD_MAX,
	   strlen(out));
}

static void
test_auth(void)
{
	struct ht_verify_result res = { 0 };
	struct ht_error err = { 0 };
	struct ht_log_line line;

	res.id = 0x0123456789abcdefULL;
	res.verdict = HT_V_OK;
	res.kind = HT_KIND_REPO;
	ok(ht_log_auth(&line, &res, &err, "x-token-auth", "git-read", "::1") == 0,
	   "accepted: logged");
	is_line(&line, LOG_INFO, "auth accepted (repository): token=0123456789abcdef "
	        "user=x-token-auth service=git-read rhost=::1", "accepted line");
	res.verdict = HT_V_SCOPE;
	ht_log_auth(&line, &res, &err, NULL, "web host", NULL);
	is_line(&line, LOG_NOTICE, "auth refused (token out of scope): token=0123456789abcdef "
	        "user=- service=web?host rhost=-", "refused line");
	res.verdict = HT_V_ERROR;
	strcpy(err.msg, "store /x: no such file");
	ht_log_auth(&line, &res, &err, "alice", "s", "1.2.3.4");
	is_line(&line, LOG_ERR, "auth failed (store /x: no such file): token=0123456789abcdef "
	        "user=alice service=s rhost=1.2.3.4", "failure line");
	res.verdict = HT_V_NOT_TOKEN;
	ok(ht_log_auth(&line, &res, &err, "alice", "s", "r") == -1, "not a token: nothing logged");
	res.verdict = HT_V_EMPTY;
	ok(ht_log_auth(&line, &res, &err, "alice", "s", "r") == -1, "empty: nothing logged");
}

int
main(void)
{
	test_field();
	test_auth();
	return done();
}

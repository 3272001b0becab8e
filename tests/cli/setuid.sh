#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tokenctl installed setuid root, used FOR REAL by unprivileged accounts
# (nobody, daemon): each manages only their own personal tokens, cannot
# choose paths, cannot reach administrator commands, and is not steered by
# the environment; a member of the admin group can administer.
#
# The setuid copy is tests/cli/tokenctl-testpaths, whose compiled-in store
# is /tmp/httptoken-setuid-test (see tests/cli/local.mk for the rules every
# user of that path follows: hold the flock, check the directory).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/setuid-fixture.sh"
SHIM="$top_builddir/tests/cli/.libs/syslog_capture.so"
setuid_fixture_require
make_tmpdir

setuid_fixture

as() {   # as USER tokenctl-args...: run the setuid copy as USER
	u=$1; shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups "$SUID" "$@"
}
# expect_as DESCRIPTION CODE REGEX USER ARGS...: exit status and stderr
expect_as() {
	desc=$1 code=$2 re=$3; shift 3
	err=$(as "$@" 2>&1 >/dev/null </dev/null); rc=$?
	check "$desc: exit $code" "$code" "$rc"
	check_match "$desc: message" "$re" "$err"
}
id_of() { printf '%s' "$1" | cut -c5-20; }
status_of() { "$TESTPATHS" --json show "$1" | sed 's/.*"status":"\([a-z]*\)".*/\1/'; }

TN=$(as nobody create --name "nobody's laptop"); rc=$?
check "nobody creates a personal token" 0 "$rc"
check_match "nobody gets a token on stdout" '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' "$TN"
TD=$(as daemon create --name "daemon ci")
IN=$(id_of "$TN"); ID=$(id_of "$TD")
check_match "the token belongs to nobody" "\"owner\":\"nobody\",\"owner_uid\":65534" \
	"$("$TESTPATHS" --json show "$IN")"
check "the store stays root's, 0640" "0 640" "$(stat -c '%u %a' "$FIXED/tokens.db")"

# Each sees only their own.
check "nobody lists only their own token" "$IN" "$(as nobody list | tail -n +2 | cut -c1-16)"
check_match "nobody shows their own token" "^id: +$IN" "$(as nobody show "$IN")"
expect_as "nobody shows daemon's token" 77 "not your token" nobody show "$ID"
expect_as "nobody edits daemon's token" 77 "not your token" nobody edit "$ID" --name mine
expect_as "nobody revokes daemon's token" 77 "not your token" nobody revoke "$ID"
expect_as "nobody rotates daemon's token" 77 "not your token" nobody rotate "$ID"
expect_as "nobody revokes all of daemon's tokens" 77 "only your own" nobody revoke --user daemon
expect_as "nobody lists everything" 77 "only your own" nobody list --all
expect_as "nobody lists daemon's tokens" 77 "only your own" nobody list --user daemon
expect_as "nobody lists a project" 77 "only your own" nobody list --project PROJ
expect_as "nobody lists a repository" 77 "only your own" nobody list --repo PROJ/web
check "daemon's token untouched" "active daemon ci" \
	"$(status_of "$ID") $("$TESTPATHS" --json show "$ID" | sed 's/.*"name":"\([^"]*\)".*/\1/')"

# No administrator commands, no paths.
expect_as "nobody creates a project token" 77 "for administrators" nobody create --name p --project PROJ
expect_as "nobody creates a repository token" 77 "for administrators" nobody create --name r --repo PROJ/web
expect_as "nobody changes the policy" 77 "administrators only" nobody policy set --max-days 5
expect_as "nobody purges" 77 "administrators only" nobody purge
expect_as "nobody runs init" 77 "administrators only" nobody init
expect_as "nobody backs up" 77 "only root" nobody backup "$TEST_TMP/b.db"
expect_as "nobody restores" 77 "administrators only" nobody restore "$TEST_TMP/b.db"
expect_as "nobody names a store" 77 "--db is only for root" nobody --db "$TEST_TMP/x.db" list
expect_as "nobody names a key" 77 "--keyfile is only for root" nobody --keyfile "$TEST_TMP/key" list
expect_as "nobody sets --wait" 77 "--wait is only for root" nobody --wait 0 list
check_match "nobody may read the policy" "max-days: +90" "$(as nobody policy)"

# What is theirs, they manage.
as nobody edit "$IN" --name "renamed" --perm write 2>/dev/null
check "nobody edits their own token" "0" "$?"
TN2=$(as nobody rotate "$IN"); rc=$?
check "nobody rotates their own token" 0 "$rc"
IN2=$(id_of "$TN2")
check "rotation revoked the old one" "revoked" "$(status_of "$IN")"
as nobody revoke "$IN2" 2>/dev/null
check "nobody revokes their own token" "0 revoked" "$? $(status_of "$IN2")"
TN3=$(as nobody create --name again)
as nobody revoke --user nobody 2>/dev/null
check "nobody revokes all their own tokens" "0 revoked" "$? $(status_of "$(id_of "$TN3")")"

# A leaked token may be revoked by whoever holds it.
printf '%s\n' "$TD" | as nobody revoke --token - 2>/dev/null
check "nobody revokes daemon's leaked token from stdin" "0 revoked" "$? $(status_of "$ID")"

# A caller without a user name owns nothing.
err=$(setpriv --reuid=54321 --regid=54321 --clear-groups "$SUID" create --name x 2>&1 >/dev/null)
check "uid without a passwd entry cannot create: exit 77" "77" "$?"
check_match "uid without a passwd entry: message" "has no user name" "$err"

# The environment does not reach the root process.
mkdir -m 1777 "$TEST_TMP/cap"
# (ASAN_OPTIONS only matters in a sanitizer build, whose runtime would
# otherwise object to any LD_PRELOAD before ld.so gets to ignore it.)
out=$(env LD_PRELOAD="$SHIM" HT_SYSLOG_CAPTURE="$TEST_TMP/cap/log" GDBM_FOO=1 \
	ASAN_OPTIONS=verify_asan_link_order=0 \
	TMPDIR=/nonexistent PATH=/nonexistent "$(command -v setpriv)" --reuid=nobody --regid=nogroup \
	--init-groups "$SUID" create --name "hostile env" 2>/dev/null); rc=$?
check "hostile environment: create still works" "0" "$rc"
check "hostile environment: LD_PRELOAD was not loaded" "no" \
	"$([ -e "$TEST_TMP/cap/log" ] && echo yes || echo no)"
check_match "hostile environment: the token is nobody's" '"owner":"nobody"' \
	"$("$TESTPATHS" --json show "$(id_of "$out")")"

# Closed standard descriptors cannot redirect the store into stdout.
before=$("$TESTPATHS" list --user nobody | wc -l)
err=$(as nobody create --name "closed fds" 2>&1 >&-)
check "closed stdout: create refuses with exit 74" 74 "$?"
check_match "closed stdout: says why" "standard output is not writable; no token created" "$err"
check "closed stdout: no token was made" "$before" "$("$TESTPATHS" list --user nobody | wc -l)"
as nobody list >&- 2>&-
check "closed stdout and stderr: the store still verifies" 0 \
	"$("$TESTPATHS" list --all >/dev/null 2>&1; echo $?)"

# The admin group: daemon's primary group is "daemon".
"$TESTPATHS" policy set --admin-group daemon 2>/dev/null
check_match "daemon (in the admin group) lists everything" "nobody" "$(as daemon list --all)"
TP=$(as daemon create --name deploy --project PROJ); rc=$?
check "daemon creates a project token" 0 "$rc"
check_match "the project token's scope" '"kind":"project".*"scope":"PROJ"' \
	"$("$TESTPATHS" --json show "$(id_of "$TP")")"
TN4=$(as nobody create --name "for admin")
IN4=$(id_of "$TN4")
check_match "daemon shows nobody's token" "^id: +$IN4" "$(as daemon show "$IN4")"
expect_as "daemon cannot rotate nobody's personal token" 77 "another user's personal token" \
	daemon rotate "$IN4"
as daemon edit "$IN4" --perm admin 2>/dev/null
check "daemon edits nobody's token" "0" "$?"
as daemon revoke "$IN4" 2>/dev/null
check "daemon revokes nobody's token" "0 revoked" "$? $(status_of "$IN4")"
expect_as "nobody is still no administrator" 77 "for administrators" nobody create --name p --project PROJ
expect_as "an admin-group member still cannot name paths" 77 "--db is only for root" \
	daemon --db "$TEST_TMP/x.db" list
expect_as "an admin-group member cannot back up under setuid" 77 "only root" daemon backup "$TEST_TMP/b.db"
expect_as "a token administrator cannot change the policy" 77 "system administrators only" \
	daemon policy set --max-days 45
expect_as "nor purge" 77 "system administrators only" daemon purge
"$TESTPATHS" policy set --sysadmin-group daemon 2>/dev/null
as daemon policy set --max-days 45 2>/dev/null
check "daemon (in the sysadmin group) changes the policy" "45" \
	"$("$TESTPATHS" --json policy | sed 's/.*"max_days":\([0-9]*\).*/\1/')"
check "the store is still root's, 0640, after non-root writes" "0 640" \
	"$(stat -c '%u %a' "$FIXED/tokens.db")"

find "$FIXED" -mindepth 1 -delete
tap_done

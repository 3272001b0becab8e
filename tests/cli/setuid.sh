#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tokenctl installed setuid root, used FOR REAL by unprivileged accounts
# (two made for the run, $U1 and $U2): each manages only their own personal
# tokens, cannot choose paths, cannot reach administrator commands, and is
# not steered by the environment; a member of the admin group can
# administer. System accounts (nobody, daemon) get no personal tokens.
#
# The setuid copy is tests/cli/tokenctl-testpaths, whose compiled-in store
# is /tmp/httptoken-setuid-test (see tests/cli/local.mk for the rules every
# user of that path follows: hold the flock, check the directory).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/setuid-fixture.sh"
. "$top_srcdir/tests/accounts.sh"
SHIM="$top_builddir/tests/cli/.libs/syslog_capture.so"
setuid_fixture_require
accounts_setup su
make_user a; U1=$(acct a)
make_user b; U2=$(acct b)

setuid_fixture
# expect_as DESCRIPTION CODE REGEX USER ARGS...: exit status and stderr
expect_as() {
	desc=$1 code=$2 re=$3; shift 3
	err=$(as "$@" 2>&1 >/dev/null </dev/null); rc=$?
	check "$desc: exit $code" "$code" "$rc"
	check_match "$desc: message" "$re" "$err"
}
id_of() { printf '%s' "$1" | cut -c5-20; }
status_of() { "$TESTPATHS" --json show "$1" | sed 's/.*"status":"\([a-z]*\)".*/\1/'; }

TN=$(as "$U1" create --name "U1's laptop"); rc=$?
check "U1 creates a personal token" 0 "$rc"
check_match "U1 gets a token on stdout" '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' "$TN"
TD=$(as "$U2" create --name "U2 ci")
IN=$(id_of "$TN"); ID=$(id_of "$TD")
check_match "the token belongs to U1" "\"owner\":\"$U1\",\"owner_uid\":$(id -u "$U1")" \
	"$("$TESTPATHS" --json show "$IN")"
check "the store stays root's, 0640" "0 640" "$(stat -c '%u %a' "$FIXED/tokens.db")"

# Each sees only their own.
check "U1 lists only their own token" "$IN" "$(as "$U1" list | tail -n +2 | cut -c1-16)"
check_match "U1 shows their own token" "^id: +$IN" "$(as "$U1" show "$IN")"
expect_as "U1 shows U2's token" 66 "no such token" "$U1" show "$ID"
expect_as "U1 edits U2's token" 66 "no such token" "$U1" edit "$ID" --name mine
expect_as "U1 revokes U2's token" 66 "no such token" "$U1" revoke "$ID"
expect_as "U1 rotates U2's token" 66 "no such token" "$U1" rotate "$ID"
expect_as "U1 revokes all of U2's tokens" 77 "only your own" "$U1" revoke --user "$U2"
expect_as "U1 lists everything" 77 "only your own" "$U1" list --all
expect_as "U1 lists U2's tokens" 77 "only your own" "$U1" list --user "$U2"
expect_as "U1 lists a project" 77 "only your own" "$U1" list --project PROJ
expect_as "U1 lists a repository" 77 "only your own" "$U1" list --repo PROJ/web
check "U2's token untouched" "active U2 ci" \
	"$(status_of "$ID") $("$TESTPATHS" --json show "$ID" | sed 's/.*"name":"\([^"]*\)".*/\1/')"

# No administrator commands, no paths.
expect_as "U1 creates a project token" 77 "you do not administer" "$U1" create --name p --project PROJ
expect_as "U1 creates a repository token" 77 "you do not administer" "$U1" create --name r --repo PROJ/web
expect_as "U1 changes the policy" 77 "administrators only" "$U1" policy set --max-days 5
expect_as "U1 purges" 77 "administrators only" "$U1" purge
expect_as "U1 runs init" 77 "administrators only" "$U1" init
expect_as "U1 backs up" 77 "only root" "$U1" backup "$TEST_TMP/b.db"
expect_as "U1 restores" 77 "administrators only" "$U1" restore "$TEST_TMP/b.db"
expect_as "U1 names a store" 77 "--db is only for root" "$U1" --db "$TEST_TMP/x.db" list
expect_as "U1 names a key" 77 "--keyfile is only for root" "$U1" --keyfile "$TEST_TMP/key" list
expect_as "U1 sets --wait" 77 "--wait is only for root" "$U1" --wait 0 list
check_match "U1 may read the policy" "max-days: +90" "$(as "$U1" policy)"

# What is theirs, they manage.
as "$U1" edit "$IN" --name "renamed" --perm write 2>/dev/null
check "U1 edits their own token" "0" "$?"
TN2=$(as "$U1" rotate "$IN"); rc=$?
check "U1 rotates their own token" 0 "$rc"
IN2=$(id_of "$TN2")
check "rotation revoked the old one" "revoked" "$(status_of "$IN")"
as "$U1" revoke "$IN2" 2>/dev/null
check "U1 revokes their own token" "0 revoked" "$? $(status_of "$IN2")"
TN3=$(as "$U1" create --name again)
as "$U1" revoke --user "$U1" 2>/dev/null
check "U1 revokes all their own tokens" "0 revoked" "$? $(status_of "$(id_of "$TN3")")"

# A leaked token may be revoked by whoever holds it.
printf '%s\n' "$TD" | as "$U1" revoke --token - 2>/dev/null
check "U1 revokes U2's leaked token from stdin" "0 revoked" "$? $(status_of "$ID")"

# A caller without a user name owns nothing.
err=$(setpriv --reuid=54321 --regid=54321 --clear-groups "$SUID" create --name x 2>&1 >/dev/null)
check "uid without a passwd entry cannot create: exit 77" "77" "$?"
check_match "uid without a passwd entry: message" "has no user name" "$err"

# System accounts get no personal tokens: a compromised web application
# (www-data) or service must not mint itself a git credential.
for sys in www-data nobody daemon; do
	getent passwd "$sys" >/dev/null || continue
	expect_as "system account $sys cannot create a personal token" 77 \
		"is a system account; system accounts get no personal tokens" "$sys" create --name x
done
check "no system account got a token" "" \
	"$("$TESTPATHS" list --all | grep -w -e www-data -e nobody -e daemon)"

# The environment does not reach the root process.
mkdir -m 1777 "$TEST_TMP/cap"
# (ASAN_OPTIONS only matters in a sanitizer build, whose runtime would
# otherwise object to any LD_PRELOAD before ld.so gets to ignore it.)
out=$(env LD_PRELOAD="$SHIM" HT_SYSLOG_CAPTURE="$TEST_TMP/cap/log" GDBM_FOO=1 \
	ASAN_OPTIONS=verify_asan_link_order=0 \
	TMPDIR=/nonexistent PATH=/nonexistent "$(command -v setpriv)" --reuid="$U1" --regid="$(id -g "$U1")" \
	--init-groups "$SUID" create --name "hostile env" 2>/dev/null); rc=$?
check "hostile environment: create still works" "0" "$rc"
check "hostile environment: LD_PRELOAD was not loaded" "no" \
	"$([ -e "$TEST_TMP/cap/log" ] && echo yes || echo no)"
check_match "hostile environment: the token is U1's" "\"owner\":\"$U1\"" \
	"$("$TESTPATHS" --json show "$(id_of "$out")")"

# Closed standard descriptors cannot redirect the store into stdout.
before=$("$TESTPATHS" list --user "$U1" | wc -l)
err=$(as "$U1" create --name "closed fds" 2>&1 >&-)
check "closed stdout: create refuses with exit 74" 74 "$?"
check_match "closed stdout: says why" "standard output is not writable; no token created" "$err"
check "closed stdout: no token was made" "$before" "$("$TESTPATHS" list --user "$U1" | wc -l)"
as "$U1" list >&- 2>&-
check "closed stdout and stderr: the store still verifies" 0 \
	"$("$TESTPATHS" list --all >/dev/null 2>&1; echo $?)"

# The admin group: U2's primary group is U2. A project token needs the
# project registered.
"$TESTPATHS" project add PROJ 2>/dev/null || tap_bail "project add failed"
"$TESTPATHS" policy set --admin-group "$U2" 2>/dev/null
check_match "U2 (in the admin group) lists everything" "$U1" "$(as "$U2" list --all)"
TP=$(as "$U2" create --name deploy --project PROJ); rc=$?
check "U2 creates a project token" 0 "$rc"
check_match "the project token's scope" '"kind":"project".*"scope":"PROJ"' \
	"$("$TESTPATHS" --json show "$(id_of "$TP")")"
TN4=$(as "$U1" create --name "for admin")
IN4=$(id_of "$TN4")
check_match "U2 shows U1's token" "^id: +$IN4" "$(as "$U2" show "$IN4")"
expect_as "U2 cannot rotate U1's personal token" 77 "another user's personal token" \
	"$U2" rotate "$IN4"
as "$U2" edit "$IN4" --perm admin 2>/dev/null
check "U2 edits U1's token" "0" "$?"
as "$U2" revoke "$IN4" 2>/dev/null
check "U2 revokes U1's token" "0 revoked" "$? $(status_of "$IN4")"
expect_as "U1 is still no administrator" 77 "you do not administer" "$U1" create --name p --project PROJ
expect_as "an admin-group member still cannot name paths" 77 "--db is only for root" \
	"$U2" --db "$TEST_TMP/x.db" list
expect_as "an admin-group member cannot back up under setuid" 77 "only root" "$U2" backup "$TEST_TMP/b.db"
expect_as "a token administrator cannot change the policy" 77 "system administrators only" \
	"$U2" policy set --max-days 45
expect_as "nor purge" 77 "system administrators only" "$U2" purge
"$TESTPATHS" policy set --sysadmin-group "$U2" 2>/dev/null
as "$U2" policy set --max-days 45 2>/dev/null
check "U2 (in the sysadmin group) changes the policy" "45" \
	"$("$TESTPATHS" --json policy | sed 's/.*"max_days":\([0-9]*\).*/\1/')"
check "the store is still root's, 0640, after non-root writes" "0 640" \
	"$(stat -c '%u %a' "$FIXED/tokens.db")"

find "$FIXED" -mindepth 1 -delete
tap_done

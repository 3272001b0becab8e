#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The web page's settings in the policy: web-user (the account that may
# open web sessions, kept with its uid) and session-minutes. Shown by
# policy show (text and JSON), set by policy set, every bad value refused
# with its exit code and a message and nothing changed, and refused on a
# version-1 store.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
make_tmpdir
make_store 2>/dev/null
id nobody >/dev/null 2>&1 || tap_skip_all "the account nobody is needed"

pol=$(tk policy)
check_match "policy show: the default web account" "^web-user: +httptoken-web$" "$pol"
check_match "policy show: 15 idle minutes" "^session-minutes: +15$" "$pol"
check_match "policy --json: the defaults" '"web_user":"httptoken-web","session_minutes":15,"schema":2}$' \
	"$(tk --json policy)"

err=$(tk policy set --web-user nobody --session-minutes 30 2>&1); rc=$?
check "policy set --web-user --session-minutes: exit 0" 0 "$rc"
check_match "policy set: says so" "policy updated" "$err"
pol=$(tk policy)
check_match "policy show: the web account" "^web-user: +nobody$" "$pol"
check_match "policy show: the idle minutes" "^session-minutes: +30$" "$pol"
check_match "policy --json: both" '"web_user":"nobody","session_minutes":30,' "$(tk --json policy)"
tk policy set --session-minutes 480 2>/dev/null
check_match "480 minutes, the sessions' 8 hours, is the most" '"session_minutes":480,' \
	"$(tk --json policy)"
tk policy set --session-minutes 1 2>/dev/null
check_match "1 minute is the least" '"session_minutes":1,' "$(tk --json policy)"

# expect DESC CODE REGEX ARGS...: exit status, message, nothing changed.
expect() {
	desc=$1 code=$2 re=$3; shift 3
	before=$(tk --json policy; stat -c %Y.%s "$DB")
	err=$(tk "$@" 2>&1 >/dev/null); rc=$?
	check "$desc: exit $code" "$code" "$rc"
	check_match "$desc: message" "$re" "$err"
	check "$desc: nothing changed" "$before" "$(tk --json policy; stat -c %Y.%s "$DB")"
}
expect "an unknown web account" 65 "--web-user: no such user 'no-such-user-htk'" \
	policy set --web-user no-such-user-htk
expect "root as the web account" 65 "root may always open web sessions" policy set --web-user root
expect "a web account named like an option" 65 "'-x' is not a user name" policy set --web-user -x
expect "a web account with a slash" 65 "is not a user name" policy set --web-user a/b
expect "a web account of 33 characters" 65 "at most 32 characters" \
	policy set --web-user "$(head -c 33 /dev/zero | tr '\0' a)"
expect "an empty web account" 65 "is not a user name" policy set --web-user ""
for v in 0 481 -1 abc 15x 99999999999999999999 ""; do
	expect "session-minutes '$v'" 64 "--session-minutes: expected a number from 1 to 480" \
		policy set --session-minutes "$v"
done
expect "a good web account with bad minutes changes neither" 64 "--session-minutes" \
	policy set --web-user daemon --session-minutes 0

# A version-1 store cannot hold them.
FX="$top_srcdir/tests/fixtures/v1-store"
mkdir -p "$TEST_TMP/v1" && cp "$FX/tokens.db" "$FX/key" "$TEST_TMP/v1/" ||
	tap_bail "cannot copy the version-1 fixture"
DB="$TEST_TMP/v1/tokens.db" KEY="$TEST_TMP/v1/key"
check_match "a version-1 store shows the defaults" "^session-minutes: +15$" "$(tk policy)"
expect "session-minutes on a version-1 store" 65 "need a store of version 2; run 'tokenctl upgrade'" \
	policy set --session-minutes 20
expect "web-user on a version-1 store" 65 "run 'tokenctl upgrade'" policy set --web-user nobody
tap_done

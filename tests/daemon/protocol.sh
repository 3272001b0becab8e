#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# httptokend against hostile clients (tests/daemon/hostile-client, run as
# U1, an ordinary account made for the run): garbage, malformed JSON, a wrong version, oversized and
# truncated frames, a slow request, half-closed sockets, a client that
# never reads its reply, thousands of connections at once, and requests
# that claim to come from root. The daemon refuses each with a clear
# reply (or none, when the client is gone), stays up, keeps serving
# others, never holds the lock for a client, and acts only as the peer
# the kernel names. tests/daemon/protocol-valgrind.sh runs this suite
# with the daemon under valgrind.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/daemon-fixture.sh"
. "$top_srcdir/tests/accounts.sh"
BENCH_STORE="$top_builddir/bench/bench-store"
daemon_fixture_require pgrep
[ -x "$top_builddir/tests/daemon/hostile-client" ] && [ -x "$BENCH_STORE" ] || tap_skip_all "hostile-client or bench-store not built"
accounts_setup pr
make_user a; U1=$(acct a)
make_user b; U2=$(acct b)

# A store of 2000 tokens (root's), so that a full listing is a reply
# larger than a socket's buffers.
DB="$TEST_TMP/store/tokens.db"
KEY="$TEST_TMP/store/key"
mkdir -m 0755 "$TEST_TMP/store"
"$BENCH_STORE" "$DB" "$KEY" 2000 root "$TEST_TMP/samples" 1 >/dev/null ||
	tap_bail "bench-store failed"
daemon_fixture
. "$top_srcdir/tests/daemon/hostile-lib.sh"
tkroot policy set --admin-group "$U1" 2>/dev/null   # U1 may list everything

alive() { kill -0 "$DAEMON_PID" 2>/dev/null && echo up || echo down; }
workers() { pgrep -P "$DAEMON_PID" | wc -l; }
# A token to revoke while a hostile client does its worst.
tkroot project add PROJ 2>/dev/null || tap_bail "project add failed"
fresh() { tkroot create --name "victim $1" --project PROJ; }
REFUSED='exit=64 stderr=tokenctl: request refused'
# served_again: U1's list, tried for up to 20 s while the daemon says
# busy; prints the last exit status
served_again() {
	n=0
	while :; do
		as "$U1" list >/dev/null 2>&1
		rc=$?
		[ "$rc" = 75 ] && [ $n -lt 200 ] || break
		sleep 0.1
		n=$((n + 1))
	done
	echo "$rc"
}

# --- malformed frames ------------------------------------------------------
check_match "garbage (an HTTP request): refused as over 64 KiB" \
	"$REFUSED: empty or over 64 KiB" "$(printf 'GET / HTTP/1.0\r\n\r\n' | hostile raw)"
check_match "a zero length: refused" "$REFUSED: empty or over 64 KiB" \
	"$(printf '\000\000\000\000' | hostile raw)"
check_match "a length of 64 KiB + 1: refused before reading it" "$REFUSED: empty or over 64 KiB" \
	"$(printf '\000\001\000\001{}' | hostile raw)"
check_match "a length of 2^32-1: refused" "$REFUSED: empty or over 64 KiB" \
	"$(printf '\377\377\377\377' | hostile raw)"
check_match "a truncated length prefix: no reply, the daemon goes on" "^no reply" \
	"$(printf '\000\000' | hostile raw)"
check_match "a body shorter than its length, then a half-close: no reply" "^no reply" \
	"$(printf '\000\000\000\100{"version":1}' | hostile raw)"
check "the daemon is up" up "$(alive)"

# --- malformed requests --------------------------------------------------
# bad NAME JSON REASON
bad() {
	check_match "$1: refused (64)" "$REFUSED: $3" "$(printf '%s' "$2" | hostile send)"
}
bad "not JSON" 'hello' "not a JSON object"
bad "an array" '["list"]' "not a JSON object"
bad "an unterminated object" '{"version":1,"argv":["list"]' "malformed object"
bad "bytes after the object" '{"version":1,"argv":["list"]}x' "bytes after the object"
bad "a second object" '{"version":1,"argv":["list"]}{}' "bytes after the object"
bad "protocol version 2" '{"version":2,"argv":["list"]}' "unsupported protocol version"
bad "protocol version 0" '{"version":0,"argv":["list"]}' "unsupported protocol version"
bad "a version with leading zeros" '{"version":01,"argv":["list"]}' "version is not a small integer"
bad "a fractional version" '{"version":1.0,"argv":["list"]}' "version is not a small integer"
bad "a version as a string" '{"version":"1","argv":["list"]}' "version is not a small integer"
bad "no version" '{"argv":["list"]}' "version or argv missing"
bad "no argv" '{"version":1}' "version or argv missing"
bad "an empty argv" '{"version":1,"argv":[]}' "empty argv"
bad "a number in argv" '{"version":1,"argv":["list",1]}' "argv is not an array"
bad "a NUL in an argument" '{"version":1,"argv":["show","ab\u0000cd"]}' "argv is not an array"
bad "a lone surrogate" '{"version":1,"argv":["show","\ud800"]}' "argv is not an array"
bad "a raw control character" "$(printf '{"version":1,"argv":["show","a\tb"]}')" "argv is not an array"
bad "invalid UTF-8" "$(printf '{"version":1,"argv":["show","\377"]}')" "argv is not an array"
bad "a repeated field" '{"version":1,"version":1,"argv":["list"]}' "unknown or repeated field"
bad "stdin as a number" '{"version":1,"argv":["list"],"stdin":5}' "stdin is not a string"
bad "stdout as a string" '{"version":1,"argv":["list"],"stdout":"no"}' "stdout is not a boolean"
bad "5000 arguments" "{\"version\":1,\"argv\":[$(seq 5000 | sed 's/.*/"x"/' | paste -sd,)]}" \
	"argv is not an array of at most 4096 strings"
bad "nesting 10 000 deep" "{\"version\":1,\"argv\":$(head -c 10000 /dev/zero | tr '\0' '[')" \
	"argv is not an array"

# --- who the caller is: the kernel says, the request cannot ------------------
bad "a request naming a uid and user" \
	'{"version":1,"argv":["create","--name","forged"],"uid":0,"user":"root"}' \
	"unknown or repeated field"
out=$(printf '%s' '{"version":1,"argv":["--json","create","--name","claims root"]}' | hostile send)
T=$(printf '%s' "$out" | grep -o 'htk_[0-9a-zA-Z]*' | head -1)
check_match "a well-formed create from U1: done" "^exit=0 " "$out"
check_match "... and the token is U1's, whatever the request says" \
	"\"owner\":\"$U1\",\"owner_uid\":$(id -u "$U1")" "$(tkroot --json show "$(token_id "$T")")"
check_match "U1's request for root's paths: refused (77)" \
	"^exit=77 stderr=tokenctl: --db is only for root" \
	"$(printf '%s' "{\"version\":1,\"argv\":[\"--db\",\"$DB\",\"list\"]}" | hostile send)"
check_match "U1's request for --socket: a usage error" "^exit=64 .*option of the client" \
	"$(printf '%s' '{"version":1,"argv":["--socket","/x","list"]}' | hostile send)"

# --- a slow request holds nothing --------------------------------------------
V=$(fresh slow)
hostile half <<EOF2 >"$TEST_TMP/slow" &
{"version":1,"argv":["list"]}
EOF2
SLOW=$!
wait_for "$TEST_TMP/slow" "half sent"
tkroot --wait 1 revoke "$(token_id "$V")" 2>/dev/null
check "a request half sent: root's revoke (--wait 1) goes through meanwhile" \
	"0 revoked" "$? $(status_of "$(token_id "$V")")"
as "$U2" list >/dev/null 2>&1
check "... and another user is served meanwhile" 0 "$?"
wait "$SLOW"
check_match "the slow request is dropped after 5 s, with a reason" \
	"$REFUSED: not received within 5 s" "$(cat "$TEST_TMP/slow")"

# --- a client that never reads its reply ---------------------------------------
V=$(fresh noread)
printf '%s' '{"version":1,"argv":["--json","list","--all"]}' | hostile noread >"$TEST_TMP/noread" &
NOREAD=$!
wait_for "$TEST_TMP/noread" "sent"
tkroot --wait 1 revoke "$(token_id "$V")" 2>/dev/null
check "a reply nobody reads: root's revoke (--wait 1) goes through meanwhile" \
	"0 revoked" "$? $(status_of "$(token_id "$V")")"
as "$U2" list >/dev/null 2>&1
check "... and another user is served meanwhile" 0 "$?"
i=0
while ! grep -q "reply not delivered" "$DAEMON_SYSLOG" 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.1; i=$((i + 1))
done
check_match "the worker gives the reply up (send timeout) and says so" \
	"httptokend: reply not delivered" "$(cat "$DAEMON_SYSLOG" 2>/dev/null)"
kill "$(pid_in "$TEST_TMP/noread")"; wait "$NOREAD" 2>/dev/null

# --- half-closed ------------------------------------------------------------
check_match "a whole request then a half-close: served" "^exit=0 " \
	"$(printf '%s' '{"version":1,"argv":["policy"]}' | hostile send)"

# --- thousands of connections --------------------------------------------------
hostile flood 3000 >"$TEST_TMP/flood" &
FLOOD=$!
wait_for "$TEST_TMP/flood" "held"
HELD=$(cut -d' ' -f2 "$TEST_TMP/flood")
printf '# %s connections made by U1\n' "$HELD"
check "a flood of 3000 connections is made" 3000 "$HELD"
check "the daemon runs at most 64 workers" yes "$([ "$(workers)" -le 64 ] && echo yes || workers)"
err=$(as "$U1" list 2>&1 >/dev/null)
check "the flooding user gets 75 (busy) meanwhile" 75 "$?"
check_match "... saying why" "httptokend is busy \(too many requests of yours at once\); try again" "$err"
as "$U2" list >/dev/null 2>&1
check "another user is served during the flood" 0 "$?"
V=$(fresh flood)
tkroot --socket "$SOCK" --wait 1 revoke "$(token_id "$V")" 2>/dev/null
check "root is served through the daemon during the flood" "0 revoked" \
	"$? $(status_of "$(token_id "$V")")"
kill "$(pid_in "$TEST_TMP/flood")"; wait "$FLOOD" 2>/dev/null
check "the daemon survives the flood" up "$(alive)"
check "the flooding user is served again once it stops" 0 "$(served_again)"

# --- a burst of requests --------------------------------------------------------
# (tests/daemon/test_limits checks the rate itself, on a clock it sets; here
# the refusals depend on how fast this machine serves, so they are shown,
# not counted.)
printf '# 600 requests back to back: %s\n' "$(hostile burst 600)"
as "$U2" list >/dev/null 2>&1
check "another user is served right after a burst" 0 "$?"
check "the bursting user is served again a moment later" 0 "$(served_again)"

check "the daemon is up at the end" up "$(alive)"
daemon_fixture_stop
check "nothing on the daemon's stderr" "" "$(cat "$DAEMON_LOG")"
check_match "the refusals were logged, counted, with the uid (no line per connection)" \
	"^$((10 * 8 + 4)) httptokend: refused [0-9]+ connections as busy \(limits\) in [0-9]+ s, the last from uid $(id -u "$U1")" \
	"$(grep 'as busy' "$DAEMON_SYSLOG")"
if [ "${DAEMON_VALGRIND:-}" = yes ]; then
	check "valgrind: no error and no leak in the daemon or any worker" "" \
		"$(daemon_fixture_valgrind)"
	check "valgrind: the daemon and its workers did run under it" yes \
		"$([ "$(ls "$DAEMON_DIR"/valgrind.* | wc -l)" -gt 1 ] && echo yes)"
fi
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Web sessions in httptokend, with real accounts and real passwords
# checked by the shipped etc/pam.d/httptoken-web (pam_unix, pam_faillock
# with its own tally directory), read from a private directory
# (httptokend --pam-dir): who may open them, who may be their user, the one
# refusal for every bad credential or session, form nonces that work
# once, idle expiry, locked accounts, the commands a session cannot run,
# and the policy's web-user and session-minutes taking effect at once.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/daemon-fixture.sh"
daemon_fixture_require useradd userdel chpasswd usermod
[ "${CI:-}" = true ] || [ "${HTTPTOKEN_E2E_CREATE_USER:-}" = 1 ] ||
	tap_skip_all "creates and removes local accounts htk-web-*: set HTTPTOKEN_E2E_CREATE_USER=1 to allow it (CI does)"
UNIX=$(ls /usr/lib/*/security/pam_unix.so /lib/*/security/pam_unix.so 2>/dev/null | head -n 1)
[ -n "$UNIX" ] || tap_skip_all "pam_unix is needed"
make_tmpdir

WEB=htk-web-w$$ ALICE=htk-web-a$$ BOB=htk-web-b$$ CAROL=htk-web-c$$
PW_A='correct horse 1!' PW_B='battery staple 2?'
cleanup_accounts() {
	for u in "$WEB" "$ALICE" "$BOB" "$CAROL"; do userdel "$u" 2>/dev/null; done
}
trap 'cleanup_accounts; rm -rf "$TEST_TMP"' EXIT
for u in "$WEB" "$ALICE" "$BOB" "$CAROL"; do
	useradd -M -s /usr/sbin/nologin "$u" || tap_bail "useradd $u failed"
done
printf '%s:%s\n%s:%s\n' "$ALICE" "$PW_A" "$BOB" "$PW_B" | chpasswd ||
	tap_bail "chpasswd failed"

mkdir -p "$TEST_TMP/pam"
MODS=$(dirname "$UNIX") TALLY="$TEST_TMP/faillock"
sed -e "s|pam_\([a-z]*\)\.so|$MODS/pam_\1.so|" -e "s|/var/run/faillock-httptoken-web|$TALLY|g" \
	"$top_srcdir/etc/pam.d/httptoken-web" >"$TEST_TMP/pam/httptoken-web"
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$TEST_TMP/pam/other"
SESSIONS="$TEST_TMP/sessions"
DAEMON_ARGS="--session-dir $SESSIONS --pam-dir $TEST_TMP/pam"
daemon_fixture
tkroot policy set --web-user "$WEB" 2>/dev/null || tap_bail "policy set --web-user failed"
trap 'daemon_fixture_stop; cleanup_accounts; rm -rf "$TEST_TMP"' EXIT

REFUSED='not logged in: the user name or password is wrong, or the session has ended; log in again$'
# login AS USER PASSWORD: a session secret on stdout
login() { printf '%s\n%s\n' "$2" "$3" | as "$1" session open; }
# in_session AS SECRET ARGS...: a command in that session (stdin: the secret)
in_session() { as_=$1 s_=$2; shift 2; printf '%s\n' "$s_" | as "$as_" --session - "$@"; }
# expect DESCRIPTION CODE REGEX COMMAND...: exit status and stderr
expect() {
	desc=$1 code=$2 re=$3; shift 3
	err=$("$@" 2>&1 >/dev/null); rc=$?
	check "$desc: exit $code" "$code" "$rc"
	check_match "$desc: message" "$re" "$err"
}

S=$(login "$WEB" "$ALICE" "$PW_A"); rc=$?
check "the web account opens a session with the right password" 0 "$rc"
check_match "the secret is 64 hex digits" '^[0-9a-f]{64}$' "$S"
check "the session directory is root's, 0700" "0 700" "$(stat -c '%u %a' "$SESSIONS")"
check "one session file besides the key" 1 "$(ls "$SESSIONS" | grep -vc '^key$')"
check "the file is not named by the secret" "" "$(ls "$SESSIONS" | grep "$S")"
check "the file does not hold the secret" "" "$(cat "$SESSIONS"/* | grep -a "$S")"
T=$(in_session "$WEB" "$S" create --name laptop); rc=$?
check "a session creates a token" 0 "$rc"
check_match "the token belongs to the session's user" "\"owner\":\"$ALICE\"" \
	"$(tkroot --json show "$(token_id "$T")")"
check_match "the session lists its user's tokens" "laptop" "$(in_session "$WEB" "$S" list)"
store_before=$(stat -c %Y.%s "$DB")

# One refusal for every bad credential.
expect "a wrong password" 77 "$REFUSED" login "$WEB" "$ALICE" "wrong"
expect "another user's password" 77 "$REFUSED" login "$WEB" "$ALICE" "$PW_B"
expect "an unknown user" 77 "$REFUSED" login "$WEB" "htk-web-nobody$$" "$PW_A"
expect "a token as the password" 77 "$REFUSED" login "$WEB" "$ALICE" "$T"
expect "a token as the user name" 77 "$REFUSED" login "$WEB" "$T" "$PW_A"
check_match "a token offered is logged, without the token" \
	"a token was given as user name or password" "$(cat "$DAEMON_SYSLOG" 2>/dev/null)"
check "the token is not in the log" "" "$(grep -F "$T" "$DAEMON_SYSLOG" "$DAEMON_LOG")"
expect "root as the session's user" 77 "$REFUSED" login "$WEB" root x
expect "a system account as the session's user" 77 "$REFUSED" login "$WEB" daemon x
expect "an empty password" 77 "$REFUSED" login "$WEB" "$ALICE" ""
expect "a user name with a newline trick" 77 "$REFUSED" login "$WEB" "-$ALICE" "$PW_A"

err=$(as "$WEB" session open </dev/null 2>&1); rc=$?
check "open with no input: 77 and the one message" "77 1" \
	"$rc $(printf '%s' "$err" | grep -c "$REFUSED")"
err=$(printf '%s\n%s\nextra\n' "$ALICE" "$PW_A" | as "$WEB" session open 2>&1); rc=$?
check "open with a third line: 77" 77 "$rc"
err=$(head -c 2000 /dev/zero | tr '\0' a | as "$WEB" session open 2>&1); rc=$?
check "open with an overlong line: 77" 77 "$rc"

# Raw requests of the web account (the daemon's hostile client).
HOSTILE="$top_builddir/tests/daemon/hostile-client"
raw_as_web() {
	setpriv --reuid="$WEB" --regid="$(id -g "$WEB")" --init-groups "$HOSTILE" send "$SOCK"
}
rawcheck() {   # rawcheck DESCRIPTION EXPECTED-REGEX JSON
	check_match "raw: $1" "$2" "$(printf '%s' "$3" | raw_as_web)"
}
REF_RAW="exit=77 stderr=tokenctl: not logged in"
rawcheck "session open without stdin" "$REF_RAW" '{"version":1,"argv":["session","open"]}'
rawcheck "session open, password line unterminated" "$REF_RAW" \
	"{\"version\":1,\"argv\":[\"session\",\"open\"],\"stdin\":\"$ALICE\\n$PW_A\"}"
rawcheck "session open, a NUL in stdin (the protocol refuses it)" "exit=64" \
	"{\"version\":1,\"argv\":[\"session\",\"open\"],\"stdin\":\"$ALICE\\u0000\\n$PW_A\\n\"}"
rawcheck "session alone" "exit=64 stderr=tokenctl: usage: session open" \
	'{"version":1,"argv":["session"]}'
rawcheck "session open with an extra argument" "exit=64" \
	'{"version":1,"argv":["session","open","x"]}'
rawcheck "--session - without a command" "exit=77 stderr=tokenctl: this command is not available" \
	"{\"version\":1,\"argv\":[\"--session\",\"-\"],\"stdin\":\"$S\\n\"}"
rawcheck "--session - --nonce without its -" "exit=77 stderr=tokenctl: this command is not available" \
	"{\"version\":1,\"argv\":[\"--session\",\"-\",\"--nonce\",\"list\"],\"stdin\":\"$S\\n\"}"
rawcheck "--session after another option" "exit=(64|77)" \
	"{\"version\":1,\"argv\":[\"--json\",\"--session\",\"-\",\"list\"],\"stdin\":\"$S\\n\"}"
rawcheck "a session secret in upper case" "$REF_RAW" \
	"{\"version\":1,\"argv\":[\"--session\",\"-\",\"list\"],\"stdin\":\"$(printf '%s' "$S" | tr a-f A-F)\\n\"}"
rawcheck "a session secret of 65 digits" "$REF_RAW" \
	"{\"version\":1,\"argv\":[\"--session\",\"-\",\"list\"],\"stdin\":\"${S}0\\n\"}"
rawcheck "the session still works" "exit=0" \
	"{\"version\":1,\"argv\":[\"--session\",\"-\",\"list\"],\"stdin\":\"$S\\n\"}"

# Who may open sessions.
expect "the user themself opens one" 77 "only root and the web account" login "$ALICE" "$ALICE" "$PW_A"
expect "nobody opens one" 77 "only root and the web account" login nobody "$ALICE" "$PW_A"
if getent passwd www-data >/dev/null; then
	expect "www-data opens one" 77 "only root and the web account" login www-data "$ALICE" "$PW_A"
fi
R=$(printf '%s\n%s\n' "$BOB" "$PW_B" | "$TOKENCTL" --socket "$SOCK" session open); rc=$?
check "root opens a session" 0 "$rc"

# A session is bound to the uid that opened it.
expect "another uid uses the web account's session" 77 "$REFUSED" in_session nobody "$S" list
expect "the user uses the web account's session" 77 "$REFUSED" in_session "$ALICE" "$S" list
expect "the web account uses root's session" 77 "$REFUSED" in_session "$WEB" "$R" list
expect "a made-up secret" 77 "$REFUSED" in_session "$WEB" "$(printf '%064d' 0)" list
other_digit() { printf '%s' "$1" | cut -c1 | tr 0-9a-f 1-9a-f0; printf '%s' "$1" | cut -c2-; }
expect "a secret with one digit changed" 77 "$REFUSED" in_session "$WEB" "$(other_digit "$S")" list
expect "an empty secret" 77 "$REFUSED" in_session "$WEB" "" list
check "the foreign uses left the session working" 0 \
	"$(in_session "$WEB" "$S" list >/dev/null; echo $?)"

# What a session may not run.
for c in init backup restore sync fleet upgrade purge sweep notify policy; do
	expect "a session runs $c" 77 "not available in a web session" in_session "$WEB" "$S" "$c"
done
expect "a session names --db" 77 "not available in a web session" \
	in_session "$WEB" "$S" --db "$TEST_TMP/x.db" list
expect "a session names --keyfile" 77 "not available in a web session" \
	in_session "$WEB" "$S" --keyfile "$TEST_TMP/k" list
expect "a session names --config" 77 "not available in a web session" \
	in_session "$WEB" "$S" --config "$TEST_TMP/c" list
expect "--session with a value" 64 "takes '-'" as "$WEB" --session "$S" list
check "logins, lists and refusals never rewrote the store" "$store_before" \
	"$(stat -c %Y.%s "$DB")"

# The registry: a session reads what its user administers, and changes nothing.
tkroot project add WEBP --admin "$ALICE" 2>/dev/null && tkroot repo add WEBP/app 2>/dev/null &&
	tkroot project add WEBQ 2>/dev/null || tap_bail "registry setup failed"
store_before=$(stat -c %Y.%s "$DB")
check_match "a session lists the projects its user administers" \
	'^\[.\{"project":"WEBP","description":"",[^.]*\}.\].$' \
	"$(in_session "$WEB" "$S" --json project list --mine | tr '\n' .)"
check_match "... and their repositories" '^\[.\{"repo":"WEBP/app",' \
	"$(in_session "$WEB" "$S" --json repo list --mine | tr '\n' .)"
check "another user's session: none" "[]" \
	"$(in_session "$WEB" "$(login "$WEB" "$BOB" "$PW_B")" --json project list --mine)"
for c in "project list" "repo list" "project list --mine --json" "project list --mine x" \
	"project show WEBP" "project add WEBR" "project edit WEBP --description x" \
	"project remove WEBQ" "repo add WEBP/lib" "repo edit WEBP/app --admin $ALICE" \
	"repo remove WEBP/app" "policy set --max-days 1" "project"; do
	# shellcheck disable=SC2086
	expect "a session runs $c" 77 "not available in a web session" in_session "$WEB" "$S" $c
done
check "the registry's refusals changed nothing" "$store_before" "$(stat -c %Y.%s "$DB")"

# Form nonces work once.
N=$(printf '%s\n' "$S" | as "$WEB" session nonce); rc=$?
check "a nonce is issued" "0" "$rc"
check_match "the nonce is 32 hex digits" '^[0-9a-f]{32}$' "$N"
printf '%s\n%s\n' "$S" "$N" | as "$WEB" --session - --nonce - create --name once >/dev/null
check "a create with the nonce works" 0 "$?"
err=$(printf '%s\n%s\n' "$S" "$N" | as "$WEB" --session - --nonce - create --name once 2>&1 >/dev/null)
check "the replayed nonce: 77" 77 "$?"
check_match "the replayed nonce: the one message" "$REFUSED" "$err"
check "the replay created nothing" 1 "$(in_session "$WEB" "$S" list | grep -c ' once')"
err=$(printf '%s\n%032d\n' "$S" 0 | as "$WEB" --session - --nonce - create --name forged 2>&1 >/dev/null)
check "a forged nonce: 77" 77 "$?"
check "nothing forged was created" 0 "$(in_session "$WEB" "$S" list | grep -c forged)"

# Idle and absolute expiry: the file's mtime is the last use.
S2=$(login "$WEB" "$ALICE" "$PW_A")
f2=$(ls -t "$SESSIONS" | grep -v '^key$' | head -n 1)
touch -d '16 minutes ago' "$SESSIONS/$f2"
expect "a session idle for 16 minutes" 77 "$REFUSED" in_session "$WEB" "$S2" list
check "the expired session's file is gone" no "$([ -e "$SESSIONS/$f2" ] && echo yes || echo no)"
S3=$(login "$WEB" "$ALICE" "$PW_A")
f3=$(ls -t "$SESSIONS" | grep -v '^key$' | head -n 1)
sed -i "s/^created .*/created $(($(date +%s) - 8 * 3600 - 1))/" "$SESSIONS/$f3"
expect "a session 8 hours old" 77 "$REFUSED" in_session "$WEB" "$S3" list
S4=$(login "$WEB" "$ALICE" "$PW_A")
f4=$(ls -t "$SESSIONS" | grep -v '^key$' | head -n 1)
printf 'garbage\n' >"$SESSIONS/$f4"
expect "a corrupted session file" 77 "$REFUSED" in_session "$WEB" "$S4" list
S5=$(login "$WEB" "$ALICE" "$PW_A")
f5=$(ls -t "$SESSIONS" | grep -v '^key$' | head -n 1)
chmod 0644 "$SESSIONS/$f5"
expect "a session file others may read" 77 "$REFUSED" in_session "$WEB" "$S5" list

# A locked account's sessions end.
S6=$(login "$WEB" "$BOB" "$PW_B")
usermod -L "$BOB"
expect "the session of a locked account" 77 "$REFUSED" in_session "$WEB" "$S6" list
expect "a locked account logs in" 77 "$REFUSED" login "$WEB" "$BOB" "$PW_B"
usermod -U "$BOB"

# A bulk revoke of a user's tokens through the daemon ends their sessions;
# another user's stay.
S7=$(login "$WEB" "$ALICE" "$PW_A") S8=$(login "$WEB" "$BOB" "$PW_B")
"$TOKENCTL" --socket "$SOCK" revoke --user "$ALICE" >/dev/null 2>&1
check "root revokes all of alice's tokens through the daemon" 0 "$?"
expect "alice's session after the bulk revoke" 77 "$REFUSED" in_session "$WEB" "$S7" list
check "bob's session goes on" 0 "$(in_session "$WEB" "$S8" list >/dev/null; echo $?)"
err=$(as nobody revoke --user "$BOB" 2>&1)
check "a refused bulk revoke ends nothing" 0 "$(in_session "$WEB" "$S8" list >/dev/null; echo $?)"
"$TOKENCTL" --socket "$SOCK" revoke --user "$BOB" --dry-run >/dev/null 2>&1
check "root's dry run of revoking bob's tokens succeeds" 0 "$?"
check "a dry run ends nothing" 0 "$(in_session "$WEB" "$S8" list >/dev/null; echo $?)"

# pam_faillock counts web failures in its own directory.
for i in 1 2 3 4 5; do login "$WEB" "$BOB" "wrong $i" 2>/dev/null; done
expect "the right password after 5 failures" 77 "$REFUSED" login "$WEB" "$BOB" "$PW_B"
check "the tally is in the web page's own directory" 1 "$(ls "$TALLY" | grep -c "^$BOB$")"

# The web account and the idle minutes are the store's policy, read at
# each request: a change takes effect on the next session open or use.
OPENER="only root and the web account may open web sessions"
tkroot policy set --web-user "$CAROL" 2>/dev/null || tap_bail "policy set --web-user failed"
expect "after policy set --web-user, the old web account opens one" 77 "$OPENER" \
	login "$WEB" "$ALICE" "$PW_A"
S9=$(login "$CAROL" "$ALICE" "$PW_A"); rc=$?
check "the new web account opens one at once" 0 "$rc"
expect "the old web account uses the new one's session" 77 "$REFUSED" in_session "$WEB" "$S9" list
# A web account deleted and re-created under its name opens nothing.
old_uid=$(id -u "$CAROL") new_uid=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000))
while getent passwd "$new_uid" >/dev/null; do new_uid=$((new_uid + 1)); done
userdel "$CAROL" && useradd -M -s /usr/sbin/nologin -u "$new_uid" "$CAROL" ||
	tap_bail "cannot re-create $CAROL"
check "the re-created account has another uid" yes "$([ "$old_uid" != "$(id -u "$CAROL")" ] &&
	echo yes || echo no)"
expect "the web account re-created under its name (another uid)" 77 "$OPENER" \
	login "$CAROL" "$ALICE" "$PW_A"
tkroot policy set --web-user "$WEB" 2>/dev/null || tap_bail "policy set --web-user failed"
S10=$(login "$WEB" "$ALICE" "$PW_A")
check "the web account named again opens one" 0 "$?"
tkroot policy set --session-minutes 2 2>/dev/null || tap_bail "policy set --session-minutes failed"
for f in "$SESSIONS"/*; do
	[ "$(basename "$f")" = key ] || touch -d '3 minutes ago' "$f"
done
expect "session-minutes 2: a session idle for 3 minutes" 77 "$REFUSED" in_session "$WEB" "$S10" list
tkroot policy set --session-minutes 15 2>/dev/null
S11=$(login "$WEB" "$ALICE" "$PW_A")
for f in "$SESSIONS"/*; do
	[ "$(basename "$f")" = key ] || touch -d '3 minutes ago' "$f"
done
check "session-minutes 15: a session idle for 3 minutes goes on" 0 \
	"$(in_session "$WEB" "$S11" list >/dev/null; echo $?)"

# Logout.
printf '%s\n' "$S8" | as "$WEB" session close
check "close: exit 0" 0 "$?"
expect "the closed session" 77 "$REFUSED" in_session "$WEB" "$S8" list
check_match "the daemon logged the logins" "web session opened for $ALICE" \
	"$(cat "$DAEMON_SYSLOG" 2>/dev/null)"
check "no password in the logs" "" "$(grep -F -e "$PW_A" -e "$PW_B" "$DAEMON_SYSLOG" "$DAEMON_LOG")"
# DAEMON_VALGRIND=yes runs the daemon under valgrind: it must be clean.
if [ "${DAEMON_VALGRIND:-}" = yes ]; then
	daemon_fixture_stop
	check "valgrind found nothing in the daemon" "" "$(daemon_fixture_valgrind)"
fi
tap_done

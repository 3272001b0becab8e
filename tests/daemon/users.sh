#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tokenctl used FOR REAL by unprivileged accounts (two made for the run,
# $U1 and $U2) through httptokend: each manages only their own personal tokens, cannot choose
# paths, cannot reach administrator commands, cannot tell someone else's
# token from one that does not exist, and is not steered by the
# environment; a member of the admin group (by the group database, not by
# the groups of their process) can administer. System accounts (nobody,
# daemon) get no personal tokens.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/daemon-fixture.sh"
. "$top_srcdir/tests/accounts.sh"
daemon_fixture_require groupadd groupdel gpasswd
accounts_setup us
make_user a; U1=$(acct a)
make_user b; U2=$(acct b)
daemon_fixture

# expect_as DESCRIPTION CODE REGEX USER ARGS...: exit status and stderr
expect_as() {
	desc=$1 code=$2 re=$3; shift 3
	err=$(as "$@" 2>&1 >/dev/null </dev/null); rc=$?
	check "$desc: exit $code" "$code" "$rc"
	check_match "$desc: message" "$re" "$err"
}
status_of() { tkroot --json show "$1" | sed 's/.*"status":"\([a-z]*\)".*/\1/'; }

TN=$(as "$U1" create --name "U1's laptop"); rc=$?
check "U1 creates a personal token" 0 "$rc"
check_match "U1 gets a token on stdout" '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' "$TN"
TD=$(as "$U2" create --name "U2 ci")
IN=$(token_id "$TN"); ID=$(token_id "$TD")
check_match "the token belongs to U1" "\"owner\":\"$U1\",\"owner_uid\":$(id -u "$U1")" \
	"$(tkroot --json show "$IN")"
check "the store stays root's, 0640" "0 640" "$(stat -c '%u %a' "$DB")"
check_match "the daemon logged the change with its caller" \
	"^$((10 * 8 + 5)) httptokend: create: uid=$(id -u "$U1") user=$U1 token=$IN kind=personal" \
	"$(cat "$DAEMON_SYSLOG" 2>/dev/null)"

# Each sees only their own; someone else's id is answered as an unknown one.
check "U1 lists only their own token" "$IN" "$(as "$U1" list | tail -n +2 | cut -c1-16)"
check_match "U1 shows their own token" "^id: +$IN" "$(as "$U1" show "$IN")"
expect_as "U1 shows U2's token" 66 "no such token $ID\$" "$U1" show "$ID"
expect_as "U1 shows an unknown token" 66 "no such token 0123456789abcdef\$" \
	"$U1" show 0123456789abcdef
expect_as "U1 edits U2's token" 66 "no such token $ID\$" "$U1" edit "$ID" --name mine
expect_as "U1 revokes U2's token" 66 "no such token $ID" "$U1" revoke "$ID"
expect_as "U1 rotates U2's token" 66 "no such token $ID\$" "$U1" rotate "$ID"
expect_as "U1 revokes all of U2's tokens" 77 "only your own" "$U1" revoke --user "$U2"
expect_as "U1 lists everything" 77 "only your own" "$U1" list --all
expect_as "U1 lists U2's tokens" 77 "only your own" "$U1" list --user "$U2"
expect_as "U1 lists a project" 77 "only your own" "$U1" list --project PROJ
expect_as "U1 lists a repository" 77 "only your own" "$U1" list --repo PROJ/web
check "U2's token untouched" "active U2 ci" \
	"$(status_of "$ID") $(tkroot --json show "$ID" | sed 's/.*"name":"\([^"]*\)".*/\1/')"

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
check_match "a refusal is logged with its caller" \
	"^$((10 * 8 + 4)) httptokend: list: uid=$(id -u "$U1") user=$U1 refused: permission denied" \
	"$(cat "$DAEMON_SYSLOG" 2>/dev/null)"

# What is theirs, they manage.
as "$U1" edit "$IN" --name "renamed" --perm write 2>/dev/null
check "U1 edits their own token" "0" "$?"
TN2=$(as "$U1" rotate "$IN"); rc=$?
check "U1 rotates their own token" 0 "$rc"
IN2=$(token_id "$TN2")
check "rotation revoked the old one" "revoked" "$(status_of "$IN")"
as "$U1" revoke "$IN2" 2>/dev/null
check "U1 revokes their own token" "0 revoked" "$? $(status_of "$IN2")"
TN3=$(as "$U1" create --name again)
as "$U1" revoke --user "$U1" 2>/dev/null
check "U1 revokes all their own tokens" "0 revoked" "$? $(status_of "$(token_id "$TN3")")"
check_match "--json output comes back whole" '^\{"count":0,"ids":\[\],"dry_run":false\}$' "$(as "$U1" --json revoke --user "$U1")"

# A leaked token may be revoked by whoever holds it (stdin goes to the daemon).
printf '%s\n' "$TD" | as "$U1" revoke --token - 2>/dev/null
check "U1 revokes U2's leaked token from stdin" "0 revoked" "$? $(status_of "$ID")"

# A caller without a user name owns nothing.
err=$(setpriv --reuid=54321 --regid=54321 --clear-groups "$TOKENCTL" --socket "$SOCK" \
	create --name x 2>&1 >/dev/null)
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
	"$(tkroot list --all | grep -w -e www-data -e nobody -e daemon)"

# The caller's environment names nothing: not the user, not the store.
out=$(env USER=root LOGNAME=root SUDO_UID=0 HOME=/root HT_DEFAULT_DB="$TEST_TMP/evil.db" \
	setpriv --reuid="$U1" --regid="$U1" --init-groups "$TOKENCTL" --socket "$SOCK" \
	create --name "hostile env" 2>/dev/null); rc=$?
check "hostile environment: create still works" "0" "$rc"
check_match "hostile environment: the token is U1's" "\"owner\":\"$U1\"" \
	"$(tkroot --json show "$(token_id "$out")")"
check "hostile environment: nothing at the named store" "no" \
	"$([ -e "$TEST_TMP/evil.db" ] && echo yes || echo no)"

# A closed stdout: no token is made that nobody could see.
before=$(tkroot list --user "$U1" | wc -l)
err=$(as "$U1" create --name "closed fds" 2>&1 >&-)
check "closed stdout: create refuses with exit 74" 74 "$?"
check_match "closed stdout: says why" "standard output is not writable; no token created" "$err"
check "closed stdout: no token was made" "$before" "$(tkroot list --user "$U1" | wc -l)"
as "$U1" list >&- 2>&-
check "closed stdout and stderr: the store still verifies" 0 \
	"$(tkroot list --all >/dev/null 2>&1; echo $?)"

# The admin group: U2's primary group is U2.
# A project token needs the project registered.
tkroot project add PROJ 2>/dev/null || tap_bail "project add failed"
tkroot policy set --admin-group "$U2" 2>/dev/null
check_match "U2 (in the admin group) lists everything" "$U1" "$(as "$U2" list --all)"
TP=$(as "$U2" create --name deploy --project PROJ); rc=$?
check "U2 creates a project token" 0 "$rc"
check_match "the project token's scope" '"kind":"project".*"scope":"PROJ"' \
	"$(tkroot --json show "$(token_id "$TP")")"
TN4=$(as "$U1" create --name "for admin")
IN4=$(token_id "$TN4")
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
expect_as "an admin-group member cannot back up through the daemon" 77 "only root" \
	"$U2" backup "$TEST_TMP/b.db"
expect_as "a token administrator cannot change the policy" 77 "system administrators only" \
	"$U2" policy set --max-days 45
expect_as "nor purge" 77 "system administrators only" "$U2" purge
tkroot policy set --sysadmin-group "$U2" 2>/dev/null
as "$U2" policy set --max-days 45 2>/dev/null
check "U2 (in the sysadmin group) changes the policy" "45" \
	"$(tkroot --json policy | sed 's/.*"max_days":\([0-9]*\).*/\1/')"
check "the store is still root's, 0640, after non-root writes" "0 640" \
	"$(stat -c '%u %a' "$DB")"

# Membership is the group database's, read at every command; a group the
# caller's process carries but the database does not list counts for
# nothing (through the daemon, and on a store the caller opens itself).
GRP="htk-daemon-adm-$$"
groupadd "$GRP" || tap_bail "groupadd $GRP failed"
trap 'groupdel "$GRP" 2>/dev/null; daemon_fixture_stop; accounts_cleanup; rm -rf "$TEST_TMP"' EXIT
GID=$(getent group "$GRP" | cut -d: -f3)
tkroot policy set --admin-group "$GRP" 2>/dev/null
in_group() {   # in_group ARGS...: tokenctl as U1 with $GRP as a process group
	setpriv --reuid="$U1" --regid="$U1" --groups="$GID" "$TOKENCTL" "$@"
}
in_group --socket "$SOCK" list --all >/dev/null 2>&1
check "a process group the database does not list: not an administrator (daemon)" 77 "$?"
mkdir -m 0755 "$TEST_TMP/shared"
"$TOKENCTL" --db "$TEST_TMP/shared/tokens.db" --keyfile "$TEST_TMP/shared/key" \
	init --group "$GRP" 2>/dev/null || tap_bail "init of the shared store failed"
"$TOKENCTL" --db "$TEST_TMP/shared/tokens.db" --keyfile "$TEST_TMP/shared/key" \
	policy set --admin-group "$GRP" 2>/dev/null
err=$(in_group --db "$TEST_TMP/shared/tokens.db" --keyfile "$TEST_TMP/shared/key" \
	list --all 2>&1 >/dev/null)
check "a process group the database does not list: not an administrator (own rights)" \
	"77" "$?"
check_match "... and says so" "only your own" "$err"
gpasswd -a "$U1" "$GRP" >/dev/null 2>&1 || tap_bail "gpasswd -a failed"
check_match "added to the group in the database: an administrator at once" "U2 ci" \
	"$(as "$U1" list --all)"
gpasswd -d "$U1" "$GRP" >/dev/null 2>&1 || tap_bail "gpasswd -d failed"
as "$U1" list --all >/dev/null 2>&1
check "removed from the group: no longer an administrator at the next command" 77 "$?"

# HTTPTOKEN_SOCKET names the daemon as --socket does; root goes through it
# only when asked.
env HTTPTOKEN_SOCKET="$SOCK" setpriv --reuid="$U1" --regid="$U1" --init-groups \
	"$TOKENCTL" list >/dev/null 2>&1
check "HTTPTOKEN_SOCKET: a user reaches the daemon there" 0 "$?"
TR=$(HTTPTOKEN_SOCKET="$SOCK" "$TOKENCTL" create --name "root via the daemon")
check_match "HTTPTOKEN_SOCKET: root's command went through the daemon" \
	"httptokend: create: uid=0 user=root token=$(token_id "$TR")" "$(cat "$DAEMON_SYSLOG" 2>/dev/null)"
TR=$("$TOKENCTL" --db "$DB" --keyfile "$KEY" create --name "root directly")
check "without it root works on the store directly" "" \
	"$(grep "token=$(token_id "$TR")" "$DAEMON_SYSLOG" 2>/dev/null)"

# No daemon: 69, and how to start one.
err=$(setpriv --reuid="$U1" --regid="$U1" --init-groups "$TOKENCTL" \
	--socket "$TEST_TMP/none.sock" list 2>&1 >/dev/null)
check "no daemon on the socket: exit 69" 69 "$?"
check_match "... saying how to start it" \
	"httptokend is not running .*systemctl enable --now httptokend.socket" "$err"

# A daemon that creates its socket's directory (as /run/httptoken at boot)
# leaves it open to everyone, whatever its own umask.
"$HTTPTOKEND" --foreground --socket "$TEST_TMP/rundir/h.sock" --db "$DB" --keyfile "$KEY" \
	</dev/null >/dev/null 2>&1 &
SECOND=$!
i=0
while [ ! -S "$TEST_TMP/rundir/h.sock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
check "the socket's directory it made is 0755, the socket 0666" "755 666" \
	"$(stat -c %a "$TEST_TMP/rundir") $(stat -c %a "$TEST_TMP/rundir/h.sock")"
setpriv --reuid="$U1" --regid="$U1" --init-groups "$TOKENCTL" \
	--socket "$TEST_TMP/rundir/h.sock" list >/dev/null 2>&1
check "... and a user reaches the daemon there" 0 "$?"
err=$("$HTTPTOKEND" --foreground --socket "$TEST_TMP/rundir/h.sock" --db "$DB" \
	--keyfile "$KEY" 2>&1 </dev/null)
check "a second daemon on a live socket: refused (69)" 69 "$?"
check_match "... saying why" "another daemon answers on" "$err"
kill "$SECOND"; wait "$SECOND"
check "stopped, it removes its socket" no \
	"$([ -e "$TEST_TMP/rundir/h.sock" ] && echo yes || echo no)"

daemon_fixture_stop
check "the daemon stopped cleanly" "" "$(grep -v '^$' "$DAEMON_LOG")"
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The ways a local user could stall every change to the store (and so keep
# a leaked token alive) are closed: output to a pipe nobody reads (root's
# own tokenctl included), a client stopped with SIGSTOP mid-request or
# after it, and a client frozen by the cgroup v2 freezer. In each case,
# while the user's client is stuck, root's `revoke --wait 1` succeeds and
# the revoked token is refused by the PAM module at once.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/daemon-fixture.sh"
. "$top_srcdir/tests/accounts.sh"
PAMRUN="$top_builddir/tests/pam/pamrun"
daemon_fixture_require sleep
[ -x "$top_builddir/tests/daemon/hostile-client" ] && [ -x "$PAMRUN" ] || tap_skip_all "hostile-client or pamrun not built"
accounts_setup ve
make_user a; U1=$(acct a)
daemon_fixture
. "$top_srcdir/tests/daemon/hostile-lib.sh"

# The PAM service that judges the tokens (pam_wrapper: nothing in /etc).
PAMD="$TEST_TMP/pam.d"
mkdir "$PAMD"
printf 'auth required %s db=%s keyfile=%s resource=PROJ\n' "$PAM_MODULE" "$DB" "$KEY" \
	>"$PAMD/htk-vectors"
auth() {
	env LD_PRELOAD="${HT_TEST_PRELOAD:+$HT_TEST_PRELOAD:}libpam_wrapper.so" PAM_WRAPPER=1 \
		PAM_WRAPPER_SERVICE_DIR="$PAMD" "$PAMRUN" -p "$1" htk-vectors x-token-auth 2>/dev/null |
		sed 's/ .*//;s/^auth=//'
}
tkroot project add PROJ 2>/dev/null || tap_bail "project add failed"
V=$(tkroot create --name probe --project PROJ)
[ "$(auth "$V")" = PAM_SUCCESS ] || tap_skip_all "pam_wrapper does not work here"

# root_revokes WHAT: root revokes a fresh project token with --wait 1 (a
# second for the writers' lock) while WHAT holds; checks that it worked
# and that the module refuses the token.
root_revokes() {
	v=$(tkroot create --name "victim" --project PROJ)
	check "$1: the token works before" PAM_SUCCESS "$(auth "$v")"
	err=$(tkroot --wait 1 revoke "$(token_id "$v")" 2>&1)
	check "$1: root's revoke --wait 1 succeeds" "0 revoked" "$? $(status_of "$(token_id "$v")")"
	check_match "$1: ... and says so" "revoked 1 token" "$err"
	check "$1: the token is refused at once" PAM_AUTH_ERR "$(auth "$v")"
}

# --- output nobody reads --------------------------------------------------------
# A revoke whose notes (one per repeated id of an already revoked token)
# fill far more than a pipe, into a pipe nobody reads. The active token
# first: once it shows revoked, the command has done its work.
many_ids() {   # many_ids ACTIVE REVOKED N
	printf '%s\n' "$1"
	i=0
	while [ $i -lt "$3" ]; do printf '%s\n' "$2"; i=$((i + 1)); done
}
# The pipe: a FIFO this shell holds open and never reads (the writers do
# not inherit that end, so they are the only ones left once it is closed).
mkfifo "$TEST_TMP/unread"
exec 7<>"$TEST_TMP/unread"
A=$(token_id "$(tkroot create --name a)")
R=$(token_id "$(tkroot create --name r)")
tkroot revoke "$R" 2>/dev/null
# shellcheck disable=SC2046
"$TOKENCTL" --db "$DB" --keyfile "$KEY" revoke $(many_ids "$A" "$R" 5000) \
	>"$TEST_TMP/unread" 2>&1 7<&- &
STUCK=$!
i=0
while [ "$(status_of "$A")" != revoked ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
root_revokes "root's own revoke writing to an unread pipe"
check "... while that revoke is still blocked on its output" up \
	"$(kill -0 "$STUCK" 2>/dev/null && echo up)"
kill "$STUCK"; wait "$STUCK" 2>/dev/null

A=$(token_id "$(as "$U1" create --name a)")
R=$(token_id "$(as "$U1" create --name r)")
as "$U1" revoke "$R" 2>/dev/null
# (3000 ids: the request stays under 64 KiB; the notes are ~150 KiB)
# shellcheck disable=SC2046
setpriv --reuid="$U1" --regid="$U1" --init-groups "$TOKENCTL" --socket "$SOCK" \
	revoke $(many_ids "$A" "$R" 3000) >"$TEST_TMP/unread" 2>&1 7<&- &
STUCK=$!   # (setpriv execs tokenctl: the same process)
i=0
while [ "$(status_of "$A")" != revoked ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
check "a user's revoke into an unread pipe: done by the daemon" revoked "$(status_of "$A")"
root_revokes "a user's client writing to an unread pipe"
check "... while that client is still blocked on its output" up \
	"$(kill -0 "$STUCK" 2>/dev/null && echo up)"
kill "$STUCK"; wait "$STUCK" 2>/dev/null
exec 7<&-

# --- SIGSTOP ----------------------------------------------------------------------
REQ="{\"version\":1,\"argv\":[\"revoke\",\"--user\",\"$U1\"]}"
printf '%s' "$REQ" | hostile stop mid >"$TEST_TMP/stop-mid" &
C=$!
wait_for "$TEST_TMP/stop-mid" "half sent"
root_revokes "a client stopped (SIGSTOP) mid-request"
wait_for "$DAEMON_SYSLOG" "request not read: timed out"
kill -CONT "$(pid_in "$TEST_TMP/stop-mid")"; wait "$C"
check_match "the stopped client, continued after the daemon gave up, is told why" \
	"request refused: not received within 5 s" "$(cat "$TEST_TMP/stop-mid")"

printf '%s' "$REQ" | hostile stop sent >"$TEST_TMP/stop-sent" &
C=$!
wait_for "$TEST_TMP/stop-sent" "sent"
root_revokes "a client stopped (SIGSTOP) with its request sent"
kill -CONT "$(pid_in "$TEST_TMP/stop-sent")"; wait "$C"
check_match "the continued client still gets its reply" "^exit=0 " "$(cat "$TEST_TMP/stop-sent")"

# --- the cgroup v2 freezer ---------------------------------------------------------
# The first cgroup2 mount where we may create a group (the whole hierarchy
# on a unified host, /sys/fs/cgroup/unified on a hybrid one).
CG_ROOT=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
CG="$CG_ROOT/htk-daemon-vectors-$$"
if [ -n "$CG_ROOT" ] && mkdir "$CG" 2>/dev/null && [ -e "$CG/cgroup.freeze" ]; then
	trap 'echo 0 >"$CG/cgroup.freeze" 2>/dev/null; cat "$CG/cgroup.procs" 2>/dev/null |
		xargs -r kill -9 2>/dev/null; sleep 0.2; rmdir "$CG" 2>/dev/null
		daemon_fixture_stop; accounts_cleanup; rm -rf "$TEST_TMP"' EXIT
	# freeze_test DESCRIPTION MODE: the hostile client in MODE, moved into
	# the group and frozen once it has said what it did.
	freeze_test() {
		printf '%s' "$REQ" | hostile "$2" >"$TEST_TMP/frozen" &
		C=$!
		wait_for "$TEST_TMP/frozen" "sent"
		pid_in "$TEST_TMP/frozen" >"$CG/cgroup.procs" && echo 1 >"$CG/cgroup.freeze"
		i=0
		while ! grep -q '^frozen 1' "$CG/cgroup.events" && [ $i -lt 200 ]; do
			sleep 0.05; i=$((i + 1))
		done
		check "$1: the client is frozen" "frozen 1" "$(grep '^frozen' "$CG/cgroup.events")"
		root_revokes "$1"
		echo 0 >"$CG/cgroup.freeze"
		kill "$(pid_in "$TEST_TMP/frozen")" 2>/dev/null; wait "$C" 2>/dev/null
	}
	freeze_test "a client frozen mid-request" half
	freeze_test "a client frozen with its request sent" noread
else
	tap_skip "the cgroup v2 freezer" "no writable cgroup2 hierarchy with cgroup.freeze"
fi

check "the daemon is up at the end" up "$(kill -0 "$DAEMON_PID" && echo up)"
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A replica under stress: a sync killed with SIGKILL while it applies
# leaves a whole store and catches up; a replica stopped while 1000
# changes happen catches up; a follower gets changes as PostgreSQL
# notifies them, and a LISTEN connection terminated by the server only
# delays them.
. "$top_srcdir/tests/fleet/fleetenv.sh"
fleet_env_setup
N=1000

"$TOKENCTL" --db "$TEST_TMP/A/tokens.db" --keyfile "$SHARED/key" init 2>/dev/null ||
	tap_bail "tokenctl init on A failed"
: >"$TEST_TMP/tokens"
i=0
while [ $i -lt $N ]; do
	"$HTFIX" create "$TEST_TMP/A/tokens.db" "$SHARED/key" root personal - read 0 \
		>>"$TEST_TMP/tokens" || tap_bail "htfix create failed"
	i=$((i + 1))
done
on A fleet init 2>/dev/null || tap_bail "fleet init failed"
for h in A B C; do host_service $h; done
FIRST=$(head -1 "$TEST_TMP/tokens")
LAST=$(tail -1 "$TEST_TMP/tokens")

# SIGKILL during the first sync of C, at several moments: the replica is
# the old file or the new one, never a broken one.
for delay in 0.05 0.1 0.2 0.3; do
	on C sync >/dev/null 2>&1 &
	P=$!
	sleep $delay
	kill -KILL $P 2>/dev/null
	wait $P 2>/dev/null
	if [ -f "$TEST_TMP/C/tokens.db" ]; then
		OUT=$("$TOKENCTL" --db "$TEST_TMP/C/tokens.db" --keyfile "$SHARED/key" list --all 2>&1)
		RC=$?
		check "after SIGKILL at ${delay}s: C's replica reads whole" 0 "$RC"
		n=$(printf '%s\n' "$OUT" | grep -c ' active ')
		case $n in 0|$N) tap_ok "after SIGKILL at ${delay}s: none or all $N tokens ($n)" ;;
		*) tap_not_ok "after SIGKILL at ${delay}s: none or all $N tokens" "got $n" ;; esac
	else
		tap_ok "after SIGKILL at ${delay}s: no replica yet (the first write never published)"
		tap_ok "after SIGKILL at ${delay}s: nothing half-written"
	fi
done
OUT=$(on C sync 2>&1); RC=$?
check_match "C catches up after the kills" "^0 tokenctl: sync: position [0-9]+" "$RC $OUT"
check "C: the first token works" PAM_SUCCESS "$(login C "$FIRST")"
check "C: the last token works" PAM_SUCCESS "$(login C "$LAST")"
check "C: no temp file left behind" "" "$(ls "$TEST_TMP/C" | grep '\.tmp\.' || true)"

# B is stopped (never synced) while every token is revoked in one go on A:
# N changes, all applied in one sync.
on B sync >/dev/null 2>&1
check "B: the last token works before" PAM_SUCCESS "$(login B "$LAST")"
IDS=$(cut -c5-20 "$TEST_TMP/tokens" | tr '\n' ' ')
OUT=$(on A revoke $IDS 2>&1); RC=$?
check "A revokes $N tokens at once" "0 tokenctl: revoked $N tokens" "$RC $OUT"
check_match "B lags by $N changes" "lag $N changes" "$(on B fleet status 2>&1)"
OUT=$(on B sync 2>&1); RC=$?
check_match "B catches up: $N applied in one sync" "^0 tokenctl: sync: position [0-9]+, $N applied, 0 refused" "$RC $OUT"
check "B: the first token is refused" PAM_AUTH_ERR "$(login B "$FIRST")"
check "B: the last token is refused" PAM_AUTH_ERR "$(login B "$LAST")"
check "B: no token of the $N is active" 0 \
	"$(on B list --all --status active 2>/dev/null | grep -c 'htfix' || true)"

# wait_login HOST TOKEN EXPECTED: polls until the answer is EXPECTED (at
# most about 30 s; the follower normally needs well under one).
wait_login() {
	n=0
	while [ $n -lt 150 ]; do
		[ "$(login "$1" "$2")" = "$3" ] && { echo "$3"; return; }
		sleep 0.2
		n=$((n + 1))
	done
	login "$1" "$2"
}

"$TOKENCTL" --config "$TEST_TMP/C/httptoken.conf" --db "$TEST_TMP/C/tokens.db" \
	--keyfile "$SHARED/key" sync --follow >/dev/null 2>"$TEST_TMP/follow.log" &
F=$!
FOLLOWERS=$F
X=$(on A create --name followed 2>/dev/null)
check "follower: a token created on A reaches C" PAM_SUCCESS "$(wait_login C "$X" PAM_SUCCESS)"
KILLED=$(pg_sql httptoken "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
	WHERE application_name = 'tokenctl-follow'")
check "the follower's LISTEN connection is terminated" 1 "$KILLED"
Y=$(on A create --name after-terminate 2>/dev/null)
check "follower: after pg_terminate_backend, the next token still reaches C" PAM_SUCCESS \
	"$(wait_login C "$Y" PAM_SUCCESS)"
on A revoke "$(token_id "$Y")" 2>/dev/null
check "follower: a revocation on A reaches C" PAM_AUTH_ERR "$(wait_login C "$Y" PAM_AUTH_ERR)"
check_match "follower: the lost connection is logged" "follow: .*reconnecting" "$(cat "$TEST_TMP/follow.log")"
kill -TERM $F
wait $F
check "follower: SIGTERM ends it with status 0" 0 "$?"
FOLLOWERS=""
tap_done

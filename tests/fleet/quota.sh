#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# max-tokens-per-user across a fleet: one user creating personal tokens on
# two hosts at once (each through its own httptokend) cannot pass the
# limit together. Both commands are held at the database's writers' lock
# after they have counted in their own replicas, so that without the
# check in the database transaction both would pass.
. "$top_srcdir/tests/fleet/fleetenv.sh"
fleet_env_setup
. "$top_srcdir/tests/accounts.sh"
HTTPTOKEND="$top_builddir/httptokend/httptokend"
[ -x "$HTTPTOKEND" ] || tap_skip_all "httptokend not built"
command -v setpriv >/dev/null || tap_skip_all "setpriv not installed"
accounts_require
account_db_lock
ACCOUNT_TAG=flq
make_user u
U=$(acct u)
DAEMONS=""
trap 'for p in $DAEMONS; do kill "$p" 2>/dev/null; done; pg_stop_quiet; accounts_cleanup; rm -rf "$TEST_TMP"' EXIT

# daemon HOST: httptokend for HOST's configuration and replica.
daemon() {
	sock="$TEST_TMP/$1/httptokend.sock"
	"$HTTPTOKEND" --foreground --socket "$sock" --db "$TEST_TMP/$1/tokens.db" \
		--keyfile "$SHARED/key" --config "$TEST_TMP/$1/httptoken.conf" \
		</dev/null >"$TEST_TMP/$1/httptokend.log" 2>&1 &
	DAEMONS="$DAEMONS $!"
	n=0
	until [ -S "$sock" ]; do
		n=$((n + 1))
		[ $n -lt 200 ] || tap_bail "httptokend for $1 did not start: $(cat "$TEST_TMP/$1/httptokend.log")"
		sleep 0.05
	done
}
# as_on HOST ARGS...: tokenctl ARGS as the user, through HOST's daemon.
as_on() {
	h=$1
	shift
	setpriv --reuid="$U" --regid="$(id -g "$U")" --init-groups \
		"$TOKENCTL" --socket "$TEST_TMP/$h/httptokend.sock" "$@"
}
waiting() {
	pg_sql httptoken "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $WRITERS_LOCK AND NOT granted"
}
mine() { on C list --all 2>/dev/null | grep -c " $U "; }

"$TOKENCTL" --db "$TEST_TMP/A/tokens.db" --keyfile "$SHARED/key" init 2>/dev/null ||
	tap_bail "tokenctl init on A failed"
on A fleet init >/dev/null 2>&1 || tap_bail "fleet init failed"
on B sync >/dev/null 2>&1
on C sync >/dev/null 2>&1
on A policy set --max-tokens-per-user 2 >/dev/null 2>&1
daemon A
daemon B
OUT=$(as_on A create --name first 2>&1); RC=$?
check_match "the user's first token, on A" "^0 htk_" "$RC $OUT"

# Another client holds the writers' lock; both creates count in their
# replicas (one token, the limit is two), then wait for it.
hold_writers_lock
as_on A create --name on-a >"$TEST_TMP/a.out" 2>&1 &
PA=$!
as_on B create --name on-b >"$TEST_TMP/b.out" 2>&1 &
PB=$!
n=0
until [ "$(waiting)" = 2 ] || [ $n -ge 40 ]; do sleep 0.1; n=$((n + 1)); done
check "both creates wait for the writers' lock" 2 "$(waiting)"
release_writers_lock
wait $PA; RA=$?
wait $PB; RB=$?
check "one of the two creates lands, the other exits 65" "0 65" \
	"$(printf '%s\n%s\n' "$RA" "$RB" | sort -n | tr '\n' ' ' | sed 's/ $//')"
check_match "the refused one says why" \
	"tokenctl: you have 2 personal tokens, revoked ones included, and the policy allows 2 \\(max-tokens-per-user\\)" \
	"$(cat "$TEST_TMP/a.out" "$TEST_TMP/b.out")"
on C sync >/dev/null 2>&1
check "the fleet holds two of the user's tokens, not three" 2 "$(mine)"
OUT=$(as_on B create --name third 2>&1); RC=$?
check_match "a third create on B, later: 65" "^65 tokenctl: you have 2 personal tokens" "$RC $OUT"

# Purged on this host (revoked, then purge --revoked): the replica's count
# goes down, and the rows written elsewhere still count.
ID=$(on C list --all 2>/dev/null | grep " $U .* first$" | cut -d' ' -f1)
as_on A revoke "$ID" >/dev/null 2>&1
OUT=$(as_on A purge --revoked 2>&1); RC=$?
check "the user purges the revoked token on A" 0 "$RC"
OUT=$(as_on A create --name after-purge 2>&1); RC=$?
check_match "after a purge on A: one more on A" "^0 htk_" "$RC $OUT"
tap_done

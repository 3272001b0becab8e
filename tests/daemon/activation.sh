#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# httptokend as systemd runs it: started on the first connection with the
# listening socket as descriptor 3 (LISTEN_FDS, LISTEN_PID; here through
# systemd-socket-activate), serving users, and exiting once idle; refusing
# to start without a socket from systemd or --foreground. And the shipped
# units, as this build generates them, pass systemd-analyze verify.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/daemon-fixture.sh"
. "$top_srcdir/tests/accounts.sh"
daemon_fixture_require systemd-socket-activate systemd-analyze
accounts_setup ac
make_user a; U1=$(acct a)
make_user b; U2=$(acct b)
DB="$TEST_TMP/store/tokens.db"
KEY="$TEST_TMP/store/key"
mkdir -m 0755 "$TEST_TMP/store"
tkroot init 2>/dev/null || tap_bail "tokenctl init failed"

# --- socket activation ----------------------------------------------------------
ACT="$TEST_TMP/act.sock"
systemd-socket-activate -l "$ACT" "$HTTPTOKEND" --db "$DB" --keyfile "$KEY" --idle 2 \
	</dev/null >"$TEST_TMP/act.log" 2>&1 &
P=$!
i=0
while [ ! -S "$ACT" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
chmod 0666 "$ACT"   # as SocketMode=0666 does
T=$(setpriv --reuid="$U1" --regid="$U1" --init-groups "$TOKENCTL" --socket "$ACT" \
	create --name activated 2>"$TEST_TMP/err"); rc=$?
check "the first connection starts the daemon, which serves it" 0 "$rc"
check_match "... a token, U1's" "\"owner\":\"$U1\"" "$(tkroot --json show "$(token_id "$T")")"
check "the daemon runs with the socket systemd gave it" "$HTTPTOKEND" \
	"$(readlink "/proc/$P/exe")"
check "socket activation: the daemon does not remove the socket it was given" yes \
	"$([ -S "$ACT" ] && echo yes)"
setpriv --reuid="$U2" --regid="$U2" --init-groups "$TOKENCTL" --socket "$ACT" list >/dev/null 2>&1
check "it goes on serving" 0 "$?"
# --idle 2: it exits by itself (the wait is bounded: a daemon that never
# exits is killed after 60 s and fails the check).
( sleep 60; kill "$P" 2>/dev/null ) &
WATCH=$!
wait "$P"
check "it exits by itself when idle, with status 0" 0 "$?"
kill "$WATCH" 2>/dev/null
check "no complaint from the daemon" "" "$(grep "^httptokend:" "$TEST_TMP/act.log")"

err=$("$HTTPTOKEND" --db "$DB" --keyfile "$KEY" 2>&1 </dev/null)
check "without a socket from systemd nor --foreground: refused (69)" 69 "$?"
check_match "... saying so" "not started by systemd .*--foreground" "$err"
err=$(env LISTEN_FDS=1 LISTEN_PID=1 "$HTTPTOKEND" --db "$DB" --keyfile "$KEY" 2>&1 </dev/null)
check "LISTEN_FDS meant for another process: refused (69)" 69 "$?"
err=$(env LISTEN_FDS=1 LISTEN_PID=$$ sh -c 'exec "$0" --db "$1" --keyfile "$2" 3</dev/null' \
	"$HTTPTOKEND" "$DB" "$KEY" 2>&1 </dev/null)
check "descriptor 3 that is no listening socket: refused (69)" 69 "$?"

# --- the units --------------------------------------------------------------
UNITS="$top_builddir/etc/systemd"
[ -f "$UNITS/httptokend.service" ] || tap_bail "the units are not built"
mkdir "$TEST_TMP/units"
cp "$UNITS/httptokend.socket" "$TEST_TMP/units/"
# (verify wants the program to exist: point it at the built one)
sed "s|^ExecStart=.*|ExecStart=$HTTPTOKEND|" "$UNITS/httptokend.service" \
	>"$TEST_TMP/units/httptokend.service"
out=$(cd "$TEST_TMP/units" && systemd-analyze verify --man=no ./httptokend.socket \
	./httptokend.service 2>&1)
check "systemd-analyze verify: the units are clean" "0 " "$? $out"
for want in ProtectSystem=strict ReadWritePaths= PrivateTmp=yes NoNewPrivileges=yes \
	RestrictAddressFamilies=AF_UNIX SystemCallFilter=@system-service PrivateNetwork=yes; do
	check "the service sets $want" yes \
		"$(grep -q "^$want" "$UNITS/httptokend.service" && echo yes)"
done
check "the socket is mode 0666" yes "$(grep -q '^SocketMode=0666$' "$UNITS/httptokend.socket" && echo yes)"
# --- --config: the fleet configuration is the daemon's, read where users'
# commands run (a user's client never reads it) -----------------------------------
printf 'source = nonsense\n' >"$TEST_TMP/bad.conf"
printf '# this host keeps its own store\nsource = local\n' >"$TEST_TMP/local.conf"
chmod 0644 "$TEST_TMP/bad.conf" "$TEST_TMP/local.conf"
for c in bad local; do
	S="$TEST_TMP/$c.sock"
	"$HTTPTOKEND" --foreground --socket "$S" --db "$DB" --keyfile "$KEY" \
		--config "$TEST_TMP/$c.conf" </dev/null >"$TEST_TMP/$c.log" 2>&1 &
	eval "PID_$c=\$!"
	i=0
	while [ ! -S "$S" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
done
err=$(setpriv --reuid=nobody --regid=nogroup --init-groups "$TOKENCTL" --socket "$TEST_TMP/bad.sock" \
	list 2>&1 >/dev/null); rc=$?
check "a daemon with a bad --config refuses users' commands: exit 78" 78 "$rc"
check_match "... naming the file and the line" "bad\.conf:1: source: expected local" "$err"
setpriv --reuid=nobody --regid=nogroup --init-groups "$TOKENCTL" --socket "$TEST_TMP/local.sock" \
	list >/dev/null 2>&1
check "a daemon with --config saying source = local serves users" 0 "$?"
err=$(setpriv --reuid=nobody --regid=nogroup --init-groups "$TOKENCTL" --socket "$TEST_TMP/local.sock" \
	--config "$TEST_TMP/bad.conf" list 2>&1 >/dev/null); rc=$?
check "a user's --config is refused by the daemon: exit 77" 77 "$rc"
kill "$PID_bad" "$PID_local" 2>/dev/null
wait "$PID_bad" "$PID_local" 2>/dev/null
tap_done

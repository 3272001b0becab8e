#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# notify in a fleet: only one host sends expiry mail at a time. While a
# notify on host A is sending (its sendmail held at a gate), a notify on
# host B is refused with 75 and says why, sending nothing; once A is done,
# or killed, B may run.
. "$top_srcdir/tests/fleet/fleetenv.sh"
fleet_env_setup

# A sendmail that records each mail; with a gate, it first says it has
# started and waits until the gate opens.
cat >"$TEST_TMP/sendmail" <<EOF
#!/bin/sh
[ -z "\${GATE:-}" ] || { : >"\$GATE.started"; while [ ! -e "\$GATE" ]; do sleep 0.05; done; }
{ echo "From \$HOST_TAG"; cat; } >>"$TEST_TMP/mails"
EOF
chmod 0755 "$TEST_TMP/sendmail"
export TOKENCTL_SENDMAIL="$TEST_TMP/sendmail"
mails() { grep -c '^From ' "$TEST_TMP/mails" 2>/dev/null || echo 0; }
# wait_for FILE: at most about 20 s.
wait_for() {
	n=0
	while [ ! -e "$1" ] && [ $n -lt 400 ]; do sleep 0.05; n=$((n + 1)); done
}

"$TOKENCTL" --db "$TEST_TMP/A/tokens.db" --keyfile "$SHARED/key" init 2>/dev/null ||
	tap_bail "tokenctl init on A failed"
on A fleet init >/dev/null 2>&1 || tap_bail "fleet init failed"
on A create --name soon --expires 3 >/dev/null 2>&1 || tap_bail "create failed"
on B sync >/dev/null 2>&1

# A sends, held at the gate: it holds the fleet's notify lock.
GATE="$TEST_TMP/gate" HOST_TAG=A on A notify --expiring 7 >"$TEST_TMP/a.out" 2>&1 &
PA=$!
wait_for "$TEST_TMP/gate.started"
check "A's notify is sending" yes "$([ -e "$TEST_TMP/gate.started" ] && echo yes)"
OUT=$(HOST_TAG=B on B notify --expiring 7 2>&1); RC=$?
check "B's notify meanwhile: 75, and why" \
	"75 tokenctl: notify: another host of the fleet is sending expiry mail now (it holds the database's notify lock); nothing was sent here" \
	"$RC $OUT"
OUT=$(on B --json notify --expiring 7 --dry-run 2>&1); RC=$?
check_match "a dry run on B needs no lock" '^0 \{"dry_run":true,"mails":\[\{"to":"root","sent":false' \
	"$RC $OUT"
: >"$TEST_TMP/gate"
wait $PA
check "A's notify ends: 0" 0 "$?"
check "one mail, from A" "1 A" "$(mails) $(sed -n 's/^From //p' "$TEST_TMP/mails")"

# A notify killed while it holds the lock: its connection closes and the
# lock goes with it.
rm -f "$TEST_TMP/gate" "$TEST_TMP/gate.started"
on A create --name later --expires 2 >/dev/null 2>&1
(
	GATE="$TEST_TMP/gate" HOST_TAG=A
	export GATE HOST_TAG
	exec "$TOKENCTL" --config "$TEST_TMP/A/httptoken.conf" --db "$TEST_TMP/A/tokens.db" \
		--keyfile "$SHARED/key" notify --expiring 7 >/dev/null 2>&1
) &
PA=$!
wait_for "$TEST_TMP/gate.started"
OUT=$(HOST_TAG=C on C notify --expiring 7 2>&1); RC=$?
check_match "C while A sends: 75" "^75 .*another host of the fleet is sending" "$RC $(printf '%s' "$OUT" | tr '\n' ' ')"
kill -KILL $PA; wait $PA 2>/dev/null
: >"$TEST_TMP/gate"
OUT=$(HOST_TAG=C on C notify --expiring 7 2>&1); RC=$?
check_match "after A was killed, C's notify runs" "^0 " "$RC $OUT"
check "C sent its mail" 1 "$(grep -c '^From C' "$TEST_TMP/mails")"

# Outside a fleet, notify takes no lock (a host of its own).
cp -p "$TEST_TMP/A/tokens.db" "$TEST_TMP/local.db"
hold_notify() {
	pg_sql httptoken "SELECT pg_advisory_lock(1752462446); SELECT pg_sleep(30)" >/dev/null 2>&1 &
	HOLDER=$!
	n=0
	until [ "$(pg_sql httptoken "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" = 1 ] ||
		[ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
}
hold_notify
OUT=$(HOST_TAG=B on B notify --expiring 7 2>&1); RC=$?
check_match "the lock held by another client: B refused (75)" "^75 .*notify lock" "$RC $OUT"
printf 'source = local\n' >"$TEST_TMP/local.conf"
OUT=$(HOST_TAG=L "$TOKENCTL" --config "$TEST_TMP/local.conf" --db "$TEST_TMP/local.db" \
	--keyfile "$SHARED/key" notify --expiring 7 2>&1); RC=$?
check_match "a host of its own ignores the fleet's lock" "^0 " "$RC $OUT"
kill "$HOLDER" 2>/dev/null
tap_done

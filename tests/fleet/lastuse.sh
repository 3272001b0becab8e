#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Last use across a fleet: a login on B reaches the database when B syncs
# (or its follower pushes), and list/show on any host show the latest use
# and which service and host saw it; the replica is not rewritten for it;
# a value no host could have written is dropped; the database down, a
# host shows what it saw itself. And the schema of version 1 (no last-use
# table) is refused with a message and migrated by fleet init.
. "$top_srcdir/tests/fleet/fleetenv.sh"
fleet_env_setup
HOST=$(hostname)

"$TOKENCTL" --db "$TEST_TMP/A/tokens.db" --keyfile "$SHARED/key" init 2>/dev/null ||
	tap_bail "tokenctl init on A failed"
on A fleet init >/dev/null 2>&1 || tap_bail "fleet init failed"
T=$(on A create --name used 2>/dev/null)
ID=$(token_id "$T")
for h in B C; do on $h sync >/dev/null 2>&1; done
for h in A B C; do host_service $h; done
field() { on "$1" --json show "$ID" 2>/dev/null | grep -o "\"$2\":[^,]*" ; }

check "before any login: A shows no use" '"last_used":null' "$(field A last_used)"
BEFORE=$(stat -c '%i %Y' "$TEST_TMP/B/tokens.db")
check "a login on B" PAM_SUCCESS "$(login B "$T")"
OUT=$(on B sync 2>&1); RC=$?
check_match "B's sync pushes the use" "^0 .*sync: 1 last use pushed" "$RC $(printf '%s' "$OUT" | tr '\n' ' ')"
check "B's replica was not rewritten for it" "$BEFORE" "$(stat -c '%i %Y' "$TEST_TMP/B/tokens.db")"
check "the database holds it, with B's service and host" "host-b|$HOST" \
	"$(pg_sql httptoken "SELECT service, host FROM httptoken_lastuse WHERE id = (x'$ID')::bigint")"
check "A shows B's use: the service" '"last_used_service":"host-b"' "$(field A last_used_service)"
check "A shows B's use: the host" "\"last_used_host\":\"$HOST\"" "$(field A last_used_host)"
check_match "C's list shows it too" "\"id\":\"$ID\".*\"last_used_service\":\"host-b\"" \
	"$(on C --json list --all 2>/dev/null | tr -d '\n')"

# A use A saw itself, as recent: A shows its own.
check "a login on A" PAM_SUCCESS "$(login A "$T")"
check "A's own use, at least as recent, wins" '"last_used_service":"host-a"' "$(field A last_used_service)"
# The database's, newer: it wins.
pg_sql httptoken "UPDATE httptoken_lastuse SET at = at + 1000" >/dev/null
check "a newer use in the database wins" '"last_used_service":"host-b"' "$(field A last_used_service)"
# revoke --unused counts the fleet's last use: a token used on another
# host more recently than this one saw is not unused here.
check "revoke --unused on A counts B's later use" '{"count":0,"ids":[],"dry_run":true}' \
	"$(on A --json revoke --unused 0 --dry-run 2>/dev/null)"
# Written straight into the database, not as a host writes it: dropped.
pg_sql httptoken "UPDATE httptoken_lastuse SET at = at + 1000, service = E'evil\\x1b[31m'" >/dev/null
check "a control character in the database's service: dropped" '"last_used_service":"host-a"' \
	"$(field A last_used_service)"
pg_sql httptoken "UPDATE httptoken_lastuse SET service = repeat('s', 65)" >/dev/null
check "an oversized service: dropped" '"last_used_service":"host-a"' "$(field A last_used_service)"

# The database down: a host shows its own, and says so.
pg_stop
OUT=$(on A show "$ID" 2>&1); RC=$?
check_match "database down: show exits 0 and warns" \
	"^0 .*tokenctl: warning: last use as this host saw it only: database unreachable" \
	"$RC $(printf '%s' "$OUT" | tr '\n' ' ')"
check "database down: A shows its own use" '"last_used_service":"host-a"' "$(field A last_used_service)"
pg_start

# A push sends only what changed since the last one began.
pg_sql httptoken "DELETE FROM httptoken_lastuse" >/dev/null
touch -m -d "@$(($(date +%s) - 3600))" "$TEST_TMP/B/tokens.db.lastused/$ID"
OUT=$(on B sync 2>&1)
check "an entry older than the last push: not pushed again" "" "$(printf '%s' "$OUT" | grep 'last use')"
check "... and not in the database" 0 "$(pg_sql httptoken "SELECT count(*) FROM httptoken_lastuse")"

# The follower pushes without being asked.
"$TOKENCTL" --config "$TEST_TMP/C/httptoken.conf" --db "$TEST_TMP/C/tokens.db" \
	--keyfile "$SHARED/key" sync --follow >/dev/null 2>"$TEST_TMP/follow.log" &
FOLLOWERS=$!
pg_sql httptoken "DELETE FROM httptoken_lastuse" >/dev/null
check "a login on C" PAM_SUCCESS "$(login C "$T")"
n=0
until [ "$(pg_sql httptoken "SELECT service FROM httptoken_lastuse")" = host-c ] || [ $n -ge 150 ]; do
	sleep 0.2; n=$((n + 1))
done
check "the follower pushed C's use" host-c "$(pg_sql httptoken "SELECT service FROM httptoken_lastuse")"
kill $FOLLOWERS; wait $FOLLOWERS 2>/dev/null
FOLLOWERS=""

# A database of schema version 1 (no last-use table): every host says
# what to do; fleet init migrates it and keeps the rows.
pg_sql httptoken "DROP TABLE httptoken_lastuse; UPDATE httptoken_schema SET version = 1" >/dev/null
OUT=$(on B sync 2>&1); RC=$?
check "schema version 1: sync refused (78), says how to migrate" \
	"78 tokenctl: sync: database: schema version 1, this tokenctl needs 2 (run tokenctl fleet init on one host to migrate it)" \
	"$RC $OUT"
OUT=$(on A fleet init 2>&1); RC=$?
check "fleet init migrates it" \
	"0 tokenctl: fleet init: migrated the database schema from version 1 to 2; the rows it holds are kept, nothing was loaded" \
	"$RC $OUT"
OUT=$(on B sync 2>&1); RC=$?
check_match "after the migration B syncs again" "^0 tokenctl: sync: position" "$RC $OUT"
check "the token still works on B" PAM_SUCCESS "$(login B "$T")"
tap_done

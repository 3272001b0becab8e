#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Three hosts and one PostgreSQL: what a token created, revoked or
# tampered with on one host does on the others, through the real PAM
# module reading each host's replica; and what an outage of the database
# does.
. "$top_srcdir/tests/fleet/fleetenv.sh"
fleet_env_setup

# Host A starts the fleet from its own store; B and C join with sync.
# Before the fleet, A is a host of its own (no configuration); D is one too.
"$TOKENCTL" --db "$TEST_TMP/A/tokens.db" --keyfile "$SHARED/key" init 2>/dev/null ||
	tap_bail "tokenctl init on A failed"
OLD=$("$TOKENCTL" --db "$TEST_TMP/A/tokens.db" --keyfile "$SHARED/key" create --name before-the-fleet 2>/dev/null)
mkdir -p "$TEST_TMP/D" && chmod 0755 "$TEST_TMP/D"
cp -p "$TEST_TMP/A/tokens.db" "$TEST_TMP/D/tokens.db"
# A token whose owner has no account on this machine: the hosts would not
# share one account database.
"$HTFIX" create "$TEST_TMP/A/tokens.db" "$SHARED/key" htk-fleet-nobody personal - read 0 >/dev/null
cp "$TEST_TMP/A/httptoken.conf" "$TEST_TMP/D/"
mkdir -p "$TEST_TMP/E" && chmod 0755 "$TEST_TMP/E"
cp "$TEST_TMP/A/httptoken.conf" "$TEST_TMP/E/"
OUT=$(on A fleet init 2>&1)
check "fleet init loads A's store" "tokenctl: fleet init: 2 tokens, 0 registry entries and the policy loaded from $TEST_TMP/A/tokens.db" \
	"$(printf '%s' "$OUT" | grep 'fleet init')"
OUT=$(on A fleet init 2>&1); RC=$?
check "fleet init again: refused (73), the schema is not empty" "73 tokenctl: database: the schema already holds 3 rows; fleet init loads only an empty one" \
	"$RC $OUT"
for h in A B C; do host_service $h; done
OUT=$(on B sync 2>&1)
check_match "B joins: sync creates its replica" "created the replica .*/B/tokens.db" "$OUT"
on C sync 2>/dev/null
check "a token made before the fleet works on C" PAM_SUCCESS "$(login C "$OLD")"
chgrp nogroup "$SHARED/key"
on E sync >/dev/null 2>&1
check "a new replica takes the key file's group and mode 0640" "nogroup 640" \
	"$(stat -c '%G %a' "$TEST_TMP/E/tokens.db" 2>&1)"
check "... and gets the last-use directory" "nogroup 3770" \
	"$(stat -c '%G %a' "$TEST_TMP/E/tokens.db.lastused" 2>&1)"
chgrp root "$SHARED/key"

# A host with tokens of its own is not overwritten unless asked.
OUT=$(on D sync 2>&1); RC=$?
check "sync on a host with its own store: refused (73)" "73 tokenctl: $TEST_TMP/D/tokens.db holds 1 token of its own and is not a replica; sync --replace drops it and takes the fleet's" "$RC $OUT"
OUT=$(on D sync --replace 2>&1); RC=$?
check_match "sync --replace says what it dropped" "^0 .*--replace: 1 local token dropped" "$RC $(printf '%s' "$OUT" | tr '\n' ' ')"

# Created on A: works on B and C once they have synced.
T=$(on A create --name ci --perm write 2>/dev/null)
check_match "create on A prints the token" '^htk_[0-9a-f]{16}' "$T"
check "A: the new token works at once" PAM_SUCCESS "$(login A "$T")"
check "B before sync: unknown" PAM_AUTH_ERR "$(login B "$T")"
on B sync 2>/dev/null; on C sync 2>/dev/null
check "B after sync: works" PAM_SUCCESS "$(login B "$T")"
check "C after sync: works" PAM_SUCCESS "$(login C "$T")"

# Revoked on C: refused on A and B.
OUT=$(on C revoke "$(token_id "$T")" 2>&1); RC=$?
check "revoke on C" "0 tokenctl: revoked 1 token" "$RC $OUT"
check "C: refused at once" PAM_AUTH_ERR "$(login C "$T")"
on A sync 2>/dev/null; on B sync 2>/dev/null
check "A after sync: refused" PAM_AUTH_ERR "$(login A "$T")"
check "B after sync: refused" PAM_AUTH_ERR "$(login B "$T")"

# Edits travel too.
U=$(on B create --name deploy 2>/dev/null)
on B edit "$(token_id "$U")" --name renamed 2>/dev/null
on A sync 2>/dev/null
check_match "an edit on B reaches A" '"name":"renamed"' "$(on A --json show "$(token_id "$U")" 2>/dev/null)"

# The database stops: logins go on everywhere; a revoke on B is in force
# on B at once and queued; a create exits 69.
W=$(on A create --name outage 2>/dev/null)
on B sync 2>/dev/null; on C sync 2>/dev/null
Z=$(on A create --name not-yet-on-B 2>/dev/null)
V=$(on A create --name leaked 2>/dev/null)
on C sync 2>/dev/null
pg_stop
for h in A B C; do
	check "database down: login on $h goes on" PAM_SUCCESS "$(login $h "$W")"
done
OUT=$(on B revoke "$(token_id "$W")" 2>&1); RC=$?
check_match "database down: revoke on B exits 0 and says it is queued" \
	"^0 .*database unreachable.*the revocation is in force on this host and queued" \
	"$RC $(printf '%s' "$OUT" | tr '\n' ' ')"
check "database down: B refuses at once" PAM_AUTH_ERR "$(login B "$W")"
OUT=$(on B revoke "$(token_id "$Z")" 2>&1); RC=$?
check "database down: revoking an id B does not hold yet is queued too" \
	"0 tokenctl: token $(token_id "$Z") is not on this host yet; its revocation is queued for the database" "$RC $OUT"
check_match "fleet status on B shows the queue" "queued revocations: 2" "$(on B fleet status 2>&1)"
OUT=$(printf '%s\n' "$V" | on C revoke --token - 2>&1); RC=$?
check_match "database down: revoke --token - on C exits 0, queued" \
	"^0 .*the revocation is in force on this host and queued" "$RC $(printf '%s' "$OUT" | tr '\n' ' ')"
check "database down: C refuses the leaked token at once" PAM_AUTH_ERR "$(login C "$V")"
OUT=$(on A create --name nope 2>&1); RC=$?
check_match "database down: create exits 69 and says why" \
	"^69 tokenctl: database unreachable: .*nothing was changed" "$RC $OUT"
OUT=$(on A revoke --user root 2>&1); RC=$?
check_match "database down: a bulk revoke exits 69" "^69 tokenctl: database unreachable" "$RC $OUT"
OUT=$(on C sync 2>&1); RC=$?
check_match "database down: sync exits 69" "^69 tokenctl: sync: database unreachable" "$RC $OUT"
check "database down: A still accepts (not yet told)" PAM_SUCCESS "$(login A "$W")"
pg_start
on B sync 2>/dev/null
check "database back: B's queue is empty" "queued revocations: 0" "$(on B fleet status 2>&1 | grep queued)"
on A sync 2>/dev/null; on C sync 2>/dev/null
check "database back: A refuses the revoked token" PAM_AUTH_ERR "$(login A "$W")"
check "database back: C refuses the revoked token" PAM_AUTH_ERR "$(login C "$W")"
on A sync 2>/dev/null
check "database back: the token revoked with --token on C is refused on A" PAM_AUTH_ERR "$(login A "$V")"
check "database back: B still refuses it" PAM_AUTH_ERR "$(login B "$W")"
check "database back: the id queued before B had it is refused on A" PAM_AUTH_ERR "$(login A "$Z")"
on B sync 2>/dev/null
check "database back: ... and on B once it has it" PAM_AUTH_ERR "$(login B "$Z")"

# Rows changed directly in the database: refused by every replica.
R=$(on A create --name reader --perm read 2>/dev/null)
RID=$(token_id "$R")
RDEC=$(printf '%d' "0x$RID" 2>/dev/null || echo x)
for h in A B C; do on $h sync 2>/dev/null; done
service_write() {
	DB="$TEST_TMP/$1/tokens.db"; KEY="$SHARED/key"
	service "write-$(printf '%s' "$1" | tr A-Z a-z)" require=write
}
for h in A B C; do service_write $h; done
check "before tampering: a read token is refused write access on B" PAM_AUTH_ERR \
	"$(auth write-b root "$R")"
# The record's third byte is its permission: widen read (1) to admin (3).
pg_sql httptoken "UPDATE httptoken_rows SET payload = set_byte(payload, 2, 3),
	seq = nextval('httptoken_change_seq') WHERE kind = 1 AND id = (x'$RID')::bigint" >/dev/null
for h in A B C; do
	OUT=$(on $h sync 2>&1)
	check_match "widened row: $h logs the refusal" \
		"token $RID \\(change [0-9]+\\): row refused, the token is refused on this host until a valid row arrives: signature does not verify" "$OUT"
	check "widened row: $h refuses write" PAM_AUTH_ERR "$(auth write-$(printf '%s' $h | tr A-Z a-z) root "$R")"
	check "widened row: $h refuses the token altogether" PAM_AUTH_ERR "$(login $h "$R")"
done
# The fourth byte holds the revoked flag: clear it on the token revoked on C.
TID=$(token_id "$T")
pg_sql httptoken "UPDATE httptoken_rows SET payload = set_byte(payload, 3, 0),
	seq = nextval('httptoken_change_seq') WHERE kind = 1 AND id = (x'$TID')::bigint" >/dev/null
for h in A B C; do
	OUT=$(on $h sync 2>&1)
	check_match "cleared revocation: $h logs the refusal" "token $TID .*row refused" "$OUT"
	check "cleared revocation: $h keeps the token refused" PAM_AUTH_ERR "$(login $h "$T")"
done
# A validly signed older row of the revoked token, replayed: still revoked.
pg_sql httptoken "UPDATE httptoken_rows SET seq = nextval('httptoken_change_seq'),
	sig = decode(repeat('00', 64), 'hex') WHERE kind = 1 AND id = (x'$TID')::bigint" >/dev/null
on B sync 2>/dev/null
check "a zeroed signature: still refused on B" PAM_AUTH_ERR "$(login B "$T")"
OUT=$(on A fleet status 2>&1)
check_match "fleet status lists the refused ids" "refused here: 2 \\(.*$RID" "$OUT"
check_match "fleet status warns of an owner unknown here" \
	"warning: 1 of [0-9]+ personal tokens name an owner who does not exist here or has another uid" "$OUT"
OUT=$(on A edit "$RID" --name reader2 2>&1); RC=$?
check "a refused id cannot be edited here (66)" "66 tokenctl: no such token $RID" \
	"$RC $(printf '%s' "$OUT" | tail -1)"

# Concurrent creates on two hosts both land.
( for i in 1 2 3 4 5; do on A create --name "a$i" >/dev/null 2>&1 || echo fail; done ) >"$TEST_TMP/ca" &
P1=$!
( for i in 1 2 3 4 5; do on B create --name "b$i" >/dev/null 2>&1 || echo fail; done ) >"$TEST_TMP/cb" &
P2=$!
wait $P1 $P2
check "concurrent creates: none failed" "" "$(cat "$TEST_TMP/ca" "$TEST_TMP/cb")"
on C sync 2>/dev/null
check "concurrent creates: all ten reach C" 10 \
	"$(on C list --all 2>/dev/null | grep -cE ' (a|b)[1-5]$')"

# A client holding the writers' lock cannot stall the fleet: lock_timeout.
hold_writers_lock
OUT=$(on A create --name blocked 2>&1); RC=$?
check_match "a writer blocked by another's lock gives up (75) and says why" \
	"^75 tokenctl: database: statement failed: canceling statement due to lock timeout" "$RC $OUT"
check "... and nothing was created" 0 "$(on A list 2>/dev/null | grep -c ' blocked$')"
release_writers_lock

# The policy travels like a token.
on A policy set --max-days 30 2>/dev/null
on C sync 2>/dev/null
check_match "a policy set on A reaches C" "max-days: +30" "$(on C policy show 2>&1)"

# purge prunes the change log past its retention; a replica made afterwards
# still gets every token (it reads the rows, not the log).
pg_sql httptoken "UPDATE httptoken_changes SET at = now() - interval '8 days' WHERE seq <= 3" >/dev/null
OUT=$(on A purge --revoked 2>&1); RC=$?
check_match "purge prunes the change log" "^0 .*pruned 3 change-log entries older than 7 days" \
	"$RC $(printf '%s' "$OUT" | tr '\n' ' ')"
check "the pruned entries are gone" 0 "$(pg_sql httptoken "SELECT count(*) FROM httptoken_changes WHERE seq <= 3")"
rm -rf "$TEST_TMP/E/tokens.db" "$TEST_TMP/E/tokens.db".*
on E sync 2>/dev/null
host_service E
check "a replica synced after the prune has the first token" PAM_SUCCESS "$(login E "$OLD")"

# A replica is neither backed up nor restored: the database is the backup.
for c in backup restore; do
	OUT=$(on A $c "$TEST_TMP/copy.db" 2>&1); RC=$?
	check "$c on a replica: refused (64)" "64 tokenctl: $c: this host's store is a replica of the fleet's database; back up the database with pg_dump, rebuild a replica with tokenctl sync" "$RC $OUT"
done

# Only root syncs or sets up a fleet.
for c in sync "fleet init" "fleet keygen"; do
	OUT=$(runuser -u nobody -- "$TOKENCTL" --config "$TEST_TMP/C/httptoken.conf" \
		--db "$TEST_TMP/C/tokens.db" --keyfile "$SHARED/key" $c 2>&1); RC=$?
	check "$c as another user: 77" "77 tokenctl: ${c#fleet }: only root may do this" "$RC $OUT"
done

# fleet status and a local host.
check_match "fleet status: position and lag" "position: [0-9]+.*database: reachable, head [0-9]+, lag 0 changes" \
	"$(on C fleet status 2>&1 | tr '\n' ' ')"
printf 'source = local\n' >"$TEST_TMP/local.conf"
OUT=$("$TOKENCTL" --config "$TEST_TMP/local.conf" fleet status 2>&1); RC=$?
check "fleet status on a local host says so" "0 source: local (this host is not part of a fleet)" "$RC $OUT"
OUT=$("$TOKENCTL" --config "$TEST_TMP/nonexistent.conf" fleet status 2>&1); RC=$?
check "--config naming a missing file: 78" "78 tokenctl: $TEST_TMP/nonexistent.conf: no such file" "$RC $OUT"
printf 'source = postgres\n' >"$TEST_TMP/bad.conf"
OUT=$("$TOKENCTL" --config "$TEST_TMP/bad.conf" fleet status 2>&1); RC=$?
check "a bad configuration stops every command (78)" "78 tokenctl: $TEST_TMP/bad.conf:1: source: expected local or postgresql" "$RC $OUT"
chmod 0666 "$TEST_TMP/local.conf"
OUT=$("$TOKENCTL" --config "$TEST_TMP/local.conf" --db "$TEST_TMP/A/tokens.db" --keyfile "$SHARED/key" list 2>&1); RC=$?
check_match "a world-writable configuration: 78" "^78 tokenctl: configuration .*writable" "$RC $OUT"
tap_done

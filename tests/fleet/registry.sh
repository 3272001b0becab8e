#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The registry of projects and repositories in a fleet: what is registered,
# edited or removed on one host reaches the others; a registry row changed
# in the database (tampered with, unsigned, moved to another scope, or an
# older one replayed) is refused and the entry is gone from the host that
# refused it until a valid row arrives; a project administrator registered
# on host A administers the project on host B, through B's daemon.
. "$top_srcdir/tests/fleet/fleetenv.sh"
fleet_env_setup
. "$top_srcdir/tests/accounts.sh"
. "$top_srcdir/tests/daemon-fixture.sh"
daemon_fixture_require
accounts_require
account_db_lock
ACCOUNT_TAG=flr
make_user adm
make_user other
ADM=$(acct adm)
OTHER=$(acct other)
trap 'daemon_fixture_stop; kill_followers; pg_stop_quiet; accounts_cleanup; rm -rf "$TEST_TMP"' EXIT

# The row of a registry entry: its payload names its scope after a format
# byte, an operation byte and the scope's 16-bit length.
row_of() {
	printf "kind = 3 AND encode(substring(payload from 5 for get_byte(payload, 2) * 256 + get_byte(payload, 3)), 'escape') = '%s'" "$1"
}
# reseq SCOPE SET-CLAUSE: changes the row in the database, as a new change.
reseq() {
	pg_sql httptoken "UPDATE httptoken_rows SET $2, seq = nextval('httptoken_change_seq')
		WHERE $(row_of "$1")" >/dev/null
}
shown() { on "$1" --json project show "$2" 2>&1; }
# acme_gone_on_B DESCRIPTION: B answers that ACME is not registered.
acme_gone_on_B() {
	OUT=$(on B project show ACME 2>&1); RC=$?
	check "$1" "66 tokenctl: no such project ACME" "$RC $OUT"
}

# A registered before the fleet: fleet init loads its registry.
"$TOKENCTL" --db "$TEST_TMP/A/tokens.db" --keyfile "$SHARED/key" init 2>/dev/null ||
	tap_bail "tokenctl init on A failed"
"$TOKENCTL" --db "$TEST_TMP/A/tokens.db" --keyfile "$SHARED/key" project add PRE \
	--description "before the fleet" 2>/dev/null || tap_bail "project add on A failed"
# D: a host with a registry of its own (joins later).
mkdir -p "$TEST_TMP/D" && chmod 0755 "$TEST_TMP/D"
cp -p "$TEST_TMP/A/tokens.db" "$TEST_TMP/D/tokens.db"
OUT=$(on A fleet init 2>&1); RC=$?
check "fleet init loads A's registry" \
	"0 tokenctl: fleet init: 0 tokens, 1 registry entry and the policy loaded from $TEST_TMP/A/tokens.db" \
	"$RC $(printf '%s' "$OUT" | grep 'fleet init')"
check "the database holds one signed registry row" "1 64" \
	"$(pg_sql httptoken "SELECT count(*), max(length(sig)) FROM httptoken_rows WHERE kind = 3" | tr '|' ' ')"
on B sync >/dev/null 2>&1
check_match "a fresh replica gets the registry" '"project":"PRE","description":"before the fleet"' \
	"$(shown B PRE)"

# Added, edited, removed on A: seen on B after sync.
on A project add ACME --admin "$ADM" --description "payments" >/dev/null 2>&1
on A repo add ACME/web --description "the site" >/dev/null 2>&1
check "B before sync: ACME unknown (66)" "66" "$(on B project show ACME >/dev/null 2>&1; echo $?)"
OUT=$(on B sync 2>&1)
check_match "B syncs the two entries" "2 applied, 0 refused" "$OUT"
check_match "B: ACME and its administrator" \
	"\"project\":\"ACME\",\"description\":\"payments\".*\"admins\":\\[\\{\"type\":\"user\",\"name\":\"$ADM\"" \
	"$(shown B ACME)"
check_match "B: the repository" '^ACME/web .* the site$' "$(on B repo list ACME 2>&1 | tail -n +2)"
pg_sql httptoken "CREATE TABLE saved AS SELECT * FROM httptoken_rows WHERE $(row_of ACME)"
on A project edit ACME --description "payments, v2" >/dev/null 2>&1
on B sync >/dev/null 2>&1
check_match "an edit on A reaches B" '"description":"payments, v2"' "$(shown B ACME)"

# An older row, replayed: ignored.
pg_sql httptoken "CREATE TABLE good AS SELECT * FROM httptoken_rows WHERE $(row_of ACME)"
pg_sql httptoken "UPDATE httptoken_rows r SET version = s.version, payload = s.payload,
	sig = s.sig, seq = nextval('httptoken_change_seq') FROM saved s
	WHERE r.kind = s.kind AND r.id = s.id" >/dev/null
OUT=$(on B sync 2>&1)
check_match "an older row: B logs it" \
	"registry entry [0-9a-f]{16} \\(change [0-9]+\\): older row ignored: version 1, this host has 2" "$OUT"
check_match "an older row: B keeps the newer entry" '"description":"payments, v2"' "$(shown B ACME)"

# Tampered with: a byte of the sealed entry changed.
restore_good() {
	pg_sql httptoken "UPDATE httptoken_rows r SET version = g.version, payload = g.payload,
		sig = g.sig, seq = nextval('httptoken_change_seq') FROM good g
		WHERE r.kind = g.kind AND r.id = g.id" >/dev/null
}
restore_good
on B sync >/dev/null 2>&1
reseq ACME "payload = set_byte(payload, length(payload) - 40, 65)"
OUT=$(on B sync 2>&1)
check_match "a tampered row: refused and logged" \
	"registry entry [0-9a-f]{16} \\(change [0-9]+\\): row refused, the entry is refused on this host until a valid row arrives: signature does not verify; ACME is not registered here" \
	"$OUT"
acme_gone_on_B "a tampered row: B answers 66, no such project"
check_match "fleet status on B names the refused entry" "registry entries refused here: 1 \\(ACME\\)" \
	"$(on B fleet status 2>&1)"
# The valid row back: B registers ACME again.
restore_good
on B sync >/dev/null 2>&1
check_match "the valid row again: B has ACME back" '"description":"payments, v2"' "$(shown B ACME)"

# Unsigned: an empty signature.
reseq ACME "sig = ''::bytea"
OUT=$(on B sync 2>&1)
check_match "an unsigned row: refused" "row refused.*signature does not verify; ACME is not registered here" "$OUT"
acme_gone_on_B "an unsigned row: B's entry is gone"
restore_good
on B sync >/dev/null 2>&1

# Moved: PRE's row (payload and signature) copied onto ACME's id.
pg_sql httptoken "UPDATE httptoken_rows r SET payload = p.payload, sig = p.sig,
	version = p.version + 5, seq = nextval('httptoken_change_seq')
	FROM httptoken_rows p WHERE $(row_of PRE | sed 's/payload/p.payload/g; s/kind/p.kind/')
	AND r.kind = 3 AND r.id = (SELECT id FROM good)" >/dev/null
OUT=$(on B sync 2>&1)
check_match "a row moved to another scope: refused" \
	"row refused.*signature does not verify; ACME is not registered here" "$OUT"
acme_gone_on_B "a moved row: B's entry is gone"
check_match "a moved row: PRE stays as it was on B" '"project":"PRE","description":"before the fleet"' \
	"$(shown B PRE)"
restore_good
on A sync >/dev/null 2>&1
on B sync >/dev/null 2>&1
check_match "the valid row again: ACME back on B" '"project":"ACME"' "$(shown B ACME)"

# A project administrator named on A administers ACME on B, through B's
# daemon (which writes to the database like any host).
DB="$TEST_TMP/B/tokens.db" KEY="$SHARED/key" DAEMON_ARGS="--config $TEST_TMP/B/httptoken.conf"
export DB KEY
daemon_fixture
trap 'daemon_fixture_stop; kill_followers; pg_stop_quiet; accounts_cleanup; rm -rf "$TEST_TMP"' EXIT
OUT=$(as "$OTHER" create --project ACME --name nope 2>&1); RC=$?
check_match "on B, another user may not create an ACME token (77)" "^77 " "$RC $OUT"
P=$(as "$ADM" create --project ACME --name ci 2>&1); RC=$?
check_match "on B, ACME's administrator creates an ACME token" "^0 htk_[0-9a-f]{16}" "$RC $P"
on A sync >/dev/null 2>&1
check_match "the token reaches A" '"kind":"project".*"scope":"ACME"' \
	"$(on A --json show "$(token_id "$(printf '%s' "$P" | head -1)")" 2>&1)"
OUT=$(as "$ADM" repo add ACME/api 2>&1); RC=$?
check_match "on B, ACME's administrator adds a repository" "^0 .*registered ACME/api" \
	"$RC $(printf '%s' "$OUT" | tr '\n' ' ')"
on A sync >/dev/null 2>&1
check_match "the repository reaches A" '^ACME/api' "$(on A repo list ACME 2>&1 | tail -n +2 | sort)"
# Removed from ACME's administrators on A: B follows.
on A project edit ACME --remove-admin "$ADM" >/dev/null 2>&1
on B sync >/dev/null 2>&1
OUT=$(as "$ADM" create --project ACME --name late 2>&1); RC=$?
check_match "removed on A: ACME's former administrator is refused on B (77)" "^77 " "$RC $OUT"

# Removed on A (with its repositories and tokens): gone on B.
OUT=$(on A project remove ACME --force 2>&1); RC=$?
check "project remove --force on A" 0 "$RC"
on B sync >/dev/null 2>&1
acme_gone_on_B "removed on A: gone on B"
check "removed on A: its repositories are gone on B" "[]" "$(on B --json repo list ACME 2>&1)"
check "the deletions are signed rows in the database" "3 3" \
	"$(pg_sql httptoken "SELECT count(*), count(*) FILTER (WHERE length(sig) = 64)
		FROM httptoken_rows WHERE kind = 3 AND get_byte(payload, 1) = 2" | tr '|' ' ')"
# Registered again: a new row above the deletion's version.
on A project add ACME >/dev/null 2>&1
on B sync >/dev/null 2>&1
check_match "registered again on A: B has it" '"project":"ACME","description":""' "$(shown B ACME)"

# A follower applies registry rows as they come.
on C sync >/dev/null 2>&1
"$TOKENCTL" --config "$TEST_TMP/C/httptoken.conf" --db "$TEST_TMP/C/tokens.db" \
	--keyfile "$SHARED/key" sync --follow >/dev/null 2>"$TEST_TMP/follow.log" &
FOLLOWERS=$!
on A project add FOLLOWED --description "seen by the follower" >/dev/null 2>&1
n=0
until on C project show FOLLOWED >/dev/null 2>&1 || [ $n -ge 150 ]; do sleep 0.2; n=$((n + 1)); done
check_match "the follower on C applies a project added on A" '"description":"seen by the follower"' \
	"$(shown C FOLLOWED)"
on A project remove FOLLOWED >/dev/null 2>&1
n=0
while on C project show FOLLOWED >/dev/null 2>&1 && [ $n -lt 150 ]; do sleep 0.2; n=$((n + 1)); done
OUT=$(on C project show FOLLOWED 2>&1); RC=$?
check "... and its removal" "66 tokenctl: no such project FOLLOWED" "$RC $OUT"
kill "$FOLLOWERS"; wait "$FOLLOWERS" 2>/dev/null
FOLLOWERS=""

# A host with a registry of its own joins only with --replace.
cp "$TEST_TMP/A/httptoken.conf" "$TEST_TMP/D/"
"$TOKENCTL" --db "$TEST_TMP/D/tokens.db" --keyfile "$SHARED/key" project add LOCAL 2>/dev/null
OUT=$(on D sync 2>&1); RC=$?
check "a host with its own registry: sync refused (73)" \
	"73 tokenctl: $TEST_TMP/D/tokens.db holds 2 registry entries of its own and is not a replica; sync --replace drops them and takes the fleet's" \
	"$RC $OUT"
OUT=$(on D sync --replace 2>&1); RC=$?
check_match "sync --replace drops it" "^0 .*--replace: 2 local registry entries dropped" \
	"$RC $(printf '%s' "$OUT" | tr '\n' ' ')"
check "after --replace: LOCAL is gone" 66 "$(on D project show LOCAL >/dev/null 2>&1; echo $?)"
check_match "after --replace: the fleet's registry" '"project":"PRE"' "$(shown D PRE)"
check_match "fleet status --json lists no refused entries on D" '"refused_registry":\[\],"refused_registry_count":0' \
	"$(on D --json fleet status 2>&1)"

# A store of version 1 has no registry: it neither starts a fleet nor
# becomes a replica before 'tokenctl upgrade'.
mkdir -p "$TEST_TMP/E" && chmod 0755 "$TEST_TMP/E"
cp "$top_srcdir/tests/fixtures/v1-store/tokens.db" "$top_srcdir/tests/fixtures/v1-store/key" "$TEST_TMP/E/"
chmod 0600 "$TEST_TMP/E/key"
pg_sql postgres "CREATE DATABASE v1fleet" >/dev/null
printf 'source = postgresql\npostgresql = %s\n' "${CONNINFO%dbname=*}dbname=v1fleet user=postgres" \
	>"$TEST_TMP/E/httptoken.conf"
before=$(md5sum <"$TEST_TMP/E/tokens.db")
OUT=$("$TOKENCTL" --config "$TEST_TMP/E/httptoken.conf" --db "$TEST_TMP/E/tokens.db" \
	--keyfile "$TEST_TMP/E/key" fleet init 2>&1); RC=$?
check "fleet init from a store of version 1: refused (65)" \
	"65 tokenctl: fleet init: $TEST_TMP/E/tokens.db is a store of version 1; run 'tokenctl upgrade' first" \
	"$RC $(printf '%s' "$OUT" | grep -v 'signing key')"
check "... nothing loaded" 0 "$(pg_sql v1fleet "SELECT count(*) FROM httptoken_rows")"
OUT=$("$TOKENCTL" --config "$TEST_TMP/A/httptoken.conf" --db "$TEST_TMP/E/tokens.db" \
	--keyfile "$TEST_TMP/E/key" sync --replace 2>&1); RC=$?
check "sync onto a store of version 1: refused (65)" \
	"65 tokenctl: $TEST_TMP/E/tokens.db is a store of version 1 and cannot hold the fleet's registry; run 'tokenctl upgrade' first (or move it away to start an empty replica)" \
	"$RC $OUT"
check "... the store is unchanged" "$before" "$(md5sum <"$TEST_TMP/E/tokens.db")"
tap_done

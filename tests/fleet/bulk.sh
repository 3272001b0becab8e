#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A fleet at size: `fleet init` streams a store of 4500 tokens into the
# database in one COPY (and a load the database refuses halfway changes
# nothing), and a first `sync` reads it in several batches whose
# signatures are checked on worker threads while the batch before is
# applied: a row tampered with in the middle of a batch is refused, its
# neighbours in the same batch are applied.
. "$top_srcdir/tests/fleet/fleetenv.sh"
fleet_env_setup
N=4500
BUILD="$top_builddir/bench/bench-store"
[ -x "$BUILD" ] || tap_bail "bench-store not built: $BUILD"
"$BUILD" "$TEST_TMP/A/tokens.db" "$SHARED/key" $N root "$TEST_TMP/samples" 45 >/dev/null ||
	tap_bail "bench-store failed"
rows() { pg_sql httptoken "SELECT count(*) FROM httptoken_rows"; }

# An empty schema, made by a first init from a host with no tokens and
# emptied again; then a trigger refuses one token halfway through A's load.
CK="$TEST_TMP/C/own"
mkdir -p "$CK"
"$TOKENCTL" --db "$CK/tokens.db" --keyfile "$CK/key" init 2>/dev/null ||
	tap_bail "tokenctl init on C failed"
"$TOKENCTL" --config "$TEST_TMP/C/httptoken.conf" --db "$CK/tokens.db" --keyfile "$CK/key" \
	fleet init >/dev/null 2>&1 || tap_bail "fleet init on C failed"
rm -rf "$CK"
pg_sql httptoken "DELETE FROM httptoken_rows; DELETE FROM httptoken_changes" >/dev/null
MID=$(token_id "$(sed -n 20p "$TEST_TMP/samples")")
pg_sql httptoken "CREATE FUNCTION refuse_one() RETURNS trigger AS \$\$ BEGIN
	IF NEW.id = (x'$MID')::bigint THEN RAISE EXCEPTION 'token refused by the test'; END IF;
	RETURN NEW; END \$\$ LANGUAGE plpgsql;
	CREATE TRIGGER refuse_one BEFORE INSERT ON httptoken_rows
	FOR EACH ROW EXECUTE FUNCTION refuse_one()" >/dev/null
cp -p "$TEST_TMP/A/tokens.db" "$TEST_TMP/before.db"
OUT=$(on A fleet init 2>&1); RC=$?
check_match "a load refused halfway fails (74) with the database's reason" \
	"^74 tokenctl: database: loading rows: .*token refused by the test" \
	"$RC $(printf '%s\n' "$OUT" | tail -1)"
check "a load refused halfway leaves no row in the database" 0 "$(rows)"
check "a load refused halfway leaves no change logged" 0 \
	"$(pg_sql httptoken "SELECT count(*) FROM httptoken_changes")"
cmp -s "$TEST_TMP/before.db" "$TEST_TMP/A/tokens.db"
check "a load refused halfway leaves A's store as it was" 0 $?
pg_sql httptoken "DROP TRIGGER refuse_one ON httptoken_rows" >/dev/null

OUT=$(on A fleet init 2>&1)
check "fleet init loads every token" "tokenctl: fleet init: $N tokens, 0 registry entries and the policy loaded from $TEST_TMP/A/tokens.db" \
	"$(printf '%s' "$OUT" | grep 'fleet init')"
check "every row is in the database" $((N + 1)) "$(rows)"
check "every row has its own sequence number, each logged once, by this host" \
	"$((N + 1)) $((N + 1)) 0" "$(pg_sql httptoken "SELECT count(DISTINCT r.seq),
	count(c.seq), count(*) FILTER (WHERE c.host IS DISTINCT FROM '$(hostname)'
	OR c.kind <> r.kind OR c.id <> r.id OR c.version <> r.version)
	FROM httptoken_rows r LEFT JOIN httptoken_changes c ON c.seq = r.seq" | tr '|' ' ')"
check "the policy's row is the last of the load" 2 \
	"$(pg_sql httptoken "SELECT kind FROM httptoken_rows ORDER BY seq DESC LIMIT 1")"
HEAD=$(pg_sql httptoken "SELECT max(seq) FROM httptoken_rows")
check "A's replica sits at the load's last row" "position: $HEAD" \
	"$(on A fleet status 2>&1 | grep '^position')"
T=$(on A create --name after-the-load 2>/dev/null)
check "a change after the load is numbered after it" 1 \
	"$(pg_sql httptoken "SELECT count(*) FROM httptoken_rows WHERE seq > $HEAD
	AND id = (x'$(token_id "$T")')::bigint")"

# Tamper with one row in each of the first two batches B reads (2000 rows
# each): a signature in the first, a payload byte (under the signature)
# in the second. Their neighbours in order stay intact.
ids_in() {   # ids_in LOW HIGH: sample tokens whose row is the LOWth..HIGHth read
	while read -r t; do
		r=$(pg_sql httptoken "SELECT count(*) FROM httptoken_rows WHERE seq <=
			(SELECT seq FROM httptoken_rows WHERE kind = 1 AND id = (x'$(token_id "$t")')::bigint)")
		[ "$r" -ge "$1" ] && [ "$r" -le "$2" ] && echo "$t"
	done <"$TEST_TMP/samples"
}
set -- $(ids_in 2 1999)
B1=$1 B1OK=$2
set -- $(ids_in 2101 3900)
B2=$1 B2OK=$2
[ -n "$B1OK" ] && [ -n "$B2OK" ] || tap_bail "no sample tokens in the first two batches"
pg_sql httptoken "UPDATE httptoken_rows SET sig = set_byte(sig, 5, get_byte(sig, 5) # 1)
	WHERE kind = 1 AND id = (x'$(token_id "$B1")')::bigint;
	UPDATE httptoken_rows SET payload = set_byte(payload, 20, get_byte(payload, 20) # 1)
	WHERE kind = 1 AND id = (x'$(token_id "$B2")')::bigint" >/dev/null
host_service B
OUT=$(on B sync 2>&1); RC=$?
check_match "B's first sync applies the rest and refuses the two" \
	"^0 .*sync: position $((HEAD + 1)), $((N)) applied, 2 refused, 0 queued" \
	"$RC $(printf '%s' "$OUT" | tr '\n' ' ')"
for t in "$B1" "$B2"; do
	check_match "B logs the refusal of $(token_id "$t")" \
		"token $(token_id "$t") \\(change [0-9]+\\): row refused, the token is refused on this host until a valid row arrives: signature does not verify" \
		"$OUT"
	check "B refuses the tampered token $(token_id "$t")" PAM_AUTH_ERR "$(login B "$t")"
done
check "B accepts a token of the first batch" PAM_SUCCESS "$(login B "$B1OK")"
check "B accepts a token of the second batch" PAM_SUCCESS "$(login B "$B2OK")"
check "B accepts a token of the last batch" PAM_SUCCESS "$(login B "$T")"
check_match "fleet status on B names both refused tokens" \
	"refused here: 2 \\(.*($(token_id "$B1") $(token_id "$B2")|$(token_id "$B2") $(token_id "$B1"))\\)" \
	"$(on B fleet status 2>&1)"
tap_done

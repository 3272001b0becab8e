#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Bulk revoke (--user, --project, --repo, --unused, --dry-run, combined)
# revokes exactly what it says, counts and ids checked, and nothing outside
# the caller's authority; max-tokens-per-user counts revoked tokens, holds
# under concurrent creates by one user, and `purge --revoked` frees places.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/daemon-fixture.sh"
. "$top_srcdir/tests/accounts.sh"
daemon_fixture_require faketime
accounts_setup bk
make_user pa; PA=$(acct pa)
make_user ub; UB=$(acct ub)
make_user uc; UC=$(acct uc)
make_user ud; UD=$(acct ud)

daemon_fixture
tkroot project add PROJ --admin "$PA" 2>/dev/null && tkroot repo add PROJ/app 2>/dev/null &&
	tkroot project add OTHER 2>/dev/null || tap_bail "registry setup failed"

id_of() { printf '%s' "$1" | cut -c5-20; }
status_of() { tkroot --json show "$1" | sed 's/.*"status":"\([a-z]*\)".*/\1/'; }
statuses() { tkroot --json list --all | grep -o '"id":"[0-9a-f]*".*"status":"[a-z]*"' |
	sed 's/"id":"\([0-9a-f]*\)".*"status":"\([a-z]*\)"/\1 \2/' | sort; }
sorted() { printf '%s\n' "$@" | sort; }
ok_as() { as "$@" 2>/dev/null </dev/null; }
expect_as() {   # DESC CODE REGEX USER ARGS...: exit, message, nothing changed
	desc=$1 code=$2 re=$3; shift 3
	before=$(statuses)
	err=$(as "$@" 2>&1 >/dev/null </dev/null); rc=$?
	check "$desc: exit $code" "$code" "$rc"
	check_match "$desc: message" "$re" "$err"
	check "$desc: nothing changed" "$before" "$(statuses)"
}

P1=$(id_of "$(tkroot create --name p1 --project PROJ 2>/dev/null)")
R1=$(id_of "$(tkroot create --name r1 --repo PROJ/app 2>/dev/null)")
O1=$(id_of "$(tkroot create --name o1 --project OTHER 2>/dev/null)")
P2=$(id_of "$(ok_as "$PA" create --name p2 --project PROJ)")
# Made 40 days ago and never used. (libfaketime is preloaded ahead of a
# sanitizer runtime: tell ASan so.)
Q1=$(id_of "$(ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	faketime -f -40d "$TOKENCTL" --db "$DB" --keyfile "$KEY" create --name q1 --project PROJ 2>/dev/null)")
B1=$(id_of "$(ok_as "$UB" create --name b1)")
B2=$(id_of "$(ok_as "$UB" create --name b2)")
C1=$(id_of "$(ok_as "$UC" create --name c1)")
for t in P1 R1 O1 P2 Q1 B1 B2 C1; do
	eval "v=\$$t"; check_match "token $t made" '^[0-9a-f]{16}$' "$v"
done

before=$(statuses)
out=$(ok_as "$PA" revoke --project PROJ --dry-run)
check "dry run: the count, then the ids" "$(printf '4\n%s' "$(sorted "$P1" "$R1" "$P2" "$Q1")")" \
	"$(printf '%s\n' "$out" | head -1; printf '%s\n' "$out" | tail -n +2 | sort)"
check "dry run: nothing changed" "$before" "$(statuses)"
check "dry run --json" "{\"count\":1,\"ids\":[\"$R1\"],\"dry_run\":true}" \
	"$(ok_as "$PA" --json revoke --repo PROJ/app --dry-run)"

expect_as "project admin: another project" 77 "do not administer OTHER" \
	"$PA" revoke --project OTHER
expect_as "project admin: a project that does not exist" 77 "do not administer NOPE" \
	"$PA" revoke --project NOPE
expect_as "project admin: a user's personal tokens" 77 "only your own" "$PA" revoke --user "$UB"
expect_as "user: a project" 77 "do not administer PROJ" "$UB" revoke --project PROJ --dry-run

check "--project --unused 30: the token unused for 40 days" "1" \
	"$(ok_as "$PA" revoke --project PROJ --unused 30)"
check "  it is revoked, the rest of PROJ is not" "revoked active active active" \
	"$(status_of "$Q1") $(status_of "$P1") $(status_of "$P2") $(status_of "$R1")"
check_match "  with the reason" '"revoked_reason":"bulk revoke"' "$(tkroot --json show "$Q1")"
check "--project --user: the project tokens that user created" \
	"{\"count\":1,\"ids\":[\"$P2\"],\"dry_run\":false}" \
	"$(ok_as "$PA" --json revoke --project PROJ --user "$PA")"
check "--repo: that repository's" "1" "$(ok_as "$PA" revoke --repo PROJ/app)"
check "PROJ's project token by root remains, OTHER's and personal ones untouched" \
	"active active active active active" \
	"$(status_of "$P1") $(status_of "$O1") $(status_of "$B1") $(status_of "$B2") $(status_of "$C1")"
check "a user revokes all their own" "2" "$(ok_as "$UB" revoke --user "$UB")"
check "  theirs revoked, the other user's not" "revoked revoked active" \
	"$(status_of "$B1") $(status_of "$B2") $(status_of "$C1")"
check "--unused 0 by a user: only their own" "$(printf '1\n%s' "$C1")" \
	"$(ok_as "$UC" revoke --unused 0 --dry-run)"
check "root: the rest of PROJ" "$P1" "$(tkroot revoke --project PROJ --dry-run 2>/dev/null | tail -1)"
expect_as "--dry-run without selectors" 64 "--dry-run is for" "$UB" revoke "$C1" --dry-run

# max-tokens-per-user counts every record, revoked ones too.
tkroot policy set --max-tokens-per-user 3 2>/dev/null || tap_bail "policy set failed"
ok_as "$UC" create --name c2 >/dev/null && ok_as "$UC" create --name c3 >/dev/null
expect_as "the fourth personal token" 65 "allows 3 .*purge --revoked" "$UC" create --name c4
ok_as "$UC" revoke "$C1"
expect_as "a revoked one still counts" 65 "revoked ones included" "$UC" create --name c4
expect_as "rotate makes a record too" 65 "allows 3" "$UC" rotate "$(tkroot --json list --user "$UC" |
	grep '"status":"active"' | head -1 | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/')"
expect_as "a user may not purge expired tokens" 77 "system administrators only" \
	"$UC" purge --expired
check_match "a user purges their own revoked tokens" "purged 1 token$" \
	"$(as "$UC" purge --revoked 2>&1)"
check "and not another user's" "revoked revoked" "$(status_of "$B1") $(status_of "$B2")"
check_match "then creates again" '^htk_' "$(ok_as "$UC" create --name c4)"
tkroot create --name r-a >/dev/null 2>&1 && tkroot create --name r-b >/dev/null 2>&1 &&
	tkroot create --name r-c >/dev/null 2>&1 && tkroot create --name r-d >/dev/null 2>&1
check "root is not limited" 4 "$(tkroot list --user root | tail -n +2 | wc -l)"

# Ten concurrent creates by one user under a limit of 3: exactly 3 succeed.
# (Waited for by pid: a bare wait would wait for the daemon too.)
racers=
for i in 1 2 3 4 5 6 7 8 9 10; do
	( as "$UD" --json create --name "race $i" >/dev/null 2>"$TEST_TMP/race.$i"
	  echo $? >"$TEST_TMP/rc.$i" ) &
	racers="$racers $!"
done
# shellcheck disable=SC2086
wait $racers
# httptokend runs at most 4 commands per uid at once and turns the others
# away as busy (75) before they start: those never reach the limit.
codes=$(cat "$TEST_TMP"/rc.* | sort | uniq -c | awk '{print $2 "x" $1}' | tr '\n' ' ')
check "concurrent creates: 3 succeed" 3 "$(cat "$TEST_TMP"/rc.* | grep -cx 0)"
check "concurrent creates: the others refused by the limit (65) or busy (75): $codes" "" \
	"$(cat "$TEST_TMP"/rc.* | grep -vx -e 0 -e 65 -e 75)"
check "concurrent creates: at least one refused by the limit" yes \
	"$(grep -qx 65 "$TEST_TMP"/rc.* && echo yes)"
check "concurrent creates: 3 records" 3 "$(tkroot --json list --user "$UD" | grep -o '"id"' | wc -l)"

tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Last use as tokenctl shows it, from files that every member of the
# store's group (the servers) can write: list and show print time, client
# and service, escaped; malformed, oversized, linked or planted entries show
# as never used; list --unused selects by last use, or creation.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built"
command -v faketime >/dev/null || tap_skip_all "faketime not installed"
make_tmpdir
make_store
id_of() { printf '%s' "$1" | cut -c5-20; }
field() { sed -n "s/.*\"$1\":\\(\"[^\"]*\"\\|null\\).*/\\1/p"; }
# entry ID LINE: a last-use file as the module writes it, 512 bytes.
entry() {
	f="$DB.lastused/$1"
	rm -f "$f"
	printf '%s\n' "$2" >"$f"
	truncate -s 512 "$f"
}
# old DAYS ARGS: tokenctl as if DAYS days ago.
old() { d=$1; shift; ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	faketime -f "-${d}d" "$TOKENCTL" --db "$DB" --keyfile "$KEY" "$@"; }

A=$(tk create --name a) B=$(tk create --name b) C=$(old 40 create --name c)
D=$(old 40 create --name d)
for t in "$A" "$B" "$C" "$D"; do
	printf '%s' "$t" | grep -Eq '^htk_' || tap_bail "tokenctl create failed"
done
now=$(date +%s)
entry "$(id_of "$A")" "$(printf '%020d' "$now") git-read 192.0.2.7 -"
check_match "list: when and from where" \
	"^$(id_of "$A") .* [0-9]{4}-[0-9-]+ [0-9:]+ +192\\.0\\.2\\.7 +http +a\$" "$(tk list)"
s=$(tk show "$(id_of "$A")")
check_match "show: client" "  from: +192\\.0\\.2\\.7" "$s"
check_match "show: service" "  service: +git-read" "$s"
j=$(tk --json show "$(id_of "$A")")
check "--json: last_used_from" '"192.0.2.7"' "$(printf '%s' "$j" | field last_used_from)"
check "--json: last_used_service" '"git-read"' "$(printf '%s' "$j" | field last_used_service)"
check "--json: last_used_host (none here)" null "$(printf '%s' "$j" | field last_used_host)"
check "--json: never used: last_used_from null" null \
	"$(tk --json show "$(id_of "$B")" | field last_used_from)"

# Planted and damaged entries: never used, nothing raw on the terminal.
entry "$(id_of "$B")" "$(printf '%020d' "$now") git-read $(printf '\033]0;owned\007') -"
check "an escape sequence in the client: the entry is refused" '"last_used":null' \
	"$(tk --json show "$(id_of "$B")" | grep -o '"last_used":null')"
check "... and no escape character reaches the output" 0 \
	"$(tk list | grep -c "$(printf '\033')")"
printf '%020d git-read 192.0.2.7 -\n' "$now" >"$DB.lastused/$(id_of "$B")"
check "an entry without its padding: refused" '"last_used":null' \
	"$(tk --json show "$(id_of "$B")" | grep -o '"last_used":null')"
entry "$(id_of "$B")" "$(printf '%020d' "$now") git-read 192.0.2.7 -"
truncate -s 4096 "$DB.lastused/$(id_of "$B")"
check "an oversized entry: refused" '"last_used":null' \
	"$(tk --json show "$(id_of "$B")" | grep -o '"last_used":null')"
rm -f "$DB.lastused/$(id_of "$B")"
ln -s "$DB.lastused/$(id_of "$A")" "$DB.lastused/$(id_of "$B")"
check "a symbolic link: not followed" '"last_used":null' \
	"$(tk --json show "$(id_of "$B")" | grep -o '"last_used":null')"
rm -f "$DB.lastused/$(id_of "$B")"
ln "$DB.lastused/$(id_of "$A")" "$DB.lastused/$(id_of "$B")"
check "a hard link: not read" '"last_used":null' \
	"$(tk --json show "$(id_of "$B")" | grep -o '"last_used":null')"
rm -f "$DB.lastused/$(id_of "$B")"
entry "$(id_of "$B")" "$(printf '%020d' "$now") git-read <b>x</b> -"
check "printable but odd text is shown as it is, inside JSON quotes" '"<b>x</b>"' \
	"$(tk --json show "$(id_of "$B")" | field last_used_from)"

# --unused DAYS: last use, or creation when never used, older than DAYS.
entry "$(id_of "$C")" "$(printf '%020d' $((now - 35 * 86400))) git-read 192.0.2.9 -"
ids() { tk list "$@" | tail -n +2 | cut -c1-16 | sort | tr '\n' ' '; }
check "--unused 30: used 35 days ago, and created 40 days ago and never used" \
	"$(printf '%s\n' "$(id_of "$C")" "$(id_of "$D")" | sort | tr '\n' ' ')" "$(ids --unused 30)"
check "--unused 38: only the one never used since its creation 40 days ago" \
	"$(id_of "$D") " "$(ids --unused 38)"
check "--unused 0: every token" 4 "$(tk list --unused 0 | tail -n +2 | wc -l)"
out=$(tk list --unused x 2>&1); rc=$?
check "--unused x: exit 64" 64 "$rc"
check_match "--unused x: message" "--unused: expected a number" "$out"
tap_done

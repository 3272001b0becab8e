#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# purge removes tokens for good: their names and hashes are gone from the
# file (GDBM keeps deleted values in its free space, so the store is
# written afresh), the file shrinks, and a revoked token leaves only its
# tombstone (id and time, no name).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built"
make_tmpdir
make_store

# Enough records that the file has grown well past its first blocks.
i=0
while [ $i -lt 150 ]; do
	T=$(tk create --name "purge-me-$i") || tap_bail "create failed"
	tk revoke "$(printf '%s' "$T" | cut -c5-20)" 2>/dev/null || tap_bail "revoke failed"
	i=$((i + 1))
done
T=$(tk create --name "survivor") || tap_bail "create failed"
before=$(stat -c %s "$DB")
n=$(grep -a -o 'purge-me-' "$DB" | wc -l)
if [ "$n" -ge 150 ]; then tap_ok "before purge: the names are in the file"
else tap_not_ok "before purge: the names are in the file" "expected: 150 or more" "got: $n"; fi
err=$(tk purge --revoked 2>&1); rc=$?
check "purge: exit 0, 150 purged" "0 tokenctl: purged 150 tokens" "$rc $err"
after=$(stat -c %s "$DB")
check "purge: no purged name left anywhere in the file" 0 "$(grep -a -c 'purge-me-' "$DB")"
check "purge: the survivor is still there" 1 "$(grep -a -c survivor "$DB")"
if [ "$after" -lt "$before" ]; then tap_ok "purge: the file shrank ($before -> $after bytes)"
else tap_not_ok "purge: the file shrank" "before: $before bytes" "after:  $after bytes"; fi
check "purge: the survivor still works" active \
	"$(tk --json show "$(printf '%s' "$T" | cut -c5-20)" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')"

# An edited name is gone too.
tk edit "$(printf '%s' "$T" | cut -c5-20)" --name "renamed" 2>/dev/null || tap_bail "edit failed"
check "edit: the old name is gone from the file" 0 "$(grep -a -c survivor "$DB")"
# GDBM overwrites a value of the same size in place: nothing is left then
# either (this holds the store to that).
tk edit "$(printf '%s' "$T" | cut -c5-20)" --name "Renamed" 2>/dev/null || tap_bail "edit failed"
check "edit to a name of the same length: the old one is gone" 0 "$(grep -a -c renamed "$DB")"
# A value that changes size goes to GDBM's free space, wiped first:
# zeros stay there, not the old value (the file is not written afresh).
tk edit "$(printf '%s' "$T" | cut -c5-20)" --name "Renamed at length" 2>/dev/null ||
	tap_bail "edit failed"
check "edit to a longer name: the old one is gone" 0 "$(grep -a -c 'Renamed$\|Renamed[^ ]' "$DB")"
check "... the new one is there once" 1 "$(grep -a -o 'Renamed at length' "$DB" | wc -l)"
tk revoke "$(printf '%s' "$T" | cut -c5-20)" 2>/dev/null || tap_bail "revoke failed"
check "revoke (the record grows by its reason): the name is in the file once" 1 \
	"$(grep -a -o 'Renamed at length' "$DB" | wc -l)"
tk project add WIPE --description "a description to forget" 2>/dev/null &&
	tk project edit WIPE --description "shorter" 2>/dev/null || tap_bail "project edit failed"
check "a registry entry's old description is gone" 0 "$(grep -a -c 'to forget' "$DB")"
tap_done

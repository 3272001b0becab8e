#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Token names with control or invisible format characters (Unicode Cc, Cf,
# Zl, Zp) are refused with 65 and a message saying why, by create and by
# edit, and nothing is stored.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built"
make_tmpdir
make_store
MSG='invalid name: .*invisible format characters \(Unicode Cc, Cf, Zl, Zp\)'

T=$(tk create --name plain) || tap_bail "create failed"
ID=$(printf '%s' "$T" | cut -c5-20)

# name DESCRIPTION BYTES: create and edit both refuse it.
refused() {
	before=$(tk --json list)
	out=$(tk create --name "$2" 2>"$TEST_TMP/err"); rc=$?
	check "create, $1: exit 65" 65 "$rc"
	check "create, $1: nothing on stdout" "" "$out"
	check_match "create, $1: says why" "$MSG" "$(cat "$TEST_TMP/err")"
	tk edit "$ID" --name "$2" 2>"$TEST_TMP/err"; rc=$?
	check "edit, $1: exit 65" 65 "$rc"
	check_match "edit, $1: says why" "$MSG" "$(cat "$TEST_TMP/err")"
	check "$1: the store is unchanged" "$before" "$(tk --json list)"
}

refused "U+200B zero-width space" "$(printf 'ci\342\200\213')"
refused "U+FEFF byte order mark" "$(printf '\357\273\277ci')"
refused "U+2028 line separator" "$(printf 'c\342\200\250i')"
refused "U+2029 paragraph separator" "$(printf 'c\342\200\251i')"
refused "U+E0041 tag character" "$(printf 'ci\363\240\201\201')"
refused "U+202E right-to-left override" "$(printf 'ci\342\200\256txt.exe')"
refused "U+00AD soft hyphen" "$(printf 'c\302\255i')"

# The neighbours of those runs stay allowed.
out=$(tk create --name "$(printf 'caf\303\251 \342\200\224 \342\200\260')" 2>&1 >/dev/null); rc=$?
check "é, em dash and per mille sign accepted: exit 0" "0 " "$rc $out"
tap_done

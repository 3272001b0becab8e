#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The shell helpers that mutate a good input (tests/common.sh) are certain
# to change it: mutate_token on every character it can meet and at every
# position of a token, flip_byte on every byte value. token_id gives the
# 16 hex digits after the prefix.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
make_tmpdir

T=htk_0123456789abcdefABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789x
check "token_id: the 16 hex digits after htk_" 0123456789abcdef "$(token_id "$T")"

same=0
for c in A Z a z 0 9 x _ - + / = ! '%' '*'; do
	[ "$(mutate_token "ab$c")" != "ab$c" ] || same=$((same + 1))
done
check "mutate_token changes the last character, whatever it is" 0 "$same"

same=0 i=1
while [ $i -le ${#T} ]; do
	m=$(mutate_token "$T" $i)
	[ "$m" != "$T" ] && [ ${#m} -eq ${#T} ] || same=$((same + 1))
	i=$((i + 1))
done
check "mutate_token changes the token at each of its ${#T} positions, keeping its length" 0 "$same"

# Every byte value, 0 to 255, in one file; each flip must change its byte
# and no other.
F="$TEST_TMP/bytes"
awk 'BEGIN { for (i = 0; i < 256; i++) printf "%c", i }' </dev/null >"$F"
[ "$(wc -c <"$F")" -eq 256 ] || tap_bail "cannot write 256 bytes to $F"
cp "$F" "$F.orig"
bad=0 o=0
while [ $o -lt 256 ]; do
	flip_byte "$F" $o
	[ "$(cmp -l "$F" "$F.orig" | wc -l)" -eq 1 ] || bad=$((bad + 1))
	flip_byte "$F" $o
	o=$((o + 1))
done
check "flip_byte changes each byte value, and only that byte" 0 "$bad"
cmp -s "$F" "$F.orig"
check "flipping twice gives the file back" 0 $?
tap_done

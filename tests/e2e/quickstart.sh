#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's first command, demo/quickstart.sh, run on this build: every
# step it shows a newcomer must behave as it says.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/e2e/apache-lib.sh"

apache_require

make_tmpdir
out="$TEST_TMP/quickstart.out"
"$top_srcdir/demo/quickstart.sh" --no-install --build "$top_builddir" >"$out" 2>&1
rc=$?
check "quickstart exits 0" 0 "$rc"
for expect in "OK: cloned" "OK: pushed" "OK: push refused" "OK: clone refused" \
	"All steps behaved as expected"; do
	if grep -qF "$expect" "$out"; then tap_ok "quickstart shows: $expect"
	else tap_not_ok "quickstart shows: $expect" "$(tail -20 "$out")"; fi
done
check "quickstart: both refusals are git's report of a 401" 2 \
	"$(grep -c 'fatal: Authentication failed for' "$out")"
check "quickstart shows no unexpected step" 0 "$(grep -c UNEXPECTED "$out")"
check "quickstart never prints a whole token" 0 \
	"$(grep -Ec 'htk_[0-9a-f]{16}[0-9A-Za-z]{49}' "$out")"
check "quickstart removed its temporary directory" "" \
	"$(sed -n 's/^.*removing \(.*\)\.$/\1/p' "$out" | while read -r d; do [ -e "$d" ] && echo "$d"; done)"
tap_done

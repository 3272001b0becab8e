#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Static analysis: gcc's -fanalyzer over the library, the PAM module and
# tokenctl (what runs as root or inside a login), built exactly as they
# ship but in a build directory of its own. Any finding fails, and is
# printed with its path through the code.
#   tests/analyze.sh [BUILD-DIR]       (default: _build/analyze)
# Also `make analyze` from a configured tree.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/_build/analyze}
log=$build/analyze.log

command -v gcc >/dev/null || { echo "analyze: gcc not found" >&2; exit 1; }
[ -x "$src/configure" ] || { echo "analyze: run autoreconf -fi in $src first" >&2; exit 1; }
rm -rf "$build" && mkdir -p "$build" && cd "$build" || exit 1
# -O0: the analyzer follows the code as written; -Werror turns every
# finding into a failed build.
"$src/configure" -q --enable-Werror CFLAGS="-O0 -g -fanalyzer" || {
	echo "analyze: configure failed" >&2; exit 1; }
make -k -j2 lib/libhttptoken.la pam_httptoken/pam_httptoken.la tokenctl/tokenctl >"$log" 2>&1
rc=$?
findings=$(grep -c -- '=analyzer-\|-Wanalyzer-' "$log")
if [ "$rc" -ne 0 ] || [ "$findings" -ne 0 ]; then
	grep -B2 -A40 -- 'analyzer-\|error:' "$log" | head -400
	echo "analyze: $findings finding(s), make exit status $rc (full log: $log)"
	exit 1
fi
echo "analyze: no findings in lib/, pam_httptoken/ and tokenctl/"

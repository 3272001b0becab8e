#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets with clang (ASan + UBSan, outside the
# autotools build) and runs each for SECONDS (default 30) from the seed
# corpora in fuzz/corpus/. Exits non-zero when a target crashes, leaks,
# trips a sanitizer or an assertion; the reproducer is left in the build
# directory and its path printed.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     targets: token record policy options scope registry
#                                         tombstone gitreq lastused authheader request conf webform
#                                         entryrow
#   fuzz/run.sh --seeds                   rewrite the seed corpora
#
# Environment: CLANG (default clang-14, else clang), FUZZ_BUILD (build
# directory to use and keep; default a fresh temporary one, removed on
# success), FUZZ_JOBS (parallel jobs per target, default 1).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
CLANG=${CLANG:-$(command -v clang-14 || command -v clang || echo clang)}

seconds=30
case "${1:-}" in
--seeds) mode=seeds; shift ;;
[0-9]*) mode=run; seconds=$1; shift ;;
*) mode=run ;;
esac
targets=${*:-"token record policy options scope registry tombstone gitreq lastused authheader request conf webform entryrow"}

if [ -n "${FUZZ_BUILD:-}" ]; then
	build=$FUZZ_BUILD; keep=1; mkdir -p "$build"
else
	build=$(mktemp -d "${TMPDIR:-/tmp}/httptoken-fuzz.XXXXXX"); keep=0
fi

san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cflags="-g -O1 -std=gnu11 $san -I$build -I$top/lib -I$here"
# The module's option parser falls back to these defaults.
defaults="-DHT_DEFAULT_DB=\"/var/lib/httptoken/tokens.db\" -DHT_DEFAULT_KEY=\"/etc/httptoken/key\""
libs="$(pkg-config --libs libsodium) -lgdbm"

# The library sources need config.h; the autotools one may not exist
# (or belong to another configuration), so write the little they use.
printf '#define _GNU_SOURCE 1\n' >"$build/config.h"

objs=""
for src in "$top"/lib/*.c; do
	obj="$build/$(basename "$src" .c).o"
	"$CLANG" $cflags -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
	objs="$objs $obj"
done

if [ "$mode" = seeds ]; then
	"$CLANG" $cflags "$here/mkseeds.c" $objs $libs -o "$build/mkseeds"
	"$build/mkseeds" "$here/corpus"
	[ "$keep" = 1 ] || rm -rf "$build"
	exit 0
fi

# Extra sources a target needs beyond the library.
extra_sources() {
	case $1 in
	options) echo "$top/pam_httptoken/options.c $top/pam_httptoken/log.c" ;;
	authheader) echo "$top/mod_authn_httptoken/authheader.c" ;;
	request) echo "$top/httptokend/json.c $top/httptokend/proto.c" ;;
	conf) echo "$top/fleet/conf.c" ;;
	entryrow) echo "$top/fleet/replica_entry.c $top/fleet/replica.c $top/fleet/sign.c" ;;
	webform) echo "$top/httptokend/json.c $top/httptoken-web/urlenc.c $top/httptoken-web/query.c
		$top/httptoken-web/body.c $top/httptoken-web/cookie.c $top/httptoken-web/html.c
		$top/httptoken-web/list.c" ;;
	esac
}

# fuzz_target T: builds and runs one target; its report goes to
# $build/report-T, and the exit status says whether it held.
fuzz_target() {
	local t=$1 src="$here/fuzz_$1.c" extra missing="" f work log jobs runs cov
	extra=$(extra_sources "$t")
	for f in "$src" $extra; do
		[ -f "$f" ] || missing="$missing $f"
	done
	if [ -n "$missing" ]; then
		echo "fuzz $t: SKIP (not present:$missing)"
		return 0
	fi
	"$CLANG" $cflags $defaults -I"$top/pam_httptoken" -I"$top/mod_authn_httptoken" \
		-I"$top/httptokend" -I"$top/fleet" -I"$top/httptoken-web" -fsanitize=fuzzer "$src" $extra $objs \
		$libs -lpam -o "$build/fuzz_$t" || { echo "fuzz $t: FAILED to build"; return 1; }
	work="$build/corpus-$t"
	mkdir -p "$work" "$here/corpus/$t"
	log="$build/fuzz_$t.log"
	# -jobs forks workers that log into the current directory: run there.
	jobs=""
	[ "${FUZZ_JOBS:-1}" -gt 1 ] && jobs="-jobs=$FUZZ_JOBS -workers=$FUZZ_JOBS"
	if (cd "$build" && "$build/fuzz_$t" -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=1024 $jobs \
		-artifact_prefix="$build/crash-$t-" -print_final_stats=1 \
		"$work" "$here/corpus/$t") >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
		echo "fuzz $t: ok, ${runs:-?} inputs in ${seconds}s, $cov"
		return 0
	fi
	echo "fuzz $t: FAILED; log $log"
	grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -5 || true
	ls "$build"/crash-"$t"-* "$build"/leak-"$t"-* 2>/dev/null || true
	return 1
}

# The targets run FUZZ_LANES at a time (default: one per processor), each
# for its full time; the reports are printed in the order asked.
lanes=${FUZZ_LANES:-$(nproc)}
set -- $targets
i=0
for t in "$@"; do
	( fuzz_target "$t" >"$build/report-$t" 2>&1; echo $? >"$build/status-$t" ) &
	i=$((i + 1))
	[ $((i % lanes)) -ne 0 ] || wait
done
wait
failed=0
for t in "$@"; do
	cat "$build/report-$t"
	[ "$(cat "$build/status-$t" 2>/dev/null)" = 0 ] || failed=1
done

if [ "$failed" = 0 ] && [ "$keep" = 0 ]; then
	rm -rf "$build"
fi
exit "$failed"

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A fleet at scale: builds a store of COUNT tokens (default 1000000) on
# host A with bench/bench-store, times `tokenctl fleet init` (A's store
# into the empty schema) and a first `tokenctl sync` into an empty
# replica on B, then the authentication cost on B's replica against A's
# local store of the same tokens, warm: the module's own check
# (bench/verify-bench) and whole PAM transactions (bench/pam-bench, the
# two stacks interleaved). A private PostgreSQL 15 as in tests/fleet
# (root needed). A benchmark, not a test: run it by hand.
#
#   top_srcdir=SRC top_builddir=BUILD bench/fleet-scale.sh [COUNT]
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$(pwd)}"
export top_srcdir top_builddir
. "$top_srcdir/tests/fleet/fleetenv.sh"
COUNT=${1:-1000000}
BUILD=$top_builddir/bench/bench-store
VERIFY=$top_builddir/bench/verify-bench
PAMBENCH=$top_builddir/bench/pam-bench
MODULE=$(cd "$top_builddir" && pwd)/pam_httptoken/.libs/pam_httptoken.so   # PAM wants it absolute
for p in "$BUILD" "$VERIFY" "$PAMBENCH" "$MODULE"; do
	[ -x "$p" ] || { echo "fleet-scale: $p not built (run make)" >&2; exit 1; }
done

fleet_env_setup >/dev/null
now_ns() { date +%s%N; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.1f", ns / 1e9 }'; }
# CPU seconds (user + system) used so far by this shell's children, into
# CPU, from the second line of `times` ("0m1.5s 0m0.2s"; run in this
# shell, not a subshell): the machine is shared, so the wall time depends
# on the load and this does not.
cpu_now() {
	times >"$TEST_TMP/times"
	CPU=$(tail -1 "$TEST_TMP/times" | awk '{ t = 0
		for (i = 1; i <= 2; i++) { split($i, p, "m"); t += p[1] * 60 + p[2] }
		printf "%.1f", t }')
}
# timed LABEL COMMAND...: runs it, prints the wall and CPU time
timed() {
	label=$1; shift
	cpu_now
	t0=$(now_ns) c0=$CPU
	"$@" 2>"$TEST_TMP/timed.log" || { cat "$TEST_TMP/timed.log" >&2; exit 1; }
	t1=$(now_ns)
	cpu_now
	echo "$label: $(secs $((t1 - t0))) s (target < 60 s), tokenctl CPU" \
		"$(awk -v a="$c0" -v b="$CPU" 'BEGIN { printf "%.1f", b - a }') s," \
		"load average $(cut -d' ' -f1 /proc/loadavg): $(tail -1 "$TEST_TMP/timed.log")"
}

t0=$(now_ns)
"$BUILD" "$TEST_TMP/A/tokens.db" "$SHARED/key" "$COUNT" root "$TEST_TMP/samples" 100 \
	>/dev/null || { echo "bench-store failed" >&2; exit 1; }
echo "store: $COUNT tokens, $(du -k "$TEST_TMP/A/tokens.db" | cut -f1) KiB, built in" \
	"$(secs $(( $(now_ns) - t0 ))) s"

# The local store as it was before it joined the fleet: the comparison.
mkdir -p "$TEST_TMP/L" && chmod 0755 "$TEST_TMP/L"
cp -a "$TEST_TMP/A/tokens.db" "$TEST_TMP/A/tokens.db.lastused" "$TEST_TMP/L/"

timed "fleet init" on A fleet init
timed "first sync" on B sync

echo "replica: $(du -k "$TEST_TMP/B/tokens.db" | cut -f1) KiB"
for h in L B; do
	printf 'verify, %s: ' "$([ $h = L ] && echo 'local store' || echo 'replica    ')"
	"$VERIFY" -n 20000 "$TEST_TMP/$h/tokens.db" "$SHARED/key" root "$TEST_TMP/samples" 2>&1 | tail -1
done
CONF=$TEST_TMP/pam.d
mkdir -p "$CONF"
# Service names in lower case: PAM lowercases them.
for h in L B; do
	args="db=$TEST_TMP/$h/tokens.db keyfile=$SHARED/key"
	printf 'auth required %s %s\naccount required %s %s\n' "$MODULE" "$args" "$MODULE" "$args" \
		>"$CONF/store-$(printf '%s' $h | tr A-Z a-z)"
done
"$PAMBENCH" -c "$CONF" -r 5 -w 200 "store-l,root,$TEST_TMP/samples,2000" \
	"store-b,root,$TEST_TMP/samples,2000" | sed 's/^stack store-l/PAM, local store:/;
	s/^stack store-b/PAM, replica:    /'

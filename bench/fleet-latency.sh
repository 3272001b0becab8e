#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Revocation latency across a fleet: from the start of `tokenctl revoke` on
# host A to the first refusal by the PAM module on host C, whose replica is
# kept by `tokenctl sync --follow`. A private PostgreSQL 15 as in
# tests/fleet (root needed). Prints p50, p90, p99 and the maximum over N
# revocations (default 200), in milliseconds. The refusal is observed by
# polling pamrun, so each figure includes up to one pamrun run (~10 ms).
#
#   top_srcdir=SRC top_builddir=BUILD bench/fleet-latency.sh [N]
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$(pwd)}"
export top_srcdir top_builddir
. "$top_srcdir/tests/fleet/fleetenv.sh"
N=${1:-200}

fleet_env_setup >/dev/null
"$TOKENCTL" --db "$TEST_TMP/A/tokens.db" --keyfile "$SHARED/key" init 2>/dev/null
on A fleet init 2>/dev/null || { echo "fleet init failed" >&2; exit 1; }
on C sync 2>/dev/null
host_service C
"$TOKENCTL" --config "$TEST_TMP/C/httptoken.conf" --db "$TEST_TMP/C/tokens.db" \
	--keyfile "$SHARED/key" sync --follow >/dev/null 2>"$TEST_TMP/follow.log" &
FOLLOWERS=$!

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# until_login TOKEN ANSWER: polls C until the module answers ANSWER.
until_login() {
	n=0
	while [ "$(login C "$1")" != "$2" ]; do
		n=$((n + 1))
		[ $n -lt 3000 ] || { echo "gave up waiting for $2" >&2; exit 1; }
	done
}

: >"$TEST_TMP/lat"
i=0
while [ $i -lt "$N" ]; do
	T=$(on A create --name "bench$i" 2>/dev/null)
	until_login "$T" PAM_SUCCESS
	t0=$(now_ms)
	on A revoke "$(token_id "$T")" 2>/dev/null
	until_login "$T" PAM_AUTH_ERR
	t1=$(now_ms)
	echo $((t1 - t0)) >>"$TEST_TMP/lat"
	i=$((i + 1))
done
sort -n "$TEST_TMP/lat" | awk -v n="$N" '
	{ v[NR] = $1 }
	END {
		printf "revocations: %d\n", n
		printf "p50: %d ms\np90: %d ms\np99: %d ms\nmax: %d ms\n",
			v[int(n * 0.50 + 0.5)], v[int(n * 0.90 + 0.5)], v[int(n * 0.99 + 0.5)], v[n]
	}'

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What a command costs through httptokend compared with the direct path:
# the median and the slowest of RUNS (default 50) `tokenctl list` (of
# COUNT tokens, default 1000), `show` and `create`, run by root on the store
# and by root through a daemon started here (the same work; the difference
# is the daemon's), and `create` by nobody through it. As root, from the
# build tree; run by hand, never by make check:
#   bench/daemon-latency.sh [RUNS] [COUNT]
set -eu
RUNS=${1:-50}
COUNT=${2:-1000}
builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
TOKENCTL=$builddir/tokenctl/tokenctl
HTTPTOKEND=$builddir/httptokend/httptokend
BUILD=$builddir/bench/bench-store
[ "$(id -u)" = 0 ] || { echo "daemon-latency: run as root (it switches to nobody)" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/daemon-latency.XXXXXX")
chmod 0755 "$dir"
DB=$dir/tokens.db KEY=$dir/key SOCK=$dir/s.sock
"$BUILD" "$DB" "$KEY" "$COUNT" root "$dir/samples" 1 >/dev/null
"$HTTPTOKEND" --foreground --socket "$SOCK" --db "$DB" --keyfile "$KEY" </dev/null >/dev/null 2>&1 &
daemon=$!
trap 'kill "$daemon"; wait "$daemon"; rm -rf "$dir"' EXIT
while [ ! -S "$SOCK" ]; do sleep 0.05; done

now_ns() { date +%s%N; }
# stats: one duration (ns) per line in, "median max" in ms out
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%.1f %.1f", v[int((NR + 1) / 2)] / 1e6, v[NR] / 1e6 }'; }
# timed LABEL COMMAND...: RUNS runs, one line of results
timed() {
	label=$1
	shift
	: >"$dir/t"
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(now_ns)
		"$@" >/dev/null 2>&1
		echo $(($(now_ns) - t0)) >>"$dir/t"
		i=$((i + 1))
	done
	set -- $(stats <"$dir/t")
	printf '%-44s median %6s ms   max %6s ms\n' "$label" "$1" "$2"
}
direct() { "$TOKENCTL" --db "$DB" --keyfile "$KEY" "$@"; }
daemon() { "$TOKENCTL" --socket "$SOCK" "$@"; }
user() { setpriv --reuid=nobody --regid=nogroup --init-groups "$TOKENCTL" --socket "$SOCK" "$@"; }
ID=$(head -1 "$dir/samples" | cut -c5-20)

echo "store: $COUNT tokens; $RUNS runs each"
timed "list, root directly" direct list
timed "list, root through httptokend" daemon list
timed "show, root directly" direct show "$ID"
timed "show, root through httptokend" daemon show "$ID"
timed "create, root directly" direct create --name bench
timed "create, root through httptokend" daemon create --name bench
timed "create, nobody through httptokend (setpriv)" user create --name bench

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tokenctl at scale: builds a store of COUNT tokens (default 100000) with
# bench/bench-store, then times `tokenctl create` and `tokenctl list --all`
# against it and compares them with the targets (create < 0.2 s, list --all
# < 2 s), and times show, revoke, edit and purge once each. A benchmark,
# not a test: run it by hand from the build tree.
#   bench/tokenctl-scale.sh [COUNT] [RUNS]
set -eu
COUNT=${1:-100000}
RUNS=${2:-10}
builddir=${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}
TOKENCTL=$builddir/tokenctl/tokenctl
BUILD=$builddir/bench/bench-store
for p in "$TOKENCTL" "$BUILD"; do
	[ -x "$p" ] || { echo "tokenctl-scale: $p not built (run make)" >&2; exit 1; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/tokenctl-scale.XXXXXX")
trap 'rm -rf "$dir"' EXIT
chmod 0755 "$dir"
DB=$dir/tokens.db KEY=$dir/key
tk() { "$TOKENCTL" --db "$DB" --keyfile "$KEY" "$@"; }

now_ns() { date +%s%N; }
# ms ELAPSED_NS: milliseconds with one decimal
ms() { echo "$1" | awk '{ printf "%.1f", $1 / 1e6 }'; }
# stats: reads one duration (ns) per line, prints "median max" in ms
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%.1f %.1f", v[int((NR + 1) / 2)] / 1e6, v[NR] / 1e6 }'; }

t0=$(now_ns)
"$BUILD" "$DB" "$KEY" "$COUNT" "$(id -un)" "$dir/samples" 10 >/dev/null
echo "store: $COUNT tokens, $(du -k "$DB" | cut -f1) KiB, built in $(ms $(( $(now_ns) - t0 ))) ms"

: >"$dir/create"
for i in $(seq "$RUNS"); do
	t0=$(now_ns)
	tk create --name "bench $i" >/dev/null
	echo $(( $(now_ns) - t0 )) >>"$dir/create"
done
set -- $(stats <"$dir/create")
create_med=$1 create_max=$2
echo "create:        median $create_med ms, max $create_max ms over $RUNS runs (target < 200 ms)"

: >"$dir/list"
for i in 1 2 3; do
	t0=$(now_ns)
	rows=$(tk list --all | wc -l)
	echo $(( $(now_ns) - t0 )) >>"$dir/list"
done
set -- $(stats <"$dir/list")
list_med=$1 list_max=$2
echo "list --all:    median $list_med ms, max $list_max ms, $((rows - 1)) rows (target < 2000 ms)"

: >"$dir/json"
for i in 1 2 3; do
	t0=$(now_ns)
	tk --json list --all >/dev/null
	echo $(( $(now_ns) - t0 )) >>"$dir/json"
done
set -- $(stats <"$dir/json")
echo "--json list --all: median $1 ms"

t0=$(now_ns)
tk list --all | head -2 >/dev/null
echo "first row of list --all: $(ms $(( $(now_ns) - t0 ))) ms (rows stream as the store is walked)"

id=$(head -1 "$dir/samples" | cut -c5-20)
t0=$(now_ns); tk show "$id" >/dev/null
echo "show:          $(ms $(( $(now_ns) - t0 ))) ms"
t0=$(now_ns); tk revoke "$id" 2>/dev/null
echo "revoke:        $(ms $(( $(now_ns) - t0 ))) ms"
# Changes that free space in the file make the store be written afresh.
id2=$(sed -n 2p "$dir/samples" | cut -c5-20)
t0=$(now_ns); tk edit "$id2" --name "renamed after the bench" 2>/dev/null
echo "edit --name:   $(ms $(( $(now_ns) - t0 ))) ms"
size0=$(stat -c %s "$DB")
t0=$(now_ns); tk purge --revoked 2>/dev/null
echo "purge (1 of $COUNT): $(ms $(( $(now_ns) - t0 ))) ms, file $((size0 / 1024)) -> $(($(stat -c %s "$DB") / 1024)) KiB"

verdict=ok
awk -v c="$create_max" -v l="$list_max" 'BEGIN { exit !(c < 200 && l < 2000) }' || verdict=MISSED
echo "targets: $verdict"

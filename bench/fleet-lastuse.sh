#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Last use across a fleet: with N tokens (default 100000) each used once on
# host A, how long `tokenctl sync` takes to push every use to the database,
# then to find nothing new (the directory walk alone), and how long
# `tokenctl list --all` takes with the database's last uses merged and
# with the database stopped (this host's alone). A private PostgreSQL 15
# as in tests/fleet (root needed).
#
#   top_srcdir=SRC top_builddir=BUILD bench/fleet-lastuse.sh [N]
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$(pwd)}"
export top_srcdir top_builddir
. "$top_srcdir/tests/fleet/fleetenv.sh"
N=${1:-100000}

fleet_env_setup >/dev/null
"$top_builddir/bench/bench-store" "$TEST_TMP/A/tokens.db" "$SHARED/key" "$N" root \
	"$TEST_TMP/tokens" "$N" >/dev/null || { echo "bench-store failed" >&2; exit 1; }
cut -c5-20 "$TEST_TMP/tokens" >"$TEST_TMP/ids"
mkdir -p -m 3770 "$TEST_TMP/A/tokens.db.lastused"
on A fleet init >/dev/null 2>&1 || { echo "fleet init failed" >&2; exit 1; }
now=$(date +%s)
# One use each, as the module writes it (a line, then NULs to 512 bytes).
awk -v dir="$TEST_TMP/A/tokens.db.lastused" -v now="$now" \
	'{ f = dir "/" $1; printf "%020d sshd 192.0.2.1 -\n", now > f; close(f) }' "$TEST_TMP/ids"
(cd "$TEST_TMP/A/tokens.db.lastused" && xargs truncate -s 512 <"$TEST_TMP/ids")
sleep 1   # the uses are older than the push (same-second ones are pushed again)

ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(ms); on A sync >"$TEST_TMP/push.out" 2>&1; t1=$(ms)
echo "push $N last uses: $((t1 - t0)) ms ($(grep -o '[0-9]* last uses pushed' "$TEST_TMP/push.out"))"
t0=$(ms); on A sync >"$TEST_TMP/again.out" 2>&1; t1=$(ms)
echo "sync with nothing new to push (walk of $N entries): $((t1 - t0)) ms ($(grep -c 'last use' "$TEST_TMP/again.out") pushes)"
on B sync >/dev/null 2>&1
t0=$(ms); on B list --all >/dev/null 2>&1; t1=$(ms)
echo "list --all of $N tokens on B, database's last uses merged: $((t1 - t0)) ms"
pg_stop
t0=$(ms); on B list --all >/dev/null 2>&1; t1=$(ms)
echo "list --all of $N tokens on B, database stopped: $((t1 - t0)) ms"

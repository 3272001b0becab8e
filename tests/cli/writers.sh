#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Concurrent writers: each waits for the lock (--wait) and every change
# lands; one that cannot get the lock in time fails with 75 and changes
# nothing; readers are never blocked.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built"
command -v flock >/dev/null || tap_skip_all "flock(1) not installed"
make_tmpdir
make_store 2>/dev/null

# Eight writers at once, all within --wait: no lost update.
for i in 1 2 3 4 5 6 7 8; do
	tk --wait 20 create --name "w$i" >"$TEST_TMP/out.$i" 2>"$TEST_TMP/err.$i" &
done
wait
ok=0
for i in 1 2 3 4 5 6 7 8; do
	grep -Eq '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' "$TEST_TMP/out.$i" && ok=$((ok + 1))
done
check "eight concurrent creates all print a token" 8 "$ok"
check "eight concurrent creates are all in the store" 8 "$(tk list | tail -n +2 | wc -l)"

# A writer that waits out a held lock lands once it is released.
flock "$DB.lock" sleep 2 &
holder=$!
sleep 0.3
T=$(tk --wait 10 create --name "patient"); rc=$?
wait "$holder"
check "a writer within --wait succeeds after the holder ends" 0 "$rc"
check_match "its token is stored" "patient" "$(tk show "$(token_id "$T")")"

# Two different kinds of change racing: both land.
ID=$(tk list | tail -n +2 | head -1 | cut -c1-16)
flock "$DB.lock" sleep 1 &
holder=$!
sleep 0.2
tk --wait 10 edit "$ID" --name "edited" 2>/dev/null &
e=$!
tk --wait 10 policy set --max-days 12 2>/dev/null &
p=$!
wait "$e"; rc1=$?
wait "$p"; rc2=$?
wait "$holder"
check "edit and policy set racing: both succeed" "0 0" "$rc1 $rc2"
check_match "edit landed" '"name":"edited"' "$(tk --json show "$ID")"
check_match "policy set landed" '"max_days":12' "$(tk --json policy)"

# Not within --wait: 75, and the store is unchanged.
before=$(tk list | wc -l)
flock "$DB.lock" sleep 3 &
holder=$!
sleep 0.3
err=$(tk --wait 1 create --name "impatient" 2>&1 >/dev/null); rc=$?
list_rc=$(tk list >/dev/null 2>&1; echo $?)
wait "$holder"
check "a writer past --wait: exit 75" 75 "$rc"
check_match "a writer past --wait: says try again" "try again" "$err"
check "a reader is not blocked while the lock is held" 0 "$list_rc"
check "a refused writer changed nothing" "$before" "$(tk list | wc -l)"
left=$(ls -A "$TEST_TMP/store"); rc=$?
check "no temporary copies are left behind" "exit 0 []" \
	"exit $rc [$(printf '%s\n' "$left" | grep '\.tmp\.')]"
tap_done

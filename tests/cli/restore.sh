#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# backup and restore: a restore never brings back a token revoked after the
# backup, even once it is purged, keeps the current policy unless asked,
# and says what it did. A backup never lands on the store, its key or its
# lock file.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built"
make_tmpdir
make_store
B0="$TEST_TMP/b0.db"

id_of() { printf '%s' "$1" | cut -c5-20; }
status_of() { tk --json show "$1" 2>/dev/null | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p'; }

KEEP=$(tk create --name kept-token) || tap_bail "create failed"
GONE=$(tk create --name leaked-token) || tap_bail "create failed"
KEEP_ID=$(id_of "$KEEP"); GONE_ID=$(id_of "$GONE")
tk backup "$B0" 2>/dev/null || tap_bail "backup failed"
POLICY0=$(tk --json policy show)

# Revoked and purged after the backup, then the backup restored.
tk revoke "$GONE_ID" 2>/dev/null || tap_bail "revoke failed"
tk purge --revoked 2>/dev/null || tap_bail "purge failed"
check "purged: the leaked token is gone (66)" 66 "$(tk show "$GONE_ID" >/dev/null 2>&1; echo $?)"
tk policy set --max-days 30 2>/dev/null || tap_bail "policy set failed"
POLICY1=$(tk --json policy show)
err=$(tk restore "$B0" 2>&1 >/dev/null); rc=$?
check "restore: exit 0" 0 "$rc"
check "restore: the purged revoked token is back only as revoked" revoked "$(status_of "$GONE_ID")"
check "restore: the other token is active" active "$(status_of "$KEEP_ID")"
check_match "restore: says how many tokens" "tokenctl: restored 2 tokens from $B0" "$err"
check_match "restore: says it kept the revocation" "kept 1 revocation made after the backup" "$err"
check_match "restore: says it kept the policy" "kept the current policy" "$err"
check "restore: the current policy is kept" "$POLICY1" "$(tk --json policy show)"

# Purged again, and the same old backup restored again: the tombstone
# travelled through the first restore.
tk purge --revoked 2>/dev/null || tap_bail "purge failed"
err=$(tk restore "$B0" 2>&1 >/dev/null); rc=$?
check "second restore: exit 0" 0 "$rc"
check "second restore: still revoked" revoked "$(status_of "$GONE_ID")"
check_match "second restore: says it kept the revocation" "kept 1 revocation" "$err"

# A backup taken after the purge holds neither the token nor its name.
tk purge --revoked 2>/dev/null || tap_bail "purge failed"
tk backup "$TEST_TMP/b1.db" 2>/dev/null || tap_bail "backup failed"
check "backup after purge: the purged name is not in it" 0 \
	"$(grep -c leaked-token "$TEST_TMP/b1.db")"
err=$(tk restore "$TEST_TMP/b1.db" 2>&1 >/dev/null)
check_match "restore of it: one token" "restored 1 token from" "$err"
check "restore of it: the purged token stays gone (66)" 66 \
	"$(tk show "$GONE_ID" >/dev/null 2>&1; echo $?)"

# --with-policy takes the backup's policy too, and says so.
err=$(tk restore --with-policy "$B0" 2>&1 >/dev/null); rc=$?
check "restore --with-policy: exit 0" 0 "$rc"
check "restore --with-policy: the backup's policy" "$POLICY0" "$(tk --json policy show)"
check_match "restore --with-policy: says so" "the policy is the backup's" "$err"
check "restore --with-policy: the revocation still kept" revoked "$(status_of "$GONE_ID")"
json=$(tk --json restore "$B0" 2>/dev/null)
check_match "restore --json: what it did" \
	'^\{"restored_from":".*/b0.db","tokens":2,"kept_revoked":1,"policy":"kept"\}$' "$json"
tk restore --bogus "$B0" 2>/dev/null
check "restore with an unknown option: 64" 64 "$?"
tk restore 2>/dev/null
check "restore without a file: 64" 64 "$?"

# A backup that does not verify is bad input (65), and changes nothing.
before=$(tk --json list --all)
head -c 3000 "$B0" >"$TEST_TMP/cut.db"
tk restore "$TEST_TMP/cut.db" 2>/dev/null
check "restore of a truncated backup: 65" 65 "$?"
check "restore of a truncated backup: store unchanged" "$before" "$(tk --json list --all)"

# backup refuses the store, the key, the lock file (existing or not) and a
# writer's temp name, by any name.
# The registry travels with the backup: its projects, as they were.
tk project add REG --description before 2>/dev/null || tap_bail "project add failed"
tk backup "$TEST_TMP/b-reg.db" 2>/dev/null || tap_bail "backup failed"
tk project edit REG --description after 2>/dev/null || tap_bail "project edit failed"
tk project add LATER 2>/dev/null || tap_bail "project add failed"
tk restore "$TEST_TMP/b-reg.db" 2>/dev/null
check "restore: exit 0 (registry)" 0 "$?"
check_match "restore: the backup's registry entry" '"description":"before"' "$(tk --json project show REG)"
check "restore: a project registered after the backup is gone: 66" 66 \
	"$(tk project show LATER >/dev/null 2>&1; echo $?)"

# A backup made before the upgrade, restored over the upgraded store: the
# store is of version 1 again, and so must its policy be (the backup's).
V1="$TEST_TMP/v1"
mkdir -m 0700 "$V1" && cp "$top_srcdir/tests/fixtures/v1-store/tokens.db" \
	"$top_srcdir/tests/fixtures/v1-store/key" "$V1/" && chmod 0600 "$V1/tokens.db" "$V1/key" ||
	tap_bail "cannot copy the version-1 store"
tk1() { "$TOKENCTL" --db "$V1/tokens.db" --keyfile "$V1/key" "$@"; }
tk1 backup "$TEST_TMP/b-v1.db" 2>/dev/null || tap_bail "backup of the version-1 store failed"
tk1 upgrade 2>/dev/null || tap_bail "upgrade failed"
tk1 policy set --max-tokens-per-user 5 2>/dev/null || tap_bail "policy set failed"
err=$(tk1 restore "$TEST_TMP/b-v1.db" 2>&1 >/dev/null); rc=$?
check "restore of a version-1 backup over an upgraded store: exit 0" 0 "$rc"
check_match "... says the policy is the backup's, and why" \
	"the policy is the backup's \(the replaced store's is of another store version\)" "$err"
check_match "... the store is of version 1 again" '"schema":1' "$(tk1 --json policy show)"
check "... and every token reads: list --all exits 0" 0 "$(tk1 list --all >/dev/null 2>&1; echo $?)"

for f in "$DB" "$KEY" "$DB.lock" "$TEST_TMP/store/../store/tokens.db.lock" "$DB.tmp.abcdef"; do
	sum=$( [ -e "$f" ] && cksum <"$f")
	err=$(tk backup "$f" 2>&1); rc=$?
	check "backup onto $(basename "$f"): 64" 64 "$rc"
	check_match "backup onto $(basename "$f"): says why" "is the live store, its key or its lock file" "$err"
	check "backup onto $(basename "$f"): left as it was" "$sum" "$( [ -e "$f" ] && cksum <"$f")"
done
ln "$DB.lock" "$TEST_TMP/other-name"
tk backup "$TEST_TMP/other-name" 2>/dev/null
check "backup onto a hard link of the lock file: 64" 64 "$?"
rm -f "$DB.lock"
tk backup "$DB.lock" 2>/dev/null
check "backup onto the lock file's name when it is missing: 64" 64 "$?"
check "no file made at the lock's name" no "$([ -e "$DB.lock" ] && echo yes || echo no)"
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every tokenctl command on a fresh store, as its administrator: what is
# printed, the exit status, and what the store holds afterwards.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built"
make_tmpdir
ME=$(id -un)
TOKEN_RE='^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$'

# init: key, store, lock file, last-use directory, with their modes.
make_store
check "init: key is 0640" "640" "$(stat -c %a "$KEY")"
check "init: store is 0640" "640" "$(stat -c %a "$DB")"
check "init: last-use directory is 3770" "3770" "$(stat -c %a "$DB.lastused")"
check "init: lock file exists" "yes" "$([ -f "$DB.lock" ] && echo yes)"
check "init: key is 32 bytes" "32" "$(stat -c %s "$KEY")"
"$TOKENCTL" --db "$TEST_TMP/deep/a/b/tokens.db" --keyfile "$TEST_TMP/deep/k/key" init 2>/dev/null
check "init: creates missing parents 0755" "755 755" \
	"$(stat -c %a "$TEST_TMP/deep/a/b") $(stat -c %a "$TEST_TMP/deep/k")"

# create: the token alone on stdout, nothing else.
out=$(tk create --name "laptop" 2>"$TEST_TMP/err"); rc=$?
check "create: exit 0" 0 "$rc"
check_match "create: stdout is exactly one token" "$TOKEN_RE" "$out"
check "create: one line on stdout" 1 "$(printf '%s\n' "$out" | wc -l)"
T1=$out; ID1=$(token_id "$T1")

T2=$(tk create --name "ci" --perm write --expires 7)
ID2=$(token_id "$T2")
# Project and repository tokens are for registered scopes.
tk project add PROJ 2>/dev/null && tk repo add PROJ/web 2>/dev/null || tap_bail "registry setup failed"
TP=$(tk create --name "deploy" --project PROJ --perm admin)
IDP=$(token_id "$TP")
TR=$(tk create --name "mirror" --repo PROJ/web)
IDR=$(token_id "$TR")
check_match "create --project prints a token" "$TOKEN_RE" "$TP"
check_match "create --repo prints a token" "$TOKEN_RE" "$TR"

# A closed stdout: no token is made that nobody could ever see.
before=$(tk list | wc -l)
tk create --name "unseen" >&- 2>/dev/null
check "create with stdout closed: refused (74)" 74 "$?"
check "create with stdout closed: no token made" "$before" "$(tk list | wc -l)"

json=$(tk --json create --name "j")
check_match "create --json: token and metadata" \
	'^\{"token":"htk_[0-9a-f]{16}[0-9A-Za-z]{49}","token_info":\{"id":"[0-9a-f]{16}","kind":"personal"' "$json"

# show: every field.
show=$(tk show "$ID2")
check_match "show: id" "^id: +$ID2\$" "$(printf '%s\n' "$show" | grep '^id:')"
check_match "show: owner is the caller" "^owner: +$ME\$" "$(printf '%s\n' "$show" | grep '^owner:')"
check_match "show: permission" "^permission: +write\$" "$(printf '%s\n' "$show" | grep '^permission:')"
check_match "show: expiry 7 days out" "^expires: +$(date -u -d '+7 days' +%Y-%m-%d)" \
	"$(printf '%s\n' "$show" | grep '^expires:')"
check_match "show: never used" "^last used: +never\$" "$(printf '%s\n' "$show" | grep '^last used:')"
check_match "show --json" "\"id\":\"$IDP\",\"kind\":\"project\".*\"scope\":\"PROJ\",\"perm\":\"admin\"" \
	"$(tk --json show "$IDP")"

# list: own tokens by default, everything with --all, scopes, --json.
# check_none DESCRIPTION TOKENCTL-ARGS...: tokenctl lists nothing, and says
# so: exit 0, no line on stdout, "no tokens" on stderr. (A crash prints
# nothing too, but neither exits 0 nor says that.)
check_none() {
	desc=$1; shift
	out=$(tk "$@" 2>"$TEST_TMP/none.err"); rc=$?
	check "$desc" "exit 0 [] tokenctl: no tokens" "exit $rc [$out] $(cat "$TEST_TMP/none.err")"
}

list=$(tk list)
check_match "list: header" "^ID +KIND +OWNER/SCOPE +PERM +STATUS +CREATED +EXPIRES +LAST USED +FROM +USES +NAME" \
	"$(printf '%s\n' "$list" | head -1)"
check "list: default shows the caller's 3 personal tokens" 3 "$(printf '%s\n' "$list" | grep -c ' personal ')"
check "list --all: all 5" 5 "$(tk list --all | tail -n +2 | wc -l)"
check "list --project PROJ: project and its repository" 2 "$(tk list --project PROJ | tail -n +2 | wc -l)"
check "list --repo PROJ/web: the repository token" "$IDR" "$(tk list --repo PROJ/web | tail -n +2 | cut -c1-16)"
check "list --user ME" 3 "$(tk list --user "$ME" | tail -n +2 | wc -l)"
check "list --expiring 10: only the 7-day token" "$ID2" "$(tk list --all --expiring 10 | tail -n +2 | cut -c1-16)"
check_none "list --expiring 3: none" list --all --expiring 3
jl=$(tk --json list --all)
check "list --json: an array of 5 objects" 5 "$(printf '%s\n' "$jl" | grep -c '^{"id":')"
check_match "list --json: brackets" '^\[' "$jl"
check "list --json with no match: empty array" "[]" "$(tk --json list --repo NONE/x)"

# edit: name and level.
tk edit "$ID1" --name "new laptop" --perm admin 2>/dev/null
check "edit: exit 0" 0 $?
check_match "edit: name changed" '"perm":"admin".*"name":"new laptop"' "$(tk --json show "$ID1")"

# revoke by id, twice (already revoked is not an error).
tk revoke "$ID2" 2>/dev/null
check "revoke: exit 0" 0 $?
check_match "revoke: status revoked" '"status":"revoked","created":"[^"]+","expires":"[^"]+","revoked_at":"[0-9-]+T' \
	"$(tk --json show "$ID2")"
err=$(tk revoke "$ID2" 2>&1); rc=$?
check "revoke again: exit 0" 0 "$rc"
check_match "revoke again: says so" "already revoked" "$err"
check "list --status revoked" "$ID2" "$(tk list --all --status revoked | tail -n +2 | cut -c1-16)"

# revoke --token -: the presented token, newline and all.
printf '%s\n' "$TR" | tk revoke --token - 2>/dev/null
check "revoke --token -: exit 0" 0 $?
check_match "revoke --token -: revoked" '"status":"revoked"' "$(tk --json show "$IDR")"

# rotate: new id and secret, same attributes, old one revoked.
T3=$(tk rotate "$ID1"); rc=$?
ID3=$(token_id "$T3")
check "rotate: exit 0" 0 "$rc"
check_match "rotate: prints only a new token" "$TOKEN_RE" "$T3"
check_match "rotate: old token revoked" '"status":"revoked"' "$(tk --json show "$ID1")"
check_match "rotate: new token keeps name and level" '"perm":"admin","status":"active".*"name":"new laptop"' \
	"$(tk --json show "$ID3")"

# revoke --user: every personal token of that user.
tk revoke --user "$ME" 2>/dev/null
check "revoke --user: exit 0" 0 $?
check_none "revoke --user: no active personal token left" list --status active
check "revoke --user: project token untouched" "active" \
	"$(tk list --project PROJ --status active | tail -n +2 | awk '{print $5}')"

# policy show / set.
pol=$(tk policy)
check_match "policy: defaults" "expiry-required: +no" "$pol"
check_match "policy: max-days 90" "max-days: +90" "$pol"
tk policy set --expiry-required yes --max-days 30 --enforce-existing yes \
	--lastused-granularity 60 --admin-group "$(id -gn)" 2>/dev/null
check "policy set: exit 0" 0 $?
check "policy --json" "{\"expiry_required\":true,\"max_days\":30,\"enforce_existing\":true,\"admin_group\":\"$(id -gn)\",\"lastused_granularity\":60,\"notify_owner\":false,\"sysadmin_group\":null,\"token_users\":null,\"max_tokens_per_user\":100,\"allowed_uses\":\"any\",\"web_user\":\"httptoken-web\",\"session_minutes\":15,\"schema\":2}" \
	"$(tk --json policy show)"
T4=$(tk create --name "bounded"); ID4=$(token_id "$T4")
check_match "expiry required: create without --expires gets max-days" \
	"^expires: +$(date -u -d '+30 days' +%Y-%m-%d)" "$(tk show "$ID4" | grep '^expires:')"
check_match "enforce-existing: an old token without expiry shows refused" '"policy_refused":true' \
	"$(tk --json show "$IDP")"
tk policy set --admin-group none --expiry-required no 2>/dev/null
check_match "policy set --admin-group none" '"admin_group":null' "$(tk --json policy)"

# purge: revoked tokens go, with their last-use files.
printf '%020d\n' 1700000000 > "$DB.lastused/$ID2"
before=$(tk list --all | tail -n +2 | wc -l)
n=$(tk --json purge --revoked)
check_match "purge --revoked --json: count" '^\{"purged":[1-9][0-9]*\}$' "$n"
after=$(tk list --all | tail -n +2 | wc -l)
check "purge: the count matches what went" "$before" "$((after + $(printf '%s' "$n" | tr -dc 0-9)))"
check_none "purge: no revoked token left" list --all --status revoked
check "purge: last-use file removed" "no" "$([ -e "$DB.lastused/$ID2" ] && echo yes || echo no)"
err=$(tk purge --older-than 1 2>&1)
check_match "purge: reports on stderr" "purged 0 tokens" "$err"

# backup and restore.
tk backup "$TEST_TMP/backup.db" 2>/dev/null
check "backup: exit 0" 0 $?
check "backup: mode 0600" 600 "$(stat -c %a "$TEST_TMP/backup.db")"
keysum=$(cksum <"$KEY")
tk backup "$KEY" 2>/dev/null
check "backup over the key file: refused (64), key intact" "64 $keysum" "$? $(cksum <"$KEY")"
tk backup "$DB" 2>/dev/null
check "backup over the live store: refused (64)" 64 $?
LATE=$(tk create --name after-backup) && LATE_ID=$(token_id "$LATE")
tk revoke "$ID4" 2>/dev/null
err=$(tk restore "$TEST_TMP/backup.db" 2>&1 >/dev/null)
check "restore: exit 0" 0 $?
tk show "$LATE_ID" >/dev/null 2>&1
check "restore: a token created after the backup is gone (66)" 66 $?
check_match "restore: a token revoked after the backup stays revoked" '"status":"revoked"' \
	"$(tk --json show "$ID4")"
check_match "restore: says it kept the revocation" "kept 1 revocation made after the backup" "$err"
check "restore: store mode 0640" 640 "$(stat -c %a "$DB")"

# last use is shown from the module's file.
printf '%020d\n' 1767225600 > "$DB.lastused/$ID4"
check_match "show: last used from the last-use file" "^last used: +2026-01-01 00:00" \
	"$(tk show "$ID4" | grep '^last used:')"

# Names reach the terminal and JSON safely: a backslash is shown escaped,
# quotes and backslashes are escaped in JSON. (A right-to-left override is
# refused in a name: tests/cli/names.sh.)
tricky=$(printf 'q"uo\\te evil \303\274n')
TX=$(tk create --name "$tricky"); IX=$(token_id "$TX")
UE=$(printf '\303\274')
check_match "table: backslash escaped, UTF-8 kept" 'q"uo\\\\te evil '"$UE"'n$' "$(tk list --all | grep "^$IX")"
check_match "JSON: quote and backslash escaped" '"name":"q\\"uo\\\\te evil '"$UE"'n"' \
	"$(tk --json show "$IX")"
err=$(tk create --name "$(printf 'invoice\342\200\256fdp.exe')" 2>&1 >/dev/null); rc=$?
check "a right-to-left override in a name: exit 65" 65 "$rc"
check_match "a right-to-left override in a name: message" "invisible format characters" "$err"
check "no raw RLO anywhere in the output" 0 \
	"$( (tk list --all; tk show "$IX"; tk --json list --all) | grep -c "$(printf '\342\200\256')")"

# show of a token that is not there reads no uninitialised memory, also
# when enforce-existing makes show judge the record against the policy.
# memcheck cannot run an ASan build; there ASan watches the same run.
if ldd "$TOKENCTL" 2>/dev/null | grep -q libasan; then
	checker=
elif command -v valgrind >/dev/null; then
	checker="valgrind -q --error-exitcode=99"
else
	checker=missing
fi
if [ "$checker" != missing ]; then
	tk policy set --expiry-required yes --enforce-existing yes 2>/dev/null
	$checker "$TOKENCTL" --db "$DB" --keyfile "$KEY" \
		show 0123456789abcdef >/dev/null 2>"$TEST_TMP/vg"; rc=$?
	check "show of an unknown id: 66, no memory error" 66 "$rc"
	tk policy set --expiry-required no --enforce-existing no 2>/dev/null
else
	tap_skip "show under valgrind" "valgrind not installed"
fi

# help and version.
check_match "--help lists commands" "rotate ID" "$("$TOKENCTL" --help)"
check_match "--version" "^tokenctl \(httptoken\) [0-9]" "$("$TOKENCTL" --version)"
tap_done

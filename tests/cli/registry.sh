#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The registry's commands as root on a private store: what they print
# (text and JSON), and every kind of bad input refused with its exit code
# and a message, changing nothing.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
make_tmpdir
make_store 2>/dev/null

registry() { tk --json project list; tk --json repo list; }
expect() {   # DESC CODE REGEX ARGS...: exit, message, nothing changed
	desc=$1 code=$2 re=$3; shift 3
	before=$(registry)
	err=$(tk "$@" 2>&1 >/dev/null); rc=$?
	check "$desc: exit $code" "$code" "$rc"
	check_match "$desc: message" "$re" "$err"
	check "$desc: nothing changed" "$before" "$(registry)"
}

err=$(tk project add PROJ --admin root --admin @root --description "Payments" 2>&1); rc=$?
check "project add: exit 0" 0 "$rc"
check_match "project add: says so" "registered PROJ" "$err"
check_match "project show --json" \
	"^\\{\"project\":\"PROJ\",\"description\":\"Payments\",\"created\":\"$(date -u +%Y-%m-%d)T" \
	"$(tk --json project show PROJ)"
check_match "project show --json: administrators with their ids" \
	'"admins":\[\{"type":"user","name":"root","id":0\},\{"type":"group","name":"root","id":0\}\]' \
	"$(tk --json project show PROJ)"
tk repo add PROJ/app --description "the app" 2>/dev/null
check_match "project show: its repositories" "PROJ/app" "$(tk project show PROJ)"
check_match "repo list PROJ" "^PROJ/app " "$(tk repo list PROJ | tail -n +2)"
check "repo list OTHER: none" "[]" "$(tk --json repo list OTHER)"

expect "a malformed key" 65 "is not a project key" project add 9X
expect "a malformed repository" 65 "is not a repository" repo add PROJ/a/b
expect "a slug ending in .git" 65 "must not end in .git.*register 'PROJ/x'" repo add PROJ/x.git
expect "a repository of an unregistered project" 66 "no such project NOPE" repo add NOPE/x
expect "registering twice" 73 "registered already" project add PROJ
expect "an unknown user" 65 "no such user 'no-such-user-htk'" project add Q --admin no-such-user-htk
expect "an unknown group" 65 "no such group 'no-such-group-htk'" project add Q --admin @no-such-group-htk
expect "an empty group name" 65 "expected USER or @GROUP" project add Q --admin @
expect "an invisible character in a description" 65 "invisible characters" \
	project add Q --description "$(printf 'a\342\200\256b')"
expect "a description of 257 bytes" 65 "at most 256 bytes" \
	project add Q --description "$(head -c 257 /dev/zero | tr '\0' d)"
expect "removing an administrator who is not one" 65 "is not an administrator of PROJ" \
	project edit PROJ --remove-admin nobody
expect "edit with nothing to change" 64 "nothing to change" project edit PROJ
expect "--force on add" 64 "--force is for remove" project add Q --force
expect "edit of an unregistered project" 66 "no such project NOPE" project edit NOPE --description x
expect "show of an unregistered project" 66 "no such project NOPE" project show NOPE
expect "an unknown verb" 64 "expected add, edit, remove, list or show" project rename PROJ

T=$(tk create --name ci --repo PROJ/app 2>/dev/null)
check "show of a repository token: who administers it" \
	"$(printf 'project:    PROJ, administered by root,@root\nrepository: PROJ/app')" \
	"$(tk show "$(printf '%s' "$T" | cut -c5-20)" | tail -2)"
expect "removing a project with tokens and repositories" 65 \
	"has 1 active token and 1 repository.*--force" project remove PROJ
expect "removing a repository with a token" 65 "has 1 active token" repo remove PROJ/app
err=$(tk project remove PROJ --force 2>&1); rc=$?
check "project remove --force: exit 0" 0 "$rc"
check_match "project remove --force: says what it revoked" "removed PROJ; revoked 1 token" "$err"
check "and revoked it with the reason" "revoked project removed" \
	"$(tk --json show "$(printf '%s' "$T" | cut -c5-20)" |
	   sed 's/.*"status":"\([a-z]*\)".*"revoked_reason":"\([^"]*\)".*/\1 \2/')"
check "and removed its repositories" "[]" "$(tk --json repo list)"

# Registering a scope adopts its existing tokens (here: left by a removal;
# in practice made before there was a registry).
tk project add PROJ 2>/dev/null
T2=$(tk create --name ci2 --project PROJ 2>/dev/null)
tk project remove PROJ --force 2>/dev/null
check_match "project add reports existing tokens" '"added":true,"tokens":2' \
	"$(tk --json project add PROJ)"
tap_done

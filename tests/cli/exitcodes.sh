#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every exit status tokenctl(8) lists (EXIT STATUS), with a message that
# says what is wrong (and, for files, which file).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built"
make_tmpdir
make_store 2>/dev/null

# expect DESCRIPTION CODE MESSAGE-REGEX COMMAND...
expect() {
	desc=$1 code=$2 re=$3; shift 3
	err=$("$@" 2>&1 >/dev/null </dev/null); rc=$?
	check "$desc: exit $code" "$code" "$rc"
	check_match "$desc: message" "$re" "$err"
}

T=$(tk create --name a); ID=$(token_id "$T")

# 64: usage.
expect "no command" 64 "Usage" "$TOKENCTL"
expect "unknown command" 64 "unknown command 'frob'" tk frob
expect "unknown option" 64 "unknown option '--frob'" tk list --frob
expect "missing value" 64 "needs a value" tk create --name
expect "create without --name" 64 "--name is required" tk create
expect "bad --perm" 64 "--perm: expected read, write or admin" tk create --name x --perm root
expect "negative --expires" 64 "--expires: expected a number" tk create --name x --expires -1
expect "zero --expires" 64 "--expires: expected a number from 1" tk create --name x --expires 0
expect "huge --expires" 64 "--expires: expected a number" tk create --name x --expires 99999999999999999999
expect "--project with --repo" 64 "exclude each other" tk create --name x --project A --repo A/b
expect "malformed id" 64 "is not a token id" tk show 12345
expect "edit with nothing to change" 64 "nothing to change" tk edit "$ID"
expect "revoke with nothing" 64 "give token ids" tk revoke
expect "revoke --token FILE" 64 "--token takes '-'" tk revoke --token "$T"
expect "bad --wait" 64 "--wait" tk --wait x list
expect "policy set with nothing" 64 "nothing to change" tk policy set
expect "bad yes/no" 64 "expected yes or no" tk policy set --expiry-required maybe
expect "list: two selectors" 64 "choose one" tk list --all --user root

# 65: data and policy refusals.
expect "name with a control character" 65 "invalid name" tk create --name "$(printf 'a\033b')"
expect "name too long" 65 "invalid name" tk create --name "$(printf '%0129d' 0)"
expect "invalid project key" 65 "invalid project key" tk create --name x --project 9bad
expect "invalid repository" 65 "invalid repository" tk create --name x --repo PROJ/..
expect "edit --expires" 65 "expiry cannot be changed; rotate the token instead" tk edit "$ID" --expires 5
expect "edit --expiry" 65 "expiry cannot be changed" tk edit "$ID" --expiry 5
expect "not a token on stdin" 65 "does not hold a token" sh -c 'echo nonsense | "$0" --db "$1" --keyfile "$2" revoke --token -' "$TOKENCTL" "$DB" "$KEY"
expect "unknown admin group" 65 "no such group 'no-such-group-x'" tk policy set --admin-group no-such-group-x
tk policy set --expiry-required yes --max-days 30 2>/dev/null
expect "--expires over max-days" 65 "at most 30 days" tk create --name x --expires 31
expect "rotate --expires over max-days" 65 "at most 30 days" tk rotate "$ID" --expires 31
tk policy set --expiry-required no 2>/dev/null
tk revoke "$ID" 2>/dev/null
expect "edit a revoked token" 65 "is revoked" tk edit "$ID" --name y
expect "rotate a revoked token" 65 "is revoked" tk rotate "$ID"

# 66: no such token.
expect "show unknown" 66 "no such token 0123456789abcdef" tk show 0123456789abcdef
expect "edit unknown" 66 "no such token" tk edit 0123456789abcdef --name x
expect "rotate unknown" 66 "no such token" tk rotate 0123456789abcdef
T2=$(tk create --name b); ID2=$(token_id "$T2")
expect "revoke with one unknown id" 66 "no such token 0123456789abcdef" tk revoke "$ID2" 0123456789abcdef
check "revoke is all or nothing" "active" "$(tk --json show "$ID2" | sed 's/.*"status":"\([a-z]*\)".*/\1/')"
# A well-formed token (correct checksum) for a known id but the wrong
# secret: knowing an id is not enough to revoke.
B62=0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz
forge() {   # forge ID SECRET43: a token text with a valid CRC32 checksum
	body="htk_$1$2"
	crc=$(printf '%s' "$body" | gzip -c | tail -c8 | od -An -tu4 -N4 | tr -d ' ')
	sum=""
	for i in 1 2 3 4 5 6; do
		d=$((crc % 62)); crc=$((crc / 62))
		sum="$(printf '%s' "$B62" | cut -c$((d + 1)))$sum"
	done
	printf '%s%s\n' "$body" "$sum"
}
WRONG=$(forge "$ID2" "$(printf 'A%.0s' $(seq 43))")
expect "revoke --token - with a wrong secret" 66 "no such token" sh -c 'echo "$3" | "$0" --db "$1" --keyfile "$2" revoke --token -' "$TOKENCTL" "$DB" "$KEY" "$WRONG"
check "wrong secret: token still active" "active" "$(tk --json show "$ID2" | sed 's/.*"status":"\([a-z]*\)".*/\1/')"
OTHER=$(forge 0123456789abcdef "$(printf 'B%.0s' $(seq 43))")
expect "revoke --token - with an unknown id" 66 "no such token" sh -c 'echo "$3" | "$0" --db "$1" --keyfile "$2" revoke --token -' "$TOKENCTL" "$DB" "$KEY" "$OTHER"
RIGHT=$(forge "$ID2" "$(printf '%s' "$T2" | cut -c21-63)")
check "the forging helper reproduces a real token" "$T2" "$RIGHT"
expect "input over 4 KiB" 65 "longer than 4096" sh -c 'head -c 5000 /dev/zero | tr "\\0" a | "$0" --db "$1" --keyfile "$2" revoke --token -' "$TOKENCTL" "$DB" "$KEY"

# 69: store or key unavailable.
expect "missing store" 69 "store $TEST_TMP/nowhere/tokens.db: .*No such file" \
	"$TOKENCTL" --db "$TEST_TMP/nowhere/tokens.db" --keyfile "$KEY" list
expect "missing key" 69 "key file $TEST_TMP/nokey: No such file" \
	"$TOKENCTL" --db "$DB" --keyfile "$TEST_TMP/nokey" list
"$TOKENCTL" --db "$TEST_TMP/other/tokens.db" --keyfile "$TEST_TMP/other/key" init 2>/dev/null
expect "store made with another key" 69 "integrity check" \
	"$TOKENCTL" --db "$TEST_TMP/other/tokens.db" --keyfile "$KEY" list

# 73: init over an existing store or key.
expect "init over an existing store" 73 "already exists" tk init
expect "init over an existing key" 73 "key file $KEY already exists" \
	"$TOKENCTL" --db "$TEST_TMP/fresh.db" --keyfile "$KEY" init
check "init refused: nothing created" "no" "$([ -e "$TEST_TMP/fresh.db" ] && echo yes || echo no)"

# 74: I/O error.
if [ -w /dev/full ]; then
	err=$(tk create --name full 2>&1 >/dev/full); rc=$?
	check "create to a full stdout: exit 74" 74 "$rc"
	check_match "create to a full stdout: says to revoke" "could not be printed; revoke it" "$err"
else
	tap_skip "create to a full stdout: exit 74" "no /dev/full"
	tap_skip "create to a full stdout: message" "no /dev/full"
fi

# 75: busy.
if command -v flock >/dev/null; then
	flock "$DB.lock" sleep 3 &
	holder=$!
	sleep 0.3
	start=$(date +%s)
	expect "writer while the lock is held" 75 "another change is in progress" tk --wait 1 create --name busy
	check "the wait is bounded by --wait" "yes" "$([ $(( $(date +%s) - start )) -le 2 ] && echo yes)"
	check "a reader is not blocked by a writer" 0 "$(tk list >/dev/null 2>&1; echo $?)"
	wait "$holder"
else
	for i in 1 2 3 4; do tap_skip "busy" "no flock(1)"; done
fi

# 78: unsafe files, named with the problem.
chmod g+w "$DB"
expect "group-writable store" 78 "store $DB: writable by group or others \\(mode 0660\\)" tk list
chmod g-w "$DB"
chmod o+w "$KEY"
expect "world-writable key" 78 "key file $KEY: writable by group or others" tk list
chmod o-w "$KEY"
mv "$DB" "$DB.real" && ln -s "$DB.real" "$DB"
expect "symlinked store" 78 "store $DB: is a symbolic link" tk list
rm "$DB" && mv "$DB.real" "$DB"
mkdir "$TEST_TMP/dirstore" "$TEST_TMP/dirstore/tokens.db"
expect "store that is a directory" 78 "not a regular file" \
	"$TOKENCTL" --db "$TEST_TMP/dirstore/tokens.db" --keyfile "$KEY" list
chmod g+w "$TEST_TMP/store"
expect "group-writable store directory" 78 "directory $TEST_TMP/store:? (is )?writable by group or others" tk list
chmod g-w "$TEST_TMP/store"
if [ "$(id -u)" = 0 ]; then
	chown nobody "$DB"
	expect "store owned by another user" 78 "store $DB: owned by uid [0-9]+, must be owned by root" tk list
	chown root "$DB"
	chown nobody "$KEY"
	expect "key owned by another user" 78 "key file $KEY: owned by uid" tk list
	chown root "$KEY"
else
	for i in 1 2 3 4; do tap_skip "foreign owner" "needs root to chown"; done
fi
check "the store works again once fixed" 0 "$(tk list >/dev/null 2>&1; echo $?)"
tap_done

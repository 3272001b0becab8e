#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Store and key problems: missing, unsafe, corrupt. Each is
# PAM_AUTHINFO_UNAVAIL for a token (logged at LOG_ERR naming the file, and
# nothing said to the client but the prompt), while an ordinary password
# still falls through untouched.
. "$top_srcdir/tests/pam/pamenv.sh"
pam_env_setup

service s
T=$(token personal alice read)
GOOD_DB="$TEST_TMP/good.db" GOOD_KEY="$TEST_TMP/good.key"
cp -p "$DB" "$GOOD_DB" && cp -p "$KEY" "$GOOD_KEY"
check "a healthy store accepts the token" PAM_SUCCESS "$(auth s alice "$T")"

restore() {
	rm -rf "$DB" "$KEY"
	chmod 0755 "$TEST_TMP/store"
	cp -p "$GOOD_DB" "$DB" && cp -p "$GOOD_KEY" "$KEY"
}

# unavailable DESCRIPTION LOG-REGEX: the token is refused as unavailable,
# the reason is logged, and a non-token password is still PAM_IGNORE.
unavailable() {
	: >"$PAMERR"
	check "$1" "auth=PAM_AUTHINFO_UNAVAIL prompts=1 others=0" "$(run_pam s alice -p "$T")"
	check_match "$1: logged at authpriv.err" "^SYSLOG\(83\): auth failed \($2" "$(syslog_lines)"
	check "$1: an ordinary password still falls through" PAM_IGNORE "$(auth s alice 'not a token')"
	restore
}

rm "$DB"
unavailable "store missing" "store .*tokens.db"
rm "$KEY"
unavailable "key missing" "key"
chmod 0000 "$DB"
if [ "$(id -u)" -ne 0 ]; then
	unavailable "store unreadable" "store"
else
	restore   # root reads a mode-0 file: nothing to test
fi
chmod 0660 "$DB"
unavailable "store group-writable" "store .*writable by group"
chmod 0646 "$KEY"
unavailable "key world-writable" "key.*writable"
chmod 0775 "$TEST_TMP/store"
unavailable "store directory group-writable" ".*directory.*writable"
mv "$DB" "$DB.real" && ln -s "$DB.real" "$DB"
unavailable "store is a symbolic link" "store .*symbolic link"
mv "$KEY" "$KEY.real" && ln -s "$KEY.real" "$KEY"
unavailable "key is a symbolic link" "key.*symbolic link"
rm "$DB" && mkfifo "$DB"
unavailable "store is a FIFO" "store"
if [ "$(id -u)" -eq 0 ]; then
	chown 65534 "$DB"
	unavailable "store owned by another user" "store .*owned by uid 65534"
	chown 65534 "$KEY"
	unavailable "key owned by another user" "key.*owned by uid 65534"
else
	tap_skip "store owned by another user" "needs root to chown"
	tap_skip "key owned by another user" "needs root to chown"
fi

# Corruption.
head -c 4096 /dev/urandom >"$DB"
unavailable "store replaced by random bytes" "store"
head -c 100 "$GOOD_DB" >"$DB"
unavailable "store truncated" "store"
: >"$DB"
unavailable "store empty" "store"
head -c 31 "$GOOD_KEY" >"$KEY"
unavailable "key one byte short" "key"
cat "$GOOD_KEY" "$GOOD_KEY" >"$KEY"
unavailable "key too long" "key"
head -c 32 /dev/urandom >"$KEY"
unavailable "another key than the store's" ""
# Flip one byte inside the token's record (gdbm keeps a value right after
# its key): the record's MAC catches it.
OFF=$(grep -boa "tok:$(token_id "$T")" "$DB" | head -n 1 | cut -d: -f1)
if [ -n "$OFF" ]; then
	flip_byte "$DB" $((OFF + 30))
	unavailable "one byte of the record flipped" ".*$(token_id "$T")"
else
	tap_not_ok "record key found in the store file"
fi

check "after all that, the restored store works" PAM_SUCCESS "$(auth s alice "$T")"
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Awkward passwords: empty, 1 MiB, embedded NUL, not UTF-8. PAM hands a
# module C strings, so the module sees the bytes before the first NUL.
. "$top_srcdir/tests/pam/pamenv.sh"
pam_env_setup

service p
T=$(token personal alice read)
F="$TEST_TMP/pw"

# pw_file RESULT DESCRIPTION: runs with the password in $F.
pw_check() {
	OUT=$(run_pam p alice -f "$F" | sed 's/PAM_MAXTRIES/PAM_IGNORE/')
	check "$2" "auth=$1 prompts=1 others=0" "$OUT"
}

: >"$F"
pw_check PAM_AUTH_ERR "empty password is refused, not ignored"
head -c 1048576 /dev/zero | tr '\0' a >"$F"
pw_check PAM_IGNORE "1 MiB password"
{ printf '%s' "$T"; head -c 1048576 /dev/zero | tr '\0' a; } >"$F"
pw_check PAM_IGNORE "a token followed by 1 MiB"
head -c 1048576 /dev/urandom | tr -d '\0' >"$F"
pw_check PAM_IGNORE "1 MiB of random bytes"
{ printf '\0'; printf '%s' "$T"; } >"$F"
pw_check PAM_AUTH_ERR "NUL then a token: seen as empty"
{ printf 'abc\0'; printf '%s' "$T"; } >"$F"
pw_check PAM_IGNORE "text, NUL, token: seen as the text"
{ printf '%s' "$T"; printf '\0junk'; } >"$F"
pw_check PAM_SUCCESS "token, NUL, junk: the application passes the token"
printf '\377\376caf\351 \300\200' >"$F"
pw_check PAM_IGNORE "not UTF-8"
{ printf '%s' "$T" | cut -c1-68 | tr -d '\n'; printf '\351'; } >"$F"
pw_check PAM_IGNORE "a token whose last character is Latin-1"
printf '%s\n' "$T" >"$F"
pw_check PAM_IGNORE "a token with a newline"
printf 'htk_%s' "$(printf '\303\251%.0s' $(seq 1 32))" >"$F"
pw_check PAM_IGNORE "69 bytes of prefix and UTF-8"
LOG=$(syslog_lines)
check "only the accepted token was logged" 1 "$(printf '%s\n' "$LOG" | grep -c .)"
check_match "...as accepted" "auth accepted \(personal\): token=$(token_id "$T")" "$LOG"
tap_done

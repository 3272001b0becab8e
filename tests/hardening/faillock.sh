#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Brute force: pam_faillock stacked around pam_httptoken (the stack that
# docs/security.md documents) locks a user out after 3 bad tokens, even
# for a good token, until the lock is reset; nothing in the stack sends a
# conversation message (mod_authnz_pam fails on any). Driven through
# pamtester and pamrun under pam_wrapper, with a private tally directory
# (dir=), so nothing in /etc or /var/run/faillock is touched.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/pam/pamenv.sh"
command -v pamtester >/dev/null || tap_skip_all "pamtester not installed"
command -v faillock >/dev/null || tap_skip_all "faillock (libpam-modules-bin) not installed"
pam_env_setup

# An account (through nss_wrapper) that is not root: pam_faillock skips
# unknown users and (without even_deny_root) never locks root. Its tokens
# record its uid, as tokenctl run by that user would.
USER_=carol
USER_UID=4242
nss_user "$USER_" "$USER_UID"
TALLY="$TEST_TMP/faillock"
mkdir -m 0700 "$TALLY"

FL="dir=$TALLY deny=3 unlock_time=900 silent"
cat >"$PAMD/git" <<EOF2
auth     requisite                    pam_faillock.so preauth $FL
auth     [success=1 default=bad]      $PAM_MODULE db=$DB keyfile=$KEY
auth     [default=die]                pam_faillock.so authfail $FL
auth     sufficient                   pam_faillock.so authsucc $FL
auth     required                     pam_deny.so
account  required                     pam_faillock.so dir=$TALLY
account  required                     $PAM_MODULE db=$DB keyfile=$KEY
EOF2

GOOD=$(token personal "$USER_:$USER_UID" read) || tap_bail "cannot create a token"
# A revoked token of the same user: a bad token that is still well-formed.
BAD=$(token personal "$USER_:$USER_UID" read) || tap_bail "cannot create a token"
revoke "$BAD"

pt() {   # pt PASSWORD: pamtester's exit status for USER_ on service git
	printf '%s\n' "$1" | env LD_PRELOAD="$PWRAP_PRELOAD" PAM_WRAPPER=1 \
		PAM_WRAPPER_SERVICE_DIR="$PAMD" pamtester git "$USER_" authenticate \
		acct_mgmt >/dev/null 2>&1
	echo $?
}

check "a good token authenticates through the stack" 0 "$(pt "$GOOD")"
check "a revoked token is refused (1st failure)" 1 "$(pt "$BAD")"
check "a wrong password is refused (2nd failure)" 1 "$(pt "not-a-token")"
check "a mistyped token is refused (3rd failure)" 1 "$(pt "$(mutate_token "$GOOD")")"
check "after 3 failures the good token is refused: locked" 1 "$(pt "$GOOD")"
out=$(run_pam git "$USER_" -p "$GOOD")
check_match "locked: mod_authnz_pam's view, auth error and no message" \
	'^auth=PAM_AUTH_ERR .*others=0' "$out"
n=$(faillock --dir "$TALLY" --user "$USER_" | sed 1,2d | grep -c .)
check "faillock lists the 3 failures" 3 "$n"
faillock --dir "$TALLY" --user "$USER_" --reset
check "after faillock --reset the good token works again" 0 "$(pt "$GOOD")"
check "a success before the limit clears the count: 2 bad, good, 2 bad, good" "1 1 0 1 1 0" \
	"$(pt "$BAD") $(pt "$BAD") $(pt "$GOOD") $(pt "$BAD") $(pt "$BAD") $(pt "$GOOD")"
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Expiry (the clock moved with libfaketime: no test hook in the module)
# and the policy's enforce-existing.
. "$top_srcdir/tests/pam/pamenv.sh"
pam_env_setup
command -v faketime >/dev/null || tap_skip_all "faketime (libfaketime) not installed"

service e
# auth_at OFFSET USER TOKEN: auth with the clock moved by OFFSET.
auth_at() {
	env LD_PRELOAD="$PWRAP_PRELOAD" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$PAMD" \
		PAM_WRAPPER_DEBUGLEVEL=3 faketime "$1" "$PAMRUN" -a -p "$3" e "$2" 2>>"$PAMERR" |
		sed 's/PAM_MAXTRIES/PAM_IGNORE/g;s/ prompts=.*//'
}

check_match "faketime moves the clock here" "^20[0-9][0-9]" "$(faketime '+3650 days' date +%Y)"
[ "$(faketime '+3650 days' date +%Y)" -gt "$(date +%Y)" ] || tap_bail "faketime has no effect"

D=$(token personal alice read 7)
check "7-day token today" "auth=PAM_SUCCESS acct=PAM_SUCCESS" "$(auth_at '+0 days' alice "$D")"
check "7-day token after 6 days" "auth=PAM_SUCCESS acct=PAM_SUCCESS" "$(auth_at '+6 days' alice "$D")"
check "7-day token after 8 days" "auth=PAM_AUTH_ERR acct=PAM_IGNORE" "$(auth_at '+8 days' alice "$D")"
check_match "expiry logged" "auth refused \(token expired\): token=$(token_id "$D")" "$(syslog_lines)"
N=$(token personal alice read)
check "token without expiry in 100 years" "auth=PAM_SUCCESS acct=PAM_SUCCESS" \
	"$(auth_at '+36500 days' alice "$N")"
J=$(token project PROJ write 1)
service ep resource=PROJ
check "expired project token" PAM_AUTH_ERR \
	"$(env LD_PRELOAD="$PWRAP_PRELOAD" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$PAMD" \
		faketime '+2 days' "$PAMRUN" -p "$J" ep x-token-auth 2>/dev/null | sed 's/ prompts=.*//;s/auth=//')"

# enforce-existing: refused while the policy is on, working again after.
L=$(token personal alice read 60)
S=$(token personal alice read 30)
"$HTFIX" policy "$DB" "$KEY" yes 45 no
check "expiry required, not enforced: no-expiry token" PAM_SUCCESS "$(auth e alice "$N")"
check "expiry required, not enforced: 60-day token" PAM_SUCCESS "$(auth e alice "$L")"
"$HTFIX" policy "$DB" "$KEY" yes 45 yes
check "enforced: no-expiry token refused" PAM_AUTH_ERR "$(auth e alice "$N")"
check "enforced: 60-day token over max-days refused" PAM_AUTH_ERR "$(auth e alice "$L")"
check "enforced: 30-day token within max-days" PAM_SUCCESS "$(auth e alice "$S")"
check_match "policy refusal logged" "auth refused \(token breaks the expiry policy\): token=$(token_id "$N")" \
	"$(syslog_lines)"
"$HTFIX" policy "$DB" "$KEY" yes 45 no
check "enforce-existing off again: no-expiry token works" PAM_SUCCESS "$(auth e alice "$N")"
check "enforce-existing off again: 60-day token works" PAM_SUCCESS "$(auth e alice "$L")"
"$HTFIX" policy "$DB" "$KEY" no 45 yes
check "enforce-existing without expiry-required refuses nothing" PAM_SUCCESS "$(auth e alice "$N")"
tap_done

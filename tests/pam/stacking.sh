#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The module in real stacks: fall-through to the next module for ordinary
# passwords, use_first_pass / try_first_pass after a module that already
# asked for the password, and account after auth in one handle.
. "$top_srcdir/tests/pam/pamenv.sh"
pam_env_setup

T=$(token personal alice read)

# --- sufficient, then another module: what a sysadmin writes ------------
printf 'auth sufficient %s db=%s keyfile=%s\nauth required pam_permit.so\n' \
	"$PAM_MODULE" "$DB" "$KEY" >"$PAMD/then-permit"
printf 'auth sufficient %s db=%s keyfile=%s\nauth required pam_deny.so\n' \
	"$PAM_MODULE" "$DB" "$KEY" >"$PAMD/then-deny"
res() { run_pam "$@" | sed 's/ prompts=.*//;s/^auth=//'; }
check "ordinary password falls through to pam_permit" PAM_SUCCESS \
	"$(res then-permit alice -p 'unix password')"
check "ordinary password falls through to pam_deny" PAM_AUTH_ERR \
	"$(res then-deny alice -p 'unix password')"
check "token stops the stack before pam_deny" PAM_SUCCESS "$(res then-deny alice -p "$T")"
check "wrong user's token does not pass pam_deny" PAM_AUTH_ERR "$(res then-deny bob -p "$T")"

if [ -x "${PAMTESTER:=$(command -v pamtester)}" ]; then
	pt() {
		printf '%s\n' "$3" | env LD_PRELOAD="$PWRAP_PRELOAD" PAM_WRAPPER=1 \
			PAM_WRAPPER_SERVICE_DIR="$PAMD" "$PAMTESTER" "$1" "$2" authenticate \
			>/dev/null 2>&1 && echo pass || echo fail
	}
	check "pamtester: token before pam_deny" pass "$(pt then-deny alice "$T")"
	check "pamtester: ordinary password, pam_deny" fail "$(pt then-deny alice hunter2)"
	check "pamtester: ordinary password, pam_permit" pass "$(pt then-permit alice hunter2)"
	check "pamtester: another user's token, pam_permit" pass "$(pt then-permit bob "$T")"
	check "pamtester: another user's token, pam_deny" fail "$(pt then-deny bob "$T")"
else
	for i in 1 2 3 4 5; do tap_skip "pamtester check $i" "pamtester not installed"; done
fi

# --- use_first_pass / try_first_pass -------------------------------------
# The stub plays the module before us (pam_unix): it asks for the password,
# which leaves it in PAM_AUTHTOK, and fails. Our module must reuse it.
first() {   # first NAME MODULE-ARGS [STUB-ARGS]
	cat >"$PAMD/$1" <<-EOF
	auth [success=done default=ignore] $STUB ${3:-prompt rc=auth_err}
	auth [success=done ignore=ignore default=die] $PAM_MODULE db=$DB keyfile=$KEY $2
	auth requisite $STUB
	EOF
}
first ufp use_first_pass
first tfp try_first_pass
first plainstack ""
first ufp-none use_first_pass "rc=ignore"
first tfp-none try_first_pass "rc=ignore"
first ufp-set use_first_pass "set=$T rc=ignore"
two() { run_pam "$@" | sed 's/PAM_MAXTRIES/PAM_IGNORE/;s/ others=0$//'; }
check "use_first_pass: token from the first module, no second prompt" \
	"auth=PAM_SUCCESS prompts=1" "$(two ufp alice -p "$T")"
check "use_first_pass: ordinary password from the first module" \
	"auth=PAM_IGNORE prompts=1" "$(two ufp alice -p hunter2)"
check "try_first_pass: token from the first module, no second prompt" \
	"auth=PAM_SUCCESS prompts=1" "$(two tfp alice -p "$T")"
check "no option: the stored password is used too (pam_get_authtok)" \
	"auth=PAM_SUCCESS prompts=1" "$(two plainstack alice -p "$T")"
check "use_first_pass with nothing stored: no prompt, no success" \
	"prompts=0" "$(two ufp-none alice -p "$T" | sed 's/^auth=[A-Z_]* //')"
check_match "use_first_pass with nothing stored fails" "^auth=PAM_(AUTH_ERR|AUTHTOK_RECOVERY_ERR) " \
	"$(two ufp-none alice -p "$T")"
check "try_first_pass with nothing stored asks once" \
	"auth=PAM_SUCCESS prompts=1" "$(two tfp-none alice -p "$T")"
check "use_first_pass with a token set without any prompt" \
	"auth=PAM_SUCCESS prompts=0" "$(two ufp-set alice)"

# --- account -------------------------------------------------------------
service acc
service acc-admin require=admin
acct() { run_pam "$@" | sed 's/PAM_MAXTRIES/PAM_IGNORE/g;s/ prompts=.*//'; }
check "account after a token auth, same handle" \
	"auth=PAM_SUCCESS acct=PAM_SUCCESS" "$(acct acc alice -a -p "$T")"
check "setcred after a token login (sshd fails the login otherwise)" \
	"auth=PAM_SUCCESS acct=PAM_SUCCESS cred=PAM_SUCCESS" "$(acct acc alice -a -c -p "$T")"
check "account without any auth" "acct=PAM_IGNORE" "$(acct acc alice -A)"
check "account after an ordinary password" \
	"auth=PAM_IGNORE acct=PAM_IGNORE" "$(acct acc alice -a -p hunter2)"
check "account after a refused token" \
	"auth=PAM_AUTH_ERR acct=PAM_IGNORE" "$(acct acc bob -a -p "$T")"
check "account after a token auth then an ordinary-password auth, same handle" \
	"auth=PAM_SUCCESS auth2=PAM_IGNORE acct=PAM_IGNORE" "$(acct acc alice -a -p "$T" -s hunter2)"
check "account after a token auth then a refused token, same handle" \
	"auth=PAM_SUCCESS auth2=PAM_AUTH_ERR acct=PAM_IGNORE" \
	"$(acct acc alice -a -p "$T" -s "$("$HTFIX" forge "$T")")"
# account has its own arguments: a stricter line refuses the same token.
cat >"$PAMD/split" <<SPLIT
auth    [success=done ignore=ignore default=die] $PAM_MODULE db=$DB keyfile=$KEY
account [success=done ignore=ignore default=die] $PAM_MODULE db=$DB keyfile=$KEY require=admin
SPLIT
check "account re-checks the level with its own require=" \
	"auth=PAM_SUCCESS acct=PAM_PERM_DENIED" "$(acct split alice -a -p "$T")"
printf 'account required %s bogus\n' "$PAM_MODULE" >"$PAMD/acc-bad"
check "account with a bad argument" "acct=PAM_SERVICE_ERR" "$(acct acc-bad alice -A)"

# Changes between auth and account, in the same handle.
R=$(token personal alice read)
check "revoked between auth and account" "auth=PAM_SUCCESS acct=PAM_PERM_DENIED" \
	"$(acct acc alice -a -p "$R" -x "$HTFIX revoke $DB $KEY $(token_id "$R")")"
N=$(token personal alice read)
check "enforce-existing switched on between auth and account" \
	"auth=PAM_SUCCESS acct=PAM_ACCT_EXPIRED" \
	"$(acct acc alice -a -p "$N" -x "$HTFIX policy $DB $KEY yes 90 yes")"
"$HTFIX" policy "$DB" "$KEY" no 90 no
check "store gone between auth and account" "auth=PAM_SUCCESS acct=PAM_AUTHINFO_UNAVAIL" \
	"$(acct acc alice -a -p "$N" -x "mv $DB $DB.away")"
mv "$DB.away" "$DB"
# Account trusts auth's reading only while the store and key are the very
# same files: a chmod (new ctime) must send it back to the full checks.
check "store made group-writable between auth and account" \
	"auth=PAM_SUCCESS acct=PAM_AUTHINFO_UNAVAIL" \
	"$(acct acc alice -a -p "$N" -x "chmod g+w $DB")"
chmod g-w "$DB"
# The clock is the one thing that changes a verdict without changing the
# store: a token that expires between auth and account is refused there.
# (Real time, not libfaketime: account must see the very file auth read.)
E=$("$HTFIX" create "$DB" "$KEY" alice personal - read 3s)
check "token expiring between auth and account" "auth=PAM_SUCCESS acct=PAM_ACCT_EXPIRED" \
	"$(acct acc alice -a -p "$E" -x "sleep 4")"
LOG=$(syslog_lines)
check_match "account refusal logged with the token id" \
	"SYSLOG\(85\): account refused \(token revoked\): token=$(token_id "$R") user=alice" "$LOG"
check_match "account store failure logged at err" \
	"SYSLOG\(83\): account failed \(.*\): token=$(token_id "$N")" "$LOG"
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tokenctl sweep and the module's reading of its refusals, with the account
# database under the test's control (nss_wrapper): a missing owner is
# refused until an administrator acts, even when an account with the same
# name and uid appears again; an outage of the account database (root not
# found, or many owners gone at once) changes nothing; damaged refusal
# entries fail closed. Locked and expired accounts need real shadow
# entries: tests/e2e/accounts.sh.
. "$top_srcdir/tests/pam/pamenv.sh"
pam_env_setup

service o
service o-proj resource=PROJ
tkn() { env LD_PRELOAD="$NWRAP_PRELOAD" "$TOKENCTL" --db "$DB" --keyfile "$KEY" "$@"; }
field() { sed -n "s/.*\"$1\":\\(\"[^\"]*\"\\|null\\).*/\\1/p"; }
snapshot() { cp "$DB" "$TEST_TMP/db.before"; }
unchanged() { cmp -s "$DB" "$TEST_TMP/db.before" && echo unchanged || echo changed; }
# expect DESCRIPTION CODE REGEX ARGS...: tokenctl's exit status and messages
expect() {
	desc=$1 code=$2 re=$3; shift 3
	out=$(tkn "$@" 2>&1); rc=$?
	check "$desc: exit $code" "$code" "$rc"
	check_match "$desc: output" "$re" "$out"
}

for i in 1 2 3 4 5; do
	nss_user "sw$i" $((50000 + i))
	eval "T$i=\$(token personal sw$i:$((50000 + i)) read)"
done
J=$(token project PROJ read)

expect "all owners present" 0 "0 changes, 5 owners checked" sweep
# With nothing to change, sweep never takes the writers' lock: it works
# while another writer holds it (a slow lookup must not block revocations).
flock "$DB.lock" sleep 2 &
holder=$!
sleep 0.3
expect "nothing to change, the lock held elsewhere" 0 "0 changes" --wait 0 sweep
wait "$holder"

# --- a deleted owner ------------------------------------------------------------
nss_userdel sw1
snapshot
expect "one owner missing" 0 "refused \(missing\): sw1 \(uid 50001\)" sweep
check "the refusal is written to the store" changed "$(unchanged)"
check "show --json: owner_refused missing" '"missing"' \
	"$(tkn --json show "$(token_id "$T1")" | field owner_refused)"
check "show --json: the token is not revoked" '"active"' \
	"$(tkn --json show "$(token_id "$T1")" | field status)"
check "others are not refused" null "$(tkn --json show "$(token_id "$T2")" | field owner_refused)"

nss_user sw1 50001    # an account with the same name and uid again
: >"$PAMERR"
check "re-created with the same name and uid: the old token is refused" PAM_AUTH_ERR \
	"$(auth o sw1 "$T1")"
check_match "the log says why" \
	"auth refused \(owner missing \(refused by sweep\)\): token=$(token_id "$T1") user=sw1 " \
	"$(syslog_lines)"
snapshot
expect "sweep does not lift a missing owner by itself" 0 "0 changes" sweep
check "... and leaves the store as it was" unchanged "$(unchanged)"
check "another owner's token works" PAM_SUCCESS "$(auth o sw2 "$T2")"
check "a project token is not an owner's: works" PAM_SUCCESS "$(auth o-proj x-token-auth "$J")"

expect "reinstate an unknown account" 65 "no such account 'nobody-here'" sweep --reinstate nobody-here
expect "reinstate an owner that is not refused" 65 "sw2 \(uid 50002\) is not refused as missing" \
	sweep --reinstate sw2
expect "an administrator reinstates the owner" 0 "reinstated sw1 \(uid 50001\)" sweep --reinstate sw1
check "reinstated: the token works again" PAM_SUCCESS "$(auth o sw1 "$T1")"

# --- a lookup that fails is not a missing account ------------------------------------
NSS_FAIL="$top_builddir/tests/pam/.libs/nss_fail.so"
[ -f "$NSS_FAIL" ] || tap_bail "tests/pam/nss_fail.so not built"
# tkfail NAMES ARGS: tokenctl with the lookups of NAMES failing.
tkfail() { f=$1; shift; env LD_PRELOAD="${HT_TEST_PRELOAD:+$HT_TEST_PRELOAD:}$NSS_FAIL:libnss_wrapper.so" \
	HTK_NSS_FAIL="$f" "$TOKENCTL" --db "$DB" --keyfile "$KEY" "$@"; }
snapshot
out=$(tkfail sw2 sweep 2>&1); rc=$?
check "sw2's lookup fails: exit 0" 0 "$rc"
check_match "sw2's lookup fails: reported, kept as it was" \
	"lookup failed \(kept as it was\): sw2 \(uid 50002\)" "$out"
check "sw2's lookup fails: nothing written" unchanged "$(unchanged)"
check "sw2's lookup fails: not refused" null "$(tkn --json show "$(token_id "$T2")" | field owner_refused)"
check_match "--json: lookup_failed" '"user":"sw2","uid":50002,"refused":null,"was":null,"lookup_failed":true' \
	"$(tkfail sw2 --json sweep 2>/dev/null)"

# --- the account database unreachable --------------------------------------------
mv "$NSS_WRAPPER_PASSWD" "$TEST_TMP/passwd.saved"
: >"$NSS_WRAPPER_PASSWD"
snapshot
expect "NSS outage (no account at all)" 75 \
	"changed nothing: the account database does not find root \(5 of 5 owners newly missing\)" sweep
check "NSS outage: the store is unchanged" unchanged "$(unchanged)"
expect "NSS outage, --dry-run" 75 "changed nothing" sweep --dry-run
mv "$TEST_TMP/passwd.saved" "$NSS_WRAPPER_PASSWD"

for u in sw2 sw3 sw4; do nss_userdel "$u"; done
snapshot
expect "three of five owners gone at once" 75 \
	"changed nothing: too many owners vanished at once \(3 of 5 owners newly missing\).*--max-missing 3" sweep
check "three gone: the store is unchanged" unchanged "$(unchanged)"
expect "--max-missing 2 is not enough" 75 "too many owners vanished" sweep --max-missing 2
expect "--max-missing 3: the administrator confirms" 0 "refused \(missing\): sw4" sweep --max-missing 3
for u in sw2 sw3 sw4; do
	check "$u refused after the confirmed sweep" '"missing"' \
		"$(eval "tkn --json show \"\$(token_id \"\$T${u#sw}\")\"" | field owner_refused)"
done

# --- dry run ----------------------------------------------------------------------
nss_userdel sw5
snapshot
expect "--dry-run says what it would refuse" 0 "refused \(missing\): sw5" sweep --dry-run
check_match "--dry-run counts what it did not do" "dry run: 1 change \(not made\)" "$out"
check "--dry-run changes nothing" unchanged "$(unchanged)"

# --- revoked tokens: the owner is forgotten ----------------------------------------
tkn revoke --user sw4 >/dev/null 2>&1
expect "an owner whose tokens were revoked is forgotten" 0 \
	"forgotten \(no live tokens\): sw4 \(uid 50004\)" sweep --max-missing 5

# --- bad input --------------------------------------------------------------------
expect "sweep with an argument" 64 "unexpected argument 'now'" sweep now
expect "sweep --max-missing x" 64 "expected a number" sweep --max-missing x

# --- damaged entries fail closed ----------------------------------------------------
nss_user sw5 50005
"$HTFIX" raw "$DB" "$KEY" "own:50005:sw5" "refused, trust me: this entry carries no MAC at all" || tap_bail "htfix raw failed"
check "a damaged owner entry: the module fails closed" PAM_AUTHINFO_UNAVAIL "$(auth o sw5 "$T5")"
expect "a damaged owner entry: sweep refuses to work on it" 69 \
	"entry own:50005:sw5 fails its integrity check" sweep
check "a damaged owner entry: shown as refused" '"missing"' \
	"$(tkn --json show "$(token_id "$T5")" | field owner_refused)"
"$HTFIX" seal "$DB" "$KEY" "own:50005:sw5" "0109" || tap_bail "htfix seal failed"
check "a well-sealed malformed entry: the module fails closed" PAM_AUTHINFO_UNAVAIL \
	"$(auth o sw5 "$T5")"
"$HTFIX" seal "$DB" "$KEY" "own:50005:sw5" "01040000000000000001" || tap_bail "htfix seal failed"
check "an entry with an unknown reason: the module fails closed" PAM_AUTHINFO_UNAVAIL \
	"$(auth o sw5 "$T5")"
"$HTFIX" seal "$DB" "$KEY" "own:50005:sw5" "01010000000000000001" || tap_bail "htfix seal failed"
check "a good 'locked' entry, shadow not readable here: refused" PAM_AUTH_ERR "$(auth o sw5 "$T5")"
check "the project token is still fine" PAM_SUCCESS "$(auth o-proj x-token-auth "$J")"
tap_done

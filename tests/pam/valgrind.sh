#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The PAM-level C tests under valgrind memcheck: no invalid access, no use
# of uninitialised memory, no definite leak, in the module, the library
# and their use of libpam, for every kind of outcome.
. "$top_srcdir/tests/pam/pamenv.sh"
command -v valgrind >/dev/null || tap_skip_all "valgrind not installed"
module_has_asan && tap_skip_all "AddressSanitizer build: memcheck cannot run it (the ASan run of the suite covers it)"
pam_env_setup

VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-origins=yes"

# vg DESCRIPTION EXPECTED SERVICE USER [pamrun options]
vg() {
	desc=$1 want=$2 svc=$3 user=$4
	shift 4
	OUT=$(env LD_PRELOAD="$PWRAP_PRELOAD" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$PAMD" \
		$VG "$PAMRUN" "$@" "$svc" "$user" 2>"$TEST_TMP/vg.log")
	RC=$?
	check "$desc" "$want" "$(printf '%s' "$OUT" | sed 's/PAM_MAXTRIES/PAM_IGNORE/g;s/ prompts=.*//')"
	if [ "$RC" -eq 0 ]; then
		tap_ok "$desc: valgrind clean"
	else
		tap_not_ok "$desc: valgrind clean (exit $RC)" "$(head -n 40 "$TEST_TMP/vg.log")"
	fi
}

service v
service v-proj resource=PROJ/app require=write
service v-bad bogus
service v-login use=login
service v-git git_request=/git/
cat >"$PAMD/v-first" <<EOF
auth [success=done default=ignore] $STUB prompt rc=auth_err
auth [success=done ignore=ignore default=die] $PAM_MODULE db=$DB keyfile=$KEY use_first_pass
auth requisite $STUB
EOF
T=$(token personal alice read)
J=$(token project PROJ write)
X=$(token personal alice read)
revoke "$X"
head -c 1048576 /dev/zero | tr '\0' a >"$TEST_TMP/big"

vg "token accepted, account" "auth=PAM_SUCCESS acct=PAM_SUCCESS" v alice -a -p "$T"
vg "project token in scope" "auth=PAM_SUCCESS acct=PAM_SUCCESS" v-proj x-token-auth -a -p "$J"
vg "wrong user" "auth=PAM_AUTH_ERR acct=PAM_IGNORE" v bob -a -p "$T"
vg "revoked" "auth=PAM_AUTH_ERR" v alice -p "$X"
vg "wrong secret" "auth=PAM_AUTH_ERR" v alice -p "$("$HTFIX" forge "$T")"
vg "ordinary password" "auth=PAM_IGNORE" v alice -p hunter2
vg "1 MiB password" "auth=PAM_IGNORE" v alice -f "$TEST_TMP/big"
vg "empty password" "auth=PAM_AUTH_ERR" v alice -p ""
vg "malformed argument" "auth=PAM_SERVICE_ERR" v-bad alice -p "$T"
vg "not for this use (use=login)" "auth=PAM_AUTH_ERR" v-login alice -p "$T"
nss_user sysacct 999
S=$(token personal sysacct:999 read)
vg "a system account's token" "auth=PAM_AUTH_ERR" v sysacct -p "$S"
vg "use_first_pass" "auth=PAM_SUCCESS" v-first alice -p "$T"
GITREQ="REQUEST=GET /git/PROJ/app.git/info/refs?service=git-receive-pack HTTP/1.1"
vg "git_request=: project token, push" "auth=PAM_SUCCESS acct=PAM_SUCCESS" \
	v-git x-token-auth -a -p "$J" -e "$GITREQ"
vg "git_request=: line not canonical" "auth=PAM_AUTH_ERR" \
	v-git x-token-auth -p "$J" -e "REQUEST=GET /git/PROJ/../app.git/info/refs HTTP/1.1"
vg "git_request=: REQUEST changed before account" "auth=PAM_SUCCESS acct=PAM_PERM_DENIED" \
	v-git x-token-auth -a -p "$J" -e "$GITREQ" -E "REQUEST=GET /git/OTHER/a.git/HEAD HTTP/1.1"
vg "revoked between auth and account" "auth=PAM_SUCCESS acct=PAM_PERM_DENIED" v alice -a -p "$T" \
	-x "$HTFIX revoke $DB $KEY $(token_id "$T")"
nss_user carol
C=$(token personal carol read)
vg "owner account deleted between auth and account" "auth=PAM_SUCCESS acct=PAM_PERM_DENIED" \
	v carol -a -p "$C" -x "$(nss_userdel_cmd carol)"
vg "owner account missing" "auth=PAM_AUTH_ERR" v carol -p "$C"
mv "$KEY" "$KEY.away"
vg "key missing" "auth=PAM_AUTHINFO_UNAVAIL" v alice -p "$J"
mv "$KEY.away" "$KEY"

# The threads test, shorter, under valgrind too (tokenctl itself is not
# traced: it is another program).
if [ -x "$TOKENCTL" ]; then
	mkdir "$TEST_TMP/confdir"
	printf 'auth required %s db=%s keyfile=%s\naccount required %s db=%s keyfile=%s\n' \
		"$PAM_MODULE" "$DB" "$KEY" "$PAM_MODULE" "$DB" "$KEY" >"$TEST_TMP/confdir/threads"
	HT_CREATE="'$HTFIX' create '$DB' '$KEY' alice personal - read 0"
	HT_REVOKE="'$HTFIX' revoke '$DB' '$KEY'"
	export HT_CREATE HT_REVOKE
	OUT=$(env LD_PRELOAD="$NWRAP_PRELOAD" $VG "$top_builddir/tests/pam/threads" \
		"$TEST_TMP/confdir" threads alice 3 2 2>"$TEST_TMP/vg.log")
	RC=$?
	check "threads under valgrind: zero wrong answers" 0 "$(printf '%s\n' "$OUT" | grep -c '^not ok')"
	if [ "$RC" -eq 0 ]; then
		tap_ok "threads: valgrind clean"
	else
		tap_not_ok "threads: valgrind clean (exit $RC)" "$(head -n 40 "$TEST_TMP/vg.log")"
	fi
fi
tap_done

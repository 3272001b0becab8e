#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A personal token works only for the account that created it: the same
# name and the same uid, and not at all once the account is deleted, in
# auth and in account (an account deleted between the two). A user account
# named like token_user cannot use its personal tokens.
. "$top_srcdir/tests/pam/pamenv.sh"
pam_env_setup

service o
service o-proj resource=PROJ
service o-bot resource=PROJ token_user=git-bot
MY_UID=$(id -u)
OTHER_UID=$((MY_UID + 4242))

nss_user carol
C=$(token personal carol read)
CID=$(token_id "$C")
check "the owner's account: accepted" "auth=PAM_SUCCESS acct=PAM_SUCCESS" \
	"$(run_pam o carol -a -p "$C" | sed 's/ prompts=.*//')"

# (a) The account is deleted.
nss_userdel carol
: >"$PAMERR"
check "owner account deleted: auth refused" PAM_AUTH_ERR "$(auth o carol "$C")"
check_match "owner account deleted: the log says why" \
	"^SYSLOG\(85\): auth refused \(owner account missing or changed\): token=$CID user=carol " \
	"$(syslog_lines)"
check "owner account deleted: an ordinary password is not the module's business" \
	PAM_IGNORE "$(auth o carol hunter2)"
nss_user carol
check "account back with the same uid: accepted" PAM_SUCCESS "$(auth o carol "$C")"
: >"$PAMERR"
check "account deleted between auth and account: account refused" \
	"auth=PAM_SUCCESS acct=PAM_PERM_DENIED" \
	"$(run_pam o carol -a -p "$C" -x "$(nss_userdel_cmd carol)" | sed 's/PAM_MAXTRIES/PAM_IGNORE/g;s/ prompts=.*//')"
check_match "account deleted between auth and account: the log says why" \
	"account refused \(owner account missing or changed\): token=$CID user=carol " \
	"$(syslog_lines)"

# (b) The name now belongs to another uid (deleted, then a new account
# reusing the name).
nss_user carol "$OTHER_UID"
check "name reused with another uid: auth refused" PAM_AUTH_ERR "$(auth o carol "$C")"
check_match "name reused with another uid: the log says why" \
	"auth refused \(owner account missing or changed\): token=$CID user=carol " \
	"$(syslog_lines)"
nss_user carol
check "uid changed between auth and account: account refused" \
	"auth=PAM_SUCCESS acct=PAM_PERM_DENIED" \
	"$(run_pam o carol -a -p "$C" -x "$(nss_userdel_cmd carol); printf 'carol:x:$OTHER_UID:0::/:/bin/false\n' >>'$NSS_WRAPPER_PASSWD'" |
		sed 's/PAM_MAXTRIES/PAM_IGNORE/g;s/ prompts=.*//')"
nss_user carol
check "another account with the owner's uid but another name: refused" \
	PAM_AUTH_ERR "$(auth o bob "$C")"

# (c) A real account named like the token user, with personal tokens.
nss_user x-token-auth
X=$(token personal x-token-auth write)
check "personal token of an account named x-token-auth: refused without resource=" \
	PAM_AUTH_ERR "$(auth o x-token-auth "$X")"
check "personal token of an account named x-token-auth: refused with resource=" \
	PAM_AUTH_ERR "$(auth o-proj x-token-auth "$X")"
check_match "personal token as the token user: logged as another user's" \
	"auth refused \(token belongs to another user\): token=$(token_id "$X") user=x-token-auth " \
	"$(syslog_lines)"
nss_user git-bot
G=$(token personal git-bot write)
check "personal token of an account named like token_user=git-bot: refused" \
	PAM_AUTH_ERR "$(auth o-bot git-bot "$G")"

# A system account's personal token is refused (uid 1 to UID_MIN-1 and
# above UID_MAX of /etc/login.defs): a compromised service must not hold
# a git credential. The accounts at the edges of the range are not.
defs() { sed -n "s/^$1[[:space:]]\{1,\}\([0-9]\{1,\}\).*/\1/p" /etc/login.defs | tail -1; }
UMIN=$(defs UID_MIN); UMAX=$(defs UID_MAX)
: "${UMIN:=1000}" "${UMAX:=60000}"
for u in "1" "$((UMIN - 1))" "$((UMAX + 1))" "65534"; do
	nss_user "sys$u" "$u"
	S=$(token personal "sys$u:$u" read)
	check "personal token of system account uid $u: refused" PAM_AUTH_ERR "$(auth o sys$u "$S")"
	check_match "uid $u: the log says why" "owner is a system account" "$(syslog_lines)"
done
for u in "$UMIN" "$UMAX"; do
	nss_user "usr$u" "$u"
	S=$(token personal "usr$u:$u" read)
	check "personal token of ordinary account uid $u: accepted" PAM_SUCCESS "$(auth o usr$u "$S")"
done

# Project tokens are not tied to an account: the token user may or may
# not exist.
J=$(token project PROJ read)
check "project token, token user is an account: accepted" PAM_SUCCESS \
	"$(auth o-proj x-token-auth "$J")"
nss_userdel x-token-auth
check "project token, token user is no account: accepted" "auth=PAM_SUCCESS acct=PAM_SUCCESS" \
	"$(run_pam o-proj x-token-auth -a -p "$J" | sed 's/ prompts=.*//')"
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end, with real accounts (useradd, usermod, chage, userdel,
# deluser): a personal token follows its owner's account through the real
# sshd (root: it reads the shadow entry, so at once) and the real Apache
# (www-data: through `tokenctl sweep`); deleted accounts' tokens are
# revoked by the hook (as deluser.local and as USERDEL_CMD) or refused by
# sweep, and a re-created account with the same name and uid inherits
# nothing; last use shows time, client and service.
#
# Personal tokens are created by their owners for real, through the daemon
# fixture (tests/daemon-fixture.sh). The system is left as it was: the
# accounts are removed, and /usr/local/sbin/deluser.local and
# /etc/login.defs are restored on exit (the test refuses to run when a
# deluser.local of the site's own exists).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/daemon-fixture.sh"
. "$top_srcdir/tests/e2e/apache-lib.sh"

P=htk-accounts                 # every account of this suite starts so
GECOS="httptoken accounts test account"
SSHD_BIN=/usr/sbin/sshd
HOOK="$top_builddir/hooks/userdel-hook"
DELUSER_LOCAL=/usr/local/sbin/deluser.local
LOGIN_DEFS=/etc/login.defs

daemon_fixture_require useradd usermod chage userdel deluser chpasswd ssh sshpass ssh-keygen
[ "${CI:-}" = true ] || [ "${HTTPTOKEN_E2E_CREATE_USER:-}" = 1 ] ||
	tap_skip_all "creates and removes local accounts $P-*: set HTTPTOKEN_E2E_CREATE_USER=1 to allow it (CI does)"
[ -x "$SSHD_BIN" ] || tap_skip_all "openssh-server not installed"
apache_require
[ -x "$HOOK" ] || tap_skip_all "hooks/userdel-hook not built"
[ ! -e "$DELUSER_LOCAL" ] || tap_skip_all "$DELUSER_LOCAL exists (the site's own): not replaced, even for a test"

make_tmpdir
account_db_lock
SSHD_PID=
ACCOUNTS="$P-lock $P-exp $P-del1 $P-del2 $P-del3"
# Only accounts this suite made (by their GECOS) are ever removed.
remove_accounts() {
	for u in $ACCOUNTS; do
		[ "$(getent passwd "$u" | cut -d: -f5)" = "$GECOS" ] || continue
		pkill -u "$u" 2>/dev/null
		userdel -r "$u" 2>/dev/null
	done
}
cleanup() {
	[ -z "$SSHD_PID" ] || { kill "$SSHD_PID" 2>/dev/null; wait "$SSHD_PID" 2>/dev/null; }
	apache_stop
	[ ! -f "$TEST_TMP/login.defs.orig" ] || cat "$TEST_TMP/login.defs.orig" >"$LOGIN_DEFS"
	[ ! -f "$TEST_TMP/deluser.local.ours" ] || rm -f "$DELUSER_LOCAL"
	remove_accounts
	daemon_fixture_stop
	wrapper_cleanup
	rm -rf "$TEST_TMP"
}
trap cleanup EXIT
remove_accounts    # left by an interrupted run

daemon_fixture
trap cleanup EXIT
# tkroot ARGS: root on the fixture's store. as USER ARGS: USER's own
# tokenctl, through the daemon. They are the only ways this suite runs the
# tool; the hook runs root's, through this wrapper.
printf '#!/bin/sh\nexec %s --db %s --keyfile %s "$@"\n' "$TOKENCTL" "$DB" "$KEY" \
	>"$TEST_TMP/tokenctl-root"
chmod 0755 "$TEST_TMP/tokenctl-root"
ROOT_TOKENCTL=$TEST_TMP/tokenctl-root
id_of() { printf '%s' "$1" | cut -c5-20; }
# quiesce USER: an ssh login's session processes may outlive the client by
# a moment (longer under ASan), and userdel refuses an account in use: wait
# for them (bounded), then end what is left.
quiesce() {
	i=0
	while pgrep -u "$1" >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	pkill -KILL -u "$1" 2>/dev/null
	i=0
	while pgrep -u "$1" >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
field() { sed -n "s/.*\"$1\":\\(\"[^\"]*\"\\|null\\).*/\\1/p"; }   # field NAME < JSON

PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
for u in $ACCOUNTS; do
	useradd -m -s /bin/sh -c "$GECOS" "$u" || tap_bail "useradd $u failed"
	echo "$u:$PASSWORD" | chpasswd || tap_bail "chpasswd $u failed"
done
for u in $ACCOUNTS; do
	# Apache (http) and sshd (login) both take it.
	t=$(as "$u" create --name "laptop of $u" --use http --use login) || tap_bail "tokenctl create as $u failed"
	eval "T_$(echo "$u" | sed "s/^$P-//")=\$t"
done

# The server reads the store as www-data, through the store's group.
chgrp "$HTTPD_GROUP" "$DB" "$KEY" "$DB.lastused" || tap_bail "chgrp of the store failed"

# --- the servers: Apache (www-data) and sshd (root) ----------------------------
apache_prepare "$TEST_TMP/srv" || tap_bail "cannot lay out the server root"
new_bare_repo PROJ/other || tap_bail "cannot create PROJ/other"
apache_start || tap_bail "apache2 did not start"
# PROJ/other is served by the plain git-read service (PROJ/repo has its own).
refs=/git/PROJ/other.git/info/refs?service=git-upload-pack
web() { http_status "$1:$2" "$refs"; }

S="$TEST_TMP/sshd"
mkdir -p "$S/pam.d" /run/sshd
ln -s "$SSHD_BIN" "$S/sshd-httptoken"
pam_service_from_etc "$top_srcdir/etc/pam.d/sshd-httptoken" "$S/pam.d/sshd-httptoken"
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' > "$S/pam.d/other"
ssh-keygen -q -t ed25519 -N '' -f "$S/host_key" || tap_bail "ssh-keygen failed"
SSH_PORT=$(random_port)
cat > "$S/sshd_config" <<CONF
Include $top_srcdir/etc/sshd/httptoken.conf
ListenAddress 127.0.0.1
Port $SSH_PORT
HostKey $S/host_key
PidFile $S/sshd.pid
AuthorizedKeysFile none
PubkeyAuthentication no
PermitRootLogin no
AllowUsers $P-*
MaxAuthTries 2
LoginGraceTime 30
CONF
env LD_PRELOAD="$(wrapper_preload)" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$S/pam.d" \
	"$S/sshd-httptoken" -f "$S/sshd_config" -D -E "$S/sshd.log" </dev/null &
SSHD_PID=$!
i=0
until ss -Hltn "sport = :$SSH_PORT" | grep -q .; do
	i=$((i + 1))
	[ $i -le 100 ] && kill -0 "$SSHD_PID" 2>/dev/null || { cat "$S/sshd.log" >&2; tap_bail "sshd did not start"; }
	sleep 0.1
done
# ssh USER PASSWORD: "in" when the login worked, "" when it did not.
ssh_as() {
	SSHPASS=$2 sshpass -e ssh -F /dev/null -p "$SSH_PORT" \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o PreferredAuthentications=password -o PubkeyAuthentication=no \
		-o NumberOfPasswordPrompts=1 -o ConnectTimeout=10 -o LogLevel=ERROR \
		"$1@127.0.0.1" 'echo in' 2>>"$S/client.log"
}

# --- locked -------------------------------------------------------------------
check "locked: before, sshd logs the owner in with the token" in "$(ssh_as $P-lock "$T_lock")"
check "locked: before, Apache (www-data) accepts the token" 200 "$(web $P-lock "$T_lock")"
usermod -L $P-lock || tap_bail "usermod -L failed"
check_match "locked: the shadow field is ! before a hash" '^!\$' "$(getent shadow $P-lock | cut -d: -f2)"
check "locked: sshd refuses the token at once" "" "$(ssh_as $P-lock "$T_lock")"
check "locked: Apache, before the next sweep, still accepts it (the documented minute)" 200 \
	"$(web $P-lock "$T_lock")"
out=$(tkroot sweep 2>&1); rc=$?
check "locked: sweep exit 0" 0 "$rc"
check_match "locked: sweep says whom it refused and why" "refused \(locked\): $P-lock \(uid [0-9]+\)" "$out"
check "locked: Apache refuses the token after sweep" 401 "$(web $P-lock "$T_lock")"
check '"owner_refused": "locked" in show --json' '"locked"' \
	"$(tkroot --json show "$(id_of "$T_lock")" | field owner_refused)"
check_match "show says the account is locked" "account: +refused \(the owner's account is locked\)" \
	"$(tkroot show "$(id_of "$T_lock")")"
check "locked: another owner's token still works through Apache" 200 "$(web $P-exp "$T_exp")"
usermod -U $P-lock || tap_bail "usermod -U failed"
check "unlocked: sshd accepts the token again at once" in "$(ssh_as $P-lock "$T_lock")"
check "unlocked: Apache still refuses until the next sweep" 401 "$(web $P-lock "$T_lock")"
check_match "unlocked: sweep lifts the refusal" "lifted: $P-lock" "$(tkroot sweep 2>&1)"
check "unlocked: Apache accepts the token again" 200 "$(web $P-lock "$T_lock")"
check "owner_refused is null again" null "$(tkroot --json show "$(id_of "$T_lock")" | field owner_refused)"

# --- expired ------------------------------------------------------------------
chage -E 1 $P-exp || tap_bail "chage -E failed"
check "expired: sshd refuses the token at once" "" "$(ssh_as $P-exp "$T_exp")"
check_match "expired: sweep refuses the owner" "refused \(expired\): $P-exp" "$(tkroot sweep 2>&1)"
check "expired: Apache refuses the token after sweep" 401 "$(web $P-exp "$T_exp")"
check '"owner_refused": "expired"' '"expired"' \
	"$(tkroot --json list --user $P-exp | field owner_refused)"
chage -E -1 $P-exp || tap_bail "chage -E -1 failed"
check "expiry lifted: sshd accepts the token again" in "$(ssh_as $P-exp "$T_exp")"
tkroot sweep >/dev/null 2>&1
check "expiry lifted: Apache accepts it after sweep" 200 "$(web $P-exp "$T_exp")"

# --- last use: when, from where, through which service ------------------------
web $P-exp "$T_exp" >/dev/null
j=$(tkroot --json show "$(id_of "$T_exp")")
check "last use through Apache: client" '"127.0.0.1"' "$(printf '%s' "$j" | field last_used_from)"
check "last use through Apache: service" '"git-read"' "$(printf '%s' "$j" | field last_used_service)"
check_match "last use: time" '"last_used":"[0-9]{4}-' "$j"
ssh_as $P-exp "$T_exp" >/dev/null
j=$(tkroot --json show "$(id_of "$T_exp")")
check "a change of service is recorded at once: sshd" '"sshd-httptoken"' \
	"$(printf '%s' "$j" | field last_used_service)"
check "last use through sshd: client" '"127.0.0.1"' "$(printf '%s' "$j" | field last_used_from)"
check_match "show: last use with client and service" \
	"last used: +[0-9-]+ [0-9:]+
  from: +127\.0\.0\.1
  service: +sshd-httptoken" "$(tkroot show "$(id_of "$T_exp")")"
check_match "list: when and from where" \
	"^$(id_of "$T_exp") .* [0-9]{4}-[0-9-]+ [0-9:]+ +127\.0\.0\.1 +http,login +laptop of $P-exp\$" \
	"$(tkroot list --user $P-exp)"

# --- deleted, with the hook as deluser.local ----------------------------------
printf '#!/bin/sh\necho "$*" >>"%s/site-hook.args"\n' "$TEST_TMP" >"$TEST_TMP/site-hook"
chmod 0755 "$TEST_TMP/site-hook"
# The hook as a site enables it, pointed at this suite's store and site hook.
printf '#!/bin/sh\nHTTPTOKEN_TOKENCTL=%s HTTPTOKEN_HOOK_CHAIN=%s exec %s "$@"\n' \
	"$ROOT_TOKENCTL" "$TEST_TMP/site-hook" "$HOOK" >"$TEST_TMP/hook-wrapper"
chmod 0755 "$TEST_TMP/hook-wrapper"
cp "$TEST_TMP/hook-wrapper" "$DELUSER_LOCAL" && : >"$TEST_TMP/deluser.local.ours" ||
	tap_bail "cannot install $DELUSER_LOCAL"
uid1=$(id -u $P-del1)
tkroot project add DELP --admin $P-del1 --admin root 2>/dev/null ||
	tap_bail "project add DELP failed"
check "del1: before, Apache accepts the token" 200 "$(web $P-del1 "$T_del1")"
quiesce $P-del1
deluser --quiet --remove-home $P-del1 >/dev/null 2>&1; rc=$?
check "deluser exit 0" 0 "$rc"
check "deluser + hook: the token is revoked at once" '"revoked"' \
	"$(tkroot --json show "$(id_of "$T_del1")" | field status)"
check "deluser + hook: the reason recorded is the account's deletion" '"owner deleted"' \
	"$(tkroot --json show "$(id_of "$T_del1")" | field revoked_reason)"
check_match "deluser + hook: the deleted account administers no project, root still does" \
	'"admins":\[\{"type":"user","name":"root","id":0\}\]' "$(tkroot --json project show DELP)"
check_match "deluser + hook: the site's own hook ran after, with deluser's 4 arguments" \
	"^$P-del1 $uid1 [0-9]+ /home/$P-del1\$" "$(cat "$TEST_TMP/site-hook.args")"
rm -f "$DELUSER_LOCAL" "$TEST_TMP/deluser.local.ours"

# --- deleted, with the hook as USERDEL_CMD ------------------------------------
cp "$LOGIN_DEFS" "$TEST_TMP/login.defs.orig" || tap_bail "cannot save $LOGIN_DEFS"
printf 'USERDEL_CMD %s\n' "$TEST_TMP/hook-wrapper" >>"$LOGIN_DEFS"
uid2=$(id -u $P-del2)
quiesce $P-del2
userdel -r $P-del2 >/dev/null 2>&1; rc=$?
check "userdel exit 0" 0 "$rc"
check "userdel + USERDEL_CMD: the token is revoked at once" '"revoked"' \
	"$(tkroot --json show "$(id_of "$T_del2")" | field status)"
check "userdel + USERDEL_CMD: the site's hook got the user name" "$P-del2" \
	"$(tail -n 1 "$TEST_TMP/site-hook.args")"
cat "$TEST_TMP/login.defs.orig" >"$LOGIN_DEFS" && rm -f "$TEST_TMP/login.defs.orig"

# --- deleted without the hook: sweep refuses, revokes nothing -----------------
uid3=$(id -u $P-del3)
check "del3: before, sshd accepts the token" in "$(ssh_as $P-del3 "$T_del3")"
quiesce $P-del3
userdel -r $P-del3 >/dev/null 2>&1 || tap_bail "userdel $P-del3 failed"
check "no hook: the token is not revoked" '"active"' \
	"$(tkroot --json show "$(id_of "$T_del3")" | field status)"
check_match "no hook: sweep refuses the missing owner" "refused \(missing\): $P-del3 \(uid $uid3\)" \
	"$(tkroot sweep 2>&1)"
check "no hook: owner_refused missing" '"missing"' \
	"$(tkroot --json show "$(id_of "$T_del3")" | field owner_refused)"
check "no hook: sweep revoked nothing" '"active"' \
	"$(tkroot --json show "$(id_of "$T_del3")" | field status)"

# --- re-created with the same name and uid: nothing inherited -----------------
for n in 1 2 3; do
	eval "uid=\$uid$n"
	useradd -m -u "$uid" -s /bin/sh -c "$GECOS" "$P-del$n" || tap_bail "useradd -u $uid failed"
	echo "$P-del$n:$PASSWORD" | chpasswd
done
tkroot sweep >/dev/null 2>&1
for n in 1 2 3; do
	eval "t=\$T_del$n uid=\$uid$n"
	check "re-created $P-del$n (uid $uid, same as before): Apache refuses the old token" 401 \
		"$(web "$P-del$n" "$t")"
	check "re-created $P-del$n: sshd refuses the old token" "" "$(ssh_as "$P-del$n" "$t")"
done
check "re-created: the missing refusal holds after another sweep" '"missing"' \
	"$(tkroot --json show "$(id_of "$T_del3")" | field owner_refused)"
check "re-created: the new account's password still logs in (the account itself is fine)" in \
	"$(ssh_as $P-del3 "$PASSWORD")"
tkroot revoke --user $P-del3 >/dev/null 2>&1
check_match "revoked by the administrator: sweep forgets the owner" \
	"forgotten \(no live tokens\): $P-del3" "$(tkroot sweep 2>&1)"
T_new=$(as $P-del3 create --name fresh)
check "the re-created account's own new token works" 200 "$(web $P-del3 "$T_new")"

# --- who may run these --------------------------------------------------------------
err=$(as nobody sweep 2>&1 >/dev/null); rc=$?
check "nobody may not sweep: exit 77" 77 "$rc"
check_match "nobody may not sweep: message" "sweep: permission denied \(system administrators only\)" "$err"
err=$(as nobody notify --expiring 7 --dry-run 2>&1 >/dev/null); rc=$?
check "nobody may not notify: exit 77" 77 "$rc"
check_match "nobody may not notify: message" "notify: permission denied" "$err"
err=$(HTTPTOKEN_TOKENCTL=$ROOT_TOKENCTL "$HOOK" a b 2>&1); rc=$?
check "the hook with two arguments: exit 64" 64 "$rc"
check_match "the hook with two arguments: usage" "usage: .* USER \[UID GID HOME\]" "$err"
err=$(HTTPTOKEN_TOKENCTL=$ROOT_TOKENCTL HTTPTOKEN_HOOK_CHAIN=/nonexistent "$HOOK" -rf 2>&1); rc=$?
check "the hook refuses an option-like user name: exit 64" 64 "$rc"

check "no token appears in sshd's log" 0 \
	"$(grep -cF -e "$T_lock" -e "$T_exp" -e "$T_del3" "$S/sshd.log")"
tap_done

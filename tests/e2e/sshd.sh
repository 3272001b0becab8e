#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end: ssh logins through the real sshd with the stacked service
# etc/pam.d/sshd-httptoken (a token, or the Unix password) and the sshd
# fragment etc/sshd/httptoken.conf. sshd runs privately: on a loopback port,
# under the name sshd-httptoken (its PAM service name), with its PAM services
# read from a private directory through pam_wrapper.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/e2e/e2e-lib.sh"

ACCT=${HTTPTOKEN_E2E_ACCOUNT:-htk-e2e}   # a name of its own for parallel runs
ACCT_GECOS="httptoken e2e test account"
SSHD_BIN=/usr/sbin/sshd

[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root (sshd, and a local test account)"
[ "${CI:-}" = true ] || [ "${HTTPTOKEN_E2E_CREATE_USER:-}" = 1 ] ||
	tap_skip_all "creates and removes the local account $ACCT: set HTTPTOKEN_E2E_CREATE_USER=1 to allow it (CI does)"
[ -x "$SSHD_BIN" ] || tap_skip_all "openssh-server not installed"
for c in ssh sshpass ssh-keygen useradd userdel chpasswd runuser; do
	command -v "$c" >/dev/null || tap_skip_all "$c not installed"
done
[ -n "$PAM_WRAPPER_LIB" ] || tap_skip_all "libpam_wrapper not installed"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built"
[ -e "$PAM_MODULE" ] || tap_skip_all "pam_httptoken.so not built"
if getent passwd "$ACCT" >/dev/null; then
	# Left behind by an interrupted run? Only then is it ours to remove.
	[ "$(getent passwd "$ACCT" | cut -d: -f5)" = "$ACCT_GECOS" ] ||
		tap_skip_all "an account named $ACCT exists and is not this test's"
	userdel -r "$ACCT" 2>/dev/null
fi

make_tmpdir
account_db_lock
SSHD_PID=
cleanup() {
	if [ -n "$SSHD_PID" ]; then
		kill "$SSHD_PID" 2>/dev/null
		wait "$SSHD_PID" 2>/dev/null
	fi
	# Sessions of the test account that are still closing.
	i=0
	while [ -n "$(pgrep -u "$ACCT")" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	for p in $(pgrep -u "$ACCT"); do kill "$p" 2>/dev/null; done
	wrapper_cleanup
	userdel -r "$ACCT" 2>/dev/null
	rm -rf "$TEST_TMP"
}
trap cleanup EXIT

PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
useradd -m -s /bin/sh -c "$ACCT_GECOS" "$ACCT" || tap_bail "useradd failed"
echo "$ACCT:$PASSWORD" | chpasswd || tap_bail "chpasswd failed"

# Personal tokens are created by their owner. The account runs tokenctl on a
# store it owns (as httptokend would do for it on the system store); the store is then handed to root, as the module in sshd (running
# as root) trusts only root-owned files. Root administers it from then on.
mkdir -p "$TEST_TMP/bin" "$TEST_TMP/store"
cp "$TOKENCTL" "$TEST_TMP/bin/tokenctl" && chmod 0755 "$TEST_TMP/bin/tokenctl"
chown "$ACCT" "$TEST_TMP/store"
DB="$TEST_TMP/store/tokens.db"
KEY="$TEST_TMP/store/key"
as_acct() { runuser -u "$ACCT" -- "$TEST_TMP/bin/tokenctl" --db "$DB" --keyfile "$KEY" "$@"; }
as_acct init || tap_bail "tokenctl init as $ACCT failed"
TOKEN=$(as_acct create --name laptop --use login) || tap_bail "tokenctl create as $ACCT failed"
LEAKED=$(as_acct create --name leaked --use login) || tap_bail "tokenctl create as $ACCT failed"
# A git token: the default use, http. The shipped sshd service says
# use=login, so it is no shell login; the git services take it.
GIT=$(as_acct create --name git) || tap_bail "tokenctl create as $ACCT failed"
chown -R root:root "$TEST_TMP/store"
tk() { "$TOKENCTL" --db "$DB" --keyfile "$KEY" "$@"; }
tk project add PROJ 2>/dev/null || tap_bail "tokenctl project add failed"
PROJECT=$(tk create --name ci --project PROJ --perm admin) || tap_bail "tokenctl create --project failed"
tk revoke "$(token_id "$LEAKED")" 2>/dev/null || tap_bail "tokenctl revoke failed"

# The server: private name, config, host key, PAM services.
S="$TEST_TMP/sshd"
mkdir -p "$S/pam.d" /run/sshd
ln -s "$SSHD_BIN" "$S/sshd-httptoken"
pam_service_from_etc "$top_srcdir/etc/pam.d/sshd-httptoken" "$S/pam.d/sshd-httptoken"
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' > "$S/pam.d/other"
for svc in git-read git-write; do
	pam_service_from_etc "$top_srcdir/etc/pam.d/$svc" "$S/pam.d/$svc"
done
ssh-keygen -q -t ed25519 -N '' -f "$S/host_key" || tap_bail "ssh-keygen failed"
PORT=$(random_port)
cat > "$S/sshd_config" <<CONF
# The fragment a sysadmin copies comes first: for most keywords sshd keeps
# the first value it reads.
Include $top_srcdir/etc/sshd/httptoken.conf
ListenAddress 127.0.0.1
Port $PORT
HostKey $S/host_key
PidFile $S/sshd.pid
AuthorizedKeysFile none
PubkeyAuthentication no
PermitRootLogin no
AllowUsers $ACCT
MaxAuthTries 2
LoginGraceTime 30
LogLevel VERBOSE
CONF

env LD_PRELOAD="$(wrapper_preload)" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$S/pam.d" \
	"$S/sshd-httptoken" -f "$S/sshd_config" -D -E "$S/sshd.log" </dev/null &
SSHD_PID=$!
i=0
until ss -Hltn "sport = :$PORT" | grep -q .; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$SSHD_PID" 2>/dev/null; then
		cat "$S/sshd.log" >&2; tap_bail "sshd did not start"
	fi
	sleep 0.1
done

# login METHOD PASSWORD: run a command over ssh, authenticating with METHOD
# (password or keyboard-interactive); prints what the command printed.
login() {
	SSHPASS=$2 sshpass -e ssh -F /dev/null -p "$PORT" \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o PreferredAuthentications="$1" -o PubkeyAuthentication=no \
		-o NumberOfPasswordPrompts=1 -o ConnectTimeout=10 -o LogLevel=ERROR \
		"${LOGIN_USER:-$ACCT}@127.0.0.1" 'echo "in as $(id -un)"' 2>>"$S/client.log"
}
welcome="in as $ACCT"
# login_refused DESCRIPTION METHOD PASSWORD: sshd refuses the login: ssh
# exits 255 and says "Permission denied", and no command ran. (A crashed
# or unreachable sshd also runs nothing, but ssh says something else.)
login_refused() {
	before=$(wc -l <"$S/client.log" 2>/dev/null || echo 0)
	out=$(login "$2" "$3"); rc=$?
	said=$(tail -n +$((before + 1)) "$S/client.log" | grep -o 'Permission denied' | head -1)
	check "$1" "exit 255 [] Permission denied" "exit $rc [$out] $said"
}

for m in password keyboard-interactive; do
	check "$m: a personal token logs in" "$welcome" "$(login $m "$TOKEN")"
	check "$m: the Unix password still logs in" "$welcome" "$(login $m "$PASSWORD")"
	login_refused "$m: a revoked token does not" $m "$LEAKED"
done
for m in password keyboard-interactive; do
	login_refused "$m: a git token (no login use) does not log in" $m "$GIT"
done
# git_service SERVICE TOKEN: the shipped git service through the real libpam.
git_service() {
	env LD_PRELOAD="$(wrapper_preload)" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$S/pam.d" \
		"$top_builddir/tests/pam/pamrun" -a -p "$2" "$1" "$ACCT" | sed 's/ prompts=.*//'
}
check "git-read takes the git token" "auth=PAM_SUCCESS acct=PAM_SUCCESS" \
	"$(git_service git-read "$GIT")"
check_match "git-read refuses the login-only token" "^auth=PAM_AUTH_ERR " \
	"$(git_service git-read "$TOKEN")"
tk edit "$(token_id "$GIT")" --use http --use login 2>/dev/null ||
	tap_bail "tokenctl edit --use failed"
check "password: after edit --use http,login the git token logs in" "$welcome" \
	"$(login password "$GIT")"
check "git-read still takes it" "auth=PAM_SUCCESS acct=PAM_SUCCESS" \
	"$(git_service git-read "$GIT")"
login_refused "password: a mistyped token does not" password "$(mutate_token "$TOKEN" 31)"
login_refused "keyboard-interactive: another user's (project) token does not" \
	keyboard-interactive "$PROJECT"
login_refused "password: a wrong Unix password does not" password "x$PASSWORD"
LOGIN_USER=htk-e2e-nobody login_refused \
	"password: the token does not log in as another (unknown) user" password "$TOKEN"

check_match "tokenctl show: the login is recorded as the token's last use" \
	"last used: +[0-9]{4}-" "$(tk show "$(token_id "$TOKEN")" 2>&1)"
check "no token appears in sshd's log" 0 \
	"$(grep -cF -e "$TOKEN" -e "$LEAKED" -e "$PROJECT" -e "$GIT" "$S/sshd.log")"
tap_done

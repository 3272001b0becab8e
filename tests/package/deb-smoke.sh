#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Smoke test of the built Debian package, as a sysadmin would meet it:
# install the .deb, check what postinst made, authenticate with pamtester
# through a service in /etc/pam.d that names the module by name only,
# reinstall without losing the key or the tokens, then purge.
#
# Usage (as root, on a machine where it may install packages):
#   tests/package/deb-smoke.sh ../libpam-httptoken_VERSION_ARCH.deb
# It changes the system: it installs and purges libpam-httptoken and
# writes and removes /etc/pam.d/httptoken-smoke. TAP on stdout.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/tap.sh"

PKG=libpam-httptoken
SERVICE=httptoken-smoke
SERVICE_FILE=/etc/pam.d/$SERVICE
DB=/var/lib/httptoken/tokens.db
KEY=/etc/httptoken/key
TOKENCTL=/usr/sbin/tokenctl
HTTPTOKEND=/usr/sbin/httptokend
SOCK=/run/httptoken/httptokend.sock

deb=${1:-}
[ "$(id -u)" = 0 ] || tap_skip_all "installs a package: needs root"
[ -n "$deb" ] && [ -f "$deb" ] || tap_bail "usage: $0 PATH/TO/$PKG.deb"
command -v pamtester >/dev/null || tap_skip_all "pamtester is not installed"
command -v dpkg-architecture >/dev/null || tap_skip_all "dpkg-architecture (dpkg-dev) is not installed"

installed() { dpkg-query -W -f '${Status}' "$PKG" 2>/dev/null | grep -q 'ok installed'; }

# A leftover of an interrupted run of this script is cleaned up; a real
# installation is not ours to remove.
if installed || [ -e "$KEY" ] || [ -e "$DB" ]; then
	[ -e "$SERVICE_FILE" ] || tap_bail "$PKG or its store is already on this machine; not touching it"
	dpkg --purge "$PKG" >/dev/null 2>&1
	rm -f "$SERVICE_FILE"
fi

# An ordinary account of our own: system accounts (nobody) get no personal
# tokens.
USR=htk-deb$$-u
cleanup() {
	[ -n "${DAEMON_PID:-}" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID"
	rmdir "$(dirname "$SOCK")" 2>/dev/null   # made by the daemon started here
	rm -f "$SERVICE_FILE"
	installed && dpkg --purge "$PKG" >/dev/null 2>&1
	userdel "$USR" 2>/dev/null
	groupdel "$USR" 2>/dev/null
}
trap cleanup EXIT

# auth PAMUSER TOKEN [AS-USER [GROUPS]]: pamtester's exit status, run as
# root or as AS-USER with the supplementary GROUPS.
auth() {
	if [ -n "${3:-}" ]; then
		printf '%s\n' "$2" | setpriv --reuid="$3" --regid="$(id -g "$3")" \
			--groups="${4:-$(id -g "$3")}" \
			pamtester "$SERVICE" "$1" authenticate acct_mgmt >/dev/null 2>&1
	else
		printf '%s\n' "$2" | pamtester "$SERVICE" "$1" authenticate acct_mgmt >/dev/null 2>&1
	fi
	echo $?
}

mode_of() { stat -c '%a %U:%G' "$1" 2>/dev/null; }

# --- installation ----------------------------------------------------------
out=$(dpkg -i "$deb" 2>&1)
rc=$?
check "dpkg -i installs the package" 0 "$rc"
[ "$rc" = 0 ] || { printf '# %s\n' "$out"; tap_bail "cannot go on without the package"; }

triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
moddir=/lib/$triplet/security
check "the module is in the PAM module directory" yes \
	"$([ -f "$moddir/pam_httptoken.so" ] && echo yes)"
check "no libtool .la file beside it" no \
	"$([ -e "$moddir/pam_httptoken.la" ] && echo yes || echo no)"
check "tokenctl has no setuid bit" "755 root:root" "$(mode_of $TOKENCTL)"
check "no setuid or setgid file in the package" "" \
	"$(dpkg -L $PKG | while read -r f; do [ -f "$f" ] && find "$f" -perm /6000; done)"
check "httptokend is installed" "755 root:root" "$(mode_of $HTTPTOKEND)"
check "httptokend.socket is installed" yes "$([ -f /lib/systemd/system/httptokend.socket ] && echo yes)"
check "the package enabled httptokend.socket" yes \
	"$([ -L /etc/systemd/system/sockets.target.wants/httptokend.socket ] && echo yes)"
gid=$(getent group httptoken | cut -d: -f3)
check "the group httptoken exists, a system group (postinst adds it when absent)" yes \
	"$([ -n "$gid" ] && [ "$gid" -lt 1000 ] && echo yes)"
check "postinst created the key root:httptoken 0640" "640 root:httptoken" "$(mode_of $KEY)"
check "the key is 32 bytes" 32 "$(stat -c %s $KEY 2>/dev/null)"
check "postinst created the store root:httptoken 0640" "640 root:httptoken" "$(mode_of $DB)"
check "the last-use directory is root:httptoken 3770" "3770 root:httptoken" \
	"$(mode_of $DB.lastused)"
check "state directory root 0755" "755 root:root" "$(mode_of /var/lib/httptoken)"
check "config directory root 0755" "755 root:root" "$(mode_of /etc/httptoken)"
for f in /usr/share/man/man8/pam_httptoken.8.gz /usr/share/man/man8/tokenctl.8.gz \
	/usr/share/man/man8/httptokend.8.gz \
	/usr/share/man/man5/httptoken.5.gz /usr/share/bash-completion/completions/tokenctl \
	/usr/share/doc/$PKG/examples/pam.d/git-read; do
	check "installed: $f" yes "$([ -f "$f" ] && echo yes)"
done
check_match "tokenctl --version names the version" '^tokenctl .*[0-9]+\.[0-9]+' \
	"$($TOKENCTL --version 2>&1)"

# --- authentication through the module, named by name ----------------------
cat >"$SERVICE_FILE" <<'EOF'
auth     required  pam_httptoken.so
account  required  pam_httptoken.so
EOF

T=$($TOKENCTL create --name smoke 2>/dev/null)
check_match "root creates a personal token with the installed tokenctl" \
	'^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' "$T"
check "the token authenticates root" 0 "$(auth root "$T")"
check "it does not authenticate another user" 1 "$(auth nobody "$T")"
check "a password that is not a token fails" 1 "$(auth root not-a-token)"

bad=$($TOKENCTL create --name revoked-one 2>/dev/null)
printf '%s\n' "$bad" | $TOKENCTL revoke --token - >/dev/null 2>&1
check "a revoked (well-formed, bad) token fails" 1 "$(auth root "$bad")"

# A user makes their own token through httptokend (started here by hand:
# a container has no systemd to start it from its socket), and a server
# running as a member of the group httptoken (here nobody) can check it.
useradd -M -U -s /usr/sbin/nologin -c "httptoken test" "$USR" || tap_bail "useradd failed"
err=$(runuser -u "$USR" -- $TOKENCTL list 2>&1 >/dev/null)
check "without the daemon a user gets 69" 69 "$?"
check_match "... and is told how to start it" "systemctl enable --now httptokend.socket" "$err"
$HTTPTOKEND --foreground </dev/null >/dev/null 2>&1 &
DAEMON_PID=$!
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "httptokend --foreground listens on the default socket, mode 0666" "666 root:root" \
	"$(mode_of $SOCK)"
U=$(runuser -u "$USR" -- $TOKENCTL create --name mine 2>/dev/null)
check_match "an unprivileged user creates their own token (through httptokend)" \
	'^htk_' "$U"
check "it authenticates that user" 0 "$(auth "$USR" "$U")"
check "a server user in group httptoken can check tokens" 0 \
	"$(auth "$USR" "$U" nobody "$(getent group httptoken | cut -d: -f3)")"
check "a server user outside the group cannot read the store" 1 \
	"$(auth "$USR" "$U" nobody)"
check "the daemon refuses --db from a user" 77 "$(runuser -u "$USR" -- \
	$TOKENCTL --socket $SOCK --db /tmp/x.db list >/dev/null 2>&1; echo $?)"
check "a system account (nobody) gets no personal token" 77 "$(runuser -u nobody -- \
	$TOKENCTL create --name x >/dev/null 2>&1; echo $?)"
kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=""

# --- reinstalling keeps the key and the tokens -----------------------------
sum_before=$(sha256sum <$KEY)
dpkg -i "$deb" >/dev/null 2>&1
check "reinstalling succeeds" 0 "$?"
check "reinstalling keeps the key" "$sum_before" "$(sha256sum <$KEY)"
check "tokens still authenticate after reinstalling" 0 "$(auth root "$T")"

# --- purge -----------------------------------------------------------------
rm -f "$SERVICE_FILE"
dpkg --purge "$PKG" >/dev/null 2>&1
check "dpkg --purge succeeds" 0 "$?"
check "purge removes the module, tools, units, key and store" "" \
	"$(ls -d "$moddir/pam_httptoken.so" $TOKENCTL $HTTPTOKEND $KEY $DB \
		/lib/systemd/system/httptokend.socket 2>/dev/null)"
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `make install DESTDIR=...` from this build: the module where PAM loads it
# (without libtool's .la), tokenctl and httptokend without a setuid bit,
# httptokend's systemd units, the state and configuration directories
# 0755, the manual pages and completion; an existing store and key are left exactly as they were,
# by install and by uninstall alike.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/common.sh"

[ -f "$top_builddir/Makefile" ] || tap_skip_all "no configured build in $top_builddir"
make_tmpdir
dest=$TEST_TMP/dest
# A make of its own, not a child of the harness's: no jobserver, no -w.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s --no-print-directory \
	-C "$top_builddir" "$@"; }

# The configured directories, as make expands them.
vars=$(printf 'print:\n\t@echo "HTVARS|$(pamdir)|$(sbindir)|$(HT_DEFAULT_DB)|$(HT_DEFAULT_KEY)|$(mandir)|$(datadir)|$(docdir)|$(systemdsystemunitdir)"\n' |
	mk -f Makefile -f - print 2>/dev/null | sed -n 's/^HTVARS|//p')
IFS='|' read -r pamdir sbindir db key mandir datadir docdir unitdir <<EOF
$vars
EOF
[ -n "$pamdir" ] && [ -n "$sbindir" ] || tap_bail "cannot read the configured directories"
statedir=$(dirname "$db")
confdir=$(dirname "$key")
# The Apache module's directories, and whether configure built it.
vars=$(printf 'print:\n\t@echo "HTVARS|$(apachemoddir)|$(sysconfdir)|$(APXS)"\n' |
	mk -f Makefile -f - print 2>/dev/null | sed -n 's/^HTVARS|//p')
IFS='|' read -r apachemoddir sysconfdir apxs <<EOF
$vars
EOF

# A store and key from an earlier installation.
mkdir -p "$dest$statedir" "$dest$confdir"
echo "old store" >"$dest$db"
echo "old key" >"$dest$key"
chmod 0640 "$dest$db" "$dest$key"

out=$(mk install DESTDIR="$dest" 2>&1)
rc=$?
check "make install DESTDIR=... succeeds" 0 "$rc"
[ "$rc" = 0 ] || printf '# %s\n' "$out"

mode() { stat -c '%a' "$1" 2>/dev/null; }
check "the module is installed in the PAM directory" yes \
	"$([ -f "$dest$pamdir/pam_httptoken.so" ] && echo yes)"
check "libtool's .la is not" no "$([ -e "$dest$pamdir/pam_httptoken.la" ] && echo yes || echo no)"
check "tokenctl is installed mode 0755: no setuid bit" 755 "$(mode "$dest$sbindir/tokenctl")"
check "httptokend is installed mode 0755" 755 "$(mode "$dest$sbindir/httptokend")"
check "no setuid or setgid file anywhere in the installation" "" \
	"$(find "$dest" -perm /6000 -type f -print)"
check_match "httptokend.socket listens on the configured socket, mode 0666" \
	"ListenStream=.*/httptoken/httptokend.sock.*SocketMode=0666" \
	"$(tr '\n' ' ' <"$dest$unitdir/httptokend.socket")"
check_match "httptokend.service runs the installed daemon, store directory writable" \
	"ExecStart=$sbindir/httptokend .*ReadWritePaths=$statedir " \
	"$(tr '\n' ' ' <"$dest$unitdir/httptokend.service")"
check "state directory 0755" 755 "$(mode "$dest$statedir")"
check "configuration directory 0755" 755 "$(mode "$dest$confdir")"
check "the existing store is untouched" "old store" "$(cat "$dest$db")"
check "the existing key is untouched" "old key" "$(cat "$dest$key")"
check "install creates no other file in the state directory" "$(basename "$db")" \
	"$(ls "$dest$statedir")"
# The hook for deleted accounts and the systemd units: installed, enabled
# by nobody but the administrator.
more=$(printf 'print:\n\t@echo "HTVARS|$(pkgdatadir)|$(systemdsystemunitdir)"\n' |
	mk -f Makefile -f - print 2>/dev/null | sed -n 's/^HTVARS|//p')
pkgdatadir=${more%%|*} unitdir=${more#*|}
check "the hook is installed mode 0755 in the package's data directory" 755 \
	"$(mode "$dest$pkgdatadir/userdel-hook")"
check_match "the hook names the installed tokenctl" "TOKENCTL=.*$sbindir/tokenctl" \
	"$(grep '^TOKENCTL=' "$dest$pkgdatadir/userdel-hook")"
for u in httptoken-sweep.service httptoken-sweep.timer httptoken-notify.service \
	httptoken-notify.timer; do
	check "installed: $unitdir/$u" yes "$([ -f "$dest$unitdir/$u" ] && echo yes)"
done
check_match "the sweep timer runs every minute, to the second" \
	"OnCalendar=\*-\*-\* \*:\*:00.*AccuracySec=1s" \
	"$(tr '\n' ' ' <"$dest$unitdir/httptoken-sweep.timer")"
check "the sweep service runs the installed tokenctl" "ExecStart=$sbindir/tokenctl sweep" \
	"$(grep '^ExecStart=' "$dest$unitdir/httptoken-sweep.service")"
for f in "$mandir/man8/pam_httptoken.8" "$mandir/man8/tokenctl.8" "$mandir/man5/httptoken.5" \
	"$mandir/man8/httptokend.8" \
	"$datadir/bash-completion/completions/tokenctl" "$docdir/examples/pam.d/git-read"; do
	check "installed: $f" yes "$([ -f "$dest$f" ] && echo yes)"
done

if [ -n "$apxs" ]; then
	check "the Apache module is installed in its directory" yes \
		"$([ -f "$dest$apachemoddir/mod_authn_httptoken.so" ] && echo yes)"
	check "its .la is not" no \
		"$([ -e "$dest$apachemoddir/mod_authn_httptoken.la" ] && echo yes || echo no)"
	check "authn_httptoken.load names the installed module" \
		"LoadModule authn_httptoken_module $apachemoddir/mod_authn_httptoken.so" \
		"$(grep -v '^#' "$dest$sysconfdir/apache2/mods-available/authn_httptoken.load")"
	for f in "$mandir/man8/mod_authn_httptoken.8" \
		"$docdir/examples/apache/httptoken-git-native.conf"; do
		check "installed: $f" yes "$([ -f "$dest$f" ] && echo yes)"
	done
else
	for t in "the Apache module is installed" "its .la is not" "authn_httptoken.load" \
		"its manual page" "the native example"; do
		tap_skip "$t" "configure found no apxs"
	done
fi

out=$(mk uninstall DESTDIR="$dest" 2>&1)
check "make uninstall succeeds" 0 "$?"
check "uninstall removes the module, the programs and the units" "" \
	"$(ls "$dest$pamdir/pam_httptoken.so" "$dest$sbindir/tokenctl" "$dest$sbindir/httptokend" \
		"$dest$unitdir/httptokend.socket" "$dest$unitdir/httptokend.service" 2>/dev/null)"
check "uninstall removes the Apache module and its .load file" "" \
	"$(ls "$dest$apachemoddir/mod_authn_httptoken.so" \
		"$dest$sysconfdir/apache2/mods-available/authn_httptoken.load" 2>/dev/null)"
check "uninstall keeps the store and key" "old store old key" \
	"$(cat "$dest$db") $(cat "$dest$key")"
tap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the Debian package from a copy of this tree, lints it, and runs the
# smoke test that installs, uses and purges it (tests/package/deb-smoke.sh).
#
#   tests/package/run.sh WORKDIR
#
# As root on a Debian machine with the packages of .ci/packages. WORKDIR is
# emptied and receives the copy, the .deb and the logs. Prints "ok"/"not ok"
# lines; exits non-zero when anything failed.
set -uo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:?usage: $0 WORKDIR}
case $work in
/ | "$src" | "$src"/) echo "run.sh: refusing to empty $work" >&2; exit 64 ;;
esac
failed=0

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP installs packages: needs root"; exit 0; }
for tool in dpkg-buildpackage dh lintian pamtester; do
	command -v "$tool" >/dev/null || { not_ok "$tool is installed"; exit 1; }
done

# A copy of the sources (tracked files as they are in the work tree, or the
# whole tree when it is not a git checkout), away from any build directory.
rm -rf "$work" && mkdir -p "$work/src" || exit 1
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$src" ls-files -z | (cd "$src" && tar --null -T - -cf -) |
		tar -xf - -C "$work/src"
else
	(cd "$src" && tar --exclude=./_build -cf - .) | tar -xf - -C "$work/src"
fi || { not_ok "copy the sources"; exit 1; }

# The test suite ran in the other jobs: nocheck, and the nocheck build profile
# so that its tools are not required as build dependencies.
(cd "$work/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -Pnocheck) \
	>"$work/build.log" 2>&1
deb=$(ls "$work"/libpam-httptoken_*.deb 2>/dev/null | head -1)
if [ -n "$deb" ]; then
	ok "dpkg-buildpackage -us -uc -b builds $(basename "$deb")"
else
	not_ok "dpkg-buildpackage -us -uc -b builds the package"
	tail -40 "$work/build.log" | sed 's/^/# /'
	exit 1
fi

if lintian --fail-on error,warning "$work"/libpam-httptoken_*.changes >"$work/lintian.log" 2>&1; then
	ok "lintian finds no error or warning"
else
	not_ok "lintian finds no error or warning"
	sed 's/^/# /' "$work/lintian.log"
fi

"$src/tests/package/deb-smoke.sh" "$deb" || failed=1

# The Apache module's package: installed beside the PAM one, enabled by its
# postinst, loaded by Apache, and gone with its symbolic link on purge.
mod=$(ls "$work"/libapache2-mod-authn-httptoken_*.deb 2>/dev/null | head -1)
if [ -n "$mod" ] && dpkg -i "$deb" "$mod" >"$work/mod.log" 2>&1; then
	ok "dpkg -i installs $(basename "$mod")"
else
	not_ok "dpkg -i installs libapache2-mod-authn-httptoken"
	tail -20 "$work/mod.log" | sed 's/^/# /'
fi
if [ -L /etc/apache2/mods-enabled/authn_httptoken.load ]; then
	ok "postinst enables the module (a2enmod authn_httptoken)"
else
	not_ok "postinst enables the module (a2enmod authn_httptoken)"
fi
modules=$(apache2ctl -M 2>&1)
if printf '%s\n' "$modules" | grep -q '^ *authn_httptoken_module'; then
	ok "Apache loads authn_httptoken_module"
else
	not_ok "Apache loads authn_httptoken_module"
	printf '%s\n' "$modules" | tail -5 | sed 's/^/# /'
fi
dpkg --purge libapache2-mod-authn-httptoken libpam-httptoken >>"$work/mod.log" 2>&1
if [ ! -e /etc/apache2/mods-enabled/authn_httptoken.load ] &&
   [ ! -e /usr/lib/apache2/modules/mod_authn_httptoken.so ]; then
	ok "purge disables and removes the module"
else
	not_ok "purge disables and removes the module"
fi
exit "$failed"

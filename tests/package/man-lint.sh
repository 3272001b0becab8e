#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every manual page renders without warnings: through man-db and groff, as a
# reader's `man` does at 80 columns, and through mandoc's linter (which also
# knows mdoc's rules on section order and macro use).
#
# The pages are built from man/*.in with the configured paths, and none may
# keep a placeholder. groff is given the source filled in with the usual
# system paths: a long build prefix (distcheck's, say) makes unbreakable
# lines that say nothing about the page itself.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/common.sh"

pages="man/httptoken.5 man/pam_httptoken.8 man/tokenctl.8 man/httptoken-userdel-hook.8 man/mod_authn_httptoken.8 man/httptokend.8"
have() { command -v "$1" >/dev/null 2>&1; }

have man || have mandoc || tap_skip_all "neither man (man-db) nor mandoc is installed"
make_tmpdir

usual_paths() {
	sed -e 's|@DB@|/var/lib/httptoken/tokens.db|g' -e 's|@KEYFILE@|/etc/httptoken/key|g' \
	    -e 's|@DBDIR@|/var/lib/httptoken|g' -e 's|@KEYDIR@|/etc/httptoken|g' \
	    -e 's|@PAMDIR@|/lib/x86_64-linux-gnu/security|g' -e 's|@SBINDIR@|/usr/sbin|g' \
	    -e 's|@DOCDIR@|/usr/share/doc/libpam-httptoken|g' \
	    -e 's|@APACHEMODDIR@|/usr/lib/apache2/modules|g' \
	    -e 's|@COMPLETIONDIR@|/usr/share/bash-completion/completions|g' \
	    -e 's|@PKGDATADIR@|/usr/share/httptoken|g' -e 's|@UNITDIR@|/lib/systemd/system|g' \
	    -e 's|@SENDMAIL@|/usr/sbin/sendmail|g' \
	    -e 's|@SOCKET@|/run/httptoken/httptokend.sock|g' "$1"
}

for p in $pages; do
	f="$top_builddir/$p"
	[ -f "$f" ] || tap_bail "$f is not built (run make)"
	check "$p has every configured path filled in" "" "$(grep -o '@[A-Z_]*@' "$f")"
	usual="$TEST_TMP/$(basename "$p")"
	usual_paths "$top_srcdir/$p.in" >"$usual"
	if have man; then
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l --warnings "$usual" 2>&1 >/dev/null)
		check "$p renders with man --warnings, no warning" "" "$out"
		text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$f" 2>/dev/null)
		check_match "$p has a NAME and a SEE ALSO section" \
			"NAME.*SEE ALSO" "$(printf '%s' "$text" | tr '\n' ' ')"
	else
		tap_skip "$p renders with man --warnings" "man-db is not installed"
		tap_skip "$p has a NAME and a SEE ALSO section" "man-db is not installed"
	fi
	if have mandoc; then
		out=$(mandoc -T lint -W warning "$f" 2>&1)
		check "$p passes mandoc -T lint -W warning" "" "$out"
	else
		tap_skip "$p passes mandoc -T lint" "mandoc is not installed"
	fi
done
tap_done

#!/bin/sh
# Every manual page renders without warnings: through man-db and groff, as a
# reader's `man` does, and through mandoc's linter (which also knows mdoc's
# rules on section order and macro use). The pages are built from
# man/*.in with the configured paths; none may keep a placeholder.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/tap.sh"

pages="man/httptoken.5 man/pam_httptoken.8 man/tokenctl.8"
have() { command -v "$1" >/dev/null 2>&1; }

have man || have mandoc || tap_skip_all "neither man (man-db) nor mandoc is installed"

for p in $pages; do
	f="$top_builddir/$p"
	[ -f "$f" ] || tap_bail "$f is not built (run make)"
	check "$p has every configured path filled in" "" "$(grep -o '@[A-Z_]*@' "$f")"
	if have man; then
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l --warnings "$f" 2>&1 >/dev/null)
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

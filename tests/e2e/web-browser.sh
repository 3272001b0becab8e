#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A real browser on the web page: headless Chromium (python3-selenium,
# chromium-driver) logs a nologin user in, creates a token, revokes it,
# opens the page of the project they administer and logs out, against the
# same server as web-apache.sh. Screenshots of each
# page at desktop and phone width are kept as artefacts in
# tests/artefacts/web/ under the build directory.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/e2e/web-lib.sh"
web_server_require
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] ||
	tap_skip_all "chromium and chromium-driver are needed"
/usr/bin/python3 -c 'import selenium' 2>/dev/null || tap_skip_all "python3-selenium is needed"
make_tmpdir
web_server_start
tk project add PROJ --admin "$ALICE" 2>/dev/null || tap_bail "project add failed"
tk create --name nightly --project PROJ --perm read >/dev/null 2>&1 ||
	tap_bail "cannot create a project token"

SHOTS="$top_builddir/tests/artefacts/web"
rm -rf "$SHOTS" && mkdir -p "$SHOTS"
mkdir -p "$TEST_TMP/profile"
T=$(HOME="$TEST_TMP" /usr/bin/python3 "$top_srcdir/tests/e2e/web-browser.py" "$BASE" "$ALICE" \
	"$PW" "$SHOTS" "$TEST_TMP/profile" 2>"$TEST_TMP/browser.log"); rc=$?
check "the browser walks login, create, revoke, a project, logout" "0" "$rc"
[ "$rc" = 0 ] || echo "# $(tail -5 "$TEST_TMP/browser.log")"
check_match "it got a token" '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' "$T"
check_match "the token is the user's, of level write" "\"owner\":\"$ALICE\".*\"perm\":\"write\"" \
	"$(tk --json show "$(token_id "$T")" 2>&1)"
check_match "and revoked" '"status":"revoked"' "$(tk --json show "$(token_id "$T")" 2>&1)"
for p in 1-login 2-tokens 3-created 4-revoked 5-project 6-logged-out; do
	for w in desktop phone; do
		check "screenshot $p at $w width" yes \
			"$([ -s "$SHOTS/$p-$w.png" ] && echo yes || echo no)"
	done
done
tap_done

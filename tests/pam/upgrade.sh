#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A store made by version 1 (tests/fixtures/v1-store, see its README):
# version 2 reads and authenticates it unchanged, refuses version-2-only
# settings until `tokenctl upgrade`, converts it on request, and every
# token works afterwards as before: personal tokens keep login, project and
# repository tokens are http, and new tokens are http only.
. "$top_srcdir/tests/pam/pamenv.sh"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built: $TOKENCTL"
pam_env_setup
FX="$top_srcdir/tests/fixtures/v1-store"
rm -rf "$TEST_TMP/store" && mkdir -m 0755 "$TEST_TMP/store"
cp "$FX/tokens.db" "$DB" && cp "$FX/key" "$KEY" && chmod 0640 "$DB" "$KEY" ||
	tap_bail "cannot copy the fixture"
tok() { sed -n "s/^$1 //p" "$FX/tokens"; }
P=$(tok personal) J=$(tok project) R=$(tok repo) X=$(tok revoked)

service t-http
service t-login use=login
service t-proj resource=PROJ
service t-proj-login resource=PROJ use=login
service t-repo resource=PROJ/app

# matrix LABEL: every fixture token where it should and should not pass.
matrix() {
	check "$1: personal token, use=http" PAM_SUCCESS "$(auth t-http root "$P")"
	check "$1: personal token, use=login" PAM_SUCCESS "$(auth t-login root "$P")"
	check "$1: project token, its project" PAM_SUCCESS "$(auth t-proj x-token-auth "$J")"
	check "$1: project token, use=login" PAM_AUTH_ERR "$(auth t-proj-login x-token-auth "$J")"
	check "$1: repository token, its repository" PAM_SUCCESS "$(auth t-repo x-token-auth "$R")"
	check "$1: revoked token" PAM_AUTH_ERR "$(auth t-http root "$X")"
}

check "the fixture is of schema 1" 1 "$("$HTFIX" meta "$DB")"
matrix "version-1 store"
check_match "version-1 store: a personal token reads with http and login" \
	'"uses":\["http","login"\],"only":\[\]' "$(tk --json show "$(token_id "$P")" 2>&1)"
check_match "version-1 store: a project token reads with http" '"uses":\["http"\]' \
	"$(tk --json show "$(token_id "$J")" 2>&1)"

err=$(tk create --name x --use login 2>&1 >/dev/null); rc=$?
check "version-1 store: create --use: exit 65" 65 "$rc"
check_match "version-1 store: create --use: names the upgrade" "run 'tokenctl upgrade'" "$err"
err=$(tk policy set --max-tokens-per-user 5 2>&1 >/dev/null); rc=$?
check "version-1 store: a version-2 policy setting: exit 65" 65 "$rc"
check_match "version-1 store: policy set: names the upgrade" "run 'tokenctl upgrade'" "$err"
check "version-1 store: nothing refused was written" 1 "$("$HTFIX" meta "$DB")"
OLDSTYLE=$(tk create --name "made before the upgrade" 2>/dev/null)
check "version-1 store: create without version-2 options works" PAM_SUCCESS \
	"$(auth t-http "$(id -un)" "$OLDSTYLE")"

err=$(tk upgrade 2>&1); rc=$?
check "upgrade: exit 0" 0 "$rc"
check_match "upgrade: says what it converted" "upgraded .* to version 2: 5 tokens converted" "$err"
# A version-1 program compares this number with the 1 it knows and calls
# anything else an unknown schema: it refuses the store, it never opens it.
check "upgrade: the schema record says 2" 2 "$("$HTFIX" meta "$DB")"
matrix "converted store"
check "converted store: made before the upgrade keeps login" PAM_SUCCESS \
	"$(auth t-login "$(id -un)" "$OLDSTYLE")"
check_match "converted store: policy kept, admin-group with its gid" \
	'"max_days":30,.*"admin_group":"root".*"schema":2' "$(tk --json policy 2>&1)"

NEW=$(tk create --name "new git token" 2>/dev/null)
check "a new token: http" PAM_SUCCESS "$(auth t-http "$(id -un)" "$NEW")"
check "a new token: not a login" PAM_AUTH_ERR "$(auth t-login "$(id -un)" "$NEW")"
LOGIN=$(tk create --name shell --use login 2>/dev/null)
check "a new --use login token logs in" PAM_SUCCESS "$(auth t-login "$(id -un)" "$LOGIN")"
check "a --use login token is not an http token" PAM_AUTH_ERR "$(auth t-http "$(id -un)" "$LOGIN")"

err=$(tk upgrade 2>&1); rc=$?
check "upgrade again: exit 0" 0 "$rc"
check_match "upgrade again: nothing to do" "of version 2 already" "$err"
tap_done

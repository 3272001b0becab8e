#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The module against what the real tokenctl writes: every change made with
# it is seen by the very next authentication, and last use shows up in
# tokenctl show.
. "$top_srcdir/tests/pam/pamenv.sh"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built: $TOKENCTL"
pam_env_setup
rm -rf "$TEST_TMP/store"
make_store 2>/dev/null
ME=$(id -un)

service t
service t-write require=write resource=PROJ/app
service t-proj resource=PROJ
service t-repo resource=PROJ/app

P=$(tk create --name laptop 2>/dev/null)
check_match "tokenctl create printed a token" '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' "$P"
check "personal token of the caller" PAM_SUCCESS "$(auth t "$ME" "$P")"
check "personal token, another user" PAM_AUTH_ERR "$(auth t "not-$ME" "$P")"
check_match "tokenctl show: last use recorded by the module" '"last_used":"[0-9]{4}-' \
	"$(tk --json show "$(token_id "$P")" 2>/dev/null)"

tk project add PROJ 2>/dev/null && tk repo add PROJ/app 2>/dev/null || tap_bail "registry setup failed"
J=$(tk create --name ci --project PROJ --perm write 2>/dev/null)
check "project token, write, require=write" PAM_SUCCESS "$(auth t-write x-token-auth "$J")"
R=$(tk create --name deploy --repo PROJ/app 2>/dev/null)
check "repository token, its repository" PAM_SUCCESS "$(auth t-repo x-token-auth "$R")"
check "repository token, its project" PAM_AUTH_ERR "$(auth t-proj x-token-auth "$R")"
check "read repository token, require=write" PAM_AUTH_ERR "$(auth t-write x-token-auth "$R")"

tk edit "$(token_id "$R")" --perm write 2>/dev/null
check "after edit --perm write: require=write passes" PAM_SUCCESS "$(auth t-write x-token-auth "$R")"

tk revoke "$(token_id "$J")" 2>/dev/null
check "after tokenctl revoke: refused at once" PAM_AUTH_ERR "$(auth t-write x-token-auth "$J")"

NEW=$(tk rotate "$(token_id "$P")" 2>/dev/null)
check "after rotate: the old token is refused" PAM_AUTH_ERR "$(auth t "$ME" "$P")"
check "after rotate: the new token works" PAM_SUCCESS "$(auth t "$ME" "$NEW")"

E=$(tk create --name short --expires 30 2>/dev/null)
tk policy set --expiry-required yes --max-days 10 --enforce-existing yes 2>/dev/null
check "enforce-existing: token without expiry refused" PAM_AUTH_ERR "$(auth t "$ME" "$NEW")"
check "enforce-existing: 30-day token over max-days 10 refused" PAM_AUTH_ERR "$(auth t "$ME" "$E")"
tk policy set --enforce-existing no 2>/dev/null
check "enforce-existing off: token without expiry works again" PAM_SUCCESS "$(auth t "$ME" "$NEW")"
check "enforce-existing off: 30-day token works again" PAM_SUCCESS "$(auth t "$ME" "$E")"

if command -v faketime >/dev/null; then
	OUT=$(env LD_PRELOAD="$PWRAP_PRELOAD" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$PAMD" \
		faketime '+31 days' "$PAMRUN" -p "$E" t "$ME" 2>/dev/null | sed 's/ prompts=.*//')
	check "30-day token after 31 days" auth=PAM_AUTH_ERR "$OUT"
else
	tap_skip "30-day token after 31 days" "faketime not installed"
fi
tap_done

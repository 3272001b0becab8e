#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end: git clone and push through the real Apache httpd, with
# mod_authnz_pam in front of git-http-backend and pam_httptoken behind it,
# configured from etc/ (see apache-lib.sh). Tokens are the HTTP passwords.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/e2e/apache-lib.sh"

apache_require
command -v faketime >/dev/null || tap_skip_all "faketime not installed"

make_tmpdir
trap 'apache_stop; wrapper_cleanup; rm -rf "$TEST_TMP"' EXIT

# git without the caller's configuration, prompts or credential helpers.
git_client_setup

# A store the httpd user reads through its group. As root the server drops
# to www-data; otherwise it runs as the caller, who owns the store.
if [ "$(id -u)" -eq 0 ]; then make_store "$HTTPD_GROUP"; else make_store; fi
me=$(id -un)

apache_prepare "$TEST_TMP/srv" || tap_bail "cannot lay out the server root"
new_bare_repo PROJ/repo || tap_bail "cannot create PROJ/repo"
new_bare_repo PROJ/other || tap_bail "cannot create PROJ/other"
apache_start || tap_bail "apache2 did not start"
pid_at_start=$APACHE_PID

WRITE=$(tk create --name e2e-write --perm write)
READ=$(tk create --name e2e-read --perm read)
tk project add PROJ 2>/dev/null && tk repo add PROJ/repo 2>/dev/null || tap_bail "registry setup failed"
DEPLOY=$(tk create --name e2e-deploy --repo PROJ/repo --perm write)
# Created three days ago with a one-day lifetime: expired for the server.
# (libfaketime is preloaded ahead of a sanitizer runtime: tell ASan so.)
OLD=$(ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	faketime -f -3d "$TOKENCTL" --db "$DB" --keyfile "$KEY" \
	create --name e2e-old --perm write --expires 1)
for t in "$WRITE" "$READ" "$DEPLOY" "$OLD"; do
	printf '%s' "$t" | grep -Eq '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' ||
		tap_bail "tokenctl create did not print a token"
done

refs=/git/PROJ/repo.git/info/refs
check_match "the back-dated token is listed as expired" "^$(token_id "$OLD") .* expired " \
	"$(tk list --status expired 2>&1)"
found=$(find "$DB" "$KEY" -perm /022); rc=$?
check "store is not group- or world-writable" "exit 0 []" "exit $rc [$found]"
if [ "$(id -u)" -eq 0 ]; then
	check "store and key belong to group $HTTPD_GROUP, mode 0640" \
		"640 $HTTPD_GROUP 640 $HTTPD_GROUP" \
		"$(stat -c '%a %G' "$DB" "$KEY" | tr '\n' ' ' | sed 's/ $//')"
else
	tap_skip "store and key belong to the httpd group" "needs root (server runs as the caller)"
fi

check "no credentials: 401" 401 "$(http_status "" "$refs?service=git-upload-pack")"

# --- personal tokens --------------------------------------------------------
if gitq clone "$(git_url "$me:$WRITE" PROJ/repo)" "$TEST_TMP/w" &&
   [ -f "$TEST_TMP/w/README" ]; then
	tap_ok "clone with a personal write token"
else
	tap_not_ok "clone with a personal write token" "$(tail -5 "$GITLOG")"
fi

echo change >> "$TEST_TMP/w/README"
gitq -C "$TEST_TMP/w" commit -q -am "Change through Apache"
pushed=$(git -C "$TEST_TMP/w" rev-parse HEAD)
if gitq -C "$TEST_TMP/w" push origin HEAD:main; then
	tap_ok "push with a personal write token"
else
	tap_not_ok "push with a personal write token" "$(tail -5 "$GITLOG")"
fi

if gitq clone "$(git_url "$me:$READ" PROJ/repo)" "$TEST_TMP/r"; then
	check "clone with a read token sees the pushed commit" "$pushed" \
		"$(git -C "$TEST_TMP/r" rev-parse HEAD)"
else
	tap_not_ok "clone with a read token sees the pushed commit" "$(tail -5 "$GITLOG")"
fi

# The server, as the httpd user, records use through the group-writable
# DB.lastused/ directory.
check_match "tokenctl show: the read token's last use is recorded" \
	"last used: +[0-9]{4}-" "$(tk show "$(token_id "$READ")" 2>&1)"

echo more >> "$TEST_TMP/r/README"
gitq -C "$TEST_TMP/r" commit -q -am "Push attempt with a read token"
git_refused "push with a read token is refused (401)" -C "$TEST_TMP/r" push origin HEAD:main
check "read token: fetch advertisement 200" 200 \
	"$(http_status "$me:$READ" "$refs?service=git-upload-pack")"
check "read token: push advertisement 401" 401 \
	"$(http_status "$me:$READ" "$refs?service=git-receive-pack")"
check "read token: push POST 401" 401 "$(curl -s -o /dev/null -w '%{http_code}' \
	-u "$me:$READ" -X POST --data-binary '' "$APACHE_URL/git/PROJ/repo.git/git-receive-pack")"
check "repository unchanged by the refused push" "$pushed" \
	"$(git ls-remote "$(git_url "$me:$WRITE" PROJ/repo)" refs/heads/main | cut -f1)"

if gitq clone "$(git_url "$me:$WRITE" PROJ/other)" "$TEST_TMP/o"; then
	tap_ok "personal token on a repository with no scoped service"
else
	tap_not_ok "personal token on a repository with no scoped service" "$(tail -5 "$GITLOG")"
fi

# --- refused credentials ----------------------------------------------------
git_refused "another user's token: clone refused (401)" \
	clone "$(git_url "not-$me:$WRITE" PROJ/repo)" "$TEST_TMP/x1"
check "another user's token: 401" 401 \
	"$(http_status "not-$me:$WRITE" "$refs?service=git-upload-pack")"
check "garbage password: 401" 401 \
	"$(http_status "$me:not-a-token" "$refs?service=git-upload-pack")"
check "token with one character changed: 401" 401 \
	"$(http_status "$me:$(mutate_token "$WRITE" 30)" \
		"$refs?service=git-upload-pack")"
check "empty password: 401" 401 "$(http_status "$me:" "$refs?service=git-upload-pack")"
check "expired token: 401" 401 "$(http_status "$me:$OLD" "$refs?service=git-upload-pack")"
git_refused "expired token: clone refused (401)" clone "$(git_url "$me:$OLD" PROJ/repo)" "$TEST_TMP/x2"

# --- repository token (user x-token-auth) ----------------------------------
if gitq clone "$(git_url "x-token-auth:$DEPLOY" PROJ/repo)" "$TEST_TMP/d"; then
	tap_ok "repository token clones its repository"
else
	tap_not_ok "repository token clones its repository" "$(tail -5 "$GITLOG")"
fi
echo deploy >> "$TEST_TMP/d/README"
gitq -C "$TEST_TMP/d" commit -q -am "Push with a repository token"
if gitq -C "$TEST_TMP/d" push origin HEAD:main; then
	tap_ok "repository write token pushes to its repository"
else
	tap_not_ok "repository write token pushes to its repository" "$(tail -5 "$GITLOG")"
fi
check "repository token on another repository: 401" 401 \
	"$(http_status "x-token-auth:$DEPLOY" /git/PROJ/other.git/info/refs?service=git-upload-pack)"
git_refused "repository token: clone of another repository refused (401)" \
	clone "$(git_url "x-token-auth:$DEPLOY" PROJ/other)" "$TEST_TMP/x3"
check "repository token under a personal user name: 401" 401 \
	"$(http_status "$me:$DEPLOY" "$refs?service=git-upload-pack")"

# --- an unsafe store is not trusted -----------------------------------------
chmod g+w "$DB"
check "group-writable store: valid token refused (401)" 401 \
	"$(http_status "$me:$READ" "$refs?service=git-upload-pack")"
chmod g-w "$DB"
check "store made safe again: the token works" 200 \
	"$(http_status "$me:$READ" "$refs?service=git-upload-pack")"

# --- revocation while the server runs --------------------------------------
check "write token works before revocation" 200 \
	"$(http_status "$me:$WRITE" "$refs?service=git-receive-pack")"
tk revoke "$(token_id "$WRITE")" 2>>"$GITLOG" || tap_bail "tokenctl revoke failed"
check "revoked token: the next request is refused" 401 \
	"$(http_status "$me:$WRITE" "$refs?service=git-upload-pack")"
git_refused "revoked token: git ls-remote refused (401)" ls-remote "$(git_url "$me:$WRITE" PROJ/repo)"
check "same server process, not restarted" "$pid_at_start" \
	"$(cat "$APACHE_DIR/run/httpd.pid")"
check "other tokens still work after the revocation" 200 \
	"$(http_status "$me:$READ" "$refs?service=git-upload-pack")"

# --- nothing secret in the server's logs ------------------------------------
# (A log that could not be read holds no token either: read them first.)
logs=$(cat "$APACHE_DIR"/logs/*.log); rc=$?
check "Apache's logs are read and not empty" "exit 0, not empty" \
	"exit $rc, $([ -n "$logs" ] && echo not empty || echo empty)"
check "no token appears in Apache's logs" 0 \
	"$(printf '%s\n' "$logs" | grep -cF -e "$WRITE" -e "$READ" -e "$DEPLOY")"

apache_stop
check "server stopped by PID" "" "$(kill -0 "$pid_at_start" 2>/dev/null && echo running)"
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end: the web page's pages for project and repository
# administrators, behind the real Apache with TLS, with real accounts
# named in the registry. A project administrator sees what they
# administer, creates a project token (shown once; a reload creates
# nothing) that clones through the same Apache (etc/apache's PROJ/repo
# location), a repository token, edits and revokes them; a repository administrator manages only that
# repository. Every other scope, registered or not, gets one refusal, also
# from a forged form, and nothing changes.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/e2e/web-lib.sh"
web_server_require
make_tmpdir
git_client_setup
web_server_start
BOB=htk-wa-b$$ PW_B='r3po only, please'
trap 'userdel "$BOB" 2>/dev/null; web_server_stop' EXIT
useradd -M -s /usr/sbin/nologin "$BOB" && printf '%s:%s\n' "$BOB" "$PW_B" | chpasswd ||
	tap_bail "cannot make $BOB"
export GIT_SSL_CAINFO="$CERT"
tk project add PROJ --admin "$ALICE" --description 'payments <b>team</b>' 2>/dev/null &&
	tk repo add PROJ/repo 2>/dev/null && tk project add OTHER 2>/dev/null &&
	tk repo add OTHER/lib --admin "$BOB" 2>/dev/null || tap_bail "registry setup failed"
OTHER_T=$(tk create --name other-ci --project OTHER 2>/dev/null)
OTHER_ID=$(token_id "$OTHER_T")

REFUSED="You do not administer that project or repository, or it is not registered: nothing was done."
# login USER PASSWORD: a fresh cookie jar, logged in.
login() {
	rm -f "$JAR"
	P=$(web -H "Origin: $BASE" -d action=login -d "user=$1" --data-urlencode "password=$2" "$PAGE")
	[ "$(status_of "$P")" = 303 ] || tap_bail "$1 cannot log in: $(status_of "$P")"
}
# scope_tokens SCOPE: every token of SCOPE and below, as JSON lines.
scope_tokens() { tk --json list --all | grep -F "\"scope\":\"$1" | sort; }
# git_https TOKEN REPO: the clone URL through the same Apache, with TLS.
git_https() { echo "https://x-token-auth:$1@127.0.0.1:$APACHE_PORT/git/$2.git"; }
# refused DESC PAGE: the one refusal, as a status page.
refused() {
	check "$1: 403" 403 "$(status_of "$2")"
	check "$1: the one message" 1 "$(printf '%s' "$2" | grep -cF "$REFUSED")"
}
JAR="$TEST_TMP/jar"

# --- a project administrator -------------------------------------------------
login "$ALICE" "$PW"
P=$(web "$PAGE")
check_match "My tokens lists what the user administers" \
	"Projects and repositories you administer" "$P"
check_match "... the project, linked" "<a href=\"/tokens\\?scope=PROJ\">Project PROJ</a>" "$P"
check_match "... its repository, linked" \
	"<a href=\"/tokens\\?scope=PROJ%2Frepo\">Repository PROJ/repo</a>" "$P"
check_match "... the description escaped" 'payments &lt;b&gt;team&lt;/b&gt;' "$P"
check "... nothing else" 0 "$(printf '%s' "$P" | grep -c 'OTHER')"
P=$(web "$PAGE?scope=PROJ")
check "the project's page: 200" 200 "$(status_of "$P")"
check_match "the project's page says which" "<h1>Project PROJ</h1>" "$P"
check_match "it has a create form for the project" 'name="scope" value="PROJ"' "$P"
CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
before=$(scope_tokens PROJ | grep -c .)
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" -d scope=PROJ -d name=ci \
	-d perm=read -d expires=30 -d uses=http "$PAGE")
check "create a project token: 200" 200 "$(status_of "$P")"
PT=$(shown_token "$P")
check_match "the new token is shown once" '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' "$PT"
PID=$(token_id "$PT")
check_match "it is PROJ's project token" '"kind":"project","owner":"[^"]*","owner_uid":[0-9]*,"scope":"PROJ"' \
	"$(tk --json show "$PID")"
check_match "the project's page lists it" "<td data-label=\"Id\">$PID</td>" "$P"
after=$(scope_tokens PROJ)
check "one token more in the project" $((before + 1)) "$(printf '%s\n' "$after" | grep -c .)"
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" -d scope=PROJ -d name=ci \
	-d perm=read -d expires=30 -d uses=http "$PAGE")
check "the same form again (a reload): 409" 409 "$(status_of "$P")"
check "a reload creates nothing" "$after" "$(scope_tokens PROJ)"
check "a reload does not show the token again" 0 "$(printf '%s' "$P" | grep -c "$PT")"
if gitq clone "$(git_https "$PT" PROJ/repo)" "$TEST_TMP/c1"; then
	tap_ok "git clone of the project's repository with the web page's project token"
else
	tap_not_ok "git clone of the project's repository with the web page's project token" \
		"$(tail -5 "$GITLOG")"
fi

P=$(web "$PAGE?scope=PROJ&edit=$PID")
check "the edit form: 200" 200 "$(status_of "$P")"
check_match "the edit form holds the name" 'id="edit-name" name="name" value="ci"' "$P"
check_match "... the level" '<option value="read" selected>' "$P"
CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
P=$(web -d action=edit -d "csrf=$CSRF" -d "nonce=$NONCE" -d scope=PROJ -d "id=$PID" \
	--data-urlencode 'name=ci <nightly>' -d perm=write -d uses=http,login "$PAGE")
check "edit: 200" 200 "$(status_of "$P")"
check_match "edit says so" "Token $PID is updated" "$P"
check_match "the store has the new name, level and uses" \
	'"perm":"write".*"name":"ci <nightly>","uses":\["http","login"\]' "$(tk --json show "$PID")"
check_match "the new name is shown escaped" 'ci &lt;nightly&gt;' "$P"
CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
P=$(web -d action=edit -d "csrf=$CSRF" -d "nonce=$NONCE" -d scope=PROJ -d "id=$PID" \
	-d name=x -d perm=read -d uses=NOT-A-USE "$PAGE")
check "a bad use: 400" 400 "$(status_of "$P")"
check_match "a bad use: tokenctl's message" "is not a use" "$P"
check_match "a bad use changed nothing" '"perm":"write"' "$(tk --json show "$PID")"

P=$(web "$PAGE?scope=PROJ%2Frepo"); CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
check_match "the repository's page" "<h1>Repository PROJ/repo</h1>" "$P"
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" -d scope=PROJ/repo -d name=deploy \
	-d perm=read -d expires= -d uses= "$PAGE")
RT=$(shown_token "$P")
check_match "a project administrator creates a repository token" \
	'"kind":"repository",.*"scope":"PROJ/repo"' "$(tk --json show "$(token_id "$RT")")"
P=$(web "$PAGE?scope=PROJ")
check_match "the project's page lists its repositories' tokens too" \
	"<td data-label=\"Id\">$(token_id "$RT")</td>" "$P"
CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
P=$(web -d action=revoke -d "csrf=$CSRF" -d "nonce=$NONCE" -d scope=PROJ -d "id=$PID" "$PAGE")
check "revoke: 200" 200 "$(status_of "$P")"
check_match "revoke says so" "Token $PID is revoked" "$P"
check_match "the store has it revoked" '"status":"revoked"' "$(tk --json show "$PID")"
if gitq clone "$(git_https "$PT" PROJ/repo)" "$TEST_TMP/c2"; then
	tap_not_ok "the revoked project token no longer clones" "the clone succeeded"
else
	tap_ok "the revoked project token no longer clones"
fi

# --- another project, registered or not, and forged forms -------------------
other_before=$(scope_tokens OTHER)
for s in OTHER OTHER%2Flib NOPE 'PROJ%2Fnope' '%3Cscript%3E'; do
	refused "another scope's page ($s)" "$(web "$PAGE?scope=$s")"
done
P=$(web "$PAGE?scope=PROJ&edit=$OTHER_ID")
check "editing another project's token through one's own page: 404" 404 "$(status_of "$P")"
P=$(web "$PAGE?scope=PROJ"); CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
refused "a forged create for another project" "$(web -d action=create -d "csrf=$CSRF" \
	-d "nonce=$NONCE" -d scope=OTHER -d name=forged -d perm=admin -d expires= -d uses= "$PAGE")"
refused "a forged create for an unregistered project" "$(web -d action=create -d "csrf=$CSRF" \
	-d "nonce=$NONCE" -d scope=NOPE -d name=forged -d perm=admin -d expires= -d uses= "$PAGE")"
refused "a forged revoke under another project" "$(web -d action=revoke -d "csrf=$CSRF" \
	-d "nonce=$NONCE" -d scope=OTHER -d "id=$OTHER_ID" "$PAGE")"
refused "a forged edit under another project" "$(web -d action=edit -d "csrf=$CSRF" \
	-d "nonce=$NONCE" -d scope=OTHER -d "id=$OTHER_ID" -d name=mine -d perm=admin "$PAGE")"
P=$(web -d action=revoke -d "csrf=$CSRF" -d "nonce=$NONCE" -d scope=PROJ -d "id=$OTHER_ID" "$PAGE")
check "another project's token under one's own project: 400" 400 "$(status_of "$P")"
check_match "... answered as an unknown token" "no such token $OTHER_ID" "$P"
check "another project's tokens are untouched" "$other_before" "$(scope_tokens OTHER)"
check "nothing forged was created" 0 "$(tk list --all | grep -c forged)"

# Taken out of the registry, the user loses the pages on the next click.
P=$(web "$PAGE?scope=PROJ"); CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
tk project edit PROJ --remove-admin "$ALICE" 2>/dev/null || tap_bail "project edit failed"
refused "the project's page once no longer its administrator" "$(web "$PAGE?scope=PROJ")"
refused "a form of the page from before" "$(web -d action=create -d "csrf=$CSRF" \
	-d "nonce=$NONCE" -d scope=PROJ -d name=late -d perm=read -d expires= -d uses= "$PAGE")"
check "My tokens no longer lists it" 0 "$(web "$PAGE" | grep -c 'scope=PROJ')"
check "nothing was created late" 0 "$(tk list --all | grep -c late)"

# --- a repository administrator -------------------------------------------------
login "$BOB" "$PW_B"
P=$(web "$PAGE")
check_match "a repository administrator sees their repository" "Repository OTHER/lib</a>" "$P"
check "... and no project" 0 "$(printf '%s' "$P" | grep -c 'Project ')"
for s in OTHER PROJ PROJ%2Frepo; do
	refused "a repository administrator on $s" "$(web "$PAGE?scope=$s")"
done
P=$(web "$PAGE?scope=OTHER%2Flib")
check "the repository's page: 200" 200 "$(status_of "$P")"
check "it does not list the project's own tokens" 0 "$(printf '%s' "$P" | grep -c "$OTHER_ID")"
CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
refused "a forged create for the project above" "$(web -d action=create -d "csrf=$CSRF" \
	-d "nonce=$NONCE" -d scope=OTHER -d name=forged -d perm=read -d expires= -d uses= "$PAGE")"
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" -d scope=OTHER/lib -d name=lib-ci \
	-d perm=read -d expires=7 -d uses= "$PAGE")
check "a refused forgery left the nonce usable: the create works" 200 "$(status_of "$P")"
LT=$(shown_token "$P")
check_match "a repository administrator creates their repository's token" \
	'"kind":"repository",.*"scope":"OTHER/lib"' "$(tk --json show "$(token_id "$LT")")"
CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
P=$(web -d action=revoke -d "csrf=$CSRF" -d "nonce=$NONCE" -d scope=OTHER/lib \
	-d "id=$(token_id "$RT")" "$PAGE")
check "revoking PROJ/repo's token from OTHER/lib's page: 400" 400 "$(status_of "$P")"
check_match "PROJ/repo's token stays active" '"status":"active"' \
	"$(tk --json show "$(token_id "$RT")")"
check "no forged token anywhere" 0 "$(tk list --all | grep -c forged)"
tap_done

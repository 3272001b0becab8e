#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end: the web page (httptoken-web) behind the real Apache with TLS,
# configured from etc/apache/httptoken-web.conf, the CGI run by fcgiwrap as
# its own account, logins checked by the shipped etc/pam.d/httptoken-web
# (httptokend --pam-dir). A nologin user logs in with their Unix
# password, creates a token (shown once; a reload or a replayed form
# creates nothing), clones with it through the same Apache, revokes it, and
# the next clone is refused; every forged, replayed, expired, cross-site or
# hostile request fails and changes nothing.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/e2e/web-lib.sh"
web_server_require
make_tmpdir
git_client_setup
web_server_start
export GIT_SSL_CAINFO="$TEST_TMP/srv/tls.crt"
JAR="$TEST_TMP/jar"
tokens_of() { tk list --user "$ALICE" 2>/dev/null | tail -n +2 | grep -c .; }

# --- the login page and its headers --------------------------------------
H=$(curl -s --cacert "$TEST_TMP/srv/tls.crt" -D - -o /dev/null "$PAGE")
check_match "the login page: 200" "^HTTP/1.1 200" "$H"
for h in "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'; form-action 'self'" \
	"Cache-Control: no-store" "X-Content-Type-Options: nosniff" "Referrer-Policy: no-referrer"; do
	check_match "the login page sends $(echo "$h" | cut -d: -f1)" "$h" "$H"
done
P=$(web "$PAGE")
check_match "the login page has the form" 'name="password"' "$P"
check_match "the page has a viewport for phones" 'name="viewport" content="width=device-width' "$P"
check_match "the stylesheet is served" "^200$" "$(status_of "$(web "$PAGE?page=style")")"
P=$(curl -s -w '\n%{http_code}' "http://127.0.0.1:$APACHE_PORT/tokens")
check "plain HTTP gets no page" "400 0" "$(status_of "$P") $(printf '%s' "$P" | grep -c password)"

# --- refusals at login ------------------------------------------------------
P=$(web -d action=login -d "user=$ALICE" --data-urlencode "password=wrong" "$PAGE")
check "a wrong password: 403" 403 "$(status_of "$P")"
check_match "a wrong password: what to do" "The user name or password is wrong" "$P"
check "a wrong password sets no cookie" "" "$(grep -s httptoken "$JAR")"
P=$(web -d action=login -d "user=htk-wa-none$$" --data-urlencode "password=$PW" "$PAGE")
check "an unknown user: the same 403" "403 1" \
	"$(status_of "$P") $(printf '%s' "$P" | grep -c 'The user name or password is wrong')"
P=$(web -d action=login -d "user=$ALICE" --data-urlencode "password=$(tk create --name x 2>/dev/null)" "$PAGE")
check "a token as the password: the same 403" 403 "$(status_of "$P")"
P=$(web -H "Origin: https://evil.example" -d action=login -d "user=$ALICE" \
	--data-urlencode "password=$PW" "$PAGE")
check "a cross-site login post: 403" 403 "$(status_of "$P")"
check "a cross-site login sets no cookie" "" "$(grep -s httptoken "$JAR")"

# --- log in and create -----------------------------------------------------
P=$(web -H "Origin: $BASE" -d action=login -d "user=$ALICE" --data-urlencode "password=$PW" "$PAGE")
check "the right password: 303 to the page" 303 "$(status_of "$P")"
check_match "the cookie is set" "__Host-httptoken	[0-9a-f]{64}$" "$(cat "$JAR")"
H=$(curl -s --cacert "$TEST_TMP/srv/tls.crt" -b "$JAR" -D - -o /dev/null "$PAGE")
P=$(web "$PAGE")
check_match "My tokens after login" "<h1>My tokens</h1>" "$P"
CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
check_match "the form has a CSRF value" '^[0-9a-f]{64}$' "$CSRF"
before=$(tokens_of)
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" -d name=laptop -d perm=read \
	-d expires=30 "$PAGE")
check "create: 200" 200 "$(status_of "$P")"
T=$(shown_token "$P")
check_match "the new token is shown in a read-only field" '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' "$T"
check_match "with a note on credential helpers" "credential helper" "$P"
check "one token more in the store" $((before + 1)) "$(tokens_of)"
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" -d name=laptop -d perm=read \
	-d expires=30 "$PAGE")
check "the same form again (a reload): 409" 409 "$(status_of "$P")"
check_match "a reload says nothing was done" "already used" "$P"
check "a reload creates nothing" $((before + 1)) "$(tokens_of)"
check "a reload does not show the token again" 0 "$(printf '%s' "$P" | grep -c "$T")"
P=$(web "$PAGE")
check "a later page does not show the token" 0 "$(printf '%s' "$P" | grep -c "$T")"

# --- the token works for git through the same Apache, until revoked --------
if gitq clone "https://$ALICE:$T@127.0.0.1:$APACHE_PORT/git/PROJ/repo.git" "$TEST_TMP/c1"; then
	tap_ok "git clone with the web page's token"
else
	tap_not_ok "git clone with the web page's token" "$(tail -5 "$GITLOG")"
fi

# --- rotate: a new token shown once, the old one revoked -------------------
P=$(web "$PAGE"); CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
T0=$(tk create --name spare 2>/dev/null)   # root's: not on this page
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" -d name=rotating -d perm=read \
	-d expires=5 "$PAGE")
R1=$(shown_token "$P")
CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
P=$(web -d action=rotate -d "csrf=$CSRF" -d "nonce=$NONCE" -d "id=$(token_id "$R1")" "$PAGE")
R2=$(shown_token "$P")
check "rotate: 200" 200 "$(status_of "$P")"
check_match "rotate shows a new token" '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' "$R2"
check "the new token differs" yes "$([ "$R1" != "$R2" ] && echo yes || echo no)"
check_match "the rotated token is revoked" '"status":"revoked"' "$(tk --json show "$(token_id "$R1")")"
check_match "the new one is the user's" "\"owner\":\"$ALICE\"" "$(tk --json show "$(token_id "$R2")")"
P=$(web -d action=rotate -d "csrf=$CSRF" -d "nonce=$NONCE" -d "id=$(token_id "$R2")" "$PAGE")
check "rotate replayed: 409" 409 "$(status_of "$P")"
P=$(web "$PAGE"); CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
P=$(web -d action=revoke -d "csrf=$CSRF" -d "nonce=$NONCE" -d "id=$(token_id "$T0")" "$PAGE")
check "revoking root's token from the page: 400" 400 "$(status_of "$P")"
check_match "... answered as an unknown token" "no such token $(token_id "$T0")" "$P"
check_match "root's token stays active" '"status":"active"' "$(tk --json show "$(token_id "$T0")")"

# --- uses and --only: what the token is for and where it may go -----------
tk project add PROJ 2>/dev/null && tk project add OTHER 2>/dev/null &&
	tk repo add OTHER/app 2>/dev/null || tap_bail "registry setup failed"
P=$(web "$PAGE"); CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
check_match "the form asks for uses" 'name="uses"' "$P"
check_match "the form asks where the token may go" 'name="only"' "$P"
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" -d name=scoped -d perm=write \
	-d expires=7 -d uses=http,login --data-urlencode only=PROJ,OTHER/app "$PAGE")
check "create with uses and only: 200" 200 "$(status_of "$P")"
S=$(shown_token "$P")
check_match "the token has those uses and goes only there" \
	'"uses":\["http","login"\],"only":\["OTHER/app","PROJ"\]' \
	"$(tk --json show "$(token_id "$S")")"
check_match "My tokens shows its uses and where it may go" \
	"<td data-label=\"Uses\">http,login</td><td data-label=\"Only for\">OTHER/app,PROJ</td>" "$P"
check_match "a token without --only may go anywhere its owner may" \
	"<td data-label=\"Uses\">http</td><td data-label=\"Only for\">anywhere</td>" "$P"
CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
before=$(tokens_of)
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" -d name=bad -d perm=read \
	-d expires=7 --data-urlencode "only=PROJ/../x" "$PAGE")
check "a malformed --only scope: 400" 400 "$(status_of "$P")"
check_match "... with tokenctl's reason" "is not a project key or KEY/slug" "$P"
check "a malformed --only scope creates nothing" "$before" "$(tokens_of)"

# --- hostile forms --------------------------------------------------------
P=$(web "$PAGE"); CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
FORGED=$(printf '%s' "$CSRF" | cut -c1 | tr 0-9a-f 1-9a-f0)$(printf '%s' "$CSRF" | cut -c2-)
P=$(web -d action=create -d "csrf=$FORGED" -d "nonce=$NONCE" -d name=forged -d perm=read \
	-d expires= "$PAGE")
check "a forged CSRF value: 403" 403 "$(status_of "$P")"
P=$(web -d action=create -d "nonce=$NONCE" -d name=forged -d perm=read -d expires= "$PAGE")
check "no CSRF value: 403" 403 "$(status_of "$P")"
P=$(web -H "Origin: https://evil.example" -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" \
	-d name=forged -d perm=read -d expires= "$PAGE")
check "a cross-site post (Origin): 403" 403 "$(status_of "$P")"
P=$(web -H "Sec-Fetch-Site: same-site" -H "Origin: $BASE" -d action=create -d "csrf=$CSRF" \
	-d "nonce=$NONCE" -d name=forged -d perm=read -d expires= "$PAGE")
check "a post from a sibling site (Sec-Fetch-Site: same-site): 403" 403 "$(status_of "$P")"
P=$(web -H "Sec-Fetch-Site: cross-site" -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" \
	-d name=forged -d perm=read -d expires= "$PAGE")
check "a cross-site post (Sec-Fetch-Site): 403" 403 "$(status_of "$P")"
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$(printf '%032d' 7)" -d name=forged \
	-d perm=read -d expires= "$PAGE")
check "an invented nonce: 409" 409 "$(status_of "$P")"
check "no forged token was created" 0 "$(tk list --user "$ALICE" | grep -c forged)"
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" --data-urlencode 'name=<script>alert(1)</script>' \
	-d perm=read -d expires= "$PAGE")
check "a name with <script>: created" 200 "$(status_of "$P")"
P=$(web "$PAGE")
check "the name is never markup" 0 "$(printf '%s' "$P" | grep -c '<script>')"
check_match "the name is shown escaped" '&lt;script&gt;alert\(1\)&lt;/script&gt;' "$P"
CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" -d name=x -d name=y -d perm=read "$PAGE")
check "a repeated field: 400" 400 "$(status_of "$P")"
P=$(web -H 'Content-Type: text/plain' --data-binary "action=create&csrf=$CSRF" "$PAGE")
check "a body of another type: 400" 400 "$(status_of "$P")"
P=$(web --data-binary "action=create&name=$(head -c 5000 /dev/zero | tr '\0' a)" "$PAGE")
check "an oversized body: 400" 400 "$(status_of "$P")"
P=$(web "$PAGE?page=../../etc/passwd")
check "an unknown page: 404" 404 "$(status_of "$P")"
P=$(curl -s --cacert "$TEST_TMP/srv/tls.crt" -w '\n%{http_code}' \
	-b "__Host-httptoken=$(printf '%064d' 0)" "$PAGE")
check_match "a made-up session cookie gets the login form" 'name="password"' "$P"

# --- revoke, and git is refused ---------------------------------------------
P=$(web "$PAGE"); CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
P=$(web -d action=revoke -d "csrf=$CSRF" -d "nonce=$NONCE" -d "id=$(token_id "$T")" "$PAGE")
check "revoke: 200" 200 "$(status_of "$P")"
check_match "revoke says so" "Token $(token_id "$T") is revoked" "$P"
check_match "the store has it revoked" '"status":"revoked"' "$(tk --json show "$(token_id "$T")")"
if gitq clone "https://$ALICE:$T@127.0.0.1:$APACHE_PORT/git/PROJ/repo.git" "$TEST_TMP/c2"; then
	tap_not_ok "git clone with the revoked token is refused" "the clone succeeded"
else
	check_match "git clone with the revoked token is refused" "401|Authentication failed" \
		"$(tail -3 "$GITLOG")"
fi

# --- sessions end -------------------------------------------------------------
for f in "$TEST_TMP/sessions"/*; do
	[ "$(basename "$f")" = key ] || touch -d '16 minutes ago' "$f"
done
P=$(web "$PAGE")
check_match "an idle session: back to the login form" 'Your session has ended' "$P"
P=$(web -H "Origin: $BASE" -d action=login -d "user=$ALICE" --data-urlencode "password=$PW" "$PAGE")
P=$(web "$PAGE"); CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
SECRET=$(sed -n 's/.*__Host-httptoken	\([0-9a-f]*\)$/\1/p' "$JAR")
P=$(web -d action=logout -d "csrf=$CSRF" -d "nonce=$NONCE" "$PAGE")
check_match "logout" "You are logged out" "$P"
check "logout clears the cookie" "" "$(grep -s '__Host-httptoken	[0-9a-f]' "$JAR")"
P=$(curl -s --cacert "$TEST_TMP/srv/tls.crt" -w '\n%{http_code}' \
	-b "__Host-httptoken=$SECRET" "$PAGE")
check_match "the old session is gone" 'name="password"' "$P"

# --- who may open sessions --------------------------------------------------
for u in www-data "$ALICE"; do
	err=$(printf '%s\n%s\n' "$ALICE" "$PW" | as "$u" session open 2>&1); rc=$?
	check "$u cannot open a session" "77 1" \
		"$rc $(printf '%s' "$err" | grep -c 'only root and the web account')"
done
check "the CGI ran as the web account" 1 \
	"$(ps -o user= -p "$(cat "$FCGI_DIR/pid")" | grep -c "$WEB\|$(id -u "$WEB")")"
tap_done

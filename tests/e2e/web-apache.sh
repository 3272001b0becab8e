#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end: the web page (httptoken-web) behind the real Apache with TLS,
# configured from etc/apache/httptoken-web.conf, the CGI run by fcgiwrap as
# its own account, logins checked by the shipped etc/pam.d/httptoken-web
# (pam_wrapper) in httptokend. A nologin user logs in with their Unix
# password, creates a token (shown once; a reload or a replayed form
# creates nothing), clones with it through the same Apache, revokes it, and
# the next clone is refused; every forged, replayed, expired, cross-site or
# hostile request fails and changes nothing.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/e2e/apache-lib.sh"
. "$top_srcdir/tests/daemon-fixture.sh"

apache_require
daemon_fixture_require useradd userdel chpasswd fcgiwrap openssl
for m in ssl socache_shmcb proxy proxy_fcgi headers; do
	[ -e "$APACHE_MODDIR/mod_$m.so" ] || tap_skip_all "mod_$m not installed"
done
CGI="$top_builddir/httptoken-web/httptoken-web"
[ -x "$CGI" ] || tap_skip_all "httptoken-web not built"
UNIX=$(ls /usr/lib/*/security/pam_unix.so /lib/*/security/pam_unix.so 2>/dev/null | head -n 1)

make_tmpdir
chmod 0755 "$TEST_TMP"
WEB=htk-wa-w$$ ALICE=htk-wa-a$$ PW='Tr0ub4dor&3 ok'
FCGI_PID=
cleanup() {
	[ -z "$FCGI_PID" ] || kill "$FCGI_PID" 2>/dev/null
	apache_stop; daemon_fixture_stop; wrapper_cleanup
	userdel "$WEB" 2>/dev/null; userdel "$ALICE" 2>/dev/null
	rm -rf "$TEST_TMP"
}
trap cleanup EXIT
useradd -M -s /usr/sbin/nologin "$WEB" && useradd -M -s /usr/sbin/nologin "$ALICE" ||
	tap_bail "useradd failed"
printf '%s:%s\n' "$ALICE" "$PW" | chpasswd || tap_bail "chpasswd failed"

git_client_setup
make_store "$HTTPD_GROUP"

# httptokend with the shipped PAM service, private.
mkdir -p "$TEST_TMP/pam"
sed -e "s|pam_\([a-z]*\)\.so|$(dirname "$UNIX")/pam_\1.so|" \
	-e "s|/var/run/faillock-httptoken-web|$TEST_TMP/faillock|g" \
	"$top_srcdir/etc/pam.d/httptoken-web" >"$TEST_TMP/pam/httptoken-web"
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$TEST_TMP/pam/other"
DAEMON_PRELOAD=$PAM_WRAPPER_LIB
DAEMON_ENV="PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$TEST_TMP/pam"
DAEMON_ARGS="--session-dir $TEST_TMP/sessions --web-user $WEB"
daemon_fixture
trap cleanup EXIT
chmod 0755 "$DAEMON_DIR"

# fcgiwrap as the web account, the program a root-owned copy it can run.
apache_prepare "$TEST_TMP/srv" || tap_bail "cannot lay out the server root"
new_bare_repo PROJ/repo || tap_bail "cannot create PROJ/repo"
mkdir -p "$TEST_TMP/cgi" && cp "$CGI" "$TEST_TMP/cgi/httptoken-web" &&
	chmod 0755 "$TEST_TMP/cgi" "$TEST_TMP/cgi/httptoken-web"
mkdir -p "$TEST_TMP/fcgi" && chown "$WEB" "$TEST_TMP/fcgi" && chmod 0755 "$TEST_TMP/fcgi"
FSOCK="$TEST_TMP/fcgi/web.sock"
setpriv --reuid="$WEB" --regid="$(id -g "$WEB")" --init-groups sh -c \
	'umask 0; exec fcgiwrap -c 2 -s "unix:$1"' sh "$FSOCK" </dev/null \
	>"$TEST_TMP/fcgiwrap.log" 2>&1 &
FCGI_PID=$!

# A self-signed certificate for 127.0.0.1, made here.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$TEST_TMP/srv/tls.key" \
	-out "$TEST_TMP/srv/tls.crt" 2>/dev/null || tap_bail "openssl failed"
SITE="$TEST_TMP/srv/site.conf"
cat >"$SITE" <<CONF
SSLEngine on
SSLCertificateFile "$TEST_TMP/srv/tls.crt"
SSLCertificateKeyFile "$TEST_TMP/srv/tls.key"
Include "$top_srcdir/etc/apache/httptoken-git.conf"
Define HTTPTOKEN_WEB_SOCKET "$FSOCK"
Define HTTPTOKEN_WEB_CGI "$TEST_TMP/cgi/httptoken-web"
<Location /tokens>
    SetEnv HTTPTOKEN_SOCKET "$SOCK"
</Location>
Include "$top_srcdir/etc/apache/httptoken-web.conf"
CONF
APACHE_EXTRA_MODULES="ssl socache_shmcb proxy proxy_fcgi headers" APACHE_SITE_CONF=$SITE \
	apache_start || tap_bail "apache2 did not start"
BASE="https://127.0.0.1:$APACHE_PORT"
PAGE="$BASE/tokens"
export GIT_SSL_CAINFO="$TEST_TMP/srv/tls.crt"
JAR="$TEST_TMP/jar"
# web ARGS...: curl with the cookie jar; the page on stdout, the status last.
web() { curl -s --cacert "$TEST_TMP/srv/tls.crt" -b "$JAR" -c "$JAR" -w '\n%{http_code}' "$@"; }
status_of() { printf '%s' "$1" | tail -n 1; }
field() { printf '%s' "$1" | grep -o "name=\"$2\" value=\"[^\"]*\"" | head -n 1 | sed 's/.*value="//; s/"$//'; }
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
T=$(printf '%s' "$P" | sed -n 's/.*<textarea id="token" readonly[^>]*>\(htk_[0-9A-Za-z]*\)<\/textarea>.*/\1/p')
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
	"$(ps -o user= -p "$FCGI_PID" | grep -c "$WEB\|$(id -u "$WEB")")"
tap_done

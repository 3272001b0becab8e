#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The web page behind nginx, from etc/nginx/httptoken-web.conf inside the
# server block of etc/nginx/httptoken-git.conf, the CGI run by a second
# fcgiwrap as the web account: a nologin user logs in over TLS, creates a
# token (a reload creates nothing), and logs out.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/e2e/nginx-lib.sh"
. "$top_srcdir/tests/e2e/web-lib.sh"
nginx_require
daemon_fixture_require useradd userdel chpasswd
[ "${CI:-}" = true ] || [ "${HTTPTOKEN_E2E_CREATE_USER:-}" = 1 ] ||
	tap_skip_all "creates and removes local accounts htk-wn-*: set HTTPTOKEN_E2E_CREATE_USER=1 to allow it (CI does)"
CGI="$top_builddir/httptoken-web/httptoken-web"
[ -x "$CGI" ] || tap_skip_all "httptoken-web not built"
UNIX=$(ls /usr/lib/*/security/pam_unix.so /lib/*/security/pam_unix.so 2>/dev/null | head -n 1)
make_tmpdir
chmod 0755 "$TEST_TMP"

WEB=htk-wn-w$$ ALICE=htk-wn-a$$ PW='n0 shell, 1 page'
cleanup() {
	web_fcgi_stop "$TEST_TMP/webfcgi"
	nginx_stop; fcgiwrap_stop; daemon_fixture_stop; wrapper_cleanup
	userdel "$WEB" 2>/dev/null; userdel "$ALICE" 2>/dev/null
	rm -rf "$TEST_TMP"
}
trap cleanup EXIT
useradd -M -s /usr/sbin/nologin "$WEB" && useradd -M -s /usr/sbin/nologin "$ALICE" ||
	tap_bail "useradd failed"
printf '%s:%s\n' "$ALICE" "$PW" | chpasswd || tap_bail "chpasswd failed"
make_store "$HTTPD_GROUP"
mkdir -p "$TEST_TMP/pam"
sed -e "s|pam_\([a-z]*\)\.so|$(dirname "$UNIX")/pam_\1.so|" \
	-e "s|/var/run/faillock-httptoken-web|$TEST_TMP/faillock|g" \
	"$top_srcdir/etc/pam.d/httptoken-web" >"$TEST_TMP/pam/httptoken-web"
DAEMON_ARGS="--session-dir $TEST_TMP/sessions --pam-dir $TEST_TMP/pam"
daemon_fixture
tk policy set --web-user "$WEB" 2>/dev/null || tap_bail "policy set --web-user failed"
trap cleanup EXIT
chmod 0755 "$DAEMON_DIR"

nginx_prepare "$TEST_TMP/srv" || tap_bail "cannot lay out the server root"
fcgiwrap_start || tap_bail "fcgiwrap did not start"
mkdir -p "$TEST_TMP/cgi" && cp "$CGI" "$TEST_TMP/cgi/httptoken-web" &&
	chmod 0755 "$TEST_TMP/cgi" "$TEST_TMP/cgi/httptoken-web"
web_fcgi_start "$TEST_TMP/webfcgi"
WSOCK="$TEST_TMP/webfcgi/web.sock"
# The shipped locations with this run's socket and program, and the
# daemon's socket for the program.
NGINX_SITE_EXTRA="$TEST_TMP/web-locations.conf"
sed -e "s#unix:/run/httptoken-web/fcgiwrap.sock;#unix:$WSOCK;#" \
	-e "s#/usr/libexec/httptoken/httptoken-web;#$TEST_TMP/cgi/httptoken-web;#" \
	-e "s#include fastcgi_params;#include fastcgi_params; fastcgi_param HTTPTOKEN_SOCKET $SOCK;#" \
	"$top_srcdir/etc/nginx/httptoken-web.conf" >"$NGINX_SITE_EXTRA"
nginx_start || tap_bail "nginx did not start"

PAGE="$NGINX_URL/tokens" CERT="$NGINX_DIR/tls/cert.pem" JAR="$TEST_TMP/jar"

P=$(web "$PAGE")
check "the login page: 200" 200 "$(status_of "$P")"
check_match "the login page has the form" 'name="password"' "$P"
P=$(web -d action=login -d "user=$ALICE" --data-urlencode "password=wrong" "$PAGE")
check "a wrong password: 403" 403 "$(status_of "$P")"
P=$(web -d action=login -d "user=$ALICE" --data-urlencode "password=$PW" "$PAGE")
check "the right password: 303" 303 "$(status_of "$P")"
P=$(web "$PAGE"); CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
check_match "My tokens" "<h1>My tokens</h1>" "$P"
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" -d name=phone -d perm=read \
	-d expires=7 "$PAGE")
check "create: 200" 200 "$(status_of "$P")"
check_match "the token is shown" '<textarea id="token" readonly[^>]*>htk_' "$P"
P=$(web -d action=create -d "csrf=$CSRF" -d "nonce=$NONCE" -d name=phone -d perm=read \
	-d expires=7 "$PAGE")
check "a reload: 409" 409 "$(status_of "$P")"
check "one token in the store" 1 "$(tk list --user "$ALICE" | tail -n +2 | grep -c phone)"
P=$(web "$PAGE"); CSRF=$(field "$P" csrf) NONCE=$(field "$P" nonce)
P=$(web -d action=logout -d "csrf=$CSRF" -d "nonce=$NONCE" "$PAGE")
check_match "logout" "You are logged out" "$P"
tap_done

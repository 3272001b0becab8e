# SPDX-License-Identifier: GPL-3.0-or-later
# The web page's server for the end-to-end suites (web-apache.sh,
# web-browser.sh), sourced after tests/common.sh: web_server_require skips
# the suite unless everything is there; then, after make_tmpdir,
# web_server_start makes the accounts $WEB (the web account, which
# fcgiwrap runs as) and $ALICE (a nologin user with password $PW), a store
# readable by the httpd group, httptokend with the shipped PAM service
# (from a private directory: --pam-dir), fcgiwrap, and Apache with TLS (a
# self-signed certificate made here) serving etc/apache/httptoken-git.conf
# and etc/apache/httptoken-web.conf. Then: BASE, PAGE, CERT. web_server_stop
# undoes all of it. web, status_of, field and shown_token drive the pages
# with curl and a cookie jar ($JAR).
. "$top_srcdir/tests/e2e/apache-lib.sh"
. "$top_srcdir/tests/daemon-fixture.sh"
WEB_CGI="$top_builddir/httptoken-web/httptoken-web"

web_server_require() {
	apache_require
	daemon_fixture_require useradd userdel chpasswd fcgiwrap openssl
	[ "${CI:-}" = true ] || [ "${HTTPTOKEN_E2E_CREATE_USER:-}" = 1 ] ||
		tap_skip_all "creates and removes local accounts htk-wa-*: set HTTPTOKEN_E2E_CREATE_USER=1 to allow it (CI does)"
	for m in ssl socache_shmcb proxy proxy_fcgi headers; do
		[ -e "$APACHE_MODDIR/mod_$m.so" ] || tap_skip_all "mod_$m not installed"
	done
	[ -x "$WEB_CGI" ] || tap_skip_all "httptoken-web not built"
}

web_server_stop() {
	web_fcgi_stop "${FCGI_DIR:-}"
	apache_stop; daemon_fixture_stop; wrapper_cleanup
	userdel "$WEB" 2>/dev/null; userdel "$ALICE" 2>/dev/null
	rm -rf "$TEST_TMP"
}

# web_fcgi_start DIR: fcgiwrap as $WEB on DIR/web.sock, leading its own
# process group (its pid in DIR/pid), so that its children stop with it.
web_fcgi_start() {
	mkdir -p "$1" && chown "$WEB" "$1" && chmod 0755 "$1"
	setpriv --reuid="$WEB" --regid="$(id -g "$WEB")" --init-groups setsid sh -c \
		'echo $$ >"$1/pid"; umask 0; exec fcgiwrap -c 2 -s "unix:$1/web.sock"' sh "$1" \
		</dev/null >"$1/fcgiwrap.log" 2>&1 &
	i=0
	while [ ! -S "$1/web.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -S "$1/web.sock" ] || tap_bail "fcgiwrap did not start: $(cat "$1/fcgiwrap.log")"
}

# web_fcgi_stop DIR: stops that group and waits until it is gone (the
# account cannot be deleted while it runs).
web_fcgi_stop() {
	[ -n "$1" ] && [ -s "$1/pid" ] || return 0
	pgid=$(cat "$1/pid")
	kill -TERM "-$pgid" 2>/dev/null
	i=0
	while kill -0 "-$pgid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -KILL "-$pgid" 2>/dev/null
	rm -f "$1/pid"
}

web_server_start() {
	WEB=htk-wa-w$$ ALICE=htk-wa-a$$ PW='Tr0ub4dor&3 ok'
	FCGI_DIR="$TEST_TMP/fcgi"
	CGI=$WEB_CGI
	chmod 0755 "$TEST_TMP"
	trap web_server_stop EXIT
	useradd -M -s /usr/sbin/nologin "$WEB" && useradd -M -s /usr/sbin/nologin "$ALICE" ||
		tap_bail "useradd failed"
	printf '%s:%s\n' "$ALICE" "$PW" | chpasswd || tap_bail "chpasswd failed"
	make_store "$HTTPD_GROUP"
	UNIX=$(ls /usr/lib/*/security/pam_unix.so /lib/*/security/pam_unix.so 2>/dev/null | head -n 1)

	# httptokend with the shipped PAM service, private.
	mkdir -p "$TEST_TMP/pam"
	sed -e "s|pam_\([a-z]*\)\.so|$(dirname "$UNIX")/pam_\1.so|" \
		-e "s|/var/run/faillock-httptoken-web|$TEST_TMP/faillock|g" \
		"$top_srcdir/etc/pam.d/httptoken-web" >"$TEST_TMP/pam/httptoken-web"
	printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$TEST_TMP/pam/other"
	DAEMON_ARGS="--session-dir $TEST_TMP/sessions --pam-dir $TEST_TMP/pam"
	daemon_fixture
	tk policy set --web-user "$WEB" 2>/dev/null || tap_bail "policy set --web-user failed"
	chmod 0755 "$DAEMON_DIR"

	# fcgiwrap as the web account, the program a root-owned copy it can run.
	apache_prepare "$TEST_TMP/srv" || tap_bail "cannot lay out the server root"
	new_bare_repo PROJ/repo || tap_bail "cannot create PROJ/repo"
	mkdir -p "$TEST_TMP/cgi" && cp "$CGI" "$TEST_TMP/cgi/httptoken-web" &&
		chmod 0755 "$TEST_TMP/cgi" "$TEST_TMP/cgi/httptoken-web"
	web_fcgi_start "$FCGI_DIR"
	FSOCK="$FCGI_DIR/web.sock"

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
	trap web_server_stop EXIT
	CERT="$TEST_TMP/srv/tls.crt"
	BASE="https://127.0.0.1:$APACHE_PORT"
	PAGE="$BASE/tokens"
}

# web ARGS...: curl with the cookie jar $JAR; the page on stdout, the status last.
web() { curl -s --cacert "$CERT" -b "$JAR" -c "$JAR" -w '\n%{http_code}' "$@"; }
status_of() { printf '%s' "$1" | tail -n 1; }
# field PAGE NAME: the value of the first hidden field NAME (csrf, nonce).
field() { printf '%s' "$1" | grep -o "name=\"$2\" value=\"[^\"]*\"" | head -n 1 | sed 's/.*value="//; s/"$//'; }
# shown_token PAGE: the token a page shows once, if any.
shown_token() {
	printf '%s' "$1" |
		sed -n 's/.*<textarea id="token" readonly[^>]*>\(htk_[0-9A-Za-z]*\)<\/textarea>.*/\1/p'
}

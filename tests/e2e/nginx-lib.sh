# SPDX-License-Identifier: GPL-3.0-or-later
# Start and stop a private nginx with the auth-pam module in front of
# git-http-backend (through a private fcgiwrap), configured from
# etc/nginx/httptoken-git.conf and etc/pam.d/nginx-git (sourced by the e2e
# test).
#
# Nothing system-wide is touched: the prefix, configuration, logs, temp
# directories, pid file, TLS key, fcgiwrap socket and PAM services live in
# one directory; PAM reads the services from there through pam_wrapper; the
# server listens on a loopback port only. The workers and fcgiwrap run as
# the httpd user (www-data) when the test runs as root.
#
# Needs: top_srcdir, and before nginx_prepare: PAM_MODULE, DB, KEY.

NGINX_BIN=${NGINX_BIN:-/usr/sbin/nginx}
NGINX_PAM_MODULE=${NGINX_PAM_MODULE:-/usr/lib/nginx/modules/ngx_http_auth_pam_module.so}
FCGIWRAP_BIN=${FCGIWRAP_BIN:-/usr/sbin/fcgiwrap}
# For HTTPD_USER/HTTPD_GROUP and new_bare_repo (repositories under
# $APACHE_DIR/git), shared with the Apache tests.
. "$top_srcdir/tests/e2e/apache-lib.sh"

# nginx_missing: print why the server cannot run here (nothing if it can).
nginx_missing() {
	[ -x "$NGINX_BIN" ] || { echo "nginx not installed"; return; }
	[ -e "$NGINX_PAM_MODULE" ] || { echo "libnginx-mod-http-auth-pam not installed"; return; }
	[ -x "$FCGIWRAP_BIN" ] || { echo "fcgiwrap not installed"; return; }
	[ -f /etc/nginx/fastcgi_params ] || { echo "/etc/nginx/fastcgi_params missing"; return; }
	command -v git >/dev/null && [ -x "$GIT_HTTP_BACKEND" ] ||
		{ echo "git (with git-http-backend) not installed"; return; }
	[ -n "$PAM_WRAPPER_LIB" ] || { echo "libpam_wrapper not installed"; return; }
	command -v curl >/dev/null || { echo "curl not installed"; return; }
	command -v openssl >/dev/null || { echo "openssl not installed"; return; }
	command -v setpriv >/dev/null || { echo "setpriv (util-linux) not installed"; return; }
}

nginx_require() {
	why=$(nginx_missing)
	[ -z "$why" ] || tap_skip_all "$why"
	[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built"
	[ -e "$PAM_MODULE" ] || tap_skip_all "pam_httptoken.so not built"
}

# as_httpd COMMAND...: run COMMAND as the httpd user (as is, unless root).
as_httpd() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid="$HTTPD_USER" --regid="$HTTPD_GROUP" --init-groups "$@"
	else
		"$@"
	fi
}

# nginx_prepare DIR: lay out the prefix DIR (repositories in DIR/git), a
# self-signed certificate for 127.0.0.1 (DIR/tls/cert.pem) and the PAM
# services.
nginx_prepare() {
	NGINX_DIR=$1
	APACHE_DIR=$1   # where new_bare_repo puts repositories
	mkdir -p "$NGINX_DIR/conf" "$NGINX_DIR/logs" "$NGINX_DIR/run" "$NGINX_DIR/pam.d" \
		 "$NGINX_DIR/git" "$NGINX_DIR/tmp" "$NGINX_DIR/tls" "$NGINX_DIR/fcgi" || return 1
	chmod 1777 "$NGINX_DIR/tmp"
	[ "$(id -u)" -ne 0 ] || chown "$HTTPD_USER:$HTTPD_GROUP" "$NGINX_DIR/fcgi"
	cp "$PAM_MODULE" "$NGINX_DIR/pam_httptoken.so" || return 1
	PAM_MODULE="$NGINX_DIR/pam_httptoken.so"
	pam_service_from_etc "$top_srcdir/etc/pam.d/nginx-git" "$NGINX_DIR/pam.d/nginx-git" ||
		return 1
	printf 'auth required pam_deny.so\naccount required pam_deny.so\n' \
		> "$NGINX_DIR/pam.d/other"
	cp /etc/nginx/fastcgi_params "$NGINX_DIR/conf/" || return 1
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$NGINX_DIR/tls/key.pem" \
		-out "$NGINX_DIR/tls/cert.pem" 2>"$NGINX_DIR/logs/openssl.log"
}

# nginx_site PORT: etc/nginx/httptoken-git.conf with this run's port,
# certificate, repository root and fcgiwrap socket; every other line as
# shipped. NGINX_SITE_EXTRA names a file of more lines for its server block. Fails when a line to replace is no longer there.
nginx_site() {
	src="$top_srcdir/etc/nginx/httptoken-git.conf"
	for line in '    listen 443 ssl http2;' '    listen \[::\]:443 ssl http2;' \
		/etc/ssl/certs/ssl-cert-snakeoil.pem /etc/ssl/private/ssl-cert-snakeoil.key \
		'GIT_PROJECT_ROOT    /srv/git;' 'unix:/run/fcgiwrap.socket;'; do
		[ "$(grep -c -- "$line" "$src")" = 1 ] ||
			{ echo "nginx_site: '$line' not once in $src" >&2; return 1; }
	done
	sed -e "s#^    listen 443 ssl http2;#    listen 127.0.0.1:$1 ssl http2;#" \
	    -e '/^    listen \[::\]:443 ssl http2;/d' \
	    -e "s#/etc/ssl/certs/ssl-cert-snakeoil.pem#$NGINX_DIR/tls/cert.pem#" \
	    -e "s#/etc/ssl/private/ssl-cert-snakeoil.key#$NGINX_DIR/tls/key.pem#" \
	    -e "s#GIT_PROJECT_ROOT    /srv/git;#GIT_PROJECT_ROOT    $NGINX_DIR/git;#" \
	    -e "s#unix:/run/fcgiwrap.socket;#unix:$NGINX_DIR/fcgi/socket;#" \
	    ${NGINX_SITE_EXTRA:+-e "/^server {/r $NGINX_SITE_EXTRA"} \
	    "$src" > "$NGINX_DIR/conf/site.conf"
}

# nginx_write_conf PORT: the main configuration, which loads the auth-pam
# module, keeps every path in the prefix and includes the site. The workers
# keep pam_wrapper's variables (nginx clears the environment otherwise);
# what the PAM module logs reaches the error log through pam_wrapper.
nginx_write_conf() {
	nginx_site "$1" || return 1
	{
		[ "$(id -u)" -ne 0 ] || echo "user $HTTPD_USER $HTTPD_GROUP;"
		echo "load_module $NGINX_PAM_MODULE;"
		echo "daemon off;"
		echo "worker_processes 1;"
		echo "pid $NGINX_DIR/run/nginx.pid;"
		echo "error_log $NGINX_DIR/logs/error.log warn;"
		for v in LD_PRELOAD PAM_WRAPPER PAM_WRAPPER_SERVICE_DIR PAM_WRAPPER_DEBUGLEVEL TMPDIR; do
			echo "env $v;"
		done
		echo "events { worker_connections 64; }"
		echo "http {"
		echo "    log_format brief '\$remote_user \"\$request\" \$status \$server_protocol';"
		echo "    access_log $NGINX_DIR/logs/access.log brief;"
		for t in client_body fastcgi proxy uwsgi scgi; do
			echo "    ${t}_temp_path $NGINX_DIR/tmp/$t;"
		done
		echo "    include $NGINX_DIR/conf/site.conf;"
		echo "}"
	} > "$NGINX_DIR/conf/nginx.conf"
}

# fcgiwrap_start: fcgiwrap on a Unix socket in the prefix, as the httpd
# user, leading its own process group (FCGI_PGID, written by the process
# itself before it becomes fcgiwrap) so that its children stop with it.
fcgiwrap_start() {
	rm -f "$NGINX_DIR/fcgi/socket" "$NGINX_DIR/fcgi/pid"
	as_httpd setsid sh -c 'echo $$ > "$1/pid"; exec "$2" -c 2 -s "unix:$1/socket"' \
		fcgiwrap "$NGINX_DIR/fcgi" "$FCGIWRAP_BIN" \
		</dev/null >>"$NGINX_DIR/logs/fcgiwrap.log" 2>&1 &
	fcgiwrap_launcher=$!
	i=0
	while [ ! -S "$NGINX_DIR/fcgi/socket" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	FCGI_PGID=$(cat "$NGINX_DIR/fcgi/pid" 2>/dev/null)
	[ -S "$NGINX_DIR/fcgi/socket" ] && [ -n "$FCGI_PGID" ]
}

fcgiwrap_stop() {
	[ -n "${FCGI_PGID:-}" ] || return 0
	kill -TERM "-$FCGI_PGID" 2>/dev/null
	wait "$fcgiwrap_launcher" 2>/dev/null
	FCGI_PGID=
}

# nginx_start: start the server on a free loopback port and wait until it
# answers. Sets NGINX_PORT, NGINX_PID (the master) and NGINX_URL.
nginx_start() {
	for try in 1 2 3 4 5; do
		NGINX_PORT=$(random_port)
		nginx_write_conf "$NGINX_PORT" || return 1
		rm -f "$NGINX_DIR/run/nginx.pid"
		env LD_PRELOAD="$(wrapper_preload)" PAM_WRAPPER=1 \
		    PAM_WRAPPER_SERVICE_DIR="$NGINX_DIR/pam.d" PAM_WRAPPER_DEBUGLEVEL=3 \
		    TMPDIR="$NGINX_DIR/tmp" \
		    setsid "$NGINX_BIN" -p "$NGINX_DIR" -c "$NGINX_DIR/conf/nginx.conf" \
		    -e "$NGINX_DIR/logs/error.log" \
		    </dev/null >>"$NGINX_DIR/logs/stderr.log" 2>&1 &
		nginx_launcher=$!
		if server_ready "$NGINX_DIR/run/nginx.pid" "https://127.0.0.1:$NGINX_PORT/" \
		                "$nginx_launcher"; then
			NGINX_PID=$SERVER_PID
			NGINX_URL="https://127.0.0.1:$NGINX_PORT"
			return 0
		fi
	done
	echo "nginx did not start; its logs:" >&2
	cat "$NGINX_DIR/logs/stderr.log" "$NGINX_DIR/logs/error.log" >&2 2>/dev/null
	return 1
}

# nginx_stop: stop the server by its master's PID and wait until it is gone.
nginx_stop() {
	server_stop "${NGINX_PID:-}" "${nginx_launcher:-}"
	NGINX_PID=
}

# nginx_worker: the PID of the (one) worker process.
nginx_worker() {
	ps -o pid= --ppid "$NGINX_PID" | tr -d ' '
}

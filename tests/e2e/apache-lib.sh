# SPDX-License-Identifier: GPL-3.0-or-later
# Start and stop a private Apache httpd serving git-http-backend behind
# mod_authnz_pam, configured from the files in etc/ (sourced by the e2e test,
# the quick-start demo and the benchmark).
#
# Nothing system-wide is touched: the server root, logs, pid file and PAM
# services live in one directory, the PAM services are read from there
# through pam_wrapper, and the server listens on a loopback port only.
#
# Needs: top_srcdir, and before apache_prepare: PAM_MODULE, DB, KEY.

APACHE_BIN=${APACHE_BIN:-/usr/sbin/apache2}
APACHE_MODDIR=${APACHE_MODDIR:-/usr/lib/apache2/modules}
GIT_HTTP_BACKEND=/usr/lib/git-core/git-http-backend
. "$top_srcdir/tests/e2e/e2e-lib.sh"

# apache_missing: print why the server cannot run here (nothing if it can).
apache_missing() {
	[ -x "$APACHE_BIN" ] || { echo "apache2 not installed"; return; }
	for m in mpm_event authn_core authz_core authz_user auth_basic \
		 authnz_pam alias env cgid; do
		[ -e "$APACHE_MODDIR/mod_$m.so" ] || { echo "mod_$m not installed"; return; }
	done
	command -v git >/dev/null && [ -x "$GIT_HTTP_BACKEND" ] ||
		{ echo "git (with git-http-backend) not installed"; return; }
	[ -n "$PAM_WRAPPER_LIB" ] || { echo "libpam_wrapper not installed"; return; }
	command -v curl >/dev/null || { echo "curl not installed"; return; }
}

# apache_require: skip the whole suite unless the server can run here and
# the tool and the module are built.
apache_require() {
	why=$(apache_missing)
	[ -z "$why" ] || tap_skip_all "$why"
	[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built"
	[ -e "$PAM_MODULE" ] || tap_skip_all "pam_httptoken.so not built"
}

# The account the children run as: a root-started server must drop to a
# non-root user; otherwise it keeps the caller's identity.
if [ "$(id -u)" -eq 0 ]; then
	HTTPD_USER=${HTTPD_USER:-www-data}
	HTTPD_GROUP=${HTTPD_GROUP:-$(id -gn "$HTTPD_USER" 2>/dev/null)}
else
	HTTPD_USER=$(id -un)
	HTTPD_GROUP=$(id -gn)
fi

# apache_prepare DIR: lay out server root DIR (repositories in DIR/git).
apache_prepare() {
	APACHE_DIR=$1
	mkdir -p "$APACHE_DIR/run" "$APACHE_DIR/logs" "$APACHE_DIR/pam.d" \
		 "$APACHE_DIR/git" "$APACHE_DIR/tmp" || return 1
	chmod 1777 "$APACHE_DIR/tmp"
	# The children, running as the httpd user, load the module: give them a
	# copy they can reach whatever the permissions above the build tree.
	cp "$PAM_MODULE" "$APACHE_DIR/pam_httptoken.so" || return 1
	PAM_MODULE="$APACHE_DIR/pam_httptoken.so"
	for s in git-read git-write git-read-proj-repo git-write-proj-repo; do
		pam_service_from_etc "$top_srcdir/etc/pam.d/$s" "$APACHE_DIR/pam.d/$s" || return 1
	done
	# Any other service name is refused outright.
	printf 'auth required pam_deny.so\naccount required pam_deny.so\n' \
		> "$APACHE_DIR/pam.d/other"
}

# apache_write_conf PORT [EXTRA-CONF-FILE]: the main configuration. It loads
# the modules etc/apache/httptoken-git.conf needs and includes that file
# unchanged, or EXTRA-CONF-FILE instead (the benchmark's variants).
apache_write_conf() {
	site=${2:-$top_srcdir/etc/apache/httptoken-git.conf}
	{
		echo "ServerRoot \"$APACHE_DIR\""
		echo "ServerName 127.0.0.1"
		echo "Listen 127.0.0.1:$1"
		echo "PidFile \"$APACHE_DIR/run/httpd.pid\""
		echo "DefaultRuntimeDir \"$APACHE_DIR/run\""
		echo "ErrorLog \"$APACHE_DIR/logs/error.log\""
		echo "LogLevel warn"
		echo "LogFormat \"%h %u \\\"%r\\\" %>s\" brief"
		echo "CustomLog \"$APACHE_DIR/logs/access.log\" brief"
		if [ "$(id -u)" -eq 0 ]; then
			echo "User $HTTPD_USER"
			echo "Group $HTTPD_GROUP"
		fi
		for m in mpm_event authn_core authz_core authz_user auth_basic \
			 authnz_pam alias env cgid ${APACHE_EXTRA_MODULES:-}; do
			echo "LoadModule ${m}_module $APACHE_MODDIR/mod_$m.so"
		done
		# mod_authn_httptoken from the build tree, with the test's
		# store set server-wide (APACHE_NATIVE_MODULE, set by its suites).
		if [ -n "${APACHE_NATIVE_MODULE:-}" ]; then
			echo "LoadModule authn_httptoken_module \"$APACHE_NATIVE_MODULE\""
			echo "HTTPTokenStore \"$DB\""
			echo "HTTPTokenKeyFile \"$KEY\""
		fi
		echo "ScriptSock \"$APACHE_DIR/run/cgisock\""
		# One child process, always: each child sets pam_wrapper up on its
		# first PAM call by copying the services into /tmp/pam.X (one
		# letter), and a second child started under load could take the
		# same name and fail a request with PAM_ABORT (a 401).
		echo "StartServers 1"
		echo "ServerLimit 1"
		echo "ThreadsPerChild 16"
		echo "MaxRequestWorkers 16"
		echo "Define HTTPTOKEN_GIT_ROOT \"$APACHE_DIR/git\""
		echo "Include \"$site\""
	} > "$APACHE_DIR/httpd.conf"
}

# apache_start: start the server on a free loopback port, in its own session
# (on shutdown it signals its whole process group), and wait until it
# answers. Sets APACHE_PORT, APACHE_PID and APACHE_URL.
apache_start() {
	for try in 1 2 3 4 5; do
		APACHE_PORT=$(random_port)
		apache_write_conf "$APACHE_PORT" "${APACHE_SITE_CONF:-}"
		rm -f "$APACHE_DIR/run/httpd.pid"
		# APACHE_SYSTEM_PAM=1: the system's libpam and /etc/pam.d, as
		# in production (the benchmark's private services live there).
		if [ -n "${APACHE_SYSTEM_PAM:-}" ]; then preload= wrapper=0
		else preload=$(wrapper_preload) wrapper=1; fi
		env LD_PRELOAD="$preload" PAM_WRAPPER=$wrapper \
		    PAM_WRAPPER_SERVICE_DIR="$APACHE_DIR/pam.d" \
		    TMPDIR="$APACHE_DIR/tmp" ${APACHE_ENV:-} \
		    setsid "$APACHE_BIN" -f "$APACHE_DIR/httpd.conf" -DFOREGROUND \
		    </dev/null >>"$APACHE_DIR/logs/stderr.log" 2>&1 &
		apache_launcher=$!
		if server_ready "$APACHE_DIR/run/httpd.pid" "http://127.0.0.1:$APACHE_PORT/" \
		                "$apache_launcher"; then
			APACHE_PID=$SERVER_PID
			APACHE_URL="http://127.0.0.1:$APACHE_PORT"
			return 0
		fi
	done
	echo "apache2 did not start; its logs:" >&2
	cat "$APACHE_DIR/logs/stderr.log" "$APACHE_DIR/logs/error.log" >&2 2>/dev/null
	return 1
}

# apache_stop: stop the server by its PID and wait until it is gone.
apache_stop() {
	server_stop "${APACHE_PID:-}" "${apache_launcher:-}"
	APACHE_PID=
}

# http_status USER:PASSWORD PATH: the HTTP status of a GET, with Basic
# credentials sent up front (none when USER:PASSWORD is empty).
http_status() {
	if [ -n "$1" ]; then
		curl -s -o /dev/null -w '%{http_code}' -u "$1" "$APACHE_URL$2"
	else
		curl -s -o /dev/null -w '%{http_code}' "$APACHE_URL$2"
	fi
}

# git_url USER:PASSWORD PROJ/NAME: the clone URL with credentials in it.
git_url() {
	echo "http://$1@127.0.0.1:$APACHE_PORT/git/$2.git"
}

# new_bare_repo PROJ/NAME: a bare repository with one commit, writable by
# the httpd user (git-http-backend runs as that user).
new_bare_repo() {
	bare="$APACHE_DIR/git/$1.git"
	seed="$APACHE_DIR/tmp/seed.$$"
	mkdir -p "$(dirname "$bare")"
	git -c init.defaultBranch=main init -q --bare "$bare" &&
	git -c init.defaultBranch=main init -q "$seed" &&
	echo "$1" > "$seed/README" &&
	git -C "$seed" add README &&
	git -C "$seed" -c user.name=seed -c user.email=seed@localhost \
		commit -q -m "Initial commit" &&
	git -C "$seed" push -q "$bare" HEAD:refs/heads/main &&
	git --git-dir="$bare" symbolic-ref HEAD refs/heads/main || return 1
	rm -rf "$seed"
	[ "$(id -u)" -ne 0 ] || chown -R "$HTTPD_USER:$HTTPD_GROUP" "$APACHE_DIR/git"
}

# git_test_env: git without the caller's configuration, prompts or
# credential helpers, logging to $TEST_TMP/git.log through gitq.
git_test_env() {
	export HOME="$TEST_TMP/home" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0 \
		GIT_ASKPASS=/bin/false
	mkdir -p "$HOME"
	unset SSH_ASKPASS GIT_CONFIG_GLOBAL
	git config --global user.name "E2E Test"
	git config --global user.email e2e@localhost
	git config --global init.defaultBranch main
	GITLOG="$TEST_TMP/git.log"
}
gitq() { echo "+ git $*" >>"$GITLOG"; git "$@" >>"$GITLOG" 2>&1; }

# id_of TOKEN: its id. mistype TOKEN: the token with its 30th character
# changed (still token text, with a wrong checksum).
id_of() { printf '%s' "$1" | cut -c5-20; }
mistype() {
	c=$(printf '%s' "$1" | cut -c30)
	if [ "$c" = A ]; then c=B; else c=A; fi
	printf '%s%s%s' "$(printf '%s' "$1" | cut -c1-29)" "$c" "$(printf '%s' "$1" | cut -c31-)"
}

# apache_store: a store the httpd user reads through its group. As root the
# server drops to the httpd user; otherwise it runs as the caller, who owns
# the store.
apache_store() {
	if [ "$(id -u)" -eq 0 ]; then make_store "$HTTPD_GROUP"; else make_store; fi
}

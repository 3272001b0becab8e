# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the end-to-end scripts: pam_wrapper, PAM services from etc/,
# free loopback ports.

PAM_WRAPPER_LIB=
for d in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib64 /usr/lib; do
	[ -e "$d/libpam_wrapper.so" ] && { PAM_WRAPPER_LIB=$d/libpam_wrapper.so; break; }
done

# What a server started for a test preloads: pam_wrapper (PAM services from
# a private directory), after the sanitizer runtime when the module was built
# with one (HT_TEST_PRELOAD, set by the ASan job).
wrapper_preload() {
	echo "${HT_TEST_PRELOAD:+$HT_TEST_PRELOAD }$PAM_WRAPPER_LIB"
}

# pam_service_from_etc SRC DEST: the example service file with the module
# named by absolute path and pointed at the private store (PAM_MODULE, DB,
# KEY). Only the module name changes; every other word is the file a
# sysadmin copies.
pam_service_from_etc() {
	sed "s#pam_httptoken\\.so#$PAM_MODULE db=$DB keyfile=$KEY#" "$1" > "$2"
}

# random_port: a loopback TCP port nobody listens on right now.
random_port() {
	while :; do
		p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000))
		ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return; }
	done
}

# (As root, each test has a /tmp of its own: tests/private-tmp.sh.)
# wrapper_cleanup: pam_wrapper copies the service directory into /tmp/pam.?
# in every process that uses PAM, and a server's children, stopped by a
# signal, leave theirs behind. Remove the copies of this run's services
# (they name our store) once their process is gone, waiting a little for
# processes that are still finishing.
wrapper_cleanup() {
	tries=0
	while :; do
		busy=0
		for d in /tmp/pam.?; do
			# Only real directories of ours: never follow a link planted
			# in the shared /tmp, never touch another user's files.
			[ -d "$d" ] && [ ! -L "$d" ] && [ -O "$d" ] || continue
			[ -f "$d/pid" ] && grep -qsF "db=$DB " "$d"/* || continue
			if kill -0 "$(cat "$d/pid")" 2>/dev/null; then busy=1
			else rm -rf "$d"; fi
		done
		[ $busy -eq 1 ] && [ $tries -lt 50 ] || return 0
		sleep 0.1; tries=$((tries + 1))
	done
}

# git_client_setup: git without the caller's configuration, prompts or
# credential helpers (HOME in TEST_TMP), and gitq, which runs git with its
# output in GITLOG.
git_client_setup() {
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
# git_refused DESCRIPTION GIT-ARGS...: git must fail because the server
# answered 401 to the credentials it sent. "Authentication failed" is
# git's message for that and for nothing else: a crash, a refused
# connection, a 403 or a 500 all read differently.
git_refused() {
	desc=$1; shift
	before=$(cat "$GITLOG" 2>/dev/null | wc -l)
	if gitq "$@"; then
		tap_not_ok "$desc" "git succeeded"
	else
		check_match "$desc" "^fatal: Authentication failed for" \
			"$(tail -n +$((before + 1)) "$GITLOG")"
	fi
}

# server_ready PIDFILE URL LAUNCHER: waits up to 10 s until PIDFILE names
# the server and URL answers, then sets SERVER_PID. Fails when the
# launcher exits first or the time runs out; the launcher is then killed
# and reaped.
server_ready() {
	i=0
	while [ $i -lt 100 ]; do
		if [ -s "$1" ] && curl -sk -o /dev/null "$2"; then
			SERVER_PID=$(cat "$1")
			return 0
		fi
		kill -0 "$3" 2>/dev/null || break
		sleep 0.1; i=$((i + 1))
	done
	kill "$3" 2>/dev/null
	wait "$3" 2>/dev/null
	return 1
}

# server_stop PID LAUNCHER: TERM, up to 10 s to go, then KILL; the
# launcher is reaped. Nothing to do without a PID.
server_stop() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	kill -KILL "$1" 2>/dev/null
	wait "$2" 2>/dev/null
}

# SPDX-License-Identifier: GPL-3.0-or-later
# The daemon fixture, for suites that run tokenctl as real unprivileged
# accounts through httptokend (sourced after tests/common.sh, and
# tests/accounts.sh with accounts_setup, or make_tmpdir). The callers are
# accounts made for the run: system accounts (nobody, daemon) get no
# personal tokens. Everything lives in the suite's private $TEST_TMP:
#
#   daemon_fixture_require [TOOL...]   skip the suite unless it runs as root
#                                      with httptokend built, setpriv and
#                                      TOOLs
#   daemon_fixture                     a store and key ($DB, $KEY; made with
#                                      `tokenctl init` unless $DB exists),
#                                      and `httptokend --foreground` on $SOCK,
#                                      stopped when the suite exits
#   as USER ARGS...                    tokenctl ARGS as USER (setpriv, with
#                                      USER's groups) through that daemon
#   as_holding USER GIDS ARGS...       the same, with the supplementary
#                                      groups GIDS (comma-separated) in the
#                                      process whatever the group database
#                                      says: a session that still holds a
#                                      group it was removed from
#   tkroot ARGS...                     tokenctl ARGS as root, directly on
#                                      the fixture's store
#   token_id TOKEN                     a token's id (unless tests/common.sh
#                                      has one)
#
# Set DAEMON_VALGRIND=yes before daemon_fixture to run the daemon (and so
# its workers) under valgrind; daemon_fixture_valgrind then prints what
# valgrind reported (nothing when clean). After daemon_fixture: DAEMON_PID;
# DAEMON_LOG (the daemon's stderr); DAEMON_SYSLOG (what it sent to syslog,
# one "PRIORITY IDENT: MESSAGE" line each, when the capture shim is
# built). A suite that sets its own EXIT trap calls daemon_fixture_stop.
# DAEMON_ARGS: more options of httptokend.
HTTPTOKEND="$top_builddir/httptokend/httptokend"
DAEMON_SHIM="$top_builddir/tests/cli/.libs/syslog_capture.so"

daemon_fixture_require() {
	[ "$(id -u)" = 0 ] || tap_skip_all "needs root to run the daemon and switch users"
	[ -x "$HTTPTOKEND" ] || tap_skip_all "httptokend not built"
	for tool in setpriv "$@"; do
		command -v "$tool" >/dev/null || tap_skip_all "$tool not installed"
	done
}

daemon_fixture() {
	DAEMON_DIR="$TEST_TMP/daemon"
	DB="${DB:-$DAEMON_DIR/store/tokens.db}"
	KEY="${KEY:-$DAEMON_DIR/store/key}"
	SOCK="$DAEMON_DIR/httptokend.sock"
	DAEMON_LOG="$DAEMON_DIR/httptokend.log"
	DAEMON_SYSLOG="$DAEMON_DIR/syslog"
	mkdir -p -m 0755 "$DAEMON_DIR" || tap_bail "cannot create $DAEMON_DIR"
	if [ ! -e "$DB" ]; then
		mkdir -p -m 0755 "$(dirname "$DB")"
		tkroot init 2>/dev/null || tap_bail "tokenctl init of the fixture store failed"
	fi
	preload=""
	[ -e "$DAEMON_SHIM" ] && preload=$DAEMON_SHIM
	# A sanitizer build intercepts crypt_r (pam_unix calls it for web
	# logins) and forwards to libcrypt only if that is loaded at startup.
	if [ -n "${HT_TEST_PRELOAD:-}" ]; then
		crypt=$(ls /lib/*/libcrypt.so.1 /usr/lib/*/libcrypt.so.1 2>/dev/null | head -n 1)
		preload="$preload${crypt:+ $crypt}"
	fi
	wrapper=""
	if [ "${DAEMON_VALGRIND:-}" = yes ]; then
		wrapper="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite
			--errors-for-leak-kinds=definite --log-file=$DAEMON_DIR/valgrind.%p"
	fi
	# The daemon holds none of the harness's descriptors, or the harness
	# would wait for it.
	# shellcheck disable=SC2086
	env LD_PRELOAD="$preload" HT_SYSLOG_CAPTURE="$DAEMON_SYSLOG" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		$wrapper "$HTTPTOKEND" --foreground --socket "$SOCK" \
		--db "$DB" --keyfile "$KEY" ${DAEMON_ARGS:-} </dev/null >"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	# (and the run's accounts, when tests/accounts.sh made any)
	trap 'daemon_fixture_stop; [ -z "${ACCOUNT_TAG:-}" ] || accounts_cleanup; rm -rf "$TEST_TMP"' EXIT
	tries=0
	until [ -S "$SOCK" ]; do
		kill -0 "$DAEMON_PID" 2>/dev/null || tap_bail "httptokend exited: $(cat "$DAEMON_LOG")"
		tries=$((tries + 1))
		[ "$tries" -lt 1200 ] || tap_bail "httptokend did not create $SOCK"
		sleep 0.05
	done
}

daemon_fixture_valgrind() {
	cat "$DAEMON_DIR"/valgrind.* 2>/dev/null
}

daemon_fixture_stop() {
	[ -n "${DAEMON_PID:-}" ] || return 0
	kill -TERM "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=""
}

as() {
	as_user=$1
	shift
	setpriv --reuid="$as_user" --regid="$(id -g "$as_user")" --init-groups \
		"$TOKENCTL" --socket "$SOCK" "$@"
}

as_holding() {
	as_user=$1 as_gids=$2
	shift 2
	setpriv --reuid="$as_user" --regid="$(id -g "$as_user")" --groups="$as_gids" \
		"$TOKENCTL" --socket "$SOCK" "$@"
}

tkroot() { "$TOKENCTL" --db "$DB" --keyfile "$KEY" "$@"; }

command -v token_id >/dev/null || token_id() { printf '%s' "$1" | cut -c5-20; }

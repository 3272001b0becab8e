# SPDX-License-Identifier: GPL-3.0-or-later
# The setuid fixture shared by tests/cli/setuid.sh and
# tests/hardening/privilege.sh (sourced after tests/common.sh and
# make_tmpdir). tests/cli/tokenctl-testpaths has its store and key compiled
# in at $FIXED, so that a setuid copy of it can be run as other users
# without their being able to name a path. Every suite that uses $FIXED
# holds $FIXED.lock for its whole run, and checks that nobody else could
# have planted anything there.
TESTPATHS="$top_builddir/tests/cli/tokenctl-testpaths"
FIXED=/tmp/httptoken-setuid-test

# setuid_fixture_require [TOOL...]: skip the whole suite unless it runs as
# root with the test build, the accounts nobody and daemon, setpriv, flock
# and the tools named.
setuid_fixture_require() {
	[ "$(id -u)" = 0 ] || tap_skip_all "needs root to install a setuid copy and switch users"
	[ -x "$TESTPATHS" ] || tap_skip_all "tests/cli/tokenctl-testpaths not built"
	for tool in setpriv flock "$@"; do
		command -v "$tool" >/dev/null || tap_skip_all "$tool not installed"
	done
	getent passwd nobody >/dev/null && getent passwd daemon >/dev/null ||
		tap_skip_all "accounts nobody and daemon are needed"
}

# setuid_fixture: lock, check and empty $FIXED, init a store there, and
# install a setuid-root copy of the tool as $SUID.
setuid_fixture() {
	exec 9>"$FIXED.lock"
	flock -w 300 9 || tap_bail "cannot lock $FIXED.lock"
	[ -e "$FIXED" ] || mkdir -m 0755 "$FIXED" || tap_bail "cannot create $FIXED"
	[ -d "$FIXED" ] && [ ! -L "$FIXED" ] || tap_bail "$FIXED is not a directory"
	[ "$(stat -c %u "$FIXED")" = 0 ] || tap_bail "$FIXED is not owned by root"
	case $(stat -c %A "$FIXED") in
	?????w????|????????w?) tap_bail "$FIXED is writable by group or others" ;;
	esac
	find "$FIXED" -mindepth 1 -delete
	"$TESTPATHS" init 2>/dev/null || tap_bail "init of $FIXED failed"

	mkdir -m 0755 "$TEST_TMP/bin"
	SUID="$TEST_TMP/bin/tokenctl"
	cp "$TESTPATHS" "$SUID" && chown root:root "$SUID" && chmod 4755 "$SUID" ||
		tap_bail "cannot install the setuid copy"
}

# as USER ARGS...: tokenctl run by USER, unprivileged (here the setuid copy
# through setpriv, with USER's groups from the group database).
as() {
	u=$1; shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups "$SUID" "$@"
}

# as_holding USER GIDS ARGS...: as USER, but with the supplementary groups
# GIDS (comma-separated) in the process whatever the group database says:
# a session that still holds a group it was removed from.
as_holding() {
	u=$1 g=$2; shift 2
	setpriv --reuid="$u" --regid="$(id -g "$u")" --groups="$g" "$SUID" "$@"
}

# tkroot ARGS...: tokenctl run by root on the fixture's store.
tkroot() { "$TESTPATHS" "$@"; }

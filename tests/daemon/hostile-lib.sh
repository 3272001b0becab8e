# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers of the suites that drive tests/daemon/hostile-client (sourced
# after tests/daemon-fixture.sh and daemon_fixture).
HOSTILE="$top_builddir/tests/daemon/hostile-client"

# hostile MODE ARGS...: the hostile client as $U1 (an account the suite
# made) on the fixture's socket
hostile() {
	hostile_mode=$1
	shift
	setpriv --reuid="$U1" --regid="$U1" --init-groups "$HOSTILE" "$hostile_mode" "$SOCK" "$@"
}

# wait_for FILE TEXT: until FILE holds TEXT (at most 60 s; a failure shows
# in the checks that follow, never as a timing assertion)
wait_for() {
	wait_i=0
	while ! grep -q "$2" "$1" 2>/dev/null && [ $wait_i -lt 1200 ]; do
		sleep 0.05
		wait_i=$((wait_i + 1))
	done
}

# pid_in FILE: the pid the hostile client gave with what it said
pid_in() { sed -n 's/.* \([0-9][0-9]*\)$/\1/p' "$1" | head -1; }

# status_of ID: the token's status in the fixture's store
status_of() { tkroot --json show "$1" | sed 's/.*"status":"\([a-z]*\)".*/\1/'; }

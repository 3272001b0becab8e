# SPDX-License-Identifier: GPL-3.0-or-later
# Shared setup for the shell tests (sourced after tap.sh is available).
# The harness exports top_srcdir and top_builddir; running a test by hand
# from the build directory works too.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/tap.sh"

TOKENCTL="$top_builddir/tokenctl/tokenctl"
PAM_MODULE="$top_builddir/pam_httptoken/.libs/pam_httptoken.so"

# A private scratch directory, removed when the test exits. It is made
# traversable (0755) so that servers running as another user can reach a
# store inside it; the store's own modes keep it private.
make_tmpdir() {
	TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/httptoken-test.XXXXXX") || tap_bail "mktemp failed"
	chmod 0755 "$TEST_TMP"
	trap 'rm -rf "$TEST_TMP"' EXIT
	export TMPDIR="$TEST_TMP"
}

# make_store [GROUP]: a fresh store and key under $TEST_TMP/store, in
# DB and KEY; tk runs tokenctl on them.
make_store() {
	DB="$TEST_TMP/store/tokens.db"
	KEY="$TEST_TMP/store/key"
	mkdir -p "$TEST_TMP/store" && chmod 0755 "$TEST_TMP/store"
	if [ -n "${1:-}" ]; then
		"$TOKENCTL" --db "$DB" --keyfile "$KEY" init --group "$1" || tap_bail "tokenctl init failed"
	else
		"$TOKENCTL" --db "$DB" --keyfile "$KEY" init || tap_bail "tokenctl init failed"
	fi
}

tk() { "$TOKENCTL" --db "$DB" --keyfile "$KEY" "$@"; }

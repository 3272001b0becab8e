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

# token_id TOKEN: the token's id, the 16 hex digits after "htk_".
token_id() { printf '%s' "$1" | cut -c5-20; }

# mutate_token TOKEN [POSITION]: TOKEN with the character at POSITION
# (1-based; default: the last) replaced by the next one of A-Z a-z 0-9,
# in a cycle, or by A when it is none of these: a typing mistake that is
# certain to differ from TOKEN, whatever character was there.
mutate_token() {
	_mt=$(printf '%s' "$1" | awk -v p="${2:-0}" '{
		a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		if (p == 0) p = length($0)
		i = index(a, substr($0, p, 1))
		printf "%s%s%s", substr($0, 1, p - 1), substr(a, i % length(a) + 1, 1), substr($0, p + 1)
	}')
	[ "$_mt" != "$1" ] || tap_bail "mutate_token: no change to $1 at ${2:-the end}"
	printf '%s' "$_mt"
}

# flip_byte FILE OFFSET: inverts every bit of the byte at OFFSET (0-based)
# in place: a change certain to differ, whatever the byte was.
flip_byte() {
	_fb=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	[ -n "$_fb" ] || tap_bail "flip_byte: $1 has no byte at offset $2"
	# shellcheck disable=SC2059 # the format is the octal escape itself
	printf "\\$(printf '%03o' $((255 - _fb)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

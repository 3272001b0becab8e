#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# README's "Delegating a project" runs as written: its code blocks are
# taken from README.md and run, the first as root and the others as the
# member of the administrators' group, with the account and group names
# made unique to the run (and removed after) and git left out.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/daemon-fixture.sh"
. "$top_srcdir/tests/accounts.sh"
daemon_fixture_require
accounts_setup wt
make_user alice; ALICE=$(acct alice)
GROUP=$(acct padm)
GROUPS_MADE="$GROUPS_MADE $GROUP"
daemon_fixture

# The walkthrough's code blocks, one file each, with our names.
awk '/^### Delegating a project/ { on = 1; next } /^### / { on = 0 }
	on && /^```sh/ { n++; f = sprintf("'"$TEST_TMP"'/block%d", n); next }
	on && /^```/ { f = ""; next } f { print > f }' "$top_srcdir/README.md"
for b in 1 2 3; do
	[ -s "$TEST_TMP/block$b" ] || tap_bail "README: block $b of the walkthrough not found"
	sed -i "s/payments-admins/$GROUP/g; s/\balice\b/$ALICE/g" "$TEST_TMP/block$b"
done

# run_block FILE WHO: the block, with tokenctl run as WHO (root or a user)
# through the fixture's helpers, in a shell of its own as a paste would be.
run_block() {
	WHO=$2 sh -e -c '
		. "$top_srcdir/tests/common.sh"
		. "$top_srcdir/tests/daemon-fixture.sh"
		tokenctl() { if [ "$WHO" = root ]; then tkroot "$@"; else as "$WHO" "$@"; fi; }
		git() { echo "git $*" >>"$TEST_TMP/git"; }
		. "$1"' sh "$1"
}
export top_srcdir top_builddir TOKENCTL SOCK DB KEY TEST_TMP

out=$(run_block "$TEST_TMP/block1" root 2>&1); rc=$?
check "as root: the group, the member, the project" 0 "$rc"
check_match "as root: project show names the group" "admins: +@$GROUP" "$out"
# Blocks 2 and 3 share the shell's $T.
cat "$TEST_TMP/block2" "$TEST_TMP/block3" >"$TEST_TMP/block23"
out=$(run_block "$TEST_TMP/block23" "$ALICE" 2>&1); rc=$?
check "as the member: repository, token, list, revocations" 0 "$rc"
check_match "the token went to git with the token user" \
	"git push https://x-token-auth:htk_[0-9a-f]{16}[0-9A-Za-z]{49}@git.example.com/git/PAY/api.git main" \
	"$(cat "$TEST_TMP/git")"
check_match "the list showed the repository token" "repository +PAY/api" "$out"
check "every PAY token is revoked at the end" "" \
	"$(tkroot list --project PAY --status active | tail -n +2)"
tap_done

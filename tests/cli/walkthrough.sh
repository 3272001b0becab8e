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
for b in 1 2 3 4; do
	[ -s "$TEST_TMP/block$b" ] || tap_bail "README: block $b of the walkthrough not found"
	sed -i "s/payments-admins/$GROUP/g; s/\balice\b/$ALICE/g" "$TEST_TMP/block$b"
done

# run_block FILE WHO: the block, with tokenctl run as WHO (root or a user)
# through the fixture's helpers, in a shell of its own as a paste would be.
# git is a stand-in that notes its arguments and what GIT_ASKPASS gives
# it for the password, as git would ask.
run_block() {
	WHO=$2 sh -e -c '
		. "$top_srcdir/tests/common.sh"
		. "$top_srcdir/tests/daemon-fixture.sh"
		tokenctl() { if [ "$WHO" = root ]; then tkroot "$@"; else as "$WHO" "$@"; fi; }
		git() {
			echo "git $*" >>"$TEST_TMP/git"
			[ -z "${GIT_ASKPASS:-}" ] ||
				"$GIT_ASKPASS" "Password for https://x-token-auth@git.example.com: " \
					>>"$TEST_TMP/git"
		}
		. "$1"' sh "$1"
}
export top_srcdir top_builddir TOKENCTL SOCK DB KEY TEST_TMP

out=$(run_block "$TEST_TMP/block1" root 2>&1); rc=$?
check "as root: the group, the member, the project" 0 "$rc"
check_match "as root: project show names the group" "admins: +@$GROUP" "$out"

out=$(run_block "$TEST_TMP/block2" "$ALICE" 2>&1); rc=$?
check "as the member: a repository and a token for its CI" 0 "$rc"
check_match "the list showed the repository token" "repository +PAY/api" "$out"
API_TOKEN=$(printf '%s\n' "$out" | grep -E '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$')
check_match "the token was printed" '^htk_' "$API_TOKEN"

mkdir -p "$TEST_TMP/runner" && chmod 0777 "$TEST_TMP/runner"
out=$(API_TOKEN=$API_TOKEN RUNNER_TEMP=$TEST_TMP/runner run_block "$TEST_TMP/block3" "$ALICE" 2>&1)
check "the CI job's push: exit 0" 0 "$?"
check "git was given the URL without the token, and the token through GIT_ASKPASS" \
	"git push https://x-token-auth@git.example.com/git/PAY/api.git main
$API_TOKEN" "$(cat "$TEST_TMP/git")"
check "the askpass program is private to the job" 700 "$(stat -c %a "$TEST_TMP/runner/askpass")"

out=$(run_block "$TEST_TMP/block4" "$ALICE" 2>&1); rc=$?
check "as the member: the revocations" 0 "$rc"
check_match "revoke --repo said how many" "revoked 1 token" "$out"
check "every PAY token is revoked at the end" "" \
	"$(tkroot list --project PAY --status active | tail -n +2)"
tap_done

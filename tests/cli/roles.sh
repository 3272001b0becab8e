#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The roles, with real accounts in real groups made for the run: project
# administrators (named as a user and through an @group), a repository
# administrator, a token administrator (admin-group), a system
# administrator (sysadmin-group) and an ordinary user, each doing what the
# roles table allows and refused, with nothing changed, elsewhere: 77 for
# what they name in the open, 66 for token ids they may not act on (the
# answer for an unknown id). Membership comes from the group database at
# each command: removal takes effect on the next one, without logging out,
# and a group deleted and re-created under the same name grants nothing.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/daemon-fixture.sh"
. "$top_srcdir/tests/accounts.sh"
daemon_fixture_require
accounts_setup ro

make_group padm; PADM=$(acct padm)
make_group tadm; TADM=$(acct tadm)
make_group sadm; SADM=$(acct sadm)
make_group gone; GONE=$(acct gone)
make_user pa; PA=$(acct pa)                  # PROJ's administrator by name
make_user ga padm; GA=$(acct ga)             # PROJ's administrator through @padm
make_user ra; RA=$(acct ra)                  # PROJ/app's administrator
make_user ta tadm; TA=$(acct ta)             # token administrator
make_user sa sadm; SA=$(acct sa)             # system administrator
make_user us; US=$(acct us)                  # everyone
make_user lv padm; LV=$(acct lv)             # leaves @padm during the test
make_user rg gone; RG=$(acct rg)             # in a group that is re-created

daemon_fixture
tkroot project add PROJ --admin "$PA" --admin "@$PADM" --description "the project" 2>/dev/null &&
	tkroot project add OTHER 2>/dev/null &&
	tkroot repo add PROJ/app --admin "$RA" 2>/dev/null &&
	tkroot repo add OTHER/lib 2>/dev/null &&
	tkroot policy set --admin-group "$TADM" --sysadmin-group "$SADM" 2>/dev/null ||
	tap_bail "registry and policy setup failed"

id_of() { printf '%s' "$1" | cut -c5-20; }
# state: every token's id and status, and the registry: what "no change" means.
state() {
	tkroot --json list --all | grep -o '"id":"[0-9a-f]*".*"status":"[a-z]*"' |
		sed 's/"kind".*"status"/ /' | sort
	tkroot --json project list; tkroot --json repo list; tkroot --json policy
}
# expect_as DESC CODE REGEX USER ARGS...: exit status, message, and (for a
# refusal) nothing changed.
expect_as() {
	desc=$1 code=$2 re=$3; shift 3
	before=$(state)
	err=$(as "$@" 2>&1 >/dev/null </dev/null); rc=$?
	check "$desc: exit $code" "$code" "$rc"
	check_match "$desc: message" "$re" "$err"
	[ "$code" = 0 ] || check "$desc: nothing changed" "$before" "$(state)"
}
ok_as() { as "$@" 2>/dev/null </dev/null; }

# What each administers, as the web page learns it: list --mine, from the
# registry alone.
mine() {
	ok_as "$1" --json "$2" list --mine | grep -o "\"$2\":\"[^\"]*\"" |
		sed 's/.*:"//; s/"$//' | tr '\n' ' '
}
check "project list --mine: the project's administrator by name" "PROJ " "$(mine "$PA" project)"
check "project list --mine: through @group" "PROJ " "$(mine "$GA" project)"
check "repo list --mine: a project's administrator has its repositories" "PROJ/app " \
	"$(mine "$PA" repo)"
check "project list --mine: a repository's administrator has no project" "" \
	"$(mine "$RA" project)"
check "repo list --mine: a repository's administrator has that repository" "PROJ/app " \
	"$(mine "$RA" repo)"
check "list --mine: an ordinary user administers nothing" "" \
	"$(mine "$US" project)$(mine "$US" repo)"
check "list --mine: a token administrator, named nowhere, nothing" "" "$(mine "$TA" project)"
check_match "project list --mine in text: says there is nothing" "you administer no projects" \
	"$(as "$US" project list --mine 2>&1 </dev/null)"
expect_as "project show --mine" 64 "unknown option '--mine'" "$US" project show PROJ --mine

PERSONAL=$(ok_as "$US" create --name "someone's laptop")
check_match "an ordinary user creates a personal token" '^htk_' "$PERSONAL"
OTHER_TOKEN=$(tkroot create --name other-ci --project OTHER 2>/dev/null)
UNKNOWN=0123456789abcdef

for who in "$PA" "$GA"; do
	how=$( [ "$who" = "$PA" ] && echo "by name" || echo "through @group")
	P=$(ok_as "$who" create --name "ci $how" --project PROJ --perm write)
	check_match "project admin $how: creates a project token" '^htk_' "$P"
	R=$(ok_as "$who" create --name "deploy $how" --repo PROJ/app)
	check_match "project admin $how: creates a repository token of the project" '^htk_' "$R"
	check_match "project admin $how: lists the project's tokens" "$(id_of "$R")" \
		"$(ok_as "$who" list --project PROJ)"
	expect_as "project admin $how: edits" 0 "updated" "$who" edit "$(id_of "$P")" --perm read
	NEWP=$(ok_as "$who" rotate "$(id_of "$P")")
	check_match "project admin $how: rotates" '^htk_' "$NEWP"
	expect_as "project admin $how: revokes" 0 "revoked 1 token" "$who" revoke "$(id_of "$R")"
	slug="web$( [ "$who" = "$PA" ] && echo 1 || echo 2)"
	expect_as "project admin $how: adds a repository and names its administrator" 0 \
		"registered PROJ/$slug" "$who" repo add "PROJ/$slug" --admin "$US"
	check_match "the new repository's administrator is recorded with the uid" \
		"\"name\":\"$US\",\"id\":$(id -u "$US")" "$(tkroot --json repo show "PROJ/$slug")"
	expect_as "project admin $how: another project's token" 77 "do not administer OTHER" \
		"$who" create --name x --project OTHER
	expect_as "project admin $how: another project's repository" 77 "do not administer" \
		"$who" create --name x --repo OTHER/lib
	expect_as "project admin $how: a project that does not exist" 77 "do not administer" \
		"$who" create --name x --project NOPE
	expect_as "project admin $how: an unregistered repository of the project" 66 \
		"no such repository PROJ/unregistered" "$who" create --name x --repo PROJ/unregistered
	expect_as "project admin $how: the policy" 77 "system administrators only" \
		"$who" policy set --max-days 5
	expect_as "project admin $how: registering a project" 77 "only token and system" \
		"$who" project add NEW
	expect_as "project admin $how: another project's registry entry" 77 "do not administer" \
		"$who" project edit OTHER --add-admin "$who"
	for verb in show edit revoke rotate; do
		extra=; [ "$verb" = edit ] && extra="--name mine"
		expect_as "project admin $how: $verb a user's personal token by id" 66 \
			"^tokenctl: no such token $(id_of "$PERSONAL")$" "$who" $verb "$(id_of "$PERSONAL")" $extra
		expect_as "project admin $how: $verb another project's token by id" 66 \
			"^tokenctl: no such token $(id_of "$OTHER_TOKEN")$" "$who" $verb "$(id_of "$OTHER_TOKEN")" $extra
	done
	expect_as "project admin $how: an unknown id, the same answer" 66 \
		"^tokenctl: no such token $UNKNOWN$" "$who" show "$UNKNOWN"
done
expect_as "a project admin names another administrator" 0 "updated" \
	"$PA" project edit PROJ --add-admin "$US"
expect_as "and removes them again" 0 "updated" "$PA" project edit PROJ --remove-admin "$US"

# The repository administrator: that repository only.
R=$(ok_as "$RA" create --name "app deploy" --repo PROJ/app --perm write)
check_match "repository admin: creates a token of the repository" '^htk_' "$R"
check_match "repository admin: lists the repository's tokens" "$(id_of "$R")" \
	"$(ok_as "$RA" list --repo PROJ/app)"
expect_as "repository admin: edits it" 0 "updated" "$RA" edit "$(id_of "$R")" --name renamed
expect_as "repository admin: names an administrator of it" 0 "updated" \
	"$RA" repo edit PROJ/app --add-admin "$US"
expect_as "repository admin: another repository" 77 "do not administer" \
	"$RA" create --name x --repo PROJ/web1
expect_as "repository admin: the project" 77 "do not administer" \
	"$RA" create --name x --project PROJ
expect_as "repository admin: the project's listing" 77 "permission denied" \
	"$RA" list --project PROJ
expect_as "repository admin: adding a repository" 77 "do not administer" \
	"$RA" repo add PROJ/new
expect_as "repository admin: a project token by id" 66 "no such token" \
	"$RA" show "$(id_of "$NEWP")"

# The token administrator: every token and the registry, not the system's.
check_match "token admin: lists every token" "$(id_of "$PERSONAL")" "$(ok_as "$TA" list --all)"
check_match "token admin: shows a personal token" "^id: +$(id_of "$PERSONAL")" \
	"$(ok_as "$TA" show "$(id_of "$PERSONAL")")"
expect_as "token admin: registers a project" 0 "registered NEW" "$TA" project add NEW
T=$(ok_as "$TA" create --name t --project OTHER)
check_match "token admin: creates another project's token" '^htk_' "$T"
expect_as "token admin: an unregistered project" 66 "no such project UNREG" \
	"$TA" create --name x --project UNREG
expect_as "token admin: the policy" 77 "system administrators only" \
	"$TA" policy set --max-days 5
expect_as "token admin: purge" 77 "system administrators only" "$TA" purge --expired
expect_as "token admin: upgrade" 77 "system administrators only" "$TA" upgrade

# The system administrator.
expect_as "system admin: the policy" 0 "policy updated" "$SA" policy set --max-days 60
expect_as "system admin: purge" 0 "purged" "$SA" purge --expired
check_match "everyone: reads the registry, who administers what" "admins: +$PA,@$PADM" \
	"$(ok_as "$US" project show PROJ)"

# allowed-uses binds those below token administrator, at create and edit;
# token-users narrows personal tokens to a group (kept with its gid).
tkroot policy set --allowed-uses http 2>/dev/null || tap_bail "policy set failed"
expect_as "allowed-uses http: a user asks for login" 65 "the policy allows only some uses" \
	"$US" create --name shell --use login
expect_as "allowed-uses http: a project admin asks for login" 65 "allows only some uses" \
	"$PA" create --name x --project PROJ --use login
check_match "allowed-uses http: a token administrator is not bound" '^htk_' \
	"$(ok_as "$TA" create --name shell --use login)"
tkroot policy set --allowed-uses any --token-users "$PADM" 2>/dev/null || tap_bail "policy set failed"
expect_as "token-users: a non-member" 77 "personal tokens are for members of the group $PADM" \
	"$US" create --name x
check_match "token-users: a member" '^htk_' "$(ok_as "$GA" create --name mine)"
tkroot policy set --token-users any 2>/dev/null || tap_bail "policy set failed"

# Removal from a group takes effect on the next command, even for a
# process that still carries the group (no new login): the group database
# decides, not the process's supplementary groups.
check_match "a member of @padm creates a project token" '^htk_' \
	"$(ok_as "$LV" create --name before --project PROJ)"
held=$(id -G "$LV" | tr ' ' ',')
leave_group "$LV" "$PADM"
before=$(state)
err=$(as_holding "$LV" "$held" create --name after --project PROJ 2>&1 >/dev/null); rc=$?
check "removed from @padm, still holding it in the process: exit 77" 77 "$rc"
check_match "removed from @padm: message" "do not administer PROJ" "$err"
check "removed from @padm: nothing changed" "$before" "$(state)"

# An expired (or locked) account administers nothing while it stays so,
# by name or through a group; when the expiry is lifted it does again.
usermod -e 1 "$GA" || tap_bail "usermod -e 1 failed"
expect_as "an expired project administrator (through @padm) creates a project token" 77 \
	"do not administer PROJ" "$GA" create --name expired --project PROJ
usermod -e '' "$GA" || tap_bail "usermod -e '' failed"
check_match "its expiry lifted, it creates one again" '^htk_' \
	"$(ok_as "$GA" create --name unexpired --project PROJ)"

# A group deleted and re-created under the same name grants nothing.
tkroot project edit PROJ --add-admin "@$GONE" 2>/dev/null || tap_bail "project edit failed"
check_match "a member of @gone creates a project token" '^htk_' \
	"$(ok_as "$RG" create --name before --project PROJ)"
groupdel "$GONE" && groupadd -g "$(free_gid)" "$GONE" && join_group "$RG" "$GONE" ||
	tap_bail "cannot re-create $GONE"
expect_as "the re-created group grants nothing" 77 "do not administer PROJ" \
	"$RG" create --name after --project PROJ

# Adoption: the tokens of a project made before there was a registry (a
# version-1 store, upgraded) come under its administrators once it is
# registered, and not before.
FX="$top_srcdir/tests/fixtures/v1-store"
FIXED=$(dirname "$DB")
find "$FIXED" -mindepth 1 -delete
cp "$FX/tokens.db" "$FX/key" "$FIXED/" && chmod 0640 "$FIXED/tokens.db" "$FIXED/key" &&
	tkroot upgrade 2>/dev/null || tap_bail "cannot install the upgraded fixture"
JID=$(id_of "$(sed -n 's/^project //p' "$FX/tokens")")
expect_as "an unregistered project's token is no one's but the administrators'" 66 \
	"no such token $JID" "$PA" show "$JID"
tkroot project add PROJ --admin "$PA" 2>/dev/null || tap_bail "project add failed"
check_match "registered: its administrator shows the old token" "^id: +$JID" \
	"$(ok_as "$PA" show "$JID")"
expect_as "and revokes it" 0 "revoked 1 token" "$PA" revoke "$JID"

tap_done

# SPDX-License-Identifier: GPL-3.0-or-later
# Real accounts and groups for the tests that run tokenctl as other users
# (sourced after tests/common.sh). Names are unique to the run
# (htk-TAG<pid>-NAME, at most 32 characters), made with useradd/groupadd
# and removed on exit, so parallel runs and reruns never collide and
# nothing is left behind. Set ACCOUNT_TAG before the first call.
ACCOUNTS_MADE=
GROUPS_MADE=

accounts_require() {
	[ "$(id -u)" = 0 ] || tap_skip_all "needs root to create test accounts"
	for tool in useradd userdel groupadd groupdel gpasswd; do
		command -v "$tool" >/dev/null || tap_skip_all "$tool not installed"
	done
}

# accounts_setup TAG: accounts_require, make_tmpdir, the build's lock on
# the account database (tests/common.sh), and removal of this run's
# accounts, groups and scratch directory on exit.
accounts_setup() {
	accounts_require
	make_tmpdir
	account_db_lock
	ACCOUNT_TAG=$1
	trap 'accounts_cleanup; rm -rf "$TEST_TMP"' EXIT
}

# acct NAME: the full name of this run's account or group NAME.
acct() { printf 'htk-%s%s-%s' "${ACCOUNT_TAG:-t}" "$$" "$1"; }

accounts_cleanup() {
	for u in $ACCOUNTS_MADE; do userdel "$u" 2>/dev/null; done
	for g in $GROUPS_MADE; do groupdel "$g" 2>/dev/null; done
	ACCOUNTS_MADE= GROUPS_MADE=
}

# make_user NAME [GROUP...]: an ordinary account (uid from the normal
# range, its own primary group of the same name), no home, no shell,
# member of this run's GROUPs; $(acct NAME) is its name. (Not to be run in
# a subshell: the cleanup list would be lost.)
make_user() {
	name=$(acct "$1"); shift
	groups=
	for g in "$@"; do groups="${groups:+$groups,}$(acct "$g")"; done
	useradd -M -U -s /usr/sbin/nologin -c "httptoken test" ${groups:+-G "$groups"} "$name" ||
		tap_bail "useradd $name failed"
	ACCOUNTS_MADE="$ACCOUNTS_MADE $name"
	GROUPS_MADE="$GROUPS_MADE $name"
}

# make_group NAME [GID]: a group; $(acct NAME) is its name.
make_group() {
	name=$(acct "$1")
	groupadd ${2:+-g "$2"} "$name" || tap_bail "groupadd $name failed"
	GROUPS_MADE="$GROUPS_MADE $name"
}

# free_gid: a gid in the normal range that no group has.
free_gid() {
	g=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000))
	while getent group "$g" >/dev/null; do g=$((g + 1)); done
	echo "$g"
}

join_group() { gpasswd -a "$1" "$2" >/dev/null || tap_bail "gpasswd -a $1 $2 failed"; }
leave_group() { gpasswd -d "$1" "$2" >/dev/null || tap_bail "gpasswd -d $1 $2 failed"; }

# SPDX-License-Identifier: GPL-3.0-or-later
# Shared setup for the PAM-level tests (sourced). Each script gets its own
# scratch directory, store and service directory; PAM reads the services
# through pam_wrapper and the accounts through nss_wrapper, so nothing is
# read from or written to /etc.
. "$top_srcdir/tests/common.sh"

PAMRUN="$top_builddir/tests/pam/pamrun"
HTFIX="$top_builddir/tests/pam/htfix"
STUB="$top_builddir/tests/pam/.libs/pam_ht_stub.so"

# nss_wrapper and pam_wrapper are preloaded, in that order; in a sanitizer
# build the ASan runtime must come first (HT_TEST_PRELOAD names it there).
NWRAP_PRELOAD="${HT_TEST_PRELOAD:+$HT_TEST_PRELOAD:}libnss_wrapper.so"
PWRAP_PRELOAD="$NWRAP_PRELOAD:libpam_wrapper.so"

# Whether the module was built with AddressSanitizer.
module_has_asan() { objdump -p "$PAM_MODULE" 2>/dev/null | grep -q 'NEEDED.*libasan'; }

pam_env_setup() {
	[ -f "$PAM_MODULE" ] || tap_skip_all "module not built: $PAM_MODULE"
	[ -x "$PAMRUN" ] && [ -x "$HTFIX" ] && [ -f "$STUB" ] ||
		tap_skip_all "test helpers not built (make check builds them)"
	make_tmpdir
	nss_env_setup
	PAMD="$TEST_TMP/pam.d"
	PAMERR="$TEST_TMP/pam.stderr"
	mkdir "$PAMD"
	printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$PAMD/other"
	echo x >"$TEST_TMP/probe"
	run_pam other nobody -f "$TEST_TMP/probe" | grep -q '^auth=PAM_AUTH_ERR' ||
		tap_skip_all "pam_wrapper (libpam-wrapper) does not work here"
	DB="$TEST_TMP/store/tokens.db"
	KEY="$TEST_TMP/store/key"
	mkdir -p "$TEST_TMP/store"
	"$HTFIX" init "$DB" "$KEY" || tap_bail "htfix init failed"
}

# The accounts the tests log in as, in private passwd and group files read
# through nss_wrapper: root, the caller, and the fixture users alice and
# bob with the caller's uid, the uid htfix records as a token's
# owner (as tokenctl records its caller's). The module looks the PAM user
# up: a personal token works only for its owner's existing account.
nss_env_setup() {
	NSS_WRAPPER_PASSWD="$TEST_TMP/passwd"
	NSS_WRAPPER_GROUP="$TEST_TMP/group"
	export NSS_WRAPPER_PASSWD NSS_WRAPPER_GROUP
	me=$(id -un) my_uid=$(id -u) my_gid=$(id -g)
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$NSS_WRAPPER_PASSWD"
	printf 'root:x:0:\n' >"$NSS_WRAPPER_GROUP"
	if [ "$my_uid" != 0 ]; then
		nss_user "$me"
		printf '%s:x:%s:\n' "$(id -gn)" "$my_gid" >>"$NSS_WRAPPER_GROUP"
	fi
	for u in alice bob; do nss_user "$u"; done
	[ "$(env LD_PRELOAD="$NWRAP_PRELOAD" getent passwd alice | cut -d: -f3)" = "$my_uid" ] ||
		tap_skip_all "nss_wrapper (libnss-wrapper) does not work here"
}

# nss_user NAME [UID]: NAME is an account with UID (default: the caller's).
nss_user() {
	nss_userdel "$1"
	printf '%s:x:%s:%s:fixture:/nonexistent:/bin/false\n' "$1" "${2:-$(id -u)}" "$(id -g)" \
		>>"$NSS_WRAPPER_PASSWD"
}

# nss_userdel NAME: the account NAME no longer exists.
nss_userdel() { eval "$(nss_userdel_cmd "$1")"; }

# nss_userdel_cmd NAME: a shell command that deletes the account NAME, for
# pamrun -x (a change between auth and account). The file is replaced
# rather than rewritten in place, as userdel does.
nss_userdel_cmd() {
	printf "grep -v '^%s:' '%s' >'%s.new'; mv '%s.new' '%s'" "$1" \
		"$NSS_WRAPPER_PASSWD" "$NSS_WRAPPER_PASSWD" "$NSS_WRAPPER_PASSWD" "$NSS_WRAPPER_PASSWD"
}

# run_pam SERVICE USER [pamrun options]: one transaction through libpam
# under pam_wrapper. pam_wrapper logs what modules pass to pam_syslog on
# stderr (at debug level 3), collected in $PAMERR for log checks.
run_pam() {
	svc=$1 user=$2
	shift 2
	env LD_PRELOAD="$PWRAP_PRELOAD" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$PAMD" \
		PAM_WRAPPER_DEBUGLEVEL=3 "$PAMRUN" "$@" "$svc" "$user" 2>>"$PAMERR"
}

# What the module logged (pam_syslog lines only) since the last call;
# $TEST_TMP/syslog.all keeps everything read so far.
syslog_lines() {
	grep -o 'SYSLOG([0-9]*): .*' "$PAMERR" 2>/dev/null | tee -a "$TEST_TMP/syslog.all"
	: >"$PAMERR"
}

# service NAME [MODULE ARGUMENTS...]: a stack that shows the module's own
# result. The module's failures end the stack with its code (default=die);
# PAM_IGNORE moves on to the stub, which returns PAM_MAXTRIES, a code
# pam_httptoken never returns: so "fell through" is visible as such.
service() {
	name=$1
	shift
	cat >"$PAMD/$name" <<-EOF
	auth    [success=done ignore=ignore default=die] $PAM_MODULE db=$DB keyfile=$KEY $*
	auth    requisite $STUB
	account [success=done ignore=ignore default=die] $PAM_MODULE db=$DB keyfile=$KEY $*
	account requisite $STUB
	EOF
}

# auth SERVICE USER PASSWORD [pamrun options]: the module's auth result,
# with the stub's PAM_MAXTRIES reported as the PAM_IGNORE that led to it.
auth() {
	svc=$1 user=$2 pw=$3
	shift 3
	run_pam "$svc" "$user" -p "$pw" "$@" | sed 's/PAM_MAXTRIES/PAM_IGNORE/g;s/ prompts=.*//;s/^auth=//'
}

# token personal OWNER PERM [DAYS] | token project KEY PERM [DAYS] |
# token repo KEY/SLUG PERM [DAYS]: prints a new token.
token() {
	case $1 in
	personal) "$HTFIX" create "$DB" "$KEY" "$2" personal - "$3" "${4:-0}" ;;
	*)        "$HTFIX" create "$DB" "$KEY" x "$1" "$2" "$3" "${4:-0}" ;;
	esac
}

revoke() { "$HTFIX" revoke "$DB" "$KEY" "$(token_id "$1")"; }

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The module from several threads at once (one PAM handle per attempt and
# thread) while tokenctl, in other processes, creates and revokes tokens:
# zero wrong answers. Private PAM config directory via pam_start_confdir.
. "$top_srcdir/tests/common.sh"
[ -f "$PAM_MODULE" ] || tap_skip_all "module not built: $PAM_MODULE"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built: $TOKENCTL"
make_tmpdir
make_store 2>/dev/null
ME=$(id -un)
mkdir "$TEST_TMP/pam.d"
cat >"$TEST_TMP/pam.d/threads" <<EOF
auth    required $PAM_MODULE db=$DB keyfile=$KEY
account required $PAM_MODULE db=$DB keyfile=$KEY
EOF
HT_CREATE="'$TOKENCTL' --db '$DB' --keyfile '$KEY' create --name churn 2>/dev/null"
HT_REVOKE="'$TOKENCTL' --db '$DB' --keyfile '$KEY' revoke 2>/dev/null"
export HT_CREATE HT_REVOKE
${THREADS_WRAPPER:-} "$top_builddir/tests/pam/threads" "$TEST_TMP/pam.d" threads "$ME" \
	"${THREADS_SECONDS:-3}" "${THREADS_COUNT:-4}"

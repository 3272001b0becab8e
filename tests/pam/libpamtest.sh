#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Auth, account and setcred in one handle through libpamtest.
. "$top_srcdir/tests/pam/pamenv.sh"
pam_env_setup
service lt
T=$(token personal alice read)
env LD_PRELOAD="$PWRAP_PRELOAD" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$PAMD" \
	"$top_builddir/tests/pam/pamtest_account" lt alice "$T" 2>/dev/null

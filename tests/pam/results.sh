#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's table of what auth returns, row by row, with the store in
# place and with it missing: a password that is not a token, or is empty,
# never needs the store, so a missing store changes only the token rows.
. "$top_srcdir/tests/pam/pamenv.sh"
pam_env_setup

service r
T=$(token personal alice read)
BOB=$(token personal bob read)
NOT_TOKEN='correct horse battery staple'

check "store there: a valid token of this user" PAM_SUCCESS "$(auth r alice "$T")"
check "store there: not a token" PAM_IGNORE "$(auth r alice "$NOT_TOKEN")"
check "store there: empty" PAM_AUTH_ERR "$(auth r alice '')"
check "store there: another user's token" PAM_AUTH_ERR "$(auth r alice "$BOB")"

mv "$DB" "$DB.away"
check "store missing: a token" PAM_AUTHINFO_UNAVAIL "$(auth r alice "$T")"
check "store missing: not a token" PAM_IGNORE "$(auth r alice "$NOT_TOKEN")"
check "store missing: empty" PAM_AUTH_ERR "$(auth r alice '')"
mv "$DB.away" "$DB"
mv "$KEY" "$KEY.away"
check "key missing: a token" PAM_AUTHINFO_UNAVAIL "$(auth r alice "$T")"
check "key missing: not a token" PAM_IGNORE "$(auth r alice "$NOT_TOKEN")"
mv "$KEY.away" "$KEY"
tap_done

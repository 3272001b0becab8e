#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Module arguments: every documented form works; anything unknown or
# malformed fails closed with PAM_SERVICE_ERR (auth and account) and a
# LOG_ERR line naming it.
. "$top_srcdir/tests/pam/pamenv.sh"
pam_env_setup

T=$(token personal alice admin)
J=$(token project PROJ write)

service all debug no_lastused try_first_pass require=write \
	resource=PROJ/app.git token_user=git.bot-1 use=http
check "every argument at once" PAM_SUCCESS "$(auth all alice "$T")"
check "every argument at once, project token" PAM_SUCCESS "$(auth all git.bot-1 "$J")"
service defaults
check "db= and keyfile= alone (defaults for the rest)" PAM_SUCCESS "$(auth defaults alice "$T")"
service tu token_user='svc$' resource=PROJ
check "token_user= with a trailing \$" PAM_SUCCESS "$(auth tu 'svc$' "$J")"

LONG=$(printf 'u%.0s' $(seq 1 65))
LONGUSE=$(printf 'u%.0s' $(seq 1 33))
n=0
for arg in bogus DEBUG debug=1 no_lastused=yes use_first_pass=1 'db=' 'db=relative/tokens.db' \
	'keyfile=' 'keyfile=key' 'require=' 'require=root' 'require=READ' \
	'resource=' 'resource=1PROJ' 'resource=PROJ/' 'resource=PROJ/..' 'resource=PROJ/a/b' \
	'resource=PR OJ' 'token_user=' 'token_user=-x' 'token_user=a:b' "token_user=$LONG" \
	'require=read require=admin' 'resource=A resource=B' 'use=' 'use=Login' 'use=a,b' \
	'use=-x' 'use=1x' "use=$LONGUSE" 'use=http use=login'; do
	n=$((n + 1))
	service "bad$n" "$arg"
	OUT=$(run_pam "bad$n" alice -a -p "$T" | sed 's/ prompts=.*//')
	check "argument '$arg' refused in auth and account" \
		"auth=PAM_SERVICE_ERR acct=PAM_SERVICE_ERR" "$OUT"
done
check_match "the refused argument is named at authpriv.err" \
	"SYSLOG\(83\): module argument \"require=root\": invalid value" "$(syslog_lines)"

# The failure is closed even for passwords the module would otherwise
# ignore: a broken configuration must not read as "not a token".
check "unknown argument, ordinary password" PAM_SERVICE_ERR "$(auth bad1 alice hunter2)"

# A long hostile argument is cut in the log.
service longarg "resource=$(printf 'x%.0s' $(seq 1 300))"
auth longarg alice "$T" >/dev/null
check_match "an overlong argument is shortened in the log" 'module argument "resource=x{55}\.\.\."' \
	"$(syslog_lines)"
tap_done

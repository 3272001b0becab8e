#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Who may use which token where: user, kind, scope, level, revocation,
# unknown and wrong tokens, non-token passwords, logging, last use.
. "$top_srcdir/tests/pam/pamenv.sh"
pam_env_setup

service plain
service proj resource=PROJ
service proj-repo resource=PROJ/app
service proj-prefix resource=PROJX
service other-proj resource=OTHER
service repo-other resource=PROJ/lib
service bot resource=PROJ token_user=git-bot

P=$(token personal alice read)
check "personal token, its owner" PAM_SUCCESS "$(auth plain alice "$P")"
check "personal token, another user" PAM_AUTH_ERR "$(auth plain bob "$P")"
check "personal token, the token user" PAM_AUTH_ERR "$(auth plain x-token-auth "$P")"
check "personal token ignores resource=" PAM_SUCCESS "$(auth other-proj alice "$P")"

J=$(token project PROJ read)
check "project token, resource=KEY" PAM_SUCCESS "$(auth proj x-token-auth "$J")"
check "project token, resource=KEY/repo" PAM_SUCCESS "$(auth proj-repo x-token-auth "$J")"
check "project token, other project" PAM_AUTH_ERR "$(auth other-proj x-token-auth "$J")"
check "project token, longer key with its prefix" PAM_AUTH_ERR "$(auth proj-prefix x-token-auth "$J")"
check "project token, no resource=" PAM_AUTH_ERR "$(auth plain x-token-auth "$J")"
check "project token, a real user name" PAM_AUTH_ERR "$(auth proj alice "$J")"
check "project token, token_user= renamed" PAM_SUCCESS "$(auth bot git-bot "$J")"
check "project token, default token user after renaming" PAM_AUTH_ERR "$(auth bot x-token-auth "$J")"

R=$(token repo PROJ/app read)
check "repository token, its repository" PAM_SUCCESS "$(auth proj-repo x-token-auth "$R")"
check "repository token, another repository" PAM_AUTH_ERR "$(auth repo-other x-token-auth "$R")"
check "repository token, its project as resource" PAM_AUTH_ERR "$(auth proj x-token-auth "$R")"
check "repository token, no resource=" PAM_AUTH_ERR "$(auth plain x-token-auth "$R")"

# Each require= level against each token level: passes when level >= require.
for need in read write admin; do
	service "need-$need" "require=$need resource=PROJ/app"
done
for level in read write admin; do
	T=$(token repo PROJ/app "$level")
	for need in read write admin; do
		case "$level:$need" in
		read:read|write:read|write:write|admin:*) want=PAM_SUCCESS ;;
		*) want=PAM_AUTH_ERR ;;
		esac
		check "$level token, require=$need" "$want" "$(auth "need-$need" x-token-auth "$T")"
	done
done
W=$(token personal alice write)
check "personal write token, require=admin" PAM_AUTH_ERR "$(auth need-admin alice "$W")"
check "personal write token, require=write" PAM_SUCCESS "$(auth need-write alice "$W")"

# Well-formed tokens that are not right.
FORGED=$("$HTFIX" forge "$P")
check "same id, wrong secret" PAM_AUTH_ERR "$(auth plain alice "$FORGED")"
OTHER_DB=$DB OTHER_KEY=$KEY
DB="$TEST_TMP/store/second.db" KEY="$TEST_TMP/store/second.key"
"$HTFIX" init "$DB" "$KEY"
U=$(token personal alice admin)
DB=$OTHER_DB KEY=$OTHER_KEY
check "token unknown to this store" PAM_AUTH_ERR "$(auth plain alice "$U")"

# Not tokens at all: the module stands aside.
check "ordinary password" PAM_IGNORE "$(auth plain alice 'correct horse battery staple')"
MISTYPED=$(printf '%s' "$P" | sed 's/.$/!/')
check "token with a broken last character" PAM_IGNORE "$(auth plain alice "$MISTYPED")"
SWAPPED=$(mutate_token "$P")
check "token with a wrong checksum" PAM_IGNORE "$(auth plain alice "$SWAPPED")"
check "token prefix only" PAM_IGNORE "$(auth plain alice htk_)"

# Revocation is seen by the very next authentication.
V=$(token personal alice read)
check "before revocation" PAM_SUCCESS "$(auth plain alice "$V")"
revoke "$V"
check "the next authentication after revoke" PAM_AUTH_ERR "$(auth plain alice "$V")"

# Logging: one authpriv line per decision about a token, with the token
# id, user, service and remote host, and never the secret.
: >"$PAMERR"
auth plain alice "$P" -r 198.51.100.9 >/dev/null
LOG=$(syslog_lines)
check_match "success logged at authpriv.info with id, user, service, rhost" \
	"^SYSLOG\(86\): auth accepted \(personal\): token=$(token_id "$P") user=alice service=plain rhost=198.51.100.9$" "$LOG"
auth plain bob "$P" >/dev/null
check_match "wrong user logged at authpriv.notice" \
	"^SYSLOG\(85\): auth refused \(token belongs to another user\): token=$(token_id "$P") user=bob " "$(syslog_lines)"
auth plain alice "$V" >/dev/null
check_match "revoked token logged" "auth refused \(token revoked\): token=$(token_id "$V")" "$(syslog_lines)"
auth plain alice "$FORGED" >/dev/null
check_match "wrong secret logged" "auth refused \(wrong secret\): token=$(token_id "$P")" "$(syslog_lines)"
check "an ordinary password: the module stands aside and logs nothing" "PAM_IGNORE []" \
	"$(auth plain alice 'hunter2') [$(syslog_lines)]"
auth plain 'eve
forged line' "$P" >/dev/null
check_match "control characters in the user name are neutralised" \
	"user=eve\?forged\?line service=plain" "$(syslog_lines)"
syslog_lines >/dev/null
check_match "log lines were collected" "token=$(token_id "$V")" "$(cat "$TEST_TMP/syslog.all")"
SECRETS=$(grep -c -e "$(printf '%s' "$P" | cut -c21-63)" -e hunter2 "$TEST_TMP/syslog.all")
check "no secret or password in any log line" 0 "$SECRETS"
service chatty debug
auth chatty alice hunter2 >/dev/null
LOG=$(syslog_lines)
check_match "debug mentions an ignored password" "auth ignored: not a token" "$LOG"
check "debug does not log the password" 0 "$(printf '%s' "$LOG" | grep -c hunter2)"

# The module never sends anything but the password prompt (every answer
# the transactions above produced came with exactly one prompt).
OUT=$(run_pam chatty alice -a -p "$P"; run_pam chatty bob -a -p "$P"; run_pam chatty alice -a -p nope)
check "one prompt and no other message per transaction" 0 \
	"$(printf '%s\n' "$OUT" | grep -vc 'prompts=1 others=0$')"

# Last use: recorded outside the store, never blocking a login.
L=$(token personal alice read)
ID=$(token_id "$L")
auth plain alice "$L" >/dev/null
check_match "last use recorded: time, service, client, host" '^[0-9]{20} plain [^ ]+ -$' \
	"$(tr -d '\000' <"$DB.lastused/$ID" 2>/dev/null)"
service quiet no_lastused
N=$(token personal alice read)
auth quiet alice "$N" >/dev/null
check "no_lastused records nothing" no "$(test -e "$DB.lastused/$(token_id "$N")" && echo yes || echo no)"
mv "$DB.lastused" "$DB.lastused.away" && : >"$DB.lastused"
check "last use cannot be recorded: login still succeeds" PAM_SUCCESS "$(auth plain alice "$N")"
rm -f "$DB.lastused" && mv "$DB.lastused.away" "$DB.lastused"

tap_done

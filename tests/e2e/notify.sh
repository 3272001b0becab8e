#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tokenctl notify through a real mail transfer agent: Debian's exim4, run
# privately (its own configuration with -C, spool and log in the test's
# directory) and delivering into each owner's mailbox under the test's
# directory, as the owner. Real accounts receive the mail (the router
# accepts only local users). Nothing system-wide is changed: the accounts
# are removed on exit.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"

P=htk-notify
GECOS="httptoken notify test account"
EXIM=/usr/sbin/exim4
HTFIX="$top_builddir/tests/pam/htfix"

[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root (accounts, and exim delivering as them)"
[ "${CI:-}" = true ] || [ "${HTTPTOKEN_E2E_CREATE_USER:-}" = 1 ] ||
	tap_skip_all "creates and removes local accounts $P-*: set HTTPTOKEN_E2E_CREATE_USER=1 to allow it (CI does)"
[ -x "$EXIM" ] || tap_skip_all "exim4 (exim4-daemon-light) not installed"
[ -x "$TOKENCTL" ] && [ -x "$HTFIX" ] || tap_skip_all "tokenctl or tests/pam/htfix not built"
command -v useradd >/dev/null || tap_skip_all "useradd not installed"

make_tmpdir
account_db_lock
remove_accounts() {
	for u in $P-a $P-b $P-c; do
		[ "$(getent passwd "$u" | cut -d: -f5)" = "$GECOS" ] && userdel "$u" 2>/dev/null
	done
}
trap 'remove_accounts; rm -rf "$TEST_TMP"' EXIT
remove_accounts
for u in $P-a $P-b $P-c; do
	useradd -M -s /bin/false -c "$GECOS" "$u" || tap_bail "useradd $u failed"
done

# The private exim: local users only, each mailbox a file under $M owned
# by its user. The key of the passwd lookup is the untainted user name.
X="$TEST_TMP/exim" M="$TEST_TMP/mail"
mkdir -p "$X/spool" "$M" && chmod 1777 "$M"
cat >"$X/exim.conf" <<CONF
primary_hostname = localhost
qualify_domain = localhost
spool_directory = $X/spool
log_file_path = $X/%slog
exim_user = root
exim_group = root
keep_environment =
domainlist local_domains = localhost
begin routers
local:
  driver = accept
  domains = +local_domains
  check_local_user
  transport = mbox
begin transports
mbox:
  driver = appendfile
  file = $M/\${lookup{\$local_part}lsearch,ret=key{/etc/passwd}}
  current_directory = /
  home_directory = /
  mode = 0600
CONF
printf '#!/bin/sh\nexec %s -C %s -odi "$@"\n' "$EXIM" "$X/exim.conf" >"$TEST_TMP/sendmail"
printf '#!/bin/sh\ncat >/dev/null\nexit 75\n' >"$TEST_TMP/sendmail-down"
chmod 0755 "$TEST_TMP/sendmail" "$TEST_TMP/sendmail-down"
export TOKENCTL_SENDMAIL="$TEST_TMP/sendmail"

make_store
ua=$(id -u $P-a) ub=$(id -u $P-b) uc=$(id -u $P-c)
fix() { "$HTFIX" create "$DB" "$KEY" "$@" || tap_bail "htfix create failed"; }
A3=$(fix "$P-a:$ua" personal - write 3)
A30=$(fix "$P-a:$ua" personal - read 30)
A0=$(fix "$P-a:$ua" personal - read 0)
AR=$(fix "$P-a:$ua" personal - read 1)
"$HTFIX" revoke "$DB" "$KEY" "$(printf '%s' "$AR" | cut -c5-20)"
B2=$(fix "$P-b:$ub" personal - read 2)
BP=$(fix "$P-b:$ub" project PROJ admin 1)        # PROJ's administrator is $P-c
BQ=$(fix "$P-b:$ub" project QQ read 1)           # QQ is not registered
BR=$(fix "$P-b:$ub" repo PROJ/app read 2)       # PROJ/app: $P-c through PROJ
tk project add PROJ --admin $P-c >/dev/null 2>&1 || tap_bail "project add PROJ failed"
id_of() { printf '%s' "$1" | cut -c5-20; }
mails() { grep -c '^From ' "$M/$1" 2>/dev/null || echo 0; }
snapshot() { cp "$DB" "$TEST_TMP/db.before"; }
unchanged() { cmp -s "$DB" "$TEST_TMP/db.before" && echo unchanged || echo changed; }
expect() {   # expect DESCRIPTION CODE REGEX ARGS...
	desc=$1 code=$2 re=$3; shift 3
	out=$(tk "$@" 2>&1); rc=$?
	check "$desc: exit $code" "$code" "$rc"
	check_match "$desc: message" "$re" "$out"
}

# --- bad input changes nothing --------------------------------------------------
snapshot
expect "no --expiring" 64 "notify: --expiring DAYS is required" notify
expect "--expiring 0" 64 "expected a number from 1 to 365, got '0'" notify --expiring 0
expect "--expiring 366" 64 "expected a number from 1 to 365" notify --expiring 366
expect "--expiring x" 64 "expected a number" notify --expiring x
expect "an unknown user" 65 "no such account 'htk-notify-nobody'" notify --expiring 7 --user htk-notify-nobody
TOKENCTL_SENDMAIL=$TEST_TMP/no-such-sendmail expect "no sendmail" 69 \
	"cannot send mail: .*no-such-sendmail: No such file" notify --expiring 7
check "bad input: the store is unchanged" unchanged "$(unchanged)"
check "bad input: no mail" "0 0 0" "$(mails $P-a) $(mails $P-b) $(mails $P-c)"

# --- dry run --------------------------------------------------------------------
expect "--dry-run" 0 "would mail $P-a: 1 token" notify --expiring 7 --dry-run
check_match "--dry-run: the creator of an unregistered project's token" "would mail $P-b: 2 tokens" "$out"
check_match "--dry-run: the registered administrator" "would mail $P-c: 2 tokens" "$out"
check "--dry-run: no mail" "0 0 0" "$(mails $P-a) $(mails $P-b) $(mails $P-c)"
check "--dry-run: the store is unchanged" unchanged "$(unchanged)"

# --- the real run --------------------------------------------------------------------
expect "notify --expiring 7" 0 "mailed $P-a: 1 token" notify --expiring 7
check_match "notify: an unregistered project's token goes to its creator" "mailed $P-b: 2 tokens" "$out"
check_match "notify: a registered scope's tokens go to its administrator" "mailed $P-c: 2 tokens" "$out"
check "one mail each, in the owners' mailboxes" "1 1 1" "$(mails $P-a) $(mails $P-b) $(mails $P-c)"
check "the mailbox belongs to its owner" "$P-a 600" "$(stat -c '%U %a' "$M/$P-a")"
ma=$(cat "$M/$P-a")
check_match "mail: addressed to the owner" "^To: $P-a@localhost" "$ma"
check_match "mail: subject says how many and when" \
	"^Subject: 1 HTTP access token on .* expires within 7 days" "$ma"
check_match "mail: plain text" "^Content-Type: text/plain; charset=UTF-8" "$ma"
check_match "mail: automatic" "^Auto-Submitted: auto-generated" "$ma"
check_match "mail: lists the token expiring in 3 days" "  $(id_of "$A3")  personal   write  expires [0-9-]+ [0-9:]+ UTC" "$ma"
check "mail: not the 30-day, unlimited or revoked ones" 0 \
	"$(printf '%s' "$ma" | grep -c -e "$(id_of "$A30")" -e "$(id_of "$A0")" -e "$(id_of "$AR")")"
check_match "mail: says what to do" "tokenctl rotate ID" "$ma"
check "mail: no secret in it" 0 "$(cat "$M/$P-a" "$M/$P-b" | grep -cE 'htk_[0-9a-f]{16}[0-9A-Za-z]')"
mb=$(cat "$M/$P-b")
check_match "mail to the creator: the unregistered project's token" "$(id_of "$BQ")  project    read   expires .* QQ" "$mb"
check_match "mail to the creator: says why it came to them" "created them: no administrator" "$mb"
check_match "mail to the creator: and the personal one" "$(id_of "$B2")  personal" "$mb"
check "mail to the creator: not the registered project's tokens" 0 \
	"$(printf '%s' "$mb" | grep -c -e "$(id_of "$BP")" -e "$(id_of "$BR")")"
mc=$(cat "$M/$P-c")
check_match "mail to the administrator: the project token" "$(id_of "$BP")  project    admin  expires .* PROJ" "$mc"
check_match "mail to the administrator: its repository's token" "$(id_of "$BR")  repository read   expires .* PROJ/app" "$mc"
check_match "mail to the administrator: says why it came to them" "administer their project or repository" "$mc"

expect "a second run the same day" 0 "nothing new to announce" notify --expiring 7
check "a second run sends nothing new" "1 1 1" "$(mails $P-a) $(mails $P-b) $(mails $P-c)"

# --- a failed mail is tried again ----------------------------------------------------
A1=$(fix "$P-a:$ua" personal - read 1)
TOKENCTL_SENDMAIL=$TEST_TMP/sendmail-down expect "sendmail fails" 69 \
	"mail to $P-a was not accepted by sendmail \(exit 75\)" notify --expiring 7
check_match "sendmail fails: it will be tried again" "1 mail not sent; the next run tries again" "$out"
check "sendmail fails: nothing delivered" 1 "$(mails $P-a)"
tk --json notify --expiring 7 >"$TEST_TMP/out.json" 2>&1
check "the next run mails it, JSON" \
	"{\"dry_run\":false,\"mails\":[{\"to\":\"$P-a\",\"sent\":true,\"ids\":[\"$(id_of "$A1")\"]}]}" \
	"$(cat "$TEST_TMP/out.json")"
check "the retried mail arrived" 2 "$(mails $P-a)"
# --- policy notify-owner: an administrator's change reaches the owner --------------
n=$(mails $P-a)
tk edit "$(id_of "$A0")" --name quietly >/dev/null 2>&1
check "notify-owner no (the default): an administrator's edit mails nobody" "$n" "$(mails $P-a)"
expect "--notify-owner maybe" 64 "--notify-owner: expected yes or no" policy set --notify-owner maybe
expect "policy set --notify-owner yes" 0 "policy updated" policy set --notify-owner yes
check_match "policy show: notify-owner" "notify-owner: +yes" "$(tk policy show)"
tk edit "$(id_of "$A0")" --perm write >/dev/null 2>&1
check "notify-owner: the owner is mailed about an edit" $((n + 1)) "$(mails $P-a)"
check_match "edit mail: subject" "^Subject: Your HTTP access token on .* was edited" "$(cat "$M/$P-a")"
check_match "edit mail: who and which" "an administrator \(root\) edited this one" "$(cat "$M/$P-a")"
tk revoke "$(id_of "$A30")" >/dev/null 2>&1
check "notify-owner: the owner is mailed about a revocation" $((n + 2)) "$(mails $P-a)"
check_match "revoke mail: what to do" "create a\$" "$(cat "$M/$P-a")"
nb=$(mails $P-b)
tk revoke --user $P-b >/dev/null 2>&1
check "revoke --user: one mail to the owner" $((nb + 1)) "$(mails $P-b)"
check_match "revoke --user: it lists the personal token" "  $(id_of "$B2")  read" "$(cat "$M/$P-b")"
check "revoke --user: the project token is not the owner's to hear about (only its expiry)" 1 \
	"$(grep -c "$(id_of "$BQ")" "$M/$P-b")"
check "no secret in any mail" 0 "$(cat "$M/$P-a" "$M/$P-b" "$M/$P-c" | grep -cE 'htk_[0-9a-f]{16}[0-9A-Za-z]')"
check "no token appears in exim's log" 0 \
	"$(grep -cE 'htk_[0-9a-f]{16}' "$X/mainlog")"
tap_done

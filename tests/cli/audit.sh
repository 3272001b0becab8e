#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The audit trail and secrets: every change is logged (authpriv) with the
# acting uid and user, the command and the token id; the secret appears
# nowhere but on the stdout of create and rotate. syslog() is captured
# with an LD_PRELOAD shim (tests/cli/syslog_capture.c).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
SHIM="$top_builddir/tests/cli/.libs/syslog_capture.so"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built"
[ -f "$SHIM" ] || tap_skip_all "tests/cli/syslog_capture.la not built"
make_tmpdir
LOG="$TEST_TMP/syslog"
export LD_PRELOAD="$SHIM" HT_SYSLOG_CAPTURE="$LOG"
# A sanitizer build's runtime insists on being first unless told otherwise.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS
make_store 2>/dev/null
ME=$(id -un); UID_=$(id -u)
ALL="$TEST_TMP/all-output"
: >"$ALL"
run() { tk "$@" >>"$ALL" 2>&1 </dev/null; }   # everything but create/rotate

T1=$(tk create --name one 2>>"$ALL"); I1=$(token_id "$T1")
tk project add PROJ 2>/dev/null || tap_bail "project add failed"
T2=$(tk create --name two --project PROJ 2>>"$ALL"); I2=$(token_id "$T2")
check_match "init is logged" "tokenctl: init: uid=$UID_ user=$ME token=-" "$(cat "$LOG")"
check_match "create is logged with id, kind and level" \
	"tokenctl: create: uid=$UID_ user=$ME token=$I1 kind=personal perm=read" "$(cat "$LOG")"
check_match "create of a project token logs its scope" "token=$I2 kind=project perm=read scope=PROJ" "$(cat "$LOG")"
check_match "logged at LOG_AUTHPRIV|LOG_NOTICE" "^$((10 * 8 + 5)) tokenctl: create" \
	"$(grep 'create:' "$LOG" | head -1)"

check_match "a registry change is logged with actor and role" \
	"tokenctl: project: uid=$UID_ user=$ME token=- add PROJ role=system-administrator admins=-" \
	"$(cat "$LOG")"
run repo add PROJ/app --admin "$ME"
check_match "repo add is logged with its administrators" \
	"repo: uid=$UID_ user=$ME token=- add PROJ/app role=system-administrator admins=$ME" \
	"$(cat "$LOG")"
run revoke --project PROJ --unused 0 --dry-run
check_match "a bulk revoke is logged with selectors, count and role" \
	"revoke: uid=$UID_ user=$ME token=- bulk user=- scope=PROJ unused=0 dry-run=yes count=1 role=system-administrator" \
	"$(cat "$LOG")"

run list --all; run --json list --all; run show "$I1"; run --json show "$I1"
run edit "$I1" --name "one bis"
check_match "edit is logged" "edit: uid=$UID_ user=$ME token=$I1" "$(cat "$LOG")"
T3=$(tk rotate "$I1" 2>>"$ALL"); I3=$(token_id "$T3")
check_match "rotate logs the old id" "rotate: uid=$UID_ user=$ME token=$I1 revoked, replaced by $I3" "$(cat "$LOG")"
printf '%s\n' "$T2" | tk revoke --token - >>"$ALL" 2>&1
check_match "revoke --token - is logged with the id" "revoke: uid=$UID_ user=$ME token=$I2" "$(cat "$LOG")"
run revoke "$I3"
check_match "revoke by id is logged" "revoke: uid=$UID_ user=$ME token=$I3" "$(cat "$LOG")"
run policy set --max-days 40
check_match "policy set is logged with the new values" "policy: uid=$UID_ user=$ME token=- .*max-days=40" "$(cat "$LOG")"
run purge
check_match "purge logs each id" "purge: uid=$UID_ user=$ME token=$I1" "$(cat "$LOG")"
run backup "$TEST_TMP/b.db"; run restore "$TEST_TMP/b.db"
check_match "backup and restore are logged" "restore: uid=$UID_" "$(cat "$LOG")"
check "reads are not logged as changes" "" "$(grep -E ': (list|show):' "$LOG")"

# A refused attempt is logged too. It needs a caller who is not the
# store's administrator: nobody, reading a root store through its group.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && getent passwd nobody >/dev/null; then
	mkdir -m 0755 "$TEST_TMP/shared" && mkdir -m 1777 "$TEST_TMP/cap"
	"$TOKENCTL" --db "$TEST_TMP/shared/tokens.db" --keyfile "$TEST_TMP/shared/key" \
		init --group "$(id -gn nobody)" 2>/dev/null
	HT_SYSLOG_CAPTURE="$TEST_TMP/cap/log" setpriv --reuid=nobody --regid="$(id -g nobody)" \
		--init-groups "$TOKENCTL" --db "$TEST_TMP/shared/tokens.db" \
		--keyfile "$TEST_TMP/shared/key" list --all >/dev/null 2>&1
	check "a non-administrator listing everything: exit 77" 77 "$?"
	check_match "the refusal is logged as a warning" \
		"^$((10 * 8 + 4)) tokenctl: list: uid=$(id -u nobody) user=nobody refused: permission denied" \
		"$(cat "$TEST_TMP/cap/log" 2>/dev/null)"
else
	tap_skip "a refused attempt is logged: exit 77" "needs root, setpriv and the nobody account"
	tap_skip "a refused attempt is logged: message" "needs root, setpriv and the nobody account"
fi

# No secret anywhere: not in the log, not in any other command's output.
leaks=0
for t in "$T1" "$T2" "$T3"; do
	secret=$(printf '%s' "$t" | cut -c21-63)
	grep -qF "$secret" "$LOG" && leaks=$((leaks + 1))
	grep -qF "$secret" "$ALL" && leaks=$((leaks + 1))
done
check "no secret in the log or in other commands' output" 0 "$leaks"
check "the log was actually written" "yes" "$([ "$(wc -l <"$LOG")" -ge 10 ] && echo yes)"
unset LD_PRELOAD
tap_done

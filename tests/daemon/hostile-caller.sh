#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# httptokend against a hostile unprivileged caller (U1, an ordinary
# account made for the run, through setpriv, with tokenctl as its client): a poisoned environment (PATH,
# LD_PRELOAD, LD_LIBRARY_PATH, GDBM_*, TMPDIR, HOME, locale, MALLOC_*,
# GLIBC_TUNABLES), hostile arguments (paths, a 100 000-byte name, control
# characters and terminal escapes, 10 000 arguments) and closed standard
# descriptors. Nothing of the caller's may run as root; the daemon must
# never write outside the store, never show another user's token, and
# print names safely.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/daemon-fixture.sh"
. "$top_srcdir/tests/accounts.sh"
daemon_fixture_require cc
accounts_setup hc
make_user a; U1=$(acct a)
make_user b; U2=$(acct b)
daemon_fixture
FIXED=$(dirname "$DB")

# The trap: a directory the caller controls, holding a library that
# leaves a mark, named after the uid that loaded it, when anything loads it
# (as LD_PRELOAD), and programs of the names a careless tool might run
# from PATH. The caller's own client loads the library (it is the caller's
# process, no longer setuid); root never may.
EVIL="$TEST_TMP/evil"
MARKS="$TEST_TMP/marks"
mkdir -m 0755 "$EVIL" && mkdir -m 0777 "$MARKS"
cat >"$EVIL/mark.c" <<EOF2
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
__attribute__((constructor)) static void mark(void)
{
	char path[512];

	snprintf(path, sizeof(path), "$MARKS/loaded-by-%u", (unsigned)getuid());
	close(open(path, O_WRONLY | O_CREAT, 0666));
}
EOF2
cc -shared -fPIC -o "$EVIL/mark.so" "$EVIL/mark.c" || tap_bail "cannot build the marker library"
for prog in sh bash getent id logger sendmail cat ls; do
	printf '#!/bin/sh\ntouch %s/ran-%s-by-$(id -u)\n' "$MARKS" "$prog" >"$EVIL/$prog"
	chmod 0755 "$EVIL/$prog"
done

OUT="$TEST_TMP/seen-by-U1"   # everything U1 was shown
: >"$OUT"

# hostile ARGS...: tokenctl as "$U1" with the poisoned environment,
# started from inside the trap, through the fixture's daemon;
# stdout+stderr are appended to $OUT and also left in $LAST.
hostile() {
	# setpriv runs as root and must not see the poison: it gets a clean
	# environment, and env (already U1) sets the poison for the exec
	# of tokenctl alone.
	(cd "$EVIL" && /usr/bin/setpriv --reuid="$U1" --regid="$U1" --init-groups \
		/usr/bin/env -i \
		PATH="$EVIL" LD_PRELOAD="$EVIL/mark.so" LD_LIBRARY_PATH="$EVIL" \
		LD_AUDIT="$EVIL/mark.so" LD_DEBUG=all LD_DEBUG_OUTPUT="$MARKS/lddebug" \
		GDBM_DEBUG=1 GDBM_BLOCKSIZE=512 TMPDIR="$EVIL" HOME="$EVIL" \
		LANG="../../../..$EVIL" LC_ALL="../../../..$EVIL" LOCPATH="$EVIL" \
		NLSPATH="$EVIL/%N" MALLOC_CHECK_=3 MALLOC_PERTURB_=165 \
		GLIBC_TUNABLES=glibc.malloc.mxfast=glibc.malloc.mxfast=1 \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		HT_DEFAULT_DB="$EVIL/db" IFS=/ \
		"$TOKENCTL" --socket "$SOCK" "$@") >"$TEST_TMP/last" 2>&1 </dev/null
	rc=$?
	LAST=$(cat "$TEST_TMP/last")
	cat "$TEST_TMP/last" >>"$OUT"
	return $rc
}
id_of() { printf '%s' "$1" | grep -o 'htk_[0-9a-f]\{16\}' | head -1 | cut -c5-20; }
# Marks left by root: a library or program of the caller's ran as root.
root_marks() { find "$MARKS" -mindepth 1 \( -name '*-by-0' -o -user root \) -print; }

# A token of another user, to be kept from U1.
TD=$(as "$U2" create --name "U2-secret-name")
ID=$(id_of "$TD")
check_match "U2 has a token" '^[0-9a-f]{16}$' "$ID"
KEYSUM=$(sha256sum "$FIXED/key")

touch "$TEST_TMP/stamp"
sleep 1

# --- the environment ---------------------------------------------------
hostile create --name "hostile env"
check "hostile environment: create works" 0 "$?"
TN=$(printf '%s\n' "$LAST" | grep -o 'htk_[0-9a-zA-Z]*' | head -1)
check_match "hostile environment: a token is printed" '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' "$TN"
check_match "hostile environment: the token is U1's" "\"owner\":\"$U1\"" \
	"$(tkroot --json show "$(id_of "$TN")")"
check "no library of the caller's was loaded, no program run, as root" "" "$(root_marks)"

# --- arguments -----------------------------------------------------------
hostile --db "$EVIL/db" --keyfile "$EVIL/key" create --name x
check "a store path from U1 is refused: exit 77" 77 "$?"
hostile restore /etc/shadow
check "restore of a file named by U1 is refused: exit 77" 77 "$?"
hostile backup "$EVIL/copy.db"
check "backup to a file named by U1 is refused: exit 77" 77 "$?"
hostile show ../../../etc/shadow
check "a path as a token id is a usage error: exit 64" 64 "$?"
check_match "... with the message tokenctl gives" "tokenctl: .../../../etc/shadow. is not a token id" "$LAST"

huge=$(head -c 100000 /dev/zero | tr '\0' 'A')
hostile create --name "$huge"
rc=$?
check "a 100 000-byte name is refused as data or usage (not a crash)" yes \
	"$([ "$rc" = 64 ] || [ "$rc" = 65 ] && echo yes || echo "no: $rc")"
check "and is not echoed back in full" yes "$([ ${#LAST} -lt 2000 ] && echo yes || echo "no: ${#LAST} bytes")"

esc=$(printf 'a\033]0;owned\007b\033[2Jc\rd\010e')
c1=$(printf 'x\302\233y')
hostile create --name "$esc"
check "a name with terminal escapes is refused: exit 64 or 65" yes \
	"$(case $? in 64|65) echo yes ;; *) echo no ;; esac)"
hostile create --name "$c1"
check "a name with a C1 control (CSI) is refused: exit 64 or 65" yes \
	"$(case $? in 64|65) echo yes ;; *) echo no ;; esac)"
hostile edit "$(id_of "$TN")" --name "$esc"
check "renaming to terminal escapes is refused" yes \
	"$(case $? in 64|65) echo yes ;; *) echo no ;; esac)"
bidi=$(printf 'invoice\342\200\256fdp.exe')
hostile create --name "$bidi"
check "a name with a bidi override is refused as data (65)" 65 "$?"
check_match "and the message says why" "without control or invisible format characters" "$LAST"
hostile list
check "and no token of that name exists" 0 "$(grep -c "$(printf '\342\200\256')" "$TEST_TMP/last")"

# (built in one go: growing "$@" one by one is quadratic in sh)
many=$(seq 10000 | sed 's/.*/--perm/')
# shellcheck disable=SC2086
hostile create --name many $many
check "10 000 arguments: a usage error (64), not a crash" 64 "$?"
# (3000 ids fit in a request; 10 000 do not, and are refused before it)
ids=$(seq 3000 | xargs printf '%016x\n')
# shellcheck disable=SC2086
hostile revoke $ids
rc=$?
printf '# revoke of 3000 ids: exit %s, %s\n' "$rc" "$(printf '%s' "$LAST" | head -1)"
check "revoke of 3000 unknown ids: refused (66), not a crash" 66 "$rc"
ids=$(seq 10000 | xargs printf '%016x\n')
# shellcheck disable=SC2086
hostile revoke $ids
check "revoke of 10 000 ids: a request over 64 KiB is refused (64)" 64 "$?"
check_match "... saying why" "the command is longer than httptokend takes" "$LAST"

# --- closed standard descriptors -----------------------------------------
before=$(sha256sum <"$DB")
as "$U1" create --name closed <&- >&- 2>&-
check "all three descriptors closed: create does not succeed" yes \
	"$([ $? -ne 0 ] && echo yes || echo no)"
as "$U1" list <&- >&- 2>&-
check "closed descriptors: the store was not written into" "$before" "$(sha256sum <"$DB")"
check "closed descriptors: the store still verifies" 0 \
	"$(tkroot list --all >/dev/null 2>&1; echo $?)"

# --- another user's token ----------------------------------------------
hostile show "$ID"
check "U1 cannot show U2's token: exit 66, as for an unknown id" 66 "$?"
hostile list --all
check "U1 cannot list all tokens: exit 77" 77 "$?"
hostile list --user "$U2"
check "U1 cannot list U2's tokens: exit 77" 77 "$?"
hostile --json list
check "U1's own listing works" 0 "$?"
check "nothing U1 was shown names U2's token" "" \
	"$(grep -e U2-secret-name -e "$ID" "$OUT" | grep -v "no such token $ID")"
check "nothing U1 was shown holds a raw control character but newline and tab" "" \
	"$(tr -d '\n\t' <"$OUT" | LC_ALL=C grep -c '[[:cntrl:]]' | grep -v '^0$')"

# --- nothing written outside the store -----------------------------------
check "no library of the caller's was ever loaded, no program run, as root" "" "$(root_marks)"
check "nothing new in the caller's directory" "" \
	"$(find "$EVIL" -newer "$TEST_TMP/stamp" -print)"
check "in the store directory only the store, its lock and last-use files changed" "" \
	"$(find "$FIXED" -mindepth 1 -newer "$TEST_TMP/stamp" ! -path "$FIXED/tokens.db" \
		! -path "$FIXED/tokens.db.lock" ! -path "$FIXED/tokens.db.lastused" \
		! -path "$FIXED/tokens.db.lastused/*" -print)"
check "the key is untouched" "$KEYSUM" "$(sha256sum "$FIXED/key")"
check "the store is still root's, 0640" "0 640" "$(stat -c '%u %a' "$FIXED/tokens.db")"
tap_done

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Scoped personal tokens (--only) through the real libpam, across the
# resource matrix: a project covers its repositories, a repository only
# itself, and a service with no resource= refuses a scoped token. And the
# command-line refusals that go with it.
. "$top_srcdir/tests/pam/pamenv.sh"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built: $TOKENCTL"
pam_env_setup
rm -rf "$TEST_TMP/store"
make_store 2>/dev/null
ME=$(id -un)
for s in PROJ OTHER; do tk project add "$s" 2>/dev/null || tap_bail "project add failed"; done
for s in PROJ/app OTHER/lib; do tk repo add "$s" 2>/dev/null || tap_bail "repo add failed"; done

# (service names in lower case: libpam looks them up so)
RESOURCES="none PROJ PROJ/app PROJ/web OTHER OTHER/lib"
service svc-none
for r in $RESOURCES; do
	[ "$r" = none ] || service "svc-$(printf '%s' "$r" | tr 'A-Z/' 'a-z_')" resource="$r"
done
# passes TOKEN: the resources where it authenticates.
passes() {
	out=
	for r in $RESOURCES; do
		[ "$(auth "svc-$(printf '%s' "$r" | tr 'A-Z/' 'a-z_')" "$ME" "$1")" = PAM_SUCCESS ] &&
			out="$out $r"
	done
	echo "${out# }"
}

A=$(tk create --name a --only PROJ 2>/dev/null)
B=$(tk create --name b --only OTHER/lib --only PROJ/app 2>/dev/null)
C=$(tk create --name c 2>/dev/null)
check "--only PROJ: the project and its repositories, nothing else" \
	"PROJ PROJ/app PROJ/web" "$(passes "$A")"
check "--only OTHER/lib --only PROJ/app: those two repositories" \
	"PROJ/app OTHER/lib" "$(passes "$B")"
check "without --only: everywhere, no resource included" "$RESOURCES" "$(passes "$C")"
check_match "show --json lists the scopes" '"only":\["OTHER/lib","PROJ/app"\]' \
	"$(tk --json show "$(token_id "$B")" 2>&1)"

tk edit "$(token_id "$A")" --anywhere 2>/dev/null
check "edit --anywhere: everywhere again" "$RESOURCES" "$(passes "$A")"
tk edit "$(token_id "$C")" --only OTHER 2>/dev/null
check "edit --only OTHER: replaces, now only OTHER's" "OTHER OTHER/lib" "$(passes "$C")"

expect() {   # expect DESC CODE REGEX ARGS...
	desc=$1 code=$2 re=$3; shift 3
	err=$(tk "$@" 2>&1 >/dev/null); rc=$?
	check "$desc: exit $code" "$code" "$rc"
	check_match "$desc: message" "$re" "$err"
}
expect "--only an unregistered project" 66 "no such project NOPE" create --name x --only NOPE
expect "--only an unregistered repository" 66 "no such repository PROJ/nope" \
	create --name x --only PROJ/nope
expect "--only on a project token" 65 "for personal tokens" \
	create --name x --project PROJ --only PROJ
expect "--only with --anywhere" 64 "exclude each other" edit "$(token_id "$C")" --only PROJ --anywhere
expect "--only a malformed scope" 65 "not a project key" create --name x --only "PROJ/a/b"
many=
for i in $(seq 1 17); do many="$many --only P$i"; done
# shellcheck disable=SC2086
expect "17 scopes" 65 "at most 16" create --name x $many
before=$(tk --json list --all | grep -o '"id"' | wc -l)
expect "--use a malformed word" 65 "not a use" create --name x --use "Login"
check "nothing refused was created" "$before" "$(tk --json list --all | grep -o '"id"' | wc -l)"
tap_done

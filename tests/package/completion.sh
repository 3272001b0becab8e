#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Bash completion of tokenctl: commands, options, option values, and the
# ids of the tokens the caller may see, taken from the store named by the
# --db/--keyfile already on the command line.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/common.sh"

bc=/usr/share/bash-completion/bash_completion
[ -r "$bc" ] || tap_skip_all "bash-completion is not installed"
[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl is not built"
. "$bc"
. "$top_srcdir/completion/tokenctl"

# comp WORD... : what completing the last word offers, sorted, on one line.
# Words are split at '=' as bash splits them (COMP_WORDBREAKS).
comp() {
	local w
	COMP_WORDS=()
	for w in "$@"; do
		if [[ $w == -*=* ]]; then
			COMP_WORDS+=("${w%%=*}" "=" "${w#*=}")
		else
			COMP_WORDS+=("$w")
		fi
	done
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_tokenctl tokenctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

make_tmpdir
make_store
a=$(token_id "$(tk create --name first 2>/dev/null)")
b=$(token_id "$(tk create --name second 2>/dev/null)")
ids=$(printf '%s\n' "$a" "$b" | sort | tr '\n' ' ' | sed 's/ $//')
g=("$TOKENCTL" --db "$DB" --keyfile "$KEY")

check "commands" "create" "$(comp tokenctl cr)"
check "every command from nothing" \
	"backup create edit fleet init list notify policy project purge repo restore revoke rotate session show sweep sync upgrade" \
	"$(comp tokenctl '')"
check "global options" "--config --db --help --json --keyfile --nonce --session --socket --version --wait" "$(comp tokenctl --)"
check "fleet subcommands" "init keygen status" "$(comp tokenctl fleet '')"
check "sync options" "--follow --replace" "$(comp tokenctl sync --)"
check "create's options" "--expires --name --only --perm --project --repo --use" \
	"$(comp tokenctl create --)"
check "values of --perm" "admin read write" "$(comp tokenctl create --perm '')"
check "sweep's options" "--dry-run --max-missing --reinstate" "$(comp tokenctl sweep --)"
check "notify's options" "--dry-run --expiring --user" "$(comp tokenctl notify --)"
check "list --unused among list's options" "--unused" "$(comp tokenctl list --un)"
check "values of --notify-owner" "no yes" "$(comp tokenctl policy set --notify-owner '')"
check "values of --status" "active expired revoked" "$(comp tokenctl list --status '')"
check "policy subcommands" "set show" "$(comp tokenctl policy '')"
check "policy set's options" "--enforce-existing --expiry-required" \
	"$(comp tokenctl policy set --e)"
check "yes/no values" "no yes" "$(comp tokenctl policy set --expiry-required '')"
check "token ids for show, from the store on the command line" "$ids" \
	"$(comp "${g[@]}" show '')"
check "ids complete from a prefix" "$a" "$(comp "${g[@]}" show "${a:0:15}")"
check "one id only for show" "" "$(comp "${g[@]}" show "$a" '')"
check "more ids for revoke" "$ids" "$(comp "${g[@]}" revoke "$a" '')"
check "--opt=value: values of --perm=" "write" "$(comp tokenctl create --perm=w)"
check "--db=PATH is used to list ids" "$ids" \
	"$(comp "$TOKENCTL" "--db=$DB" "--keyfile=$KEY" show '')"
check "no ids from a store that does not exist" "" \
	"$(comp "$TOKENCTL" --db "$TEST_TMP/none.db" --keyfile "$KEY" show '')"
tk project add PROJ 2>/dev/null && tk repo add PROJ/app 2>/dev/null
check "project subcommands" "add edit list remove show" "$(comp tokenctl project '')"
check "project list's option" "--mine" "$(comp tokenctl project list -)"
check "registered projects for --project" "PROJ" "$(comp "${g[@]}" create --project '')"
check "projects and repositories for --only" "PROJ PROJ/app" "$(comp "${g[@]}" create --only '')"
check "repositories for repo show" "PROJ/app" "$(comp "${g[@]}" repo show '')"
check "edit's options" "--anywhere --name --only --perm --use" "$(comp tokenctl edit --)"
check "bulk revoke's options" "--dry-run --project --repo --token --unused --user" \
	"$(comp tokenctl revoke --)"
check "policy set's version-2 options" "--max-days --max-tokens-per-user" \
	"$(comp tokenctl policy set --max)"
check "policy set's web options" "--web-user" "$(comp tokenctl policy set --web)"
check "policy set's web options" "--session-minutes" "$(comp tokenctl policy set --sess)"
check "accounts for --web-user" "root" "$(comp tokenctl policy set --web-user roo)"
check "groups for --admin, with @" "@root" "$(comp tokenctl project add X --admin @roo)"
tap_done

# SPDX-License-Identifier: GPL-3.0-or-later
# TAP helpers for the shell tests (sourced). Each test script plans its
# count with tap_plan N (or tap_done at the end) and reports with ok/not_ok.
tap_n=0
tap_failed=0

tap_plan() { echo "1..$1"; tap_planned=1; }

tap_ok() {   # tap_ok DESCRIPTION
	tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"
}

tap_not_ok() {   # tap_not_ok DESCRIPTION [DIAGNOSTIC...]
	tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	shift
	for line in "$@"; do printf '# %s\n' "$line"; done
}

tap_skip() {   # tap_skip DESCRIPTION REASON
	tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"
}

tap_skip_all() {   # the whole script cannot run here, and why
	echo "1..0 # SKIP $1"; exit 0
}

tap_bail() { echo "Bail out! $1"; exit 1; }

# check DESCRIPTION EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then tap_ok "$1"
	else tap_not_ok "$1" "expected: $2" "got:      $3"; fi
}

# check_match DESCRIPTION EXTENDED-REGEX TEXT
check_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then tap_ok "$1"
	else tap_not_ok "$1" "expected to match: $2" "got: $3"; fi
}

tap_done() {
	[ -n "${tap_planned:-}" ] || echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

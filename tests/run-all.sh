#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The whole test suite, as CI runs it, on a fresh Debian 12 machine:
#   sudo tests/run-all.sh
# installs the packages listed in .ci/packages (when run as root with
# apt-get; pass --no-install to skip), builds out of tree under _build/,
# runs every job below and ends with one line "N passed, N failed, N skipped".
#
# Jobs: the main `make check` (unit, tokenctl, PAM, end-to-end, hardening),
# the same suite built with ASan+UBSan, bounded libFuzzer runs, `make
# distcheck`, and the Debian package built, installed and smoke-tested.
# Also: gcc -fanalyzer over lib/, pam_httptoken/ and tokenctl/.
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build="$src/_build"
install=1
fuzz_seconds=${HT_FUZZ_SECONDS:-20}
for arg in "$@"; do
	case $arg in
	--no-install) install=0 ;;
	*) echo "usage: $0 [--no-install]" >&2; exit 64 ;;
	esac
done

passed=0 failed=0 skipped=0
failures=()

say() { printf '\n=== %s (%d s into the run)\n' "$*" "$SECONDS"; }

# record NAME STATUS: one job that is a single pass/fail.
record() {
	if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "PASS: $1"
	else failed=$((failed + 1)); failures+=("$1"); echo "FAIL: $1"; fi
}

# Adds the counts of an automake test-suite.log; a missing log is a failure.
record_suite() {   # NAME LOGFILE STATUS
	local name=$1 log=$2 status=$3 p f e s
	if [ ! -f "$log" ]; then record "$name (no test-suite.log)" 1; return; fi
	p=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
	f=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
	e=$(sed -n 's/^# ERROR: *//p' "$log" | head -1)
	s=$(sed -n 's/^# SKIP: *//p' "$log" | head -1)
	passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
	skipped=$((skipped + ${s:-0}))
	if [ "${f:-0}" -ne 0 ] || [ "${e:-0}" -ne 0 ] || [ "$status" -ne 0 ]; then
		failures+=("$name")
		show_failures "$log"
		[ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ] && [ "${e:-0}" -eq 0 ] &&
			failed=$((failed + 1))
	fi
	grep -E '^SKIP' "$log" | head -50
	echo "$name: pass ${p:-0}, fail ${f:-0}, error ${e:-0}, skip ${s:-0}"
}

# The failed and erroring results of a test-suite.log, and what each
# failing test said about it (its "not ok" lines and the diagnostics
# that follow them), so that a CI log alone tells what went wrong.
show_failures() {
	grep -E '^(FAIL|ERROR)' "$1" | head -50
	awk '/^(FAIL|ERROR): /{ shown = 0 }
	     /^not ok / { shown = 12 }
	     shown > 0 { print "    " $0; shown-- }' "$1" | head -150
}

install_packages() {
	if [ "$install" -eq 0 ]; then return 0; fi
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
		echo "not root or no apt-get: assuming the packages in .ci/packages are installed"
		return 0
	fi
	say "installing packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq &&
	grep -Ev '^[[:space:]]*(#|$)' "$src/.ci/packages" |
		xargs apt-get install -y -qq --no-install-recommends >/dev/null
}

# configure_build DIR [CONFIGURE-ARGS...]
configure_build() {
	local dir=$1; shift
	rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" &&
	"$src/configure" -q "$@" && make -j2 >/dev/null
}

job_main() {
	say "build (-Werror) and make check"
	if ! configure_build "$build/main" --enable-Werror; then
		record "build" 1; return
	fi
	record "build" 0
	make -j2 check >"$build/main-check.out" 2>&1
	record_suite "make check" "$build/main/test-suite.log" $?
}

job_sanitizers() {
	say "ASan+UBSan build and make check"
	if ! configure_build "$build/asan" --enable-Werror --enable-sanitizers; then
		record "sanitizer build" 1; return
	fi
	# The module is loaded into programs built without ASan (pamtester,
	# apache2, sshd): their tests preload the runtime through this variable.
	# memcheck cannot run an ASan build: the valgrind tests belong to the
	# main job, and here ASan watches the same code. So does the timing
	# test: it measures the build that ships, and under ASan it would
	# measure ASan's allocator (gdbm's mallocs on a hit are intercepted,
	# its own code is not instrumented); the unit and PAM tests take the
	# same code paths under ASan here.
	local tests
	tests=$(make -s print-tests | tr ' ' '\n' | grep -v -e valgrind -e hardening/timing |
	        tr '\n' ' ')
	HT_TEST_PRELOAD="$(gcc -print-file-name=libasan.so)" \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		make -j2 check TESTS="$tests" >"$build/asan-check.out" 2>&1
	record_suite "make check (ASan+UBSan)" "$build/asan/test-suite.log" $?
}

job_fuzz() {
	say "libFuzzer, ${fuzz_seconds}s per target"
	if [ ! -x "$src/fuzz/run.sh" ]; then record "fuzz (fuzz/run.sh missing)" 1; return; fi
	"$src/fuzz/run.sh" "$fuzz_seconds"
	record "fuzz" $?
}

# distcheck proves the tarball: it builds out of tree from it, installs,
# uninstalls and cleans up. The main job has just run every test on the
# same sources, so here the tests run that use what a tarball could lack
# (every helper script, fixture and library a suite sources, the Apache
# module's apxs build, the packaging tests), without the reruns of the
# same code under slower tools or servers: valgrind, the timing test, and
# the end-to-end suites other than the native Apache one.
distcheck_tests() {
	make -s print-tests | tr ' ' '\n' |
		grep -v -e '^$' -e valgrind -e hardening/timing -e '^tests/fleet/.*\.sh$' \
		        -e '^tests/e2e/' -e '^tests/daemon/hostile' |
		tr '\n' ' '
	echo tests/e2e/apache-native.sh
}

job_distcheck() {
	say "make distcheck"
	(cd "$build/main" && make distcheck TESTS="$(distcheck_tests)" >"$build/distcheck.out" 2>&1)
	local rc=$?
	if [ $rc -ne 0 ]; then
		tail -40 "$build/distcheck.out"
		local log
		for log in "$build"/main/httptoken-*/_build/sub/test-suite.log; do
			[ -f "$log" ] && show_failures "$log"
		done
	fi
	record "make distcheck" $rc
}

job_analyze() {
	say "static analysis: gcc -fanalyzer"
	"$src/tests/analyze.sh" "$build/analyze"
	record "gcc -fanalyzer" $?
}

job_package() {
	say "Debian package: build, install, smoke test"
	if [ ! -x "$src/tests/package/run.sh" ]; then record "package (tests/package/run.sh missing)" 1; return; fi
	"$src/tests/package/run.sh" "$build/package" >"$build/package.out" 2>&1
	local rc=$?
	cat "$build/package.out"
	local p f
	p=$(grep -c '^ok ' "$build/package.out")
	f=$(grep -c '^not ok ' "$build/package.out")
	passed=$((passed + p)); failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then record "package job" 1; fi
}

cd "$src" || exit 1
if [ -f "$src/config.status" ]; then
	echo "$src is configured in place; the suite builds out of tree under _build/." >&2
	echo "Run 'make distclean' in $src first." >&2
	echo "0 passed, 1 failed"; exit 1
fi
install_packages || { echo "package installation failed"; echo "0 passed, 1 failed"; exit 1; }
say "autoreconf"
(cd "$src" && autoreconf -fi >/dev/null 2>&1) || { echo "autoreconf failed"; echo "0 passed, 1 failed"; exit 1; }
job_main
job_sanitizers
job_fuzz
job_distcheck
job_package
job_analyze

say "summary"
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/daemon/protocol.sh with httptokend and every worker it forks under
# valgrind (memcheck, definite leaks counted as errors).
top_srcdir="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}"
if ! command -v valgrind >/dev/null; then
	. "$top_srcdir/tests/tap.sh"
	tap_skip_all "valgrind not installed"
fi
DAEMON_VALGRIND=yes
. "$top_srcdir/tests/daemon/protocol.sh"

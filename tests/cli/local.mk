# SPDX-License-Identifier: GPL-3.0-or-later
# Command-level tests of tokenctl, run through the built binary.

CLI_TESTS = tests/cli/commands.sh tests/cli/exitcodes.sh \
	tests/cli/writers.sh tests/cli/audit.sh tests/cli/lastuse.sh
CLI_TESTS += tests/cli/names.sh tests/cli/restore.sh tests/cli/purge.sh
CLI_TESTS += tests/cli/roles.sh tests/cli/bulk.sh tests/cli/registry.sh \
	tests/cli/walkthrough.sh
CLI_TESTS += tests/cli/webpolicy.sh
TESTS += $(CLI_TESTS)
EXTRA_DIST += $(CLI_TESTS)

# LD_PRELOAD shim that captures syslog() into a file (audit tests).
check_LTLIBRARIES += tests/cli/syslog_capture.la
tests_cli_syslog_capture_la_SOURCES = tests/cli/syslog_capture.c
tests_cli_syslog_capture_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-no-undefined -rpath /nowhere

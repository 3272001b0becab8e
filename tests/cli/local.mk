# SPDX-License-Identifier: GPL-3.0-or-later
# Command-level tests of tokenctl, run through the built binary.
#
# tests/cli/tokenctl-testpaths is tokenctl built from the same code with
# its compiled-in store and key at a fixed scratch location:
#     /tmp/httptoken-setuid-test/tokens.db   /tmp/httptoken-setuid-test/key
# A setuid copy of it (cp; chown root:root; chmod 4755) behaves exactly as
# an installed tokenctl for unprivileged callers, who cannot choose paths.
# Any test that uses it MUST, for its whole duration:
#   1. hold an exclusive flock on /tmp/httptoken-setuid-test.lock
#      (exec 9>/tmp/httptoken-setuid-test.lock; flock -w 120 9), since the
#      path is shared by every suite;
#   2. check that /tmp/httptoken-setuid-test is a directory owned by root
#      and not writable by group or others (create it 0755 if missing),
#      then empty it and run `tokenctl-testpaths init` as root.
# tests/cli/setuid.sh is the reference user (see its setup_fixed_store).
SETUID_TEST_DIR = /tmp/httptoken-setuid-test
check_PROGRAMS += tests/cli/tokenctl-testpaths
tests_cli_tokenctl_testpaths_SOURCES = tokenctl/paths.c
tests_cli_tokenctl_testpaths_CPPFLAGS = -I$(top_srcdir)/lib \
	-DHT_DEFAULT_DB='"$(SETUID_TEST_DIR)/tokens.db"' \
	-DHT_DEFAULT_KEY='"$(SETUID_TEST_DIR)/key"'
tests_cli_tokenctl_testpaths_LDADD = tokenctl/libtokenctl.la lib/libhttptoken.la

CLI_TESTS = tests/cli/commands.sh tests/cli/exitcodes.sh tests/cli/setuid.sh \
	tests/cli/writers.sh tests/cli/audit.sh tests/cli/roles.sh \
	tests/cli/bulk.sh tests/cli/registry.sh tests/cli/walkthrough.sh
TESTS += $(CLI_TESTS)
EXTRA_DIST += $(CLI_TESTS)

# LD_PRELOAD shim that captures syslog() into a file (audit tests).
check_LTLIBRARIES += tests/cli/syslog_capture.la
tests_cli_syslog_capture_la_SOURCES = tests/cli/syslog_capture.c
tests_cli_syslog_capture_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-no-undefined -rpath /nowhere

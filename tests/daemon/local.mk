# SPDX-License-Identifier: GPL-3.0-or-later
# httptokend and tokenctl as its client, run by real unprivileged accounts
# against a daemon each suite starts in its own directory
# (tests/daemon-fixture.sh).
DAEMON_TESTS = tests/daemon/users.sh tests/daemon/protocol.sh \
	tests/daemon/vectors.sh tests/daemon/hostile-caller.sh tests/daemon/protocol-valgrind.sh \
	tests/daemon/activation.sh
TESTS += $(DAEMON_TESTS)
EXTRA_DIST += $(DAEMON_TESTS) tests/daemon/hostile-lib.sh

# A client that misbehaves on purpose (protocol.sh, vectors.sh).
check_PROGRAMS += tests/daemon/hostile-client
tests_daemon_hostile_client_SOURCES = tests/daemon/hostile-client.c
tests_daemon_hostile_client_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/httptokend
tests_daemon_hostile_client_LDADD = httptokend/libhtproto.la lib/libhttptoken.la

# The limits, on a clock the test sets.
check_PROGRAMS += tests/daemon/test_limits
TESTS += tests/daemon/test_limits
tests_daemon_test_limits_SOURCES = tests/daemon/test_limits.c httptokend/limits.c
tests_daemon_test_limits_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/httptokend -I$(top_srcdir)/tests

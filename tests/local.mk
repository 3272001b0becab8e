# SPDX-License-Identifier: GPL-3.0-or-later
# Shared test helpers; each suite has its own local.mk beside its tests.
EXTRA_DIST += tests/tap.sh tests/tap.h tests/common.sh tests/daemon-fixture.sh
EXTRA_DIST += tests/accounts.sh tests/private-tmp.sh

# The list of tests, for jobs that run a subset (tests/run-all.sh).
print-tests:
	@echo $(TESTS)
.PHONY: print-tests

# Static analysis: gcc -fanalyzer over the library, the module and tokenctl,
# in a build directory of its own (tests/analyze.sh). Not part of check.
EXTRA_DIST += tests/analyze.sh
analyze:
	$(top_srcdir)/tests/analyze.sh $(abs_top_builddir)/_analyze
.PHONY: analyze
# The one fixture of the C tests and benchmarks (stores, keys, tokens;
# files, programs under a deadline, seeded random numbers), and the one
# PAM conversation. Built with everything (noinst), since the benchmarks
# use them too.
noinst_LTLIBRARIES += tests/fixture/libfixture.la tests/fixture/libpamconv.la
tests_fixture_libfixture_la_SOURCES = tests/fixture/fixture.c tests/fixture/fixture.h \
	tests/fixture/support.c tests/fixture/support.h
tests_fixture_libfixture_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_fixture_libpamconv_la_SOURCES = tests/fixture/conv.c tests/fixture/conv.h
FIXTURE_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests -I$(top_srcdir)/tests/fixture
FIXTURE_LIBS = tests/fixture/libfixture.la lib/libhttptoken.la $(SODIUM_LIBS) $(GDBM_LIBS)

# The lock suites that change the account database hold (tests/common.sh).
CLEANFILES += tests/account-db.lock

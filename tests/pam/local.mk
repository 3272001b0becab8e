# SPDX-License-Identifier: GPL-3.0-or-later
# PAM-level tests: the built module through the real libpam, under
# pam_wrapper with private service files (no root, nothing in /etc).
check_PROGRAMS += tests/pam/pamrun tests/pam/htfix tests/pam/dlsym_check \
	tests/pam/threads tests/pam/pamtest_account
tests_pam_pamrun_SOURCES = tests/pam/pamrun.c tests/pam/pam_codes.h
tests_pam_pamrun_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_pam_pamrun_LDADD = tests/fixture/libpamconv.la $(PAM_LIBS)
tests_pam_htfix_SOURCES = tests/pam/htfix.c
tests_pam_htfix_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_pam_htfix_LDADD = $(FIXTURE_LIBS) $(GDBM_LIBS)
tests_pam_threads_SOURCES = tests/pam/threads.c tests/pam/pam_codes.h
tests_pam_threads_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_pam_threads_CFLAGS = $(AM_CFLAGS) -pthread
tests_pam_threads_LDADD = tests/fixture/libpamconv.la $(PAM_LIBS) -lpthread
tests_pam_pamtest_account_SOURCES = tests/pam/pamtest_account.c tests/pam/pam_codes.h
tests_pam_pamtest_account_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_pam_pamtest_account_LDADD = tests/fixture/libpamconv.la -lpamtest $(PAM_LIBS)
tests_pam_dlsym_check_SOURCES = tests/pam/dlsym_check.c
tests_pam_dlsym_check_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_pam_dlsym_check_LDADD = -ldl

# A stand-in module stacked around pam_httptoken (see its header comment).
check_LTLIBRARIES += tests/pam/pam_ht_stub.la
tests_pam_pam_ht_stub_la_SOURCES = tests/pam/pam_ht_stub.c
tests_pam_pam_ht_stub_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-no-undefined -rpath /nowhere
tests_pam_pam_ht_stub_la_LIBADD = $(PAM_LIBS)

# A getpwnam_r that fails for chosen names (tests/pam/sweep.sh).
check_LTLIBRARIES += tests/pam/nss_fail.la
tests_pam_nss_fail_la_SOURCES = tests/pam/nss_fail.c
tests_pam_nss_fail_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-no-undefined -rpath /nowhere
tests_pam_nss_fail_la_LIBADD = -ldl

EXTRA_DIST += tests/pam/pamenv.sh tests/fixtures/v1-store/README.md \
	tests/fixtures/v1-store/tokens.db tests/fixtures/v1-store/key \
	tests/fixtures/v1-store/tokens

PAM_TESTS = tests/pam/auth.sh tests/pam/store.sh tests/pam/args.sh tests/pam/passwords.sh \
	tests/pam/stacking.sh tests/pam/expiry.sh tests/pam/exports.sh tests/pam/threads.sh \
	tests/pam/tokenctl.sh tests/pam/libpamtest.sh tests/pam/valgrind.sh tests/pam/owner.sh \
	tests/pam/sweep.sh
PAM_TESTS += tests/pam/results.sh
PAM_TESTS += tests/pam/gitrequest.sh
PAM_TESTS += tests/pam/upgrade.sh tests/pam/only.sh
TESTS += $(PAM_TESTS)
EXTRA_DIST += $(PAM_TESTS)

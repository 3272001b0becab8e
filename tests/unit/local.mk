# SPDX-License-Identifier: GPL-3.0-or-later
# Unit tests of the internal library (C, TAP).
unit_tests = \
	tests/unit/test_token \
	tests/unit/test_record \
	tests/unit/test_policy \
	tests/unit/test_scope \
	tests/unit/test_store \
	tests/unit/test_verify \
	tests/unit/test_accounts \
	tests/unit/test_quota
check_PROGRAMS += $(unit_tests)
TESTS += $(unit_tests)

check_LTLIBRARIES += tests/unit/libfixture.la
tests_unit_libfixture_la_SOURCES = tests/unit/fixture.c tests/unit/fixture.h

unit_cppflags = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
unit_ldadd = lib/libhttptoken.la $(SODIUM_LIBS) $(GDBM_LIBS)
tests_unit_test_token_CPPFLAGS = $(unit_cppflags)
tests_unit_test_token_LDADD = $(unit_ldadd)
tests_unit_test_record_CPPFLAGS = $(unit_cppflags)
tests_unit_test_record_LDADD = $(unit_ldadd)
tests_unit_test_policy_CPPFLAGS = $(unit_cppflags)
tests_unit_test_policy_LDADD = $(unit_ldadd)
tests_unit_test_scope_CPPFLAGS = $(unit_cppflags)
tests_unit_test_scope_LDADD = $(unit_ldadd)
tests_unit_test_store_CPPFLAGS = $(unit_cppflags)
tests_unit_test_store_LDADD = tests/unit/libfixture.la $(unit_ldadd)
tests_unit_test_verify_CPPFLAGS = $(unit_cppflags)
tests_unit_test_verify_LDADD = tests/unit/libfixture.la $(unit_ldadd)
tests_unit_libfixture_la_CPPFLAGS = $(unit_cppflags)
tests_unit_test_accounts_CPPFLAGS = $(unit_cppflags)
tests_unit_test_accounts_LDADD = $(unit_ldadd)
tests_unit_test_quota_CPPFLAGS = $(unit_cppflags)
tests_unit_test_quota_LDADD = tests/unit/libfixture.la $(unit_ldadd)

# SPDX-License-Identifier: GPL-3.0-or-later
# Unit tests of the internal library (C, TAP), on the shared fixture.
unit_tests = \
	tests/unit/test_token \
	tests/unit/test_record \
	tests/unit/test_policy \
	tests/unit/test_scope \
	tests/unit/test_names \
	tests/unit/test_gitreq \
	tests/unit/test_store \
	tests/unit/test_verify \
	tests/unit/test_fixture \
	tests/unit/test_account \
	tests/unit/test_authlog \
	tests/unit/test_authheader \
	tests/unit/test_accounts \
	tests/unit/test_quota
check_PROGRAMS += $(unit_tests)
TESTS += $(unit_tests)

# The shell helpers of tests/common.sh.
TESTS += tests/unit/helpers.sh
EXTRA_DIST += tests/unit/helpers.sh

tests_unit_test_token_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_token_LDADD = $(FIXTURE_LIBS)
tests_unit_test_record_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_record_LDADD = $(FIXTURE_LIBS)
tests_unit_test_policy_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_policy_LDADD = $(FIXTURE_LIBS)
tests_unit_test_scope_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_scope_LDADD = $(FIXTURE_LIBS)
tests_unit_test_store_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_store_LDADD = $(FIXTURE_LIBS)
tests_unit_test_verify_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_verify_LDADD = $(FIXTURE_LIBS)
tests_unit_test_fixture_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_fixture_LDADD = $(FIXTURE_LIBS)
tests_unit_test_names_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_names_LDADD = $(FIXTURE_LIBS)
tests_unit_test_gitreq_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_gitreq_LDADD = $(FIXTURE_LIBS)
tests_unit_test_account_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_account_LDADD = $(FIXTURE_LIBS)
tests_unit_test_authlog_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_authlog_LDADD = $(FIXTURE_LIBS)
tests_unit_test_accounts_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_accounts_LDADD = $(FIXTURE_LIBS)
tests_unit_test_quota_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_quota_LDADD = $(FIXTURE_LIBS)
# The Apache module's header parser, linked alone (no Apache).
tests_unit_test_authheader_SOURCES = tests/unit/test_authheader.c $(HTK_AUTHHEADER)
tests_unit_test_authheader_CPPFLAGS = $(FIXTURE_CPPFLAGS) -I$(top_srcdir)/mod_authn_httptoken
tests_unit_test_authheader_LDADD = $(SODIUM_LIBS)

# httptoken-web's parsers and escaper.
check_PROGRAMS += tests/unit/test_webparse
TESTS += tests/unit/test_webparse
tests_unit_test_webparse_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/httptoken-web \
	-I$(top_srcdir)/tests
tests_unit_test_webparse_LDADD = httptoken-web/libwebparse.la httptokend/libhtproto.la \
	lib/libhttptoken.la

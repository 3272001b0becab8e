# SPDX-License-Identifier: GPL-3.0-or-later
# Hardening: damaged stores, killed writers, concurrent readers and
# writers, timing, brute force.
# The C tests build their stores with the shared fixture (tests/fixture).

hardening_c_tests = \
	tests/hardening/corruption \
	tests/hardening/crash \
	tests/hardening/concurrency \
	tests/hardening/timing
check_PROGRAMS += $(hardening_c_tests)
TESTS += $(hardening_c_tests)

hardening_cppflags = $(FIXTURE_CPPFLAGS)
hardening_ldadd = $(FIXTURE_LIBS)
tests_hardening_corruption_SOURCES = tests/hardening/corruption.c \
	tests/hardening/corrupt_registry.c tests/hardening/corrupt_registry.h
tests_hardening_corruption_CPPFLAGS = $(hardening_cppflags)
tests_hardening_corruption_LDADD = $(hardening_ldadd)
tests_hardening_crash_CPPFLAGS = $(hardening_cppflags)
tests_hardening_crash_LDADD = $(hardening_ldadd)
tests_hardening_concurrency_CPPFLAGS = $(hardening_cppflags)
tests_hardening_concurrency_LDADD = $(hardening_ldadd) -lpthread
tests_hardening_timing_CPPFLAGS = $(hardening_cppflags)
tests_hardening_timing_LDADD = $(hardening_ldadd) -lm

# Shell tests (TAP).
hardening_sh_tests = \
	tests/hardening/faillock.sh
TESTS += $(hardening_sh_tests)
EXTRA_DIST += $(hardening_sh_tests)

# The libFuzzer targets build outside automake (fuzz/run.sh, clang).
EXTRA_DIST += fuzz
EXTRA_DIST += docs/security.md

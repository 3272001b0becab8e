# SPDX-License-Identifier: GPL-3.0-or-later
# The fleet: unit tests of the configuration parser and row signatures,
# and three hosts against a private PostgreSQL.
fleet_unit_tests = tests/fleet/test_conf tests/fleet/test_sign tests/fleet/test_replica
fleet_unit_tests += tests/fleet/test_rowcheck
check_PROGRAMS += $(fleet_unit_tests)
TESTS += $(fleet_unit_tests)
fleet_unit_cppflags = $(FIXTURE_CPPFLAGS) -I$(top_srcdir)/fleet
fleet_unit_ldadd = fleet/libfleet.la $(FIXTURE_LIBS)
tests_fleet_test_conf_CPPFLAGS = $(fleet_unit_cppflags)
tests_fleet_test_conf_LDADD = $(fleet_unit_ldadd)
tests_fleet_test_sign_CPPFLAGS = $(fleet_unit_cppflags)
tests_fleet_test_sign_LDADD = $(fleet_unit_ldadd)
tests_fleet_test_replica_CPPFLAGS = $(fleet_unit_cppflags)
tests_fleet_test_replica_LDADD = $(fleet_unit_ldadd)
tests_fleet_test_rowcheck_CPPFLAGS = $(fleet_unit_cppflags)
tests_fleet_test_rowcheck_LDADD = $(fleet_unit_ldadd)

FLEET_TESTS = tests/fleet/fleet.sh tests/fleet/replica.sh tests/fleet/registry.sh \
	tests/fleet/quota.sh tests/fleet/notify.sh tests/fleet/lastuse.sh
FLEET_TESTS += tests/fleet/bulk.sh
TESTS += $(FLEET_TESTS)
EXTRA_DIST += $(FLEET_TESTS) tests/fleet/fleetenv.sh

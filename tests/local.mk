# SPDX-License-Identifier: GPL-3.0-or-later
# Shared test helpers; each suite has its own local.mk beside its tests.
EXTRA_DIST += tests/tap.sh tests/tap.h tests/common.sh tests/setuid-fixture.sh
EXTRA_DIST += tests/accounts.sh

# The list of tests, for jobs that run a subset (tests/run-all.sh).
print-tests:
	@echo $(TESTS)
.PHONY: print-tests

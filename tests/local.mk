# SPDX-License-Identifier: GPL-3.0-or-later
# Shared test helpers; each suite has its own local.mk beside its tests.
EXTRA_DIST += tests/tap.sh tests/tap.h tests/common.sh tests/setuid-fixture.sh

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

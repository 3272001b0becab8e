# Shared test helpers; each suite has its own local.mk beside its tests.
EXTRA_DIST += tests/tap.sh tests/tap.h tests/common.sh

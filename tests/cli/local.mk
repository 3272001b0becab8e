# rules for tests/cli/

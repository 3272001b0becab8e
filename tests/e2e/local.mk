# rules for tests/e2e/

# rules for tests/unit/

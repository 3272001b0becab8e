# rules for tests/pam/

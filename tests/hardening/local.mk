# rules for tests/hardening/

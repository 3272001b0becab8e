# Manual pages, written in mdoc(7): man-db (groff) and mandoc render them
# as they are, so building the package needs no extra tool.
dist_man_MANS += man/httptoken.5 man/pam_httptoken.8 man/tokenctl.8

# Tests of what ships beside the programs: each page renders without a
# warning from groff (as `man --warnings` runs it) nor from mandoc's
# linter, the bash completion offers what tokenctl accepts, and `make
# install` lays the files out as install.mk promises. The
# Debian package's own smoke test, tests/package/deb-smoke.sh, installs
# packages and is run by CI, not by make check.
PACKAGE_TESTS = tests/package/man-lint.sh tests/package/completion.sh \
	tests/package/install.sh
EXTRA_DIST += $(PACKAGE_TESTS)
TESTS += $(PACKAGE_TESTS)

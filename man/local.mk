# Manual pages, written in mdoc(7): man-db (groff) and mandoc render them
# as they are, so building the package needs no extra tool.
dist_man_MANS += man/httptoken.5 man/pam_httptoken.8 man/tokenctl.8

# Each page must render without a warning from groff (as `man --warnings`
# runs it) nor from mandoc's linter when it is installed.
EXTRA_DIST += tests/package/man-lint.sh
TESTS += tests/package/man-lint.sh

# SPDX-License-Identifier: GPL-3.0-or-later
# End-to-end tests with the real servers (Apache httpd + git-http-backend,
# sshd), configured from the example files in etc/, and the quick-start demo
# they share the Apache code with.
TESTS += \
	tests/e2e/apache-git.sh \
	tests/e2e/apache-native.sh \
	tests/e2e/sshd.sh \
	tests/e2e/quickstart.sh \
	tests/e2e/accounts.sh \
	tests/e2e/notify.sh
TESTS += tests/e2e/nginx-git.sh
TESTS += tests/e2e/web-apache.sh
EXTRA_DIST += tests/e2e/web-apache.sh tests/e2e/web-lib.sh
TESTS += tests/e2e/web-browser.sh
TESTS += tests/e2e/web-nginx.sh
TESTS += tests/e2e/web-admin.sh
EXTRA_DIST += tests/e2e/web-admin.sh
EXTRA_DIST += tests/e2e/web-nginx.sh
EXTRA_DIST += tests/e2e/web-browser.sh tests/e2e/web-browser.py
EXTRA_DIST += tests/e2e/nginx-git.sh tests/e2e/nginx-lib.sh
EXTRA_DIST += \
	tests/e2e/apache-git.sh \
	tests/e2e/apache-native.sh \
	tests/e2e/sshd.sh \
	tests/e2e/quickstart.sh \
	tests/e2e/accounts.sh \
	tests/e2e/notify.sh \
	tests/e2e/apache-lib.sh \
	tests/e2e/e2e-lib.sh \
	demo/quickstart.sh

# The browser test keeps its screenshots under tests/artefacts/ for a person
# to look at; `make clean` removes them with the rest of the test output.
clean-local: clean-test-artefacts
clean-test-artefacts:
	rm -rf tests/artefacts
.PHONY: clean-test-artefacts

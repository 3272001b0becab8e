# SPDX-License-Identifier: GPL-3.0-or-later
# Manual pages, written in mdoc(7): man-db (groff) and mandoc render them
# as they are, so building the package needs no extra tool. The sources
# (*.in) name the configured paths as @DB@, @KEYFILE@ ...; the pages say
# where this build really puts the store, the key and the module.
MAN_IN = man/httptoken.5.in man/pam_httptoken.8.in man/tokenctl.8.in \
	man/httptoken-userdel-hook.8.in man/httptokend.8.in
nodist_man_MANS = man/httptoken.5 man/pam_httptoken.8 man/tokenctl.8 \
	man/httptoken-userdel-hook.8 man/httptokend.8
EXTRA_DIST += $(MAN_IN)
CLEANFILES += $(nodist_man_MANS)

man_subst = db='$(HT_DEFAULT_DB)'; key='$(HT_DEFAULT_KEY)'; \
	sed -e "s|@DB@|$$db|g" -e "s|@KEYFILE@|$$key|g" \
	    -e "s|@DBDIR@|`dirname "$$db"`|g" -e "s|@KEYDIR@|`dirname "$$key"`|g" \
	    -e 's|@PAMDIR@|$(pamdir)|g' -e 's|@SBINDIR@|$(sbindir)|g' \
	    -e 's|@DOCDIR@|$(docdir)|g' -e 's|@APACHEMODDIR@|$(apachemoddir)|g' \
	    -e 's|@PKGDATADIR@|$(pkgdatadir)|g' -e 's|@UNITDIR@|$(systemdsystemunitdir)|g' \
	    -e 's|@SENDMAIL@|$(HT_SENDMAIL)|g' -e 's|@SOCKET@|$(HT_DEFAULT_SOCKET)|g' \
	    -e 's|@COMPLETIONDIR@|$(datadir)/bash-completion/completions|g'

man/httptoken.5: man/httptoken.5.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && $(man_subst) $(srcdir)/man/httptoken.5.in >$@.tmp && mv $@.tmp $@
man/pam_httptoken.8: man/pam_httptoken.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && $(man_subst) $(srcdir)/man/pam_httptoken.8.in >$@.tmp && mv $@.tmp $@
# The Apache module's page is installed with the module; it is built (and
# linted) in every build.
EXTRA_DIST += man/mod_authn_httptoken.8.in
CLEANFILES += man/mod_authn_httptoken.8
if APACHE_MODULE
nodist_man_MANS += man/mod_authn_httptoken.8
else
noinst_DATA = man/mod_authn_httptoken.8
endif
man/mod_authn_httptoken.8: man/mod_authn_httptoken.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && $(man_subst) $(srcdir)/man/mod_authn_httptoken.8.in >$@.tmp && mv $@.tmp $@
man/tokenctl.8: man/tokenctl.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && $(man_subst) $(srcdir)/man/tokenctl.8.in >$@.tmp && mv $@.tmp $@
man/httptoken-userdel-hook.8: man/httptoken-userdel-hook.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && $(man_subst) $(srcdir)/man/httptoken-userdel-hook.8.in >$@.tmp && mv $@.tmp $@
man/httptokend.8: man/httptokend.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && $(man_subst) $(srcdir)/man/httptokend.8.in >$@.tmp && mv $@.tmp $@

# Tests of what ships beside the programs: each page renders without a
# warning from groff (as `man --warnings` runs it) nor from mandoc's
# linter, the bash completion offers what tokenctl accepts, and `make
# install` lays the files out as install.mk promises. The Debian
# package's own smoke test, tests/package/deb-smoke.sh, installs packages
# and is run by CI (tests/package/run.sh), not by make check.
PACKAGE_TESTS = tests/package/man-lint.sh tests/package/completion.sh \
	tests/package/install.sh
EXTRA_DIST += $(PACKAGE_TESTS)
TESTS += $(PACKAGE_TESTS)

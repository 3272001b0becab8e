# SPDX-License-Identifier: GPL-3.0-or-later
# The Apache httpd module: a thin layer over lib/verify.h, built with
# libtool against the headers apxs names (configure --with-apxs). Only the
# module structure is exported. authn_httptoken.load is what a2enmod reads.
# The Authorization header parser is a file of its own: the fuzzer and the
# unit test link it without Apache.
HTK_AUTHHEADER = mod_authn_httptoken/authheader.c mod_authn_httptoken/authheader.h
EXTRA_DIST += mod_authn_httptoken/authn_httptoken.load.in
if APACHE_MODULE
apachemod_LTLIBRARIES += mod_authn_httptoken/mod_authn_httptoken.la
mod_authn_httptoken_mod_authn_httptoken_la_SOURCES = \
	$(HTK_AUTHHEADER) \
	mod_authn_httptoken/dirconf.c mod_authn_httptoken/dirconf.h \
	mod_authn_httptoken/mod_authn_httptoken.c
mod_authn_httptoken_mod_authn_httptoken_la_CPPFLAGS = $(AM_CPPFLAGS) $(APACHE_CPPFLAGS)
mod_authn_httptoken_mod_authn_httptoken_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version \
	-shared -export-symbols-regex '^authn_httptoken_module$$'
mod_authn_httptoken_mod_authn_httptoken_la_LIBADD = lib/libhttptoken.la

apacheloaddir = $(sysconfdir)/apache2/mods-available
apacheload_DATA = mod_authn_httptoken/authn_httptoken.load
CLEANFILES += mod_authn_httptoken/authn_httptoken.load
mod_authn_httptoken/authn_httptoken.load: $(srcdir)/mod_authn_httptoken/authn_httptoken.load.in Makefile
	$(AM_V_GEN)$(MKDIR_P) mod_authn_httptoken && \
	sed 's#@MODULEDIR@#$(apachemoddir)#' $(srcdir)/mod_authn_httptoken/authn_httptoken.load.in > $@

endif

# Apache loads the .so by path; libtool's .la is of no use there.
install-data-hook: install-apache-module
uninstall-hook: uninstall-apache-module
install-apache-module:
	rm -f '$(DESTDIR)$(apachemoddir)/mod_authn_httptoken.la'
uninstall-apache-module:
	rm -f '$(DESTDIR)$(apachemoddir)/mod_authn_httptoken.so'

# SPDX-License-Identifier: GPL-3.0-or-later
# The PAM module: a thin layer over lib/verify.h. Only pam_sm_* is
# exported, so the library inside cannot clash with a host's symbols.
# -z nodelete: servers such as mod_authnz_pam call pam_end after every
# request, which would otherwise unload the module and libsodium and make
# the next request load and relocate them again (measured: about 400 us of
# a 500 us authentication). The module keeps no state, so staying loaded
# changes nothing but the cost.
pam_LTLIBRARIES += pam_httptoken/pam_httptoken.la
pam_httptoken_pam_httptoken_la_SOURCES = \
	pam_httptoken/log.c pam_httptoken/log.h \
	pam_httptoken/options.c pam_httptoken/options.h \
	pam_httptoken/pam_httptoken.c
pam_httptoken_pam_httptoken_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-no-undefined -export-symbols-regex '^pam_sm_' -Wl,-z,nodelete
pam_httptoken_pam_httptoken_la_LIBADD = lib/libhttptoken.la $(PAM_LIBS)

# SPDX-License-Identifier: GPL-3.0-or-later
# What `make install` does beyond copying files, so that an installed tree
# looks the way a sysadmin expects a PAM module to be installed.
#
# - The module is loaded by name from $(pamdir); libtool's .la file is of no
#   use there and only confuses PAM module listings: remove it.
# - tokenctl and httptokend are ordinary 0755 programs: no setuid bit.
#   Users' changes go through httptokend (started by httptokend.socket,
#   installed in $(systemdsystemunitdir)); enabling the socket is the
#   sysadmin's or the package's step.
# - The directories of the default store and key (--with-store,
#   --with-keyfile; by default LOCALSTATEDIR/lib/httptoken and
#   SYSCONFDIR/httptoken) are created 0755; the store and key inside them
#   are 0640 root:httptoken. Nothing here ever creates or replaces a store
#   or a key: `tokenctl init` does.

install-data-hook: install-httptoken-data
uninstall-hook: uninstall-httptoken

# $(pamdir) is not an "exec" directory to Automake, so the module is
# installed with the data.
install-httptoken-data:
	rm -f '$(DESTDIR)$(pamdir)/pam_httptoken.la'
	@statedir=`dirname '$(HT_DEFAULT_DB)'`; confdir=`dirname '$(HT_DEFAULT_KEY)'`; \
	echo " $(MKDIR_P) '$(DESTDIR)'$$statedir '$(DESTDIR)'$$confdir"; \
	$(MKDIR_P) "$(DESTDIR)$$statedir" "$(DESTDIR)$$confdir" && \
	chmod 0755 "$(DESTDIR)$$statedir" "$(DESTDIR)$$confdir"

# The .so is what libtool would have removed through the .la; the
# directories are left alone: they may hold a store and a key.
uninstall-httptoken:
	rm -f '$(DESTDIR)$(pamdir)/pam_httptoken.so'

.PHONY: install-httptoken-data uninstall-httptoken
.PHONY: install-apache-module uninstall-apache-module

# Bash completion of commands, options and token ids.
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = completion/tokenctl

# The example configuration from etc/ (tested by tests/e2e), for
# sysadmins to copy: $(docdir)/examples/ and its apache/, pam.d/ and
# sshd/ directories.
examplesdir = $(docdir)/examples
examples_DATA = etc/README.md
examples_apachedir = $(docdir)/examples/apache
examples_apache_DATA = etc/apache/httptoken-git.conf \
	etc/apache/httptoken-git-native.conf
examples_pamddir = $(docdir)/examples/pam.d
examples_pamd_DATA = \
	etc/pam.d/git-read \
	etc/pam.d/git-read-proj-repo \
	etc/pam.d/git-write \
	etc/pam.d/git-write-proj-repo \
	etc/pam.d/sshd-httptoken
examples_sshddir = $(docdir)/examples/sshd
examples_sshd_DATA = etc/sshd/httptoken.conf
examples_pamd_DATA += etc/pam.d/nginx-git etc/pam.d/dovecot-httptoken
examples_nginxdir = $(docdir)/examples/nginx
examples_nginx_DATA = etc/nginx/httptoken-git.conf
examples_dovecotdir = $(docdir)/examples/dovecot
examples_dovecot_DATA = etc/dovecot/10-auth-httptoken.conf

dist_doc_DATA = docs/install.md

# The Debian packaging travels in the tarball: the project is its own
# upstream (source format 3.0 (native)).
EXTRA_DIST += \
	debian/changelog \
	debian/control \
	debian/copyright \
	debian/libpam-httptoken.lintian-overrides \
	debian/libapache2-mod-authn-httptoken.lintian-overrides \
	debian/libpam-httptoken.postinst \
	debian/libpam-httptoken.postrm \
	debian/rules \
	debian/source/format \
	tests/package/deb-smoke.sh

# SPDX-License-Identifier: GPL-3.0-or-later
# Example configuration, shipped as documentation (the packaging installs it
# under $(docdir)/examples). The end-to-end tests run these very files.
EXTRA_DIST += \
	etc/README.md \
	etc/apache/httptoken-git.conf \
	etc/apache/httptoken-git-native.conf \
	etc/pam.d/git-read \
	etc/pam.d/git-write \
	etc/pam.d/git-read-proj-repo \
	etc/pam.d/git-write-proj-repo \
	etc/pam.d/sshd-httptoken \
	etc/sshd/httptoken.conf
EXTRA_DIST += etc/nginx/httptoken-git.conf etc/pam.d/nginx-git
EXTRA_DIST += etc/dovecot/10-auth-httptoken.conf etc/pam.d/dovecot-httptoken

# httptokend's systemd units, with this build's paths.
systemdsystemunit_DATA += etc/systemd/httptokend.socket etc/systemd/httptokend.service
EXTRA_DIST += etc/systemd/httptokend.socket.in etc/systemd/httptokend.service.in
CLEANFILES += etc/systemd/httptokend.socket etc/systemd/httptokend.service
unit_subst = sed -e 's|@SOCKET@|$(HT_DEFAULT_SOCKET)|g' -e 's|@SBINDIR@|$(sbindir)|g' \
	-e "s|@DBDIR@|`dirname '$(HT_DEFAULT_DB)'`|g"
etc/systemd/httptokend.socket: etc/systemd/httptokend.socket.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc/systemd && $(unit_subst) $(srcdir)/etc/systemd/httptokend.socket.in >$@.tmp && mv $@.tmp $@
etc/systemd/httptokend.service: etc/systemd/httptokend.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc/systemd && $(unit_subst) $(srcdir)/etc/systemd/httptokend.service.in >$@.tmp && mv $@.tmp $@

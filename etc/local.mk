# SPDX-License-Identifier: GPL-3.0-or-later
# Example configuration, shipped as documentation (the packaging installs it
# under $(docdir)/examples). The end-to-end tests run these very files.
EXTRA_DIST += \
	etc/README.md \
	etc/apache/httptoken-git.conf \
	etc/pam.d/git-read \
	etc/pam.d/git-write \
	etc/pam.d/git-read-proj-repo \
	etc/pam.d/git-write-proj-repo \
	etc/pam.d/sshd-httptoken \
	etc/sshd/httptoken.conf

# The replica's follower (a fleet of hosts), installed where systemd looks
# for units (--with-systemdsystemunitdir; default from systemd's pkg-config).
systemdsystemunit_DATA = etc/systemd/httptoken-sync.service
EXTRA_DIST += etc/systemd/httptoken-sync.service.in
CLEANFILES += etc/systemd/httptoken-sync.service
etc/systemd/httptoken-sync.service: etc/systemd/httptoken-sync.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc/systemd && db='$(HT_DEFAULT_DB)'; \
	sed -e 's|@SBINDIR@|$(sbindir)|g' -e 's|@CONFFILE@|$(HT_DEFAULT_CONF)|g' \
	    -e "s|@DBDIR@|`dirname "$$db"`|g" \
	    $(srcdir)/etc/systemd/httptoken-sync.service.in >$@.tmp && mv $@.tmp $@

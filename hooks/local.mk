# SPDX-License-Identifier: GPL-3.0-or-later
# What keeps tokens in step with their owners' accounts outside tokenctl
# itself: the hook for deleted accounts (installed under $(pkgdatadir), for
# the administrator to enable: a package must not write /usr/local or
# another package's login.defs), and the systemd units that run `tokenctl
# sweep` every minute and `tokenctl notify` daily.
pkgdata_SCRIPTS = hooks/userdel-hook
systemdsystemunit_DATA += etc/systemd/httptoken-sweep.service \
	etc/systemd/httptoken-sweep.timer \
	etc/systemd/httptoken-notify.service \
	etc/systemd/httptoken-notify.timer
EXTRA_DIST += hooks/userdel-hook.in \
	etc/systemd/httptoken-sweep.service.in etc/systemd/httptoken-sweep.timer \
	etc/systemd/httptoken-notify.service.in etc/systemd/httptoken-notify.timer
CLEANFILES += hooks/userdel-hook etc/systemd/httptoken-sweep.service \
	etc/systemd/httptoken-notify.service

hooks_subst = db='$(HT_DEFAULT_DB)'; \
	sed -e 's|@SBINDIR@|$(sbindir)|g' -e 's|@PKGDATADIR@|$(pkgdatadir)|g' \
	    -e "s|@DB@|$$db|g" -e "s|@DBDIR@|`dirname "$$db"`|g"

hooks/userdel-hook: hooks/userdel-hook.in Makefile
	$(AM_V_GEN)$(MKDIR_P) hooks && $(hooks_subst) $(srcdir)/hooks/userdel-hook.in >$@.tmp && \
	chmod 0755 $@.tmp && mv $@.tmp $@
etc/systemd/httptoken-sweep.service: etc/systemd/httptoken-sweep.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc/systemd && \
	$(hooks_subst) $(srcdir)/etc/systemd/httptoken-sweep.service.in >$@.tmp && mv $@.tmp $@
etc/systemd/httptoken-notify.service: etc/systemd/httptoken-notify.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc/systemd && \
	$(hooks_subst) $(srcdir)/etc/systemd/httptoken-notify.service.in >$@.tmp && mv $@.tmp $@

# SPDX-License-Identifier: GPL-3.0-or-later
# tokenctl: everything but main() and the compiled-in paths lives in a
# convenience library, which httptokend links too: the daemon runs the
# very same command code for its callers.
noinst_LTLIBRARIES += tokenctl/libtokenctl.la
tokenctl_libtokenctl_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/httptokend -I$(top_srcdir)/fleet
tokenctl_libtokenctl_la_SOURCES = \
	tokenctl/tokenctl.h \
	tokenctl/main.c \
	tokenctl/args.c \
	tokenctl/audit.c \
	tokenctl/caller.c \
	tokenctl/capture.c \
	tokenctl/client.c \
	tokenctl/exit.c \
	tokenctl/idlist.c \
	tokenctl/limits.c \
	tokenctl/mail.c \
	tokenctl/output.c \
	tokenctl/owner.c \
	tokenctl/owner_mail.c \
	tokenctl/privs.c \
	tokenctl/roles.c \
	tokenctl/session.c \
	tokenctl/cmd_backup.c \
	tokenctl/cmd_create.c \
	tokenctl/cmd_edit.c \
	tokenctl/cmd_init.c \
	tokenctl/cmd_list.c \
	tokenctl/cmd_notify.c \
	tokenctl/cmd_session.c \
	tokenctl/cmd_policy.c \
	tokenctl/cmd_purge.c \
	tokenctl/cmd_revoke.c \
	tokenctl/revoke_bulk.c \
	tokenctl/cmd_rotate.c \
	tokenctl/cmd_show.c \
	tokenctl/cmd_sweep.c \
	tokenctl/cmd_upgrade.c \
	tokenctl/cmd_registry.c \
	tokenctl/registry_args.c \
	tokenctl/registry_out.c \
	tokenctl/registry_forget.c \
	tokenctl/notify_to.h \
	tokenctl/notify_to.c \
	tokenctl/fleetctl.h \
	tokenctl/fleet_session.c \
	tokenctl/fleet_sync.c \
	tokenctl/fleet_quota.c \
	tokenctl/fleet_lastuse.c \
	tokenctl/cmd_fleet.c \
	tokenctl/cmd_sync.c

sbin_PROGRAMS += tokenctl/tokenctl
tokenctl_tokenctl_SOURCES = tokenctl/tokenctl.c tokenctl/paths.c
tokenctl_tokenctl_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/httptokend
tokenctl_tokenctl_LDADD = tokenctl/libtokenctl.la fleet/libfleet.la httptokend/libhtproto.la \
	lib/libhttptoken.la

# SPDX-License-Identifier: GPL-3.0-or-later
# httptokend, the root daemon that runs tokenctl's commands for users, and
# the protocol both ends speak (a convenience library tokenctl links too).
noinst_LTLIBRARIES += httptokend/libhtproto.la
httptokend_libhtproto_la_SOURCES = \
	httptokend/json.c httptokend/json.h \
	httptokend/proto.c httptokend/proto.h

sbin_PROGRAMS += httptokend/httptokend
httptokend_httptokend_SOURCES = \
	httptokend/httptokend.h \
	httptokend/main.c \
	httptokend/listen.c \
	httptokend/limits.c \
	httptokend/serve.c \
	tokenctl/paths.c
httptokend_httptokend_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tokenctl
httptokend_httptokend_LDADD = tokenctl/libtokenctl.la httptokend/libhtproto.la \
	lib/libhttptoken.la

# SPDX-License-Identifier: GPL-3.0-or-later
# httptoken-web, the CGI program of the web page, and its parsers (a
# convenience library the unit tests and fuzz targets link too).
noinst_LTLIBRARIES += httptoken-web/libwebparse.la
httptoken_web_libwebparse_la_SOURCES = httptoken-web/web.h \
	httptoken-web/urlenc.c httptoken-web/query.c httptoken-web/body.c \
	httptoken-web/cookie.c httptoken-web/html.c httptoken-web/list.c
httptoken_web_libwebparse_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/httptokend

webcgidir = $(libexecdir)/httptoken
webcgi_PROGRAMS = httptoken-web/httptoken-web
httptoken_web_httptoken_web_SOURCES = httptoken-web/main.c httptoken-web/call.c \
	httptoken-web/page.c httptoken-web/page.h httptoken-web/view.c httptoken-web/view.h \
	httptoken-web/app.h httptoken-web/admin.c httptoken-web/view_admin.c
httptoken_web_httptoken_web_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/httptokend
httptoken_web_httptoken_web_LDADD = httptoken-web/libwebparse.la httptokend/libhtproto.la \
	lib/libhttptoken.la

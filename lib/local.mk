# SPDX-License-Identifier: GPL-3.0-or-later
# The internal library shared by the module, tokenctl, the tests and the
# benchmarks. It knows nothing of PAM or of the command line.
noinst_LTLIBRARIES += lib/libhttptoken.la
lib_libhttptoken_la_SOURCES = \
	lib/accounts.c lib/accounts.h \
	lib/account.c lib/account.h \
	lib/authlog.c lib/authlog.h \
	lib/backup.c \
	lib/codec.c lib/codec.h \
	lib/error.c lib/error.h \
	lib/gitreq.c lib/gitreq.h \
	lib/key.c lib/key.h \
	lib/lastused.c lib/lastused.h \
	lib/newfile.c lib/newfile.h \
	lib/notified.c lib/notified.h \
	lib/passwd.c \
	lib/policy.c lib/policy.h \
	lib/quota.c lib/quota.h \
	lib/record.c lib/record.h \
	lib/registry.c lib/registry.h \
	lib/registry_store.c lib/registry_store.h \
	lib/refusal.c lib/refusal.h \
	lib/safefile.c lib/safefile.h \
	lib/scope.c lib/scope.h \
	lib/sealed.c lib/sealed.h \
	lib/snapshot.c lib/snapshot.h \
	lib/store.c lib/store.h lib/store_impl.h \
	lib/token.c lib/token.h \
	lib/tombstone.c lib/tombstone.h \
	lib/txn.c \
	lib/upgrade.c lib/upgrade.h \
	lib/utf8.c lib/utf8.h \
	lib/verify.c lib/verify.h \
	lib/writer.c
lib_libhttptoken_la_LIBADD = $(SODIUM_LIBS) $(GDBM_LIBS)

# SPDX-License-Identifier: GPL-3.0-or-later
# The fleet: PostgreSQL as the source of truth, this host's store as its
# replica. Linked by tokenctl only: the PAM module never links libpq.
noinst_LTLIBRARIES += fleet/libfleet.la
fleet_libfleet_la_SOURCES = \
	fleet/conf.c fleet/conf.h \
	fleet/pg.c fleet/pg.h fleet/pg_impl.h \
	fleet/pg_lastuse.c fleet/pg_load.c \
	fleet/replica.c fleet/replica.h \
	fleet/replica_entry.c \
	fleet/rowcheck.c fleet/rowcheck.h \
	fleet/sign.c fleet/sign.h
fleet_libfleet_la_CPPFLAGS = $(AM_CPPFLAGS) $(PQ_CFLAGS)
fleet_libfleet_la_CFLAGS = $(AM_CFLAGS) -pthread
fleet_libfleet_la_LIBADD = $(PQ_LIBS) -lpthread

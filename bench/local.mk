# SPDX-License-Identifier: GPL-3.0-or-later
# rules for bench/

# --- benchmarks of an authentication (bench/run.sh) ------------------------
# Built with everything else so that they keep compiling with -Werror; run
# by hand or by bench/run.sh, never by make check.
noinst_PROGRAMS += bench/bench-store bench/pam-bench bench/verify-bench bench/crypt-bench
BENCH_UTIL = bench/bench-util.c bench/bench-util.h
bench_bench_store_SOURCES = bench/bench-store.c $(BENCH_UTIL)
bench_bench_store_CPPFLAGS = $(FIXTURE_CPPFLAGS)
bench_bench_store_LDADD = $(FIXTURE_LIBS)
bench_pam_bench_SOURCES = bench/pam-bench.c $(BENCH_UTIL)
bench_pam_bench_CPPFLAGS = $(FIXTURE_CPPFLAGS)
bench_pam_bench_LDADD = tests/fixture/libpamconv.la $(PAM_LIBS)
bench_verify_bench_SOURCES = bench/verify-bench.c $(BENCH_UTIL)
bench_verify_bench_CFLAGS = $(AM_CFLAGS) -pthread
bench_verify_bench_LDADD = lib/libhttptoken.la $(SODIUM_LIBS) $(GDBM_LIBS) -lpthread
bench_crypt_bench_SOURCES = bench/crypt-bench.c $(BENCH_UTIL)
bench_crypt_bench_LDADD = -lcrypt
EXTRA_DIST += bench/run.sh docs/benchmarks.md
EXTRA_DIST += bench/fleet-latency.sh bench/fleet-lastuse.sh
EXTRA_DIST += bench/fleet-scale.sh
# --- end of the authentication benchmarks ----------------------------------

# --- tokenctl at scale (bench/tokenctl-scale.sh) ---------------------------
# Times `tokenctl create` and `list --all` on a 100k-token store built with
# bench/bench-store. Run by hand from the build tree, never by make check.
EXTRA_DIST += bench/tokenctl-scale.sh bench/daemon-latency.sh
# --- end of tokenctl at scale ------------------------------------------------

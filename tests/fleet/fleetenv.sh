# SPDX-License-Identifier: GPL-3.0-or-later
# Shared setup for the fleet tests (sourced): a private PostgreSQL 15 and
# three hosts A, B and C on this machine, each with its own configuration,
# store directory and replica, all with one key file and signing key.
#
# PostgreSQL runs as an unprivileged account (nobody), its data directory
# and Unix socket inside the test's scratch directory, listen_addresses
# empty: nothing system-wide is touched, and it is stopped on exit.
. "$top_srcdir/tests/pam/pamenv.sh"

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGUSER_OS=${PGUSER_OS:-nobody}

fleet_env_setup() {
	[ "$(id -u)" = 0 ] || tap_skip_all "needs root (PostgreSQL runs as $PGUSER_OS)"
	[ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] ||
		tap_skip_all "PostgreSQL 15 not installed ($PGBIN)"
	command -v psql >/dev/null || tap_skip_all "psql not installed"
	[ -x "$TOKENCTL" ] || tap_skip_all "tokenctl not built: $TOKENCTL"
	pam_env_setup
	trap 'pg_stop_quiet; kill_followers; rm -rf "$TEST_TMP"' EXIT
	# The harness's timeout sends TERM: stop PostgreSQL then too.
	trap 'exit 1' INT TERM
	PGDIR="$TEST_TMP/pg"
	PGSOCK="$TEST_TMP/pgsock"
	mkdir -p "$PGDIR" "$PGSOCK"
	chown "$PGUSER_OS" "$PGDIR" "$PGSOCK"
	chmod 0700 "$PGDIR"
	runuser -u "$PGUSER_OS" -- "$PGBIN/initdb" -D "$PGDIR/data" -U postgres -A trust \
		>"$TEST_TMP/initdb.log" 2>&1 || tap_bail "initdb failed: $(tail -3 "$TEST_TMP/initdb.log")"
	pg_start
	pg_sql postgres "CREATE DATABASE httptoken" >/dev/null || tap_bail "createdb failed"
	CONNINFO="host=$PGSOCK port=5432 dbname=httptoken user=postgres"
	SHARED="$TEST_TMP/shared"
	mkdir -p "$SHARED" && chmod 0755 "$SHARED"
	for h in A B C; do
		mkdir -p "$TEST_TMP/$h" && chmod 0755 "$TEST_TMP/$h"
		printf '# host %s\nsource = postgresql\npostgresql = %s\n' "$h" "$CONNINFO" \
			>"$TEST_TMP/$h/httptoken.conf"
	done
}

pg_start() {
	runuser -u "$PGUSER_OS" -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
		-o "-c listen_addresses='' -k $PGSOCK -p 5432" start >/dev/null 2>&1 ||
		tap_bail "PostgreSQL did not start: $(tail -3 "$PGDIR/log")"
}

pg_stop() {
	runuser -u "$PGUSER_OS" -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1
}

pg_stop_quiet() { [ -n "${PGDIR:-}" ] && [ -f "$PGDIR/data/postmaster.pid" ] && pg_stop; true; }

# pg_sql DATABASE SQL: the result, unaligned, tuples only.
pg_sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PGSOCK" -p 5432 -U postgres -d "$1" -c "$2"; }

# on HOST tokenctl-arguments...: tokenctl as root on host A, B or C (its
# configuration and replica; the one shared key file).
on() {
	h=$1
	shift
	"$TOKENCTL" --config "$TEST_TMP/$h/httptoken.conf" --db "$TEST_TMP/$h/tokens.db" \
		--keyfile "$SHARED/key" "$@"
}

# host_service HOST: a PAM service "host-a" (b, c: PAM lowercases service
# names) that reads HOST's replica.
host_service() {
	DB="$TEST_TMP/$1/tokens.db"
	KEY="$SHARED/key"
	service "host-$(printf '%s' "$1" | tr A-Z a-z)"
}

# login HOST TOKEN: the module's answer on HOST for root with TOKEN.
login() { auth "host-$(printf '%s' "$1" | tr A-Z a-z)" root "$2"; }

# hold_writers_lock: another client takes the writers' advisory lock
# (pg.c) and keeps it until release_writers_lock; returns once it holds it.
WRITERS_LOCK=1752462443
hold_writers_lock() {
	pg_sql httptoken "BEGIN; SELECT pg_advisory_xact_lock($WRITERS_LOCK); SELECT pg_sleep(30); COMMIT" \
		>/dev/null 2>&1 &
	HOLDER=$!
	n=0
	until [ "$(pg_sql httptoken "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" = 1 ] ||
		[ $n -ge 100 ]; do sleep 0.1; n=$((n + 1)); done
}
release_writers_lock() {
	pg_sql httptoken "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()" >/dev/null
	kill "$HOLDER" 2>/dev/null
	wait "$HOLDER" 2>/dev/null
}

FOLLOWERS=""
kill_followers() { for p in $FOLLOWERS; do kill "$p" 2>/dev/null; done; true; }

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every benchmark of an authentication in one command; prints a table of
# medians with ratios to pam_permit, the targets, and the machine.
#
#   bench/run.sh           stores of 1k, 100k and 1M tokens (built once
#                          into bench/out/ and reused), a few minutes
#   bench/run.sh --quick   smoke run on a 1k-token store in a temporary
#                          directory, well under 20 seconds
#
# Needs a built tree (make). As root it also measures pam_unix with a
# temporary account and drops all caches for the cold runs; otherwise
# those rows say why they are missing or what was done instead.
# BENCH_OUT=DIR keeps the stores elsewhere than bench/out/.
set -eu

quick=0
case "${1:-}" in
--quick) quick=1 ;;
"") ;;
*) echo "usage: $0 [--quick]" >&2; exit 64 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(dirname "$here")}
top_builddir=${top_builddir:-$top_srcdir}
bin=$top_builddir/bench
module=$top_builddir/pam_httptoken/.libs/pam_httptoken.so
tokenctl=$top_builddir/tokenctl/tokenctl
# The tokens' owner is the account running the benchmark: the module
# accepts a personal token only for its owner's existing account (name
# and uid), and bench-store records the caller's uid.
user=$(id -un)
unix_user=htbench-unix
password=bench-Pa55word

for p in bench-store pam-bench verify-bench crypt-bench; do
	if [ ! -x "$bin/$p" ]; then
		echo "run.sh: $bin/$p is not built; run make first" >&2
		exit 69
	fi
done

umask 022
work=$(mktemp -d "${TMPDIR:-/tmp}/httptoken-bench.XXXXXX")
unix_added=0
cleanup() {
	if [ "$unix_added" = 1 ]; then userdel "$unix_user" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$work"
res=$work/results
conf=$work/conf
mkdir -m 755 "$conf"
: > "$res"

if [ "$quick" = 1 ]; then
	sizes=1000 out=$work/stores
	n_permit=2000 n_tok=2000 n_userdb=100 n_unix=5 n_cold=5 n_mem=20000
	n_verify=2000 n_crypt=20 thread_secs=0.3 thread_reps=1 rounds=3
else
	sizes="1000 100000 1000000" out=${BENCH_OUT:-$top_builddir/bench/out}
	n_permit=20000 n_tok=20000 n_userdb=1000 n_unix=40 n_cold=30 n_mem=1000000
	n_verify=20000 n_crypt=200 thread_secs=1 thread_reps=5 rounds=5
fi
for n in $sizes; do largest=$n; done
mkdir -p "$out"
chmod 755 "$out"

note() { printf '%s\n' "$*" >&2; }
# val TYPE NAME FIELD: a field of a "TYPE NAME k=v ..." result line.
val() {
	awk -v t="$1" -v n="$2" -v f="$3" '$1 == t && $2 == n {
		for (i = 3; i <= NF; i++) { split($i, a, "="); if (a[1] == f) v = a[2] }
	} END { if (v != "") print v }' "$res"
}
now_ns() { date +%s%N; }
# keep SED-SCRIPT COMMAND...: runs a benchmark, fails the run if it fails,
# and appends its lines to the results after rewriting them with sed.
keep() {
	script=$1; shift
	"$@" > "$work/out"
	sed "$script" "$work/out" >> "$res"
}

# --- stores -----------------------------------------------------------------
# A store is reused only when its build finished (the "ready" file) for
# the same owner account.
store_for() {
	d=$out/store-$1
	if [ "$(cat "$d/ready" 2>/dev/null)" != "$user $(id -u)" ]; then
		rm -rf "$d"
		mkdir -m 755 "$d"
		note "building a store of $1 tokens in $d ..."
		"$bin/bench-store" "$d/tokens.db" "$d/key" "$1" "$user" "$d/secrets" 1000 >&2
		echo "$user $(id -u)" > "$d/ready"
	fi
}
for n in $sizes; do store_for "$n"; done

# --- PAM services ---------------------------------------------------------------
service() { # NAME LINE...: a private service file
	name=$1; shift
	printf '%s\n' "$@" > "$conf/$name"
}
service permit 'auth required pam_permit.so' 'account required pam_permit.so'
have_module=0
if [ -f "$module" ]; then
	have_module=1
	for n in $sizes; do
		args="db=$out/store-$n/tokens.db keyfile=$out/store-$n/key"
		service "httptoken-$n" "auth required $module $args" "account required $module $args"
		service "httptoken-$n-nolu" "auth required $module $args no_lastused" \
			"account required $module $args no_lastused"
	done
else
	note "pam_httptoken.so is not built: no module rows"
fi
printf '%s\n' "$password" > "$work/password"

have_userdb=0
db_load=$(command -v db_load || command -v db5.3_load || true)
if [ -n "$db_load" ]; then
	hash=$("$bin/crypt-bench" hash '$6$' "$password")
	printf '%s\n%s\n' "$user" "$hash" | "$db_load" -T -t hash "$work/userdb.db"
	service userdb "auth required pam_userdb.so db=$work/userdb crypt=crypt" \
		"account required pam_userdb.so db=$work/userdb"
	have_userdb=1
else
	note "no db_load (package db-util): no pam_userdb row"
fi

have_unix=0
unix_comment="httptoken benchmark, temporary"
# An account left by a run that was killed is recognised by its comment.
if [ "$(id -u)" = 0 ] && [ "$(getent passwd "$unix_user" | cut -d: -f5)" = "$unix_comment" ]; then
	userdel "$unix_user"
fi
if [ "$(id -u)" = 0 ] && command -v useradd >/dev/null && ! id "$unix_user" >/dev/null 2>&1; then
	hash=$("$bin/crypt-bench" hash '$y$' "$password")
	useradd -M -d /nonexistent -s /usr/sbin/nologin -c "$unix_comment" "$unix_user"
	unix_added=1
	printf '%s:%s\n' "$unix_user" "$hash" | chpasswd -e
	service unix 'auth required pam_unix.so' 'account required pam_unix.so'
	have_unix=1
else
	note "not root (or $unix_user exists): no pam_unix/yescrypt row"
fi

# --- whole PAM transactions, warm cache, all stacks interleaved ------------------
stacks="permit,$user,$work/password,$n_permit"
if [ "$have_module" = 1 ]; then
	for n in $sizes; do
		stacks="$stacks httptoken-$n,$user,$out/store-$n/secrets,$n_tok,1000"
	done
	stacks="$stacks httptoken-$largest-nolu,$user,$out/store-$largest/secrets,$n_tok,1000"
fi
[ "$have_userdb" = 1 ] && stacks="$stacks userdb,$user,$work/password,$n_userdb,10"
[ "$have_unix" = 1 ] && stacks="$stacks unix,$unix_user,$work/password,$n_unix,2"
note "PAM transactions, warm cache ..."
# shellcheck disable=SC2086
keep 's/^stack /warm /' "$bin/pam-bench" -c "$conf" -r "$rounds" -w 100 $stacks

# --- cold cache --------------------------------------------------------------------
if [ "$have_module" = 1 ]; then
	if [ "$(id -u)" = 0 ] && [ -w /proc/sys/vm/drop_caches ]; then
		cold_how="echo 3 > /proc/sys/vm/drop_caches before each transaction"
		evict=-D
	else
		cold_how="posix_fadvise(DONTNEED) on the store and key before each transaction"
		evict=
		for n in $sizes; do
			evict="$evict -e $out/store-$n/tokens.db -e $out/store-$n/key"
		done
	fi
	stacks="permit,$user,$work/password,$n_cold,10"
	for n in $sizes; do
		stacks="$stacks httptoken-$n,$user,$out/store-$n/secrets,$n_cold,10"
	done
	note "PAM transactions, cold cache ($cold_how) ..."
	# shellcheck disable=SC2086
	keep 's/^stack /cold /' "$bin/pam-bench" -c "$conf" -r "$rounds" $evict $stacks
fi

# --- bcrypt as Apache checks an htpasswd -B file -----------------------------------
if command -v htpasswd >/dev/null; then
	hash=$(htpasswd -nbB "$user" "$password" | cut -d: -f2)
	keep 's/^crypt /crypt bcrypt /' "$bin/crypt-bench" time "$hash" "$password" "$n_crypt"
else
	note "no htpasswd (package apache2-utils): no bcrypt row"
fi

# --- the library's verify alone, per step, across threads -------------------------
for n in $sizes; do
	d=$out/store-$n
	flags=
	[ "$n" = "$largest" ] && flags="-b -t 1,2,4 -d $thread_secs -R $thread_reps"
	note "ht_verify_password on $n tokens ..."
	# shellcheck disable=SC2086
	keep "s/^verify /verify $n /; s/^step /step-$n /; s/^extra /extra-$n /;
	      s/^threads n=\\([0-9]*\\)/threads-$n \\1/" \
		"$bin/verify-bench" -n "$n_verify" $flags "$d/tokens.db" "$d/key" "$user" "$d/secrets"
done

# --- memory across many authentications -------------------------------------------
if [ "$have_module" = 1 ]; then
	note "$n_mem PAM transactions on the $largest-token store, watching RSS ..."
	"$bin/pam-bench" -c "$conf" -r 1 -m \
		"httptoken-$largest,$user,$out/store-$largest/secrets,$n_mem,1000" > "$work/mem"
	awk '$1 == "rss" && $2 == "start" { split($3, a, "="); print "rss start kb=" a[2] }
	     $1 == "rss" && $2 != "start" { split($4, a, "="); last = a[2]; n++
	                                    if (n == 1) print "rss first10 kb=" a[2] }
	     END { print "rss end kb=" last }' "$work/mem" >> "$res"
fi

# --- tokenctl on the largest store ---------------------------------------------------
# On a copy, so that the reused store stays as built.
if [ -x "$tokenctl" ]; then
	t=$work/tokenctl
	mkdir -m 755 "$t"
	cp "$out/store-$largest/tokens.db" "$out/store-$largest/key" "$t/"
	mkdir -m 3770 "$t/tokens.db.lastused"
	tk() { "$tokenctl" --db "$t/tokens.db" --keyfile "$t/key" "$@"; }
	timed() { # NAME COMMAND...: runs it, records the wall time in ms
		name=$1; shift
		t0=$(now_ns)
		if ! "$@"; then note "tokenctl $name failed"; return 1; fi
		echo "tokenctl $name ms=$(( ($(now_ns) - t0) / 1000000 ))" >> "$res"
	}
	note "tokenctl on $largest tokens ..."
	ok=1
	for i in 1 2 3; do
		timed create tk create --name "bench-cli-$i" > "$t/token-$i" || ok=0
	done
	if [ "$ok" = 1 ]; then
		tok_id() { cut -c5-20 "$t/token-$1"; }
		timed revoke tk revoke "$(tok_id 1)" 2>/dev/null || true
		timed revoke tk revoke "$(tok_id 2)" 2>/dev/null || true
		timed rotate tk rotate "$(tok_id 3)" >/dev/null 2>&1 || true
		timed list tk list --all >/dev/null || true
		timed purge tk purge --revoked >/dev/null 2>&1 || true
	fi
else
	note "tokenctl is not built: no tokenctl rows"
fi

# --- the table ------------------------------------------------------------------
floor=$(val warm permit median_us)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
num() { awk -v a="$1" 'BEGIN { if (a == "") print "-"; else if (a >= 100) printf "%.0f", a; else printf "%.1f", a }'; }
row() { # LABEL TYPE NAME: a PAM row with its ratio to pam_permit (warm)
	m=$(val "$2" "$3" median_us)
	[ -n "$m" ] || return 0
	printf '| %s | %s | %s | %s | %s |\n' "$1" "$(num "$m")" "$(num "$(val "$2" "$3" p90_us)")" \
		"$(ratio "$m" "$floor")" "$(net "$m")"
}
net() { awk -v a="$1" -v f="$floor" 'BEGIN { printf "%.1f", a - f }'; }
# net_ratio A B: (A - floor) / (B - floor), the modules' own costs compared.
net_ratio() { ratio "$(net "$1")" "$(net "$2")"; }
human() { case $1 in 1000) echo 1k ;; 100000) echo 100k ;; 1000000) echo 1M ;; *) echo "$1" ;; esac; }

echo
echo "## Whole PAM transactions (pam_start_confdir, authenticate, acct_mgmt, pam_end)"
echo
echo "| stack | median µs | p90 µs | × pam_permit | − pam_permit µs |"
echo "|---|---:|---:|---:|---:|"
row "pam_permit (framework floor)" warm permit
for n in $sizes; do row "pam_httptoken, $(human "$n") tokens" warm "httptoken-$n"; done
row "pam_httptoken, $(human "$largest") tokens, no_lastused" warm "httptoken-$largest-nolu"
row "pam_userdb, sha512-crypt" warm userdb
row "pam_unix, yescrypt" warm unix
row "bcrypt (htpasswd -B), crypt(3) alone, no PAM" crypt bcrypt
echo
if [ "$have_module" = 1 ]; then
	echo "Cold cache: $cold_how."
	echo
	echo "| stack, cold | median µs | p90 µs | × pam_permit (warm) | − pam_permit (warm) µs |"
	echo "|---|---:|---:|---:|---:|"
	row "pam_permit" cold permit
	for n in $sizes; do row "pam_httptoken, $(human "$n") tokens" cold "httptoken-$n"; done
	echo
fi

echo "## ht_verify_password alone (the module's own check, no PAM)"
echo
echo "| tokens | median µs | p90 µs | p99 µs |"
echo "|---|---:|---:|---:|"
for n in $sizes; do
	printf '| %s | %s | %s | %s |\n' "$(human "$n")" "$(num "$(val verify "$n" median_us)")" \
		"$(num "$(val verify "$n" p90_us)")" "$(num "$(val verify "$n" p99_us)")"
done
echo
echo "Where the time goes at $(human "$largest") tokens (medians, µs):"
echo
echo "| step | median µs |"
echo "|---|---:|"
awk -v s="step-$largest" -v x="extra-$largest" '$1 == s || $1 == x {
	split($3, a, "="); printf "| %s%s | %.2f |\n", ($1 == x ? "(other) " : ""), $2, a[2] }' "$res"
echo
echo "| threads | verifications/s | × one thread | CPUs busy | per CPU-second, × one thread | blocking waits / 1000 calls |"
echo "|---:|---:|---:|---:|---:|---:|"
awk -v s="threads-$largest" '$1 == s { split($3, a, "="); split($4, b, "="); split($5, c, "=");
	split($6, d, "="); eff = c[2] > 0 ? a[2] / c[2] : 0; if (base == "") base = eff
	printf "| %s | %s | %s | %s | %.2f | %s |\n", $2, a[2], b[2], c[2], base ? eff / base : 0, d[2] }' "$res"
echo
echo "CPUs busy: CPU seconds the process got per wall second. When it stays"
echo "below the thread count (up to the number of cores) while verifications"
echo "per CPU-second hold steady and blocking waits stay near zero, the threads"
echo "waited for a CPU taken by other load, not for each other."
echo

if [ "$have_module" = 1 ]; then
	echo "## Memory: $n_mem PAM transactions on the $(human "$largest") store, one process"
	echo
	echo "RSS at start $(val rss start kb) KiB, after 10 % $(val rss first10 kb) KiB, at end $(val rss end kb) KiB."
	echo
fi

if grep -q '^tokenctl ' "$res"; then
	echo "## tokenctl on a store of $(human "$largest") tokens (wall time, ms)"
	echo
	echo "| command | runs (ms) |"
	echo "|---|---|"
	awk '$1 == "tokenctl" { split($3, a, "="); v[$2] = v[$2] (v[$2] == "" ? "" : ", ") a[2]
	                         if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 } }
	     END { for (i = 1; i <= k; i++) printf "| %s | %s |\n", order[i], v[order[i]] }' "$res"
	echo
fi

# --- targets ---------------------------------------------------------------------
check() { # TEXT VALUE OP LIMIT
	verdict=$(awk -v v="$2" -v op="$3" -v l="$4" 'BEGIN {
		if (v == "" || v == "-") { print "n/a"; exit }
		ok = (op == "<=" ? v <= l : v >= l); print ok ? "met" : "MISSED" }')
	printf '| %s | %s | %s %s | %s |\n' "$1" "$2" "$3" "$4" "$verdict"
}
ht_large=$(val warm "httptoken-$largest" median_us)
echo "## Targets"
echo
echo "| target | measured | wanted | |"
echo "|---|---:|---:|---|"
for n in $sizes; do
	check "pam_httptoken $(human "$n") / pam_permit" "$(ratio "$(val warm "httptoken-$n" median_us)" "$floor")" "<=" 1.5
done
check "verify median at $(human "$largest"), µs" "$(val verify "$largest" median_us)" "<=" 20
check "pam_userdb / pam_httptoken $(human "$largest")" "$(ratio "$(val warm userdb median_us)" "$ht_large")" ">=" 40
check "same, each minus pam_permit" "$(net_ratio "$(val warm userdb median_us)" "$ht_large")" ">=" 40
check "pam_unix / pam_httptoken $(human "$largest")" "$(ratio "$(val warm unix median_us)" "$ht_large")" ">=" 1000
check "same, each minus pam_permit" "$(net_ratio "$(val warm unix median_us)" "$ht_large")" ">=" 1000
check "2 threads / 1 thread" "$(awk -v s="threads-$largest" '$1 == s && $2 == 2 { split($4, a, "="); print a[2] }' "$res")" ">=" 1.8
check "tokenctl create, worst ms" "$(awk '$1 == "tokenctl" && $2 == "create" { split($3, a, "="); if (a[2] > m) m = a[2] } END { print m }' "$res")" "<=" 500
check "tokenctl revoke, worst ms" "$(awk '$1 == "tokenctl" && $2 == "revoke" { split($3, a, "="); if (a[2] > m) m = a[2] } END { print m }' "$res")" "<=" 500
echo

echo "## Machine"
echo
echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores online"
echo "- kernel: $(uname -srm); memory: $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
if [ -r /etc/os-release ]; then
	echo "- system: $(. /etc/os-release && echo "$PRETTY_NAME")"
fi
if command -v dpkg-query >/dev/null; then
	echo "- $(dpkg-query -W -f '${Package} ${Version}, ' libpam0g libgdbm6 libsodium23 libcrypt1 2>/dev/null | sed 's/, $//')"
fi
echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- command: bench/run.sh$( [ "$quick" = 1 ] && echo ' --quick')"

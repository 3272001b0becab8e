#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Requests per second through Apache httpd (mpm_event), side by side in one
# server and one run:
#   none     no authentication
#   permit   mod_authnz_pam + pam_permit (the cost of PAM itself)
#   pam      mod_authnz_pam + pam_httptoken, service as etc/pam.d/git-read-proj-repo
#   native   mod_authn_httptoken, the block of etc/apache/httptoken-git-native.conf
#   htpasswd an `htpasswd -B` file (mod_authn_file, bcrypt cost 5), what a
#            sysadmin would otherwise use
#
#   bench/apache-rps.sh [SECONDS [ROUNDS]]     (default 5 s per cell, 3 rounds)
#
# Run it as root from the build directory (or set top_builddir). Every
# variant is measured on two paths with HTTP Basic credentials (a
# repository token for PROJ/repo) on every request, 8 connections (wrk, or
# ab when wrk is missing), loopback only:
#   info/refs   GET /V/git/PROJ/repo.git/info/refs?service=git-upload-pack, what
#               every clone and fetch starts with (git-http-backend, a CGI)
#   static      GET /V/static/PROJ/repo.git/ping.txt, a 5-byte file: authentication
#               is then nearly all the work
# The cells are interleaved in rounds, so that a change in the machine's
# load hits every variant alike; the table gives the median of the rounds
# and their spread. Every attempt is logged as shipped (syslog, authpriv).
#
# PAM runs as in production: no pam_wrapper (under which every new httpd
# child copies its service directory into a /tmp/pam.X that collides with
# another child's). The two PAM services are private files under
# /etc/pam.d with names unique to this run, removed on exit. When a
# request fails, the error log's lines from that cell are printed.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# As root, in a /tmp of its own: pam_wrapper writes to fixed /tmp/pam.X paths.
[ -n "${HT_PRIVATE_TMP:-}" ] || exec "$top_srcdir/tests/private-tmp.sh" "$0" "$@"
top_builddir=${top_builddir:-$(pwd)}
SECONDS_EACH=${1:-5}
ROUNDS=${2:-3}
CONNECTIONS=8
TOKENCTL="$top_builddir/tokenctl/tokenctl"
PAM_MODULE="$top_builddir/pam_httptoken/.libs/pam_httptoken.so"
NATIVE_MODULE="$top_builddir/mod_authn_httptoken/.libs/mod_authn_httptoken.so"
VARIANTS="none permit pam native htpasswd"

die() { echo "apache-rps: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root: the PAM services are private files in /etc/pam.d"
[ -x "$TOKENCTL" ] && [ -f "$PAM_MODULE" ] ||
	die "run from the build directory after make (no $TOKENCTL)"
[ -f "$NATIVE_MODULE" ] || die "mod_authn_httptoken is not built (configure found no apxs)"
. "$top_srcdir/tests/e2e/apache-lib.sh"
why=$(apache_missing)
[ -z "$why" ] || die "$why"
[ -e "$APACHE_MODDIR/mod_authn_file.so" ] || die "mod_authn_file not installed"
command -v htpasswd >/dev/null || die "htpasswd (apache2-utils) not installed"
if command -v wrk >/dev/null; then LOADGEN=wrk
elif command -v ab >/dev/null; then LOADGEN=ab
else die "neither wrk nor ab (apache2-utils) installed"; fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/httptoken-bench.XXXXXX") || die "mktemp failed"
chmod 0755 "$WORK"
SERVICE_PERMIT="httptoken-bench-$$-permit"
SERVICE_TOKEN="httptoken-bench-$$-token"
trap 'apache_stop; rm -f "/etc/pam.d/$SERVICE_PERMIT" "/etc/pam.d/$SERVICE_TOKEN"; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM HUP
export HOME="$WORK/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"

DB="$WORK/store/tokens.db"
KEY="$WORK/store/key"
mkdir -p "$WORK/store"
"$TOKENCTL" --db "$DB" --keyfile "$KEY" init --group "$HTTPD_GROUP" 2>/dev/null ||
	die "tokenctl init failed"
tkb() { "$TOKENCTL" --db "$DB" --keyfile "$KEY" "$@"; }
# Register the scope where the store has a registry.
tkb project add PROJ >/dev/null 2>&1 || :
tkb repo add PROJ/repo >/dev/null 2>&1 || :
TOKEN=$(tkb create --name bench --repo PROJ/repo --perm read) || die "tokenctl create failed"
CRED="x-token-auth:$TOKEN"

apache_prepare "$WORK/srv" || die "cannot lay out the server root"
git config --global init.defaultBranch main
git config --global user.name bench
git config --global user.email bench@localhost
new_bare_repo PROJ/repo || die "cannot create the repository"
mkdir -p "$APACHE_DIR/static/PROJ/repo.git"
printf 'pong\n' > "$APACHE_DIR/static/PROJ/repo.git/ping.txt"
printf 'auth required pam_permit.so\naccount required pam_permit.so\n' \
	> "/etc/pam.d/$SERVICE_PERMIT"
pam_service_from_etc "$top_srcdir/etc/pam.d/git-read-proj-repo" "/etc/pam.d/$SERVICE_TOKEN" ||
	die "cannot write /etc/pam.d/$SERVICE_TOKEN"
htpasswd -c -b -B -C 5 "$APACHE_DIR/htpasswd" x-token-auth "$TOKEN" 2>/dev/null ||
	die "htpasswd failed"
chgrp "$HTTPD_GROUP" "$APACHE_DIR/htpasswd" && chmod 0640 "$APACHE_DIR/htpasswd"

# The site: each variant under its own prefix, the same two paths.
scope='(?<project>[A-Za-z][A-Za-z0-9_]*)/(?<repo>[^/]+)\.git/'
{
	echo "SetEnv GIT_PROJECT_ROOT \"$APACHE_DIR/git\""
	echo "SetEnv GIT_HTTP_EXPORT_ALL"
	echo "ScriptAliasMatch \"^/[a-z]+/git/(.*)\" \"$GIT_HTTP_BACKEND/\$1\""
	echo "AliasMatch \"^/[a-z]+/static/(.*)\" \"$APACHE_DIR/static/\$1\""
	echo "<Directory \"$APACHE_DIR/static\">"
	echo "    Require all granted"
	echo "</Directory>"
	echo "LogLevel warn authn_httptoken:info"
	echo "<LocationMatch \"^/none/\">"
	echo "    Require all granted"
	echo "</LocationMatch>"
	for v in permit pam; do
		[ $v = permit ] && service=$SERVICE_PERMIT || service=$SERVICE_TOKEN
		echo "<LocationMatch \"^/$v/\">"
		echo "    AuthType Basic"
		echo "    AuthName bench"
		echo "    AuthBasicProvider PAM"
		echo "    AuthPAMService $service"
		echo "    Require valid-user"
		echo "</LocationMatch>"
	done
	echo "<LocationMatch \"^/htpasswd/\">"
	echo "    AuthType Basic"
	echo "    AuthName bench"
	echo "    AuthBasicProvider file"
	echo "    AuthUserFile \"$APACHE_DIR/htpasswd\""
	echo "    Require valid-user"
	echo "</LocationMatch>"
	# As shipped, under this variant's prefix.
	echo "<LocationMatch \"^/native/(git|static)/$scope\">"
	sed -n '/^<LocationMatch/,/^<\/LocationMatch>/p' \
		"$top_srcdir/etc/apache/httptoken-git-native.conf" | sed '1d;$d'
	echo "</LocationMatch>"
} > "$WORK/site.conf"
APACHE_SITE_CONF="$WORK/site.conf"
APACHE_NATIVE_MODULE=$NATIVE_MODULE
APACHE_SYSTEM_PAM=1
APACHE_EXTRA_MODULES=authn_file
apache_start || die "apache2 did not start"

REFS=git/PROJ/repo.git/info/refs?service=git-upload-pack
STATIC=static/PROJ/repo.git/ping.txt
for v in $VARIANTS; do
	for p in "$REFS" "$STATIC"; do
		code=$(http_status "$CRED" "/$v/$p")
		[ "$code" = 200 ] || die "$v /$v/$p answered $code, not 200: $(tail -3 "$APACHE_DIR/logs/error.log")"
	done
	# A wrong token must be refused, or the variant measures nothing.
	case $v in pam | native | htpasswd)
		code=$(http_status "x-token-auth:htk_0000000000000000AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "/$v/$STATIC")
		[ "$code" = 401 ] || die "$v answered $code to a wrong token, not 401" ;;
	esac
done

# rps URL: requests per second over SECONDS_EACH, or "errors" after
# printing what the error log said meanwhile.
rps() {
	auth="Authorization: Basic $(printf '%s' "$CRED" | base64 -w0)"
	log_lines=$(wc -l < "$APACHE_DIR/logs/error.log")
	if [ "$LOADGEN" = wrk ]; then
		wrk -t2 -c"$CONNECTIONS" -d1s -H "$auth" "$1" >/dev/null 2>&1   # warm up
		out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" -H "$auth" "$1" 2>&1)
		bad=$(printf '%s' "$out" | grep -c 'Non-2xx\|Socket errors')
		value=$(printf '%s' "$out" | awk '/^Requests\/sec/ { printf "%.0f", $2 }')
	else
		ab -q -c"$CONNECTIONS" -t1 -H "$auth" "$1" >/dev/null 2>&1
		out=$(ab -q -c"$CONNECTIONS" -t"$SECONDS_EACH" -n 10000000 -H "$auth" "$1" 2>&1)
		bad=$(printf '%s' "$out" | grep -c '^Non-2xx')
		value=$(printf '%s' "$out" | awk '/^Requests per second/ { printf "%.0f", $4 }')
	fi
	if [ "$bad" -ne 0 ]; then
		{
			echo "apache-rps: $1 had failed requests:"
			printf '%s\n' "$out" | grep 'Non-2xx\|Socket errors'
			echo "error log meanwhile (distinct messages, counted):"
			tail -n +"$((log_lines + 1))" "$APACHE_DIR/logs/error.log" |
				sed 's/^\[[^]]*\] //; s/\[pid [0-9:]* *[^]]*\] //; s/\[client [^]]*\] //' |
				sort | uniq -c | sort -rn | head -5
		} >&2
		echo errors
		return
	fi
	echo "${value:-0}"
}

results="$WORK/results"
: > "$results"
r=1
while [ $r -le "$ROUNDS" ]; do
	for p in "$STATIC" "$REFS"; do
		for v in $VARIANTS; do
			echo "$v ${p%%/*} $(rps "$APACHE_URL/$v/$p")" >> "$results"
		done
	done
	echo "apache-rps: round $r of $ROUNDS done" >&2
	r=$((r + 1))
done
check=$(http_status "$CRED" "/native/$STATIC")
apache_stop

# cell VARIANT PATH: "median min max" of the rounds ("errors" if any failed).
cell() {
	awk -v v="$1" -v p="$2" '$1 == v && $2 == p { print $3 }' "$results" | sort -n |
		awk '/errors/ { e = 1 } { a[NR] = $1 }
		     END { if (e || NR == 0) { print "errors - -"; exit }
		           m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		           printf "%.0f %s %s\n", m, a[1], a[NR] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "-" }'; }

echo "$($APACHE_BIN -v | sed -n 's/^Server version: //p'), mpm_event, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg);"
echo "$LOADGEN, $CONNECTIONS connections, ${SECONDS_EACH}s per cell, $ROUNDS rounds interleaved, loopback;"
echo "median req/s (min-max over the rounds), ratio of medians to no authentication"
echo
echo "| authentication | info/refs req/s | × none | static 5 B req/s | × none |"
echo "|---|---:|---:|---:|---:|"
for v in $VARIANTS; do
	set -- $(cell "$v" git) $(cell "$v" static)
	r_med=$1 r_min=$2 r_max=$3 s_med=$4 s_min=$5 s_max=$6
	set -- $(cell none git) $(cell none static)
	case $v in
	none) name="none" ;;
	permit) name="mod_authnz_pam + pam_permit" ;;
	pam) name="mod_authnz_pam + pam_httptoken" ;;
	native) name="mod_authn_httptoken" ;;
	htpasswd) name="\`htpasswd -B\` file (mod_authn_file)" ;;
	esac
	echo "| $name | $r_med ($r_min-$r_max) | $(ratio "$r_med" "$1") | $s_med ($s_min-$s_max) | $(ratio "$s_med" "$4") |"
done
echo
set -- $(cell native static) $(cell permit static) $(cell none static)
echo "static file: native / (mod_authnz_pam + pam_permit) = $(ratio "$1" "$4") (target 1.5);" \
	"native / none = $(ratio "$1" "$7") (target 0.60)"
[ "$check" = 200 ] || echo "apache-rps: the native variant answered $check after the run" >&2

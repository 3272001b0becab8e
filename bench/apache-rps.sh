#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Requests per second through Apache httpd with token authentication, next
# to the same server with no authentication, with mod_authnz_pam over
# pam_permit (the cost of PAM itself) and with an `htpasswd -B` file
# (mod_authn_file, bcrypt cost 5).
#
#   bench/apache-rps.sh [SECONDS]      (default 5 per measurement)
#
# Run it from the build directory (or set top_builddir). Two paths are
# measured, each with HTTP Basic credentials on every request and 8
# concurrent connections (wrk, or ab when wrk is missing), loopback only:
#   /git/PROJ/repo.git/info/refs?service=git-upload-pack   what `git ls-remote`
#        and every clone or fetch start with (git-http-backend runs as a CGI)
#   /static/ping.txt   a 5-byte file: authentication is then nearly all the work
# A benchmark, not a test: it prints a table and exits 0 unless something
# failed to run.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
SECONDS_EACH=${1:-5}
CONNECTIONS=8
TOKENCTL="$top_builddir/tokenctl/tokenctl"
PAM_MODULE="$top_builddir/pam_httptoken/.libs/pam_httptoken.so"

die() { echo "apache-rps: $*" >&2; exit 1; }
[ -x "$TOKENCTL" ] && [ -f "$PAM_MODULE" ] ||
	die "run from the build directory after make (no $TOKENCTL)"
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
trap 'apache_stop; wrapper_cleanup; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
export HOME="$WORK/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"

DB="$WORK/store/tokens.db"
KEY="$WORK/store/key"
mkdir -p "$WORK/store"
if [ "$(id -u)" -eq 0 ]; then
	"$TOKENCTL" --db "$DB" --keyfile "$KEY" init --group "$HTTPD_GROUP" 2>/dev/null
else
	"$TOKENCTL" --db "$DB" --keyfile "$KEY" init 2>/dev/null
fi || die "tokenctl init failed"
me=$(id -un)
TOKEN=$("$TOKENCTL" --db "$DB" --keyfile "$KEY" create --name bench --perm read) ||
	die "tokenctl create failed"

apache_prepare "$WORK/srv" || die "cannot lay out the server root"
git config --global init.defaultBranch main
git config --global user.name bench
git config --global user.email bench@localhost
new_bare_repo PROJ/repo || die "cannot create the repository"
mkdir -p "$APACHE_DIR/static" && printf 'pong\n' > "$APACHE_DIR/static/ping.txt"
printf 'auth required pam_permit.so\naccount required pam_permit.so\n' \
	> "$APACHE_DIR/pam.d/bench-permit"
HTPASSWD_PW=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
htpasswd -c -b -B -C 5 "$APACHE_DIR/htpasswd" "$me" "$HTPASSWD_PW" 2>/dev/null ||
	die "htpasswd failed"
[ "$(id -u)" -ne 0 ] || chgrp "$HTTPD_GROUP" "$APACHE_DIR/htpasswd"
chmod 0640 "$APACHE_DIR/htpasswd"

# site VARIANT: the same two paths, behind VARIANT's authentication.
site() {
	echo "SetEnv GIT_PROJECT_ROOT \"$APACHE_DIR/git\""
	echo "SetEnv GIT_HTTP_EXPORT_ALL"
	echo "ScriptAlias /git/ $GIT_HTTP_BACKEND/"
	echo "Alias /static/ \"$APACHE_DIR/static/\""
	echo "<LocationMatch \"^/(git|static)/\">"
	case $1 in
	none)	echo "Require all granted" ;;
	token)	echo "AuthType Basic"; echo "AuthName bench"
		echo "AuthBasicProvider PAM"; echo "AuthPAMService git-read"
		echo "Require valid-user" ;;
	pam_permit) echo "AuthType Basic"; echo "AuthName bench"
		echo "AuthBasicProvider PAM"; echo "AuthPAMService bench-permit"
		echo "Require valid-user" ;;
	htpasswd) echo "AuthType Basic"; echo "AuthName bench"
		echo "AuthBasicProvider file"
		echo "AuthUserFile \"$APACHE_DIR/htpasswd\""
		echo "Require valid-user" ;;
	esac
	echo "</LocationMatch>"
}

# rps URL USER:PASSWORD: requests per second over SECONDS_EACH.
rps() {
	auth="Authorization: Basic $(printf '%s' "$2" | base64 -w0)"
	if [ "$LOADGEN" = wrk ]; then
		wrk -t2 -c"$CONNECTIONS" -d1s -H "$auth" "$1" >/dev/null 2>&1   # warm up
		out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" -H "$auth" "$1" 2>&1)
		if printf '%s' "$out" | grep -q 'Non-2xx'; then echo "errors"; return; fi
		printf '%s' "$out" | awk '/^Requests\/sec/ { printf "%.0f", $2 }'
	else
		ab -q -c"$CONNECTIONS" -t1 -H "$auth" "$1" >/dev/null 2>&1
		out=$(ab -q -c"$CONNECTIONS" -t"$SECONDS_EACH" -n 10000000 -H "$auth" "$1" 2>&1)
		if printf '%s' "$out" | grep -q '^Non-2xx'; then echo "errors"; return; fi
		printf '%s' "$out" | awk '/^Requests per second/ { printf "%.0f", $4 }'
	fi
}

APACHE_EXTRA_MODULES=authn_file
APACHE_SITE_CONF="$WORK/site.conf"
REFS=/git/PROJ/repo.git/info/refs?service=git-upload-pack
STATIC=/static/ping.txt
results="$WORK/results"
: > "$results"
for variant in none token pam_permit htpasswd; do
	case $variant in
	token) cred="$me:$TOKEN" ;;
	htpasswd) cred="$me:$HTPASSWD_PW" ;;
	*) cred="$me:x" ;;
	esac
	site "$variant" > "$APACHE_SITE_CONF"
	apache_start || die "apache2 did not start ($variant)"
	for path in "$REFS" "$STATIC"; do
		code=$(http_status "$cred" "$path")
		[ "$code" = 200 ] || die "$variant $path answered $code, not 200"
		echo "$variant $path $(rps "$APACHE_URL$path" "$cred")" >> "$results"
	done
	# The wrong password must be refused, or the variant measures nothing.
	[ "$variant" = none ] || [ "$variant" = pam_permit ] ||
		[ "$(http_status "$me:wrong" "$STATIC")" = 401 ] ||
		die "$variant accepted a wrong password"
	apache_stop
done

echo "$($APACHE_BIN -v | sed -n 's/^Server version: //p'), mpm_event, $(nproc) CPUs;" \
	"$LOADGEN, $CONNECTIONS connections, ${SECONDS_EACH}s per cell, loopback"
printf '%-12s %26s %24s\n' "auth" "GET info/refs (req/s)" "static 5 B (req/s)"
for variant in none token pam_permit htpasswd; do
	r=$(awk -v v="$variant" -v p="$REFS" '$1 == v && $2 == p { print $3 }' "$results")
	s=$(awk -v v="$variant" -v p="$STATIC" '$1 == v && $2 == p { print $3 }' "$results")
	r0=$(awk -v p="$REFS" '$1 == "none" && $2 == p { print $3 }' "$results")
	s0=$(awk -v p="$STATIC" '$1 == "none" && $2 == p { print $3 }' "$results")
	printf '%-12s %16s (%5s)  %14s (%5s)\n' "$variant" \
		"$r" "$(awk -v a="$r" -v b="$r0" 'BEGIN { if (b > 0) printf "%.2f", a / b }')" \
		"$s" "$(awk -v a="$s" -v b="$s0" 'BEGIN { if (b > 0) printf "%.2f", a / b }')"
done
echo "(in brackets: ratio to no authentication)"

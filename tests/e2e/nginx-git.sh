#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end: git clone and push over HTTPS (HTTP/2 and HTTP/1.1) through
# the real nginx with the auth-pam module, git-http-backend behind fcgiwrap,
# and pam_httptoken with git_request=, configured from etc/ (see
# nginx-lib.sh). One server block serves every repository; the module
# judges each request's repository and level from its request line.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/e2e/nginx-lib.sh"

nginx_require

make_tmpdir
trap 'nginx_stop; fcgiwrap_stop; wrapper_cleanup; rm -rf "$TEST_TMP"' EXIT

# git as git_client_setup leaves it;
# it trusts this run's certificate only.
git_client_setup

if [ "$(id -u)" -eq 0 ]; then make_store "$HTTPD_GROUP"; else make_store; fi
me=$(id -un)

nginx_prepare "$TEST_TMP/srv" || tap_bail "cannot lay out the nginx prefix"
export GIT_SSL_CAINFO="$NGINX_DIR/tls/cert.pem"
for r in PROJ/a PROJ/b OTHER/a; do
	new_bare_repo "$r" || tap_bail "cannot create $r"
done
fcgiwrap_start || tap_bail "fcgiwrap did not start"
nginx_start || tap_bail "nginx did not start"

tk project add PROJ 2>/dev/null && tk repo add PROJ/a 2>/dev/null || tap_bail "registry setup failed"
REPO=$(tk create --name e2e-repo --repo PROJ/a --perm write)
PROJ=$(tk create --name e2e-proj --project PROJ --perm write)
PROJ_READ=$(tk create --name e2e-proj-read --project PROJ --perm read)
MINE=$(tk create --name e2e-mine --perm write)
MINE_READ=$(tk create --name e2e-mine-read --perm read)
for t in "$REPO" "$PROJ" "$PROJ_READ" "$MINE" "$MINE_READ"; do
	printf '%s' "$t" | grep -Eq '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' ||
		tap_bail "tokenctl create did not print a token"
done

# url USER:PASSWORD KEY/SLUG: the clone URL with credentials in it.
url() { echo "https://$1@127.0.0.1:$NGINX_PORT/git/$2.git"; }
# status USER:PASSWORD PATH [curl options]: the HTTP status of a GET.
status() {
	creds=$1 path=$2
	shift 2
	curl -s -o /dev/null -w '%{http_code}' --cacert "$GIT_SSL_CAINFO" ${creds:+-u "$creds"} \
		"$@" "$NGINX_URL$path"
}
refs() { echo "/git/$1.git/info/refs?service=git-upload-pack"; }
push_refs() { echo "/git/$1.git/info/refs?service=git-receive-pack"; }
head_of() { git ls-remote "$(url "$me:$MINE" "$1")" refs/heads/main | cut -f1; }

# clone_push WHAT CREDS KEY/SLUG [git -c options]: clone, commit, push;
# checks that the pushed commit is what the server now has.
clone_push() {
	what=$1 creds=$2 repo=$3
	shift 3
	dir="$TEST_TMP/c.$(echo "$what" | tr -c 'A-Za-z0-9' _)"
	if gitq "$@" clone "$(url "$creds" "$repo")" "$dir" && [ -f "$dir/README" ]; then
		tap_ok "$what: clone $repo"
	else
		tap_not_ok "$what: clone $repo" "$(tail -5 "$GITLOG")"
		return
	fi
	echo "$what" >> "$dir/README"
	gitq -C "$dir" commit -q -am "$what"
	if gitq -C "$dir" "$@" push origin HEAD:main; then
		check "$what: push to $repo" "$(git -C "$dir" rev-parse HEAD)" "$(head_of "$repo")"
	else
		tap_not_ok "$what: push to $repo" "$(tail -5 "$GITLOG")"
	fi
}

check "no credentials: 401" 401 "$(status "" "$(refs PROJ/a)")"
check_match "401 asks for Basic credentials" 'WWW-Authenticate: Basic realm="Git: use an HTTP access token' \
	"$(curl -sI --http1.1 --cacert "$GIT_SSL_CAINFO" "$NGINX_URL$(refs PROJ/a)" | tr -d '\r')"

# --- repository token ---------------------------------------------------------
clone_push "repository token" "x-token-auth:$REPO" PROJ/a
check_match "git used HTTP/2 (the module read HTTP/2.0 request lines)" \
	'^x-token-auth "POST /git/PROJ/a.git/git-receive-pack HTTP/2.0" 200 HTTP/2.0$' \
	"$(cat "$NGINX_DIR/logs/access.log")"
clone_push "repository token over HTTP/1.1" "x-token-auth:$REPO" PROJ/a -c http.version=HTTP/1.1
check_match "git used HTTP/1.1 when told to" \
	'^x-token-auth "POST /git/PROJ/a.git/git-receive-pack HTTP/1.1" 200 HTTP/1.1$' \
	"$(cat "$NGINX_DIR/logs/access.log")"
check "repository token: own repository, 200" 200 "$(status "x-token-auth:$REPO" "$(refs PROJ/a)")"
check "repository token: PROJ/b, 401" 401 "$(status "x-token-auth:$REPO" "$(refs PROJ/b)")"
check "repository token: OTHER/a, 401" 401 "$(status "x-token-auth:$REPO" "$(refs OTHER/a)")"
check "repository token: push advertisement of PROJ/b, 401" 401 \
	"$(status "x-token-auth:$REPO" "$(push_refs PROJ/b)")"
if gitq clone "$(url "x-token-auth:$REPO" PROJ/b)" "$TEST_TMP/x1"; then
	tap_not_ok "repository token: clone of PROJ/b refused"
else
	check_match "repository token: clone of PROJ/b refused" "401|Authentication failed" \
		"$(tail -3 "$GITLOG")"
fi
check "repository token with a real user name: 401" 401 \
	"$(status "$me:$REPO" "$(refs PROJ/a)")"

# --- project tokens -----------------------------------------------------------
clone_push "project token" "x-token-auth:$PROJ" PROJ/a
clone_push "project token, second repository" "x-token-auth:$PROJ" PROJ/b
check "project token: OTHER/a, 401" 401 "$(status "x-token-auth:$PROJ" "$(refs OTHER/a)")"

# --- read tokens cannot push --------------------------------------------------
before=$(head_of PROJ/b)
if gitq clone "$(url "x-token-auth:$PROJ_READ" PROJ/b)" "$TEST_TMP/pr"; then
	tap_ok "read project token: clone"
else
	tap_not_ok "read project token: clone" "$(tail -5 "$GITLOG")"
fi
echo more >> "$TEST_TMP/pr/README"
gitq -C "$TEST_TMP/pr" commit -q -am "Push attempt with a read token"
if gitq -C "$TEST_TMP/pr" push origin HEAD:main; then
	tap_not_ok "read project token: push refused"
else
	check_match "read project token: push refused" "401|Authentication failed" \
		"$(tail -3 "$GITLOG")"
fi
check "read project token: push advertisement 401" 401 \
	"$(status "x-token-auth:$PROJ_READ" "$(push_refs PROJ/b)")"
check "read project token: POST git-receive-pack 401" 401 \
	"$(status "x-token-auth:$PROJ_READ" /git/PROJ/b.git/git-receive-pack -X POST --data-binary '')"
check "repository unchanged by the refused push" "$before" "$(head_of PROJ/b)"

# --- personal tokens ----------------------------------------------------------
clone_push "personal token" "$me:$MINE" OTHER/a
check "personal read token: fetch 200" 200 "$(status "$me:$MINE_READ" "$(refs OTHER/a)")"
check "personal read token: push advertisement 401" 401 \
	"$(status "$me:$MINE_READ" "$(push_refs OTHER/a)")"
check "personal token of another user: 401" 401 \
	"$(status "not-$me:$MINE" "$(refs OTHER/a)")"
check "a Unix password is not a token: 401" 401 "$(status "$me:hunter2" "$(refs OTHER/a)")"

# --- a new repository needs no configuration change ---------------------------
new_bare_repo PROJ/new || tap_bail "cannot create PROJ/new"
clone_push "project token, repository created while the server runs" "x-token-auth:$PROJ" PROJ/new
check "repository token: the new repository, 401" 401 \
	"$(status "x-token-auth:$REPO" "$(refs PROJ/new)")"

# --- git-http-backend's other spelling: a.git served as /git/PROJ/a/ ----------
check "no credentials, /git/PROJ/a/info/refs: 401" 401 \
	"$(status "" /git/PROJ/a/info/refs?service=git-upload-pack)"
check "project token, /git/OTHER/a/info/refs: 401" 401 \
	"$(status "x-token-auth:$PROJ" /git/OTHER/a/info/refs?service=git-upload-pack)"

# --- path tricks --------------------------------------------------------------
# Each request line names PROJ (and PROJ/a) in its text, but nginx serves
# another repository once it has decoded and normalised the path. Sent as
# is (curl --path-as-is / --request-target), with PROJ/a's and PROJ's
# tokens. The control: the same tokens on OTHER/a and PROJ/b as canonical
# lines get 401 and 200 above.
# raw CREDS TARGET [curl options]: the status of a GET with TARGET as the
# request target (HTTP/2: the :path), byte for byte.
raw() {
	creds=$1 target=$2
	shift 2
	curl -s -o /dev/null -w '%{http_code}' --cacert "$GIT_SSL_CAINFO" -u "$creds" \
		--path-as-is --request-target "$target" "$@" "$NGINX_URL/"
}
q='?service=git-upload-pack'
for v in --http1.1 --http2; do
	for target in \
		"/git/PROJ/a.git/../../OTHER/a.git/info/refs$q" \
		"/git/PROJ/a.git/%2e%2e/%2e%2e/OTHER/a.git/info/refs$q" \
		"/git/PROJ/a.git/..%2F..%2FOTHER/a.git/info/refs$q" \
		"/git/PROJ/%2e%2e/OTHER/a.git/info/refs$q" \
		"/git/PROJ/..%2fOTHER/a.git/info/refs$q" \
		"/git/PROJ//../OTHER/a.git/info/refs$q" \
		"/git/PROJ/./../OTHER/a.git/info/refs$q" \
		"/git/PROJ/a.git/./../../OTHER/a.git/info/refs$q" \
		"/git/PROJ/a.git/.%2e/.%2e/OTHER/a.git/info/refs$q" \
		"/git/PROJ/a.git/%2E%2E/%2E%2E/OTHER/a.git/info/refs$q" \
		"/x/../git/OTHER/a.git/info/refs$q" \
		"//git/OTHER/a.git/info/refs$q"; do
		check "$v repository token, $target: 401" 401 "$(raw "x-token-auth:$REPO" "$target" $v)"
		check "$v project token, $target: 401" 401 "$(raw "x-token-auth:$PROJ" "$target" $v)"
	done
	# Lines nginx serves as the very repository they name, but that are
	# not canonical: refused all the same (the module cannot tell).
	for target in \
		"/git//PROJ/a.git/info/refs$q" \
		"/git/PROJ/a.git//info/refs$q" \
		"/git/./PROJ/a.git/info/refs$q" \
		"/git/PROJ/a.git/./info/refs$q" \
		"/git/PROJ/%61.git/info/refs$q" \
		"/git/PROJ%2Fa.git/info/refs$q" \
		"/git/PROJ/a.git/info/refs%3Fservice=git-upload-pack" \
		'/git/PROJ/a.git\..\..\OTHER\a.git/info/refs'; do
		check "$v repository token, $target: 401" 401 "$(raw "x-token-auth:$REPO" "$target" $v)"
	done
done
# Absolute form: the module refuses it over HTTP/1.1; nginx itself refuses
# an absolute :path over HTTP/2.
abs="https://127.0.0.1:$NGINX_PORT/git"
check "HTTP/1.1 absolute form naming OTHER/a: 401" 401 \
	"$(raw "x-token-auth:$PROJ" "$abs/OTHER/a.git/info/refs$q" --http1.1)"
check "HTTP/1.1 absolute form naming its own repository: 401" 401 \
	"$(raw "x-token-auth:$REPO" "$abs/PROJ/a.git/info/refs$q" --http1.1)"
check "HTTP/2 absolute :path: 400 from nginx" 400 \
	"$(raw "x-token-auth:$PROJ" "$abs/OTHER/a.git/info/refs$q" --http2)"
# Long request lines: the shipped configuration answers 414 above 2 KiB
# before the auth-pam module runs (whose copy of a longer line can corrupt
# the worker's heap); up to 2 KiB the module judges them as any other.
# objects_target LEN: a target under PROJ/a of LEN bytes.
objects_target() {
	t=/git/PROJ/a.git/objects/
	printf '%s%s' "$t" "$(head -c $(($1 - ${#t})) /dev/zero | tr '\0' x)"
}
# "GET " + target + " HTTP/1.1" (or " HTTP/2.0"): 13 bytes around the target.
for v in --http1.1 --http2; do
	check "$v request line of 2048 bytes: authenticated (404, no such object)" 404 \
		"$(raw "x-token-auth:$REPO" "$(objects_target 2035)" $v)"
	check "$v request line of 2049 bytes: 414" 414 \
		"$(raw "x-token-auth:$REPO" "$(objects_target 2036)" $v)"
	check "$v request line of 8192 bytes: 414" 414 \
		"$(raw "x-token-auth:$REPO" "$(objects_target 8179)" $v)"
	check "$v request line of 8193 bytes: 414" 414 \
		"$(raw "x-token-auth:$REPO" "$(objects_target 8180)" $v)"
done
check "a control after the path tricks: own repository still 200" 200 \
	"$(status "x-token-auth:$REPO" "$(refs PROJ/a)")"
log=$(grep -o 'SYSLOG.*' "$NGINX_DIR/logs/error.log")
check_match "the refusals are logged with the broken rule" \
	"auth refused \(request line: '%'-escape in the path\): user=x-token-auth service=nginx-git rhost=127\.0\.0\.1" \
	"$log"

# --- Requests that crashed the worker: 400, and the worker survives ----------
worker=$(nginx_worker)
[ -n "$worker" ] || tap_bail "no nginx worker found"
check "HTTP/1.0 without Host: 400" 400 \
	"$(status "x-token-auth:$REPO" "$(refs PROJ/a)" --http1.0 -H 'Host:')"
check "HTTP/1.0 with an empty Host: 400" 400 \
	"$(status "x-token-auth:$REPO" "$(refs PROJ/a)" --http1.0 -H 'Host: ')"
check "HTTP/1.0 with Host: 200" 200 \
	"$(status "x-token-auth:$REPO" "$(refs PROJ/a)" --http1.0)"
# Host headers of these lengths made the auth-pam module write one byte
# past a malloc'ed buffer (the worker aborted in malloc): now refused.
for n in 4099 4115 4131 4147; do
	check "Host header of $n bytes: 400" 400 "$(status "x-token-auth:$REPO" "$(refs PROJ/a)" \
		--http1.1 -H "Host: $(head -c $n /dev/zero | tr '\0' a)")"
done
check "Host header with a port: 200" 200 \
	"$(status "x-token-auth:$REPO" "$(refs PROJ/a)" -H "Host: git.example.org:443")"
check "bracketed IPv6 Host: 200" 200 \
	"$(status "x-token-auth:$REPO" "$(refs PROJ/a)" --http1.1 -H "Host: [::1]:8443")"
check "the worker is still the same process" "$worker" "$(nginx_worker)"
check "the next request is served" 200 "$(status "x-token-auth:$REPO" "$(refs PROJ/a)")"
check "no worker died (error log)" "" \
	"$(grep -E 'exited on signal|worker process [0-9]+ exited|malloc' "$NGINX_DIR/logs/error.log")"

# --- HTTP/2 with curl ---------------------------------------------------------
# h2 CREDS PATH: "STATUS HTTP-VERSION" of a GET over HTTP/2.
h2() {
	curl -s -o /dev/null -w '%{http_code} %{http_version}' --http2 \
		--cacert "$GIT_SSL_CAINFO" -u "$1" "$NGINX_URL$2"
}
check "curl --http2: repository token, own repository" "200 2" \
	"$(h2 "x-token-auth:$REPO" "$(refs PROJ/a)")"
check "curl --http2: repository token, PROJ/b" "401 2" "$(h2 "x-token-auth:$REPO" "$(refs PROJ/b)")"
check "curl --http2: read token, push advertisement" "401 2" \
	"$(h2 "x-token-auth:$PROJ_READ" "$(push_refs PROJ/a)")"

# --- revocation takes effect on the next request ------------------------------
check "before revocation: 200" 200 "$(status "x-token-auth:$PROJ" "$(refs PROJ/b)")"
tk revoke "$(printf '%s' "$PROJ" | cut -c5-20)" 2>/dev/null
check "revoked project token: next request 401" 401 "$(status "x-token-auth:$PROJ" "$(refs PROJ/b)")"
check "the server kept running (same master)" "$NGINX_PID" "$(cat "$NGINX_DIR/run/nginx.pid")"
tap_done

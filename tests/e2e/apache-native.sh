#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# End to end: git clone and push through the real Apache httpd (mpm_event)
# with mod_authn_httptoken in front of git-http-backend, configured from
# etc/apache/httptoken-git-native.conf unchanged: one block for every
# repository, the scope and level worked out from each request's path.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/common.sh"
. "$top_srcdir/tests/e2e/apache-lib.sh"

APACHE_NATIVE_MODULE="$top_builddir/mod_authn_httptoken/.libs/mod_authn_httptoken.so"
SYSLOG_SHIM="$top_builddir/tests/cli/.libs/syslog_capture.so"
apache_require
[ -e "$APACHE_NATIVE_MODULE" ] || tap_skip_all "mod_authn_httptoken.so not built (no apxs)"
[ -e "$SYSLOG_SHIM" ] || tap_skip_all "tests/cli/syslog_capture.so not built (make check builds it)"

make_tmpdir
trap 'apache_stop; wrapper_cleanup; rm -rf "$TEST_TMP"' EXIT

git_test_env

apache_store
me=$(id -un)

apache_prepare "$TEST_TMP/srv" || tap_bail "cannot lay out the server root"
for r in PROJ/a PROJ/b OTHER/a; do
	new_bare_repo "$r" || tap_bail "cannot create $r"
done

# The shipped file, and beside it a CGI program under the same kind of
# block that prints what the module tells applications.
mkdir -p "$APACHE_DIR/cgi"
cat > "$APACHE_DIR/cgi/env.sh" <<'EOF'
#!/bin/sh
printf 'Content-Type: text/plain\n\n'
for v in REMOTE_USER AUTH_TYPE HTTPTOKEN_ID HTTPTOKEN_KIND HTTPTOKEN_PERM HTTPTOKEN_SCOPE; do
	eval "printf '%s=%s\n' $v \"\${$v-unset}\""
done
EOF
# hop.sh sends the request on, inside the server, to /env/ and the
# repository named in its query string (a CGI "Location:" with a local
# path is an internal redirect).
cat > "$APACHE_DIR/cgi/hop.sh" <<'EOF'
#!/bin/sh
printf 'Location: /env/%s\n\n' "$QUERY_STRING"
EOF
chmod 0755 "$APACHE_DIR/cgi" "$APACHE_DIR/cgi/env.sh" "$APACHE_DIR/cgi/hop.sh"
APACHE_SITE_CONF="$APACHE_DIR/site.conf"
cat > "$APACHE_SITE_CONF" <<EOF
Include "$top_srcdir/etc/apache/httptoken-git-native.conf"
ScriptAliasMatch "^/env/" "$APACHE_DIR/cgi/env.sh"
ScriptAliasMatch "^/hop/" "$APACHE_DIR/cgi/hop.sh"
<LocationMatch "^/(env|hop)/(?<project>[A-Za-z][A-Za-z0-9_]*)/(?<repo>[^/]+)\$">
    AuthType HTTPToken
    AuthName "env"
    HTTPTokenResource "%{env:MATCH_PROJECT}/%{env:MATCH_REPO}"
    Require valid-user
</LocationMatch>
# A store set in a section: this one does not exist.
<LocationMatch "^/env/BROKEN/">
    HTTPTokenStore "$APACHE_DIR/no-such-store.db"
</LocationMatch>
# The Basic provider, before a password file.
ScriptAliasMatch "^/basic/" "$APACHE_DIR/cgi/env.sh"
<LocationMatch "^/basic/(?<project>[A-Za-z][A-Za-z0-9_]*)/(?<repo>[^/]+)\$">
    AuthType Basic
    AuthName "basic"
    AuthBasicProvider httptoken file
    AuthUserFile "$APACHE_DIR/htpasswd"
    HTTPTokenResource "%{env:MATCH_PROJECT}/%{env:MATCH_REPO}"
    Require valid-user
</LocationMatch>
EOF
FILE_PW=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
htpasswd -c -b -B -C 5 "$APACHE_DIR/htpasswd" htk-apache-file "$FILE_PW" 2>/dev/null ||
	tap_bail "htpasswd failed"
chmod 0644 "$APACHE_DIR/htpasswd"
APACHE_EXTRA_MODULES=authn_file
# Syslog lines land in a file the children (the httpd user) can write.
SYSLOG="$APACHE_DIR/logs/syslog"
: > "$SYSLOG" && chmod 0666 "$SYSLOG"
# (LD_PRELOAD takes colons too: APACHE_ENV is split on spaces.)
APACHE_ENV="LD_PRELOAD=${HT_TEST_PRELOAD:+$HT_TEST_PRELOAD:}$SYSLOG_SHIM HT_SYSLOG_CAPTURE=$SYSLOG"
apache_start || tap_bail "apache2 did not start"
pid_at_start=$APACHE_PID

# Register the scopes where the store has a registry; older stores take
# project and repository tokens for any scope.
for s in "project add PROJ" "project add OTHER" "repo add PROJ/a" "repo add PROJ/b" \
	 "repo add PROJ/c" "repo add OTHER/a"; do
	tk $s >/dev/null 2>&1 || :
done
PERSONAL=$(tk create --name native-personal --perm write)
REPO_W=$(tk create --name native-repo-w --repo PROJ/a --perm write)
REPO_R=$(tk create --name native-repo-r --repo PROJ/a --perm read)
PROJ_W=$(tk create --name native-proj-w --project PROJ --perm write)
for t in "$PERSONAL" "$REPO_W" "$REPO_R" "$PROJ_W"; do
	printf '%s' "$t" | grep -Eq '^htk_[0-9a-f]{16}[0-9A-Za-z]{49}$' ||
		tap_bail "tokenctl create did not print a token"
done
refs() { echo "/git/$1.git/info/refs?service=git-${2:-upload}-pack"; }
HDRS="$TEST_TMP/headers" BODY="$TEST_TMP/body"
# req [CURL-OPTION...] PATH: the status; headers and body kept in files.
req() {
	eval "path=\${$#}"
	n=$#
	i=0
	for a do
		i=$((i + 1))
		[ $i -eq 1 ] && set --
		[ $i -lt $n ] && set -- "$@" "$a"
	done
	curl -s -D "$HDRS" -o "$BODY" -w '%{http_code}' "$@" "$APACHE_URL$path"
}
bearer() { echo "Authorization: Bearer $1"; }
# git_ok DESCRIPTION GIT-ARGUMENT...: git succeeds.
git_ok() {
	d=$1; shift
	if gitq "$@"; then tap_ok "$d"; else tap_not_ok "$d" "$(tail -5 "$GITLOG")"; fi
}
# git_403 DESCRIPTION GIT-ARGUMENT...: git fails, saying the server answered 403.
git_403() {
	d=$1; shift
	if gitq "$@"; then tap_not_ok "$d" "git succeeded"
	else check_match "$d" "returned error: 403" "$(tail -2 "$GITLOG")"; fi
}
# change CLONE: a new commit in CLONE, to push.
change() {
	echo "change $$" >> "$1/README"
	gitq -C "$1" commit -q -am "Change through mod_authn_httptoken"
}
challenges() { grep -i '^WWW-Authenticate:' "$HDRS" | tr -d '\r' | sort | tr '\n' '|'; }

# --- no or bad credentials: 401 with both challenges ------------------------
check "no credentials: 401" 401 "$(req "$(refs PROJ/a)")"
check "no credentials: Basic and Bearer challenges" \
	'WWW-Authenticate: Basic realm="git"|WWW-Authenticate: Bearer realm="git"|' "$(challenges)"
check "garbage Basic password: 401" 401 "$(req -u "$me:not-a-token" "$(refs PROJ/a)")"
check "bad Bearer token (one character changed): 401" 401 \
	"$(req -H "$(bearer "$(mistype "$REPO_W")")" "$(refs PROJ/a)")"
check "bad Bearer token: error=\"invalid_token\"" \
	'WWW-Authenticate: Basic realm="git"|WWW-Authenticate: Bearer realm="git", error="invalid_token"|' \
	"$(challenges)"
check "Bearer value that is no token: 401 invalid_token" \
	'401 WWW-Authenticate: Basic realm="git"|WWW-Authenticate: Bearer realm="git", error="invalid_token"|' \
	"$(req -H "$(bearer hunter2)" "$(refs PROJ/a)") $(challenges)"
check "malformed Authorization header: 401, no error code" \
	'401 WWW-Authenticate: Basic realm="git"|WWW-Authenticate: Bearer realm="git"|' \
	"$(req -H "Authorization: Bearer $REPO_W extra" "$(refs PROJ/a)") $(challenges)"
check "repository token under a personal user name: 401" 401 \
	"$(req -u "$me:$REPO_W" "$(refs PROJ/a)")"
check "personal token under another user name: 401" 401 \
	"$(req -u "x-token-auth:$PERSONAL" "$(refs PROJ/a)")"

# --- a repository token: its repository only ---------------------------------
git_ok "repository token for PROJ/a clones PROJ/a" \
	clone "$(git_url "x-token-auth:$REPO_W" PROJ/a)" "$TEST_TMP/ra"
check "the clone is PROJ/a's" PROJ/a "$(cat "$TEST_TMP/ra/README")"
change "$TEST_TMP/ra"
git_ok "repository write token pushes to PROJ/a" -C "$TEST_TMP/ra" push origin HEAD:main
pushed=$(git -C "$TEST_TMP/ra" rev-parse HEAD)
for other in PROJ/b OTHER/a; do
	check "repository token for PROJ/a on $other: 403" 403 \
		"$(req -u "x-token-auth:$REPO_W" "$(refs "$other")")"
	git_403 "repository token for PROJ/a: git clone of $other refused with 403" \
		clone "$(git_url "x-token-auth:$REPO_W" "$other")" "$TEST_TMP/x-$$"
done
check "403 to Basic credentials carries no challenge (git keeps the token)" "" "$(challenges)"

# --- a project token: every repository of its project, no other -------------
for r in PROJ/a PROJ/b; do
	git_ok "project token for PROJ clones $r" \
		clone "$(git_url "x-token-auth:$PROJ_W" "$r")" "$TEST_TMP/p-$(echo "$r" | tr / -)"
done
change "$TEST_TMP/p-PROJ-b"
git_ok "project write token pushes to PROJ/b" -C "$TEST_TMP/p-PROJ-b" push origin HEAD:main
check "project token for PROJ on OTHER/a: 403" 403 "$(req -u "x-token-auth:$PROJ_W" "$(refs OTHER/a)")"

# --- a read token cannot push --------------------------------------------------
git_ok "read token clones PROJ/a" clone "$(git_url "x-token-auth:$REPO_R" PROJ/a)" "$TEST_TMP/rr"
change "$TEST_TMP/rr"
git_403 "read token: git push refused with 403" -C "$TEST_TMP/rr" push origin HEAD:main
check "read token: push advertisement 403" 403 "$(req -u "x-token-auth:$REPO_R" "$(refs PROJ/a receive)")"
check "read token: push POST 403" 403 "$(req -u "x-token-auth:$REPO_R" -X POST \
	--data-binary '' /git/PROJ/a.git/git-receive-pack)"
check "read token with Bearer: push advertisement 403 insufficient_scope" \
	'403 WWW-Authenticate: Bearer realm="git", error="insufficient_scope"|' \
	"$(req -H "$(bearer "$REPO_R")" "$(refs PROJ/a receive)") $(challenges)"
check "read token: fetch advertisement 200" 200 "$(req -u "x-token-auth:$REPO_R" "$(refs PROJ/a)")"
check "PROJ/a unchanged by the refused push" "$pushed" \
	"$(git ls-remote "$(git_url "x-token-auth:$REPO_R" PROJ/a)" refs/heads/main | cut -f1)"

# --- a personal token: wherever its owner's name works -----------------------
for r in PROJ/a OTHER/a; do
	check "personal token of $me on $r: 200" 200 "$(req -u "$me:$PERSONAL" "$(refs "$r" receive)")"
done
git_ok "personal write token clones OTHER/a" clone "$(git_url "$me:$PERSONAL" OTHER/a)" "$TEST_TMP/pa"
change "$TEST_TMP/pa"
git_ok "personal write token pushes to OTHER/a" -C "$TEST_TMP/pa" push origin HEAD:main

# --- Bearer, no user name: what a CGI program sees ---------------------------
check "Bearer personal token: the CGI sees the owner and the token" \
	"200 REMOTE_USER=$me AUTH_TYPE=HTTPToken HTTPTOKEN_ID=$(id_of "$PERSONAL") HTTPTOKEN_KIND=personal HTTPTOKEN_PERM=write HTTPTOKEN_SCOPE=" \
	"$(req -H "$(bearer "$PERSONAL")" /env/PROJ/a) $(tr '\n' ' ' < "$BODY" | sed 's/ $//')"
check "Bearer repository token: the CGI sees the token user and the scope" \
	"200 REMOTE_USER=x-token-auth AUTH_TYPE=HTTPToken HTTPTOKEN_ID=$(id_of "$REPO_R") HTTPTOKEN_KIND=repository HTTPTOKEN_PERM=read HTTPTOKEN_SCOPE=PROJ/a" \
	"$(req -H "$(bearer "$REPO_R")" /env/PROJ/a) $(tr '\n' ' ' < "$BODY" | sed 's/ $//')"
check "Bearer project token: scope PROJ" "200 HTTPTOKEN_KIND=project HTTPTOKEN_SCOPE=PROJ" \
	"$(req -H "$(bearer "$PROJ_W")" /env/PROJ/b) $(grep -E '^HTTPTOKEN_(KIND|SCOPE)=' "$BODY" | tr '\n' ' ' | sed 's/ $//')"
check "Bearer repository token out of scope: 403 insufficient_scope" \
	'403 WWW-Authenticate: Bearer realm="env", error="insufficient_scope"|' \
	"$(req -H "$(bearer "$REPO_R")" /env/PROJ/b) $(challenges)"
# An internal redirect to another repository under the same section is
# judged again: Apache must not carry the first request's verdict over.
check "internal redirect within the token's scope: the CGI runs" \
	"200 REMOTE_USER=x-token-auth HTTPTOKEN_SCOPE=PROJ/a" \
	"$(req -H "$(bearer "$REPO_R")" "/hop/PROJ/a?PROJ/a") $(grep -E '^(REMOTE_USER|HTTPTOKEN_SCOPE)=' "$BODY" | tr '\n' ' ' | sed 's/ $//')"
check "internal redirect out of the token's scope: 403, the CGI never runs" "403 0" \
	"$(req -H "$(bearer "$REPO_R")" "/hop/PROJ/a?PROJ/b") $(grep -c REMOTE_USER "$BODY")"
check "HTTPTokenStore in a section: that store is used (missing: 500)" 500 \
	"$(req -H "$(bearer "$REPO_R")" /env/BROKEN/a)"

# --- AuthType Basic + AuthBasicProvider httptoken file ------------------------
check "Basic provider: repository token on its repository, the CGI sees it" \
	"200 REMOTE_USER=x-token-auth AUTH_TYPE=Basic HTTPTOKEN_KIND=repository" \
	"$(req -u "x-token-auth:$REPO_R" /basic/PROJ/a) $(grep -E '^(REMOTE_USER|AUTH_TYPE|HTTPTOKEN_KIND)=' "$BODY" | tr '\n' ' ' | sed 's/ $//')"
check "Basic provider: out of scope is 401 (mod_auth_basic knows no 403)" 401 \
	"$(req -u "x-token-auth:$REPO_R" /basic/PROJ/b)"
check "Basic provider: a password that is no token goes on to the file" \
	"200 REMOTE_USER=htk-apache-file HTTPTOKEN_KIND=unset" \
	"$(req -u "htk-apache-file:$FILE_PW" /basic/PROJ/a) $(grep -E '^(REMOTE_USER|HTTPTOKEN_KIND)=' "$BODY" | tr '\n' ' ' | sed 's/ $//')"
# A revoked token is still token text: the provider refuses it outright,
# although the file holds that very password for the name.
DEAD=$(tk create --name native-dead --perm read)
tk revoke "$(id_of "$DEAD")" 2>>"$GITLOG"
htpasswd -b -B -C 5 "$APACHE_DIR/htpasswd" htk-apache-dead "$DEAD" 2>/dev/null
check "Basic provider: a refused token does not go on to the file" 401 \
	"$(req -u "htk-apache-dead:$DEAD" /basic/PROJ/a)"

check "Bearer: git clone with an extra header" 0 \
	"$(gitq -c http.extraHeader="$(bearer "$REPO_R")" clone "http://127.0.0.1:$APACHE_PORT/git/PROJ/a.git" \
		"$TEST_TMP/bearer-clone"; echo $?)"
check_match "last use of the Bearer token recorded" "last used: +[0-9]{4}-" \
	"$(tk show "$(id_of "$REPO_R")" 2>&1)"

# --- the same log lines as the PAM module ------------------------------------
check_match "accepted token logged at authpriv.info, as by pam_httptoken" \
	"^86 [^ ]*: mod_authn_httptoken: auth accepted \(repository\): token=$(id_of "$REPO_R") user=x-token-auth service=127\.0\.0\.1 rhost=127\.0\.0\.1$" \
	"$(grep "token=$(id_of "$REPO_R")" "$SYSLOG" | grep accepted | tail -1)"
check_match "out-of-scope token logged at authpriv.notice" \
	"^85 [^ ]*: mod_authn_httptoken: auth refused \(token out of scope\): token=$(id_of "$REPO_W") user=x-token-auth " \
	"$(grep "token=$(id_of "$REPO_W")" "$SYSLOG" | grep refused | tail -1)"

# --- a new repository needs no configuration change --------------------------
new_bare_repo PROJ/c || tap_bail "cannot create PROJ/c"
git_ok "new repository PROJ/c: the project token clones it, no reload" \
	clone "$(git_url "x-token-auth:$PROJ_W" PROJ/c)" "$TEST_TMP/pc"
check "the clone is PROJ/c's" PROJ/c "$(cat "$TEST_TMP/pc/README")"
check "repository token for PROJ/a on the new PROJ/c: 403" 403 \
	"$(req -u "x-token-auth:$REPO_W" "$(refs PROJ/c)")"

# --- what the regex does not match stays denied --------------------------------
# git-http-backend serves /git/PROJ/a/... from a.git.
check "/git/PROJ/a/info/refs without credentials: 403, not served" \
	"403 0" "$(req /git/PROJ/a/info/refs?service=git-upload-pack) $(grep -c 'service=git-upload-pack' "$BODY")"
check "/git/PROJ/a/info/refs with a valid token: 403 all the same" 403 \
	"$(req -u "x-token-auth:$PROJ_W" /git/PROJ/a/info/refs?service=git-upload-pack)"
check "/git/PROJ/a/HEAD (dumb HTTP): 403" 403 "$(req /git/PROJ/a/HEAD)"

# --- path tricks never carry a token out of its scope -------------------------
# Each asks for PROJ/b's refs with the token of PROJ/a; the answer must be
# a refusal, never b's advertisement.
b_head=$(git --git-dir="$APACHE_DIR/git/PROJ/b.git" rev-parse HEAD)
check "control: PROJ/b's advertisement, where allowed, names its head" "200 yes" \
	"$(req -u "x-token-auth:$PROJ_W" "$(refs PROJ/b)") $(grep -q "$b_head" "$BODY" && echo yes)"
trick() {   # trick DESCRIPTION EXPECTED-STATUS PATH
	got=$(req --path-as-is -u "x-token-auth:$REPO_W" "$3")
	check "$1: $2, PROJ/b not served" "$2 0" "$got $(grep -c "$b_head" "$BODY")"
}
q='?service=git-upload-pack'
trick "dot-dot" 403 "/git/PROJ/a.git/../b.git/info/refs$q"
trick "dot-dot up to another project" 403 "/git/PROJ/a.git/../../OTHER/a.git/info/refs$q"
trick "encoded dot-dot %2e%2e" 403 "/git/PROJ/a.git/%2e%2e/b.git/info/refs$q"
trick "encoded slash %2F" 404 "/git/PROJ/a.git%2F..%2Fb.git/info/refs$q"
trick "double slash" 403 "/git/PROJ//b.git/info/refs$q"
trick "dot segment" 403 "/git/PROJ/a.git/./../b.git/info/refs$q"
trick "backslash" 404 "/git/PROJ/a.git/..\\b.git/info/refs$q"
check "in-scope path with a double slash still works" 200 \
	"$(req --path-as-is -u "x-token-auth:$REPO_W" "/git//PROJ/a.git/info/refs$q")"

# raw REQUEST-LINE: the status line of a raw HTTP/1.1 request (bash's
# /dev/tcp: the request goes out exactly as written).
raw() {
	auth=$(printf 'x-token-auth:%s' "$REPO_W" | base64 -w0)
	bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"
		printf "%s\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\nConnection: close\r\n\r\n" "$1" "$2" >&3
		cat <&3' "$APACHE_PORT" "$1" "$auth" > "$BODY"
	head -1 "$BODY" | tr -d '\r' | cut -d' ' -f2
}
check "absolute-form request line for PROJ/b: 403" "403 0" \
	"$(raw "GET http://127.0.0.1:$APACHE_PORT/git/PROJ/b.git/info/refs$q HTTP/1.1") $(grep -c "$b_head" "$BODY")"
check "absolute-form naming another host, path of PROJ/b: 403" "403 0" \
	"$(raw "GET http://other.example/git/PROJ/b.git/info/refs$q HTTP/1.1") $(grep -c "$b_head" "$BODY")"
long=$(head -c 9000 /dev/zero | tr '\0' a)
check "overlong request line: 414" "414 0" \
	"$(raw "GET /git/PROJ/a.git/$long/../../b.git/info/refs$q HTTP/1.1") $(grep -c "$b_head" "$BODY")"
check "raw request in scope: 200 (the raw client works)" 200 \
	"$(raw "GET /git/PROJ/a.git/info/refs$q HTTP/1.1")"

# --- an unsafe store is not trusted; revocation while the server runs ---------
chmod g+w "$DB"
check "group-writable store: 500, the token is not trusted" 500 \
	"$(req -u "x-token-auth:$PROJ_W" "$(refs PROJ/a)")"
chmod g-w "$DB"
check "project token works before revocation" 200 "$(req -u "x-token-auth:$PROJ_W" "$(refs PROJ/b receive)")"
tk revoke "$(id_of "$PROJ_W")" 2>>"$GITLOG" || tap_bail "tokenctl revoke failed"
check "revoked token: the next request gets 401" 401 "$(req -u "x-token-auth:$PROJ_W" "$(refs PROJ/b)")"
check "revoked token with Bearer: 401 invalid_token" \
	'401 WWW-Authenticate: Basic realm="git"|WWW-Authenticate: Bearer realm="git", error="invalid_token"|' \
	"$(req -H "$(bearer "$PROJ_W")" "$(refs PROJ/b)") $(challenges)"
check "same server process, not restarted" "$pid_at_start" "$(cat "$APACHE_DIR/run/httpd.pid")"

# --- many threads at once, and a graceful restart ---------------------------
# 400 requests, 16 at a time, alternating a repository the token may read
# and one it may not: every answer must be the right one for its path.
seq 400 | xargs -P 16 -I{} sh -c '
	case $(( {} % 2 )) in 0) r=a want=200 ;; *) r=b want=403 ;; esac
	got=$(curl -s -o /dev/null -w "%{http_code}" -u "x-token-auth:$1" \
		"$2/git/PROJ/$r.git/info/refs?service=git-upload-pack")
	echo "$r $want $got"' sh "$REPO_W" "$APACHE_URL" > "$TEST_TMP/parallel"
check "400 requests, 16 at a time: each answered for its own path" "400 0" \
	"$(wc -l < "$TEST_TMP/parallel" | tr -d ' ') $(awk '$2 != $3' "$TEST_TMP/parallel" | wc -l | tr -d ' ')"
resumed() { grep -c 'resuming normal operations' "$APACHE_DIR/logs/error.log"; }
before=$(resumed)
kill -USR1 "$APACHE_PID"
i=0
while [ $i -lt 100 ] && [ "$(resumed)" -le "$before" ]; do
	sleep 0.1; i=$((i + 1))
done
check "graceful restart done (SIGUSR1), same parent" "$((before + 1)) $pid_at_start" \
	"$(resumed) $(cat "$APACHE_DIR/run/httpd.pid")"
check "after a graceful restart: a valid token works" 200 "$(req -u "x-token-auth:$REPO_W" "$(refs PROJ/a)")"
check "after a graceful restart: out of scope still 403" 403 "$(req -u "x-token-auth:$REPO_W" "$(refs PROJ/b)")"
check "after a graceful restart: the revoked token still 401" 401 "$(req -u "x-token-auth:$PROJ_W" "$(refs PROJ/b)")"

# --- nothing secret in the logs ------------------------------------------------
check "no token appears in Apache's logs or syslog" 0 \
	"$(cat "$APACHE_DIR"/logs/* | grep -cF -e "$PERSONAL" -e "$REPO_W" -e "$REPO_R" -e "$PROJ_W")"

# --- a bad directive stops the configuration test, naming it ------------------
# configtest LINE...: apache2 -t on the running configuration with these
# lines in a <Location> added; its output and exit status on one line.
configtest() {
	{ cat "$APACHE_DIR/httpd.conf"; printf '%s\n' "<Location /bad/>" "$@" "</Location>"; } \
		> "$APACHE_DIR/bad.conf"
	out=$(env ${HT_TEST_PRELOAD:+LD_PRELOAD=$HT_TEST_PRELOAD} \
		"$APACHE_BIN" -t -f "$APACHE_DIR/bad.conf" 2>&1)
	echo "$out exit=$?" | tr '\n' ' '
}
check_match "configtest passes the shipped configuration with good additions" \
	"Syntax OK.*exit=0" "$(configtest "HTTPTokenRequire admin \"%{REQUEST_METHOD} == 'DELETE'\"" \
	'HTTPTokenUse git-http' 'HTTPTokenUser deploy' 'HTTPTokenStore /x/t.db' 'HTTPTokenKeyFile /x/k')"
for bad in 'HTTPTokenRequire writ|HTTPTokenRequire: the level is read, write or admin: "writ"' \
	   'HTTPTokenRequire write "%{QUERY_STRING} =~"|HTTPTokenRequire: cannot parse' \
	   'HTTPTokenRequire|HTTPTokenRequire takes 1-2 arguments' \
	   'HTTPTokenResource "%{env:MATCH_PROJECT"|HTTPTokenResource: cannot parse' \
	   'HTTPTokenUse HTTP|HTTPTokenUse: a use is a lower-case word' \
	   'HTTPTokenUser -x|HTTPTokenUser: not a valid user name' \
	   'HTTPTokenStore tokens.db|HTTPTokenStore: not an absolute path' \
	   'HTTPTokenKeyFile|HTTPTokenKeyFile takes one argument'; do
	line=${bad%%|*}
	want=${bad#*|}
	out=$(configtest "$line")
	check_match "configtest refuses \"$line\", naming the directive" "exit=1" "$out"
	check_match "configtest names it: $want" "$want" "$out"
done

apache_stop
tap_done

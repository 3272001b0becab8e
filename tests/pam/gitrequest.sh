#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# git_request=PREFIX: the resource and level come from the request line in
# the PAM environment (REQUEST, as nginx's auth-pam module sets it), and
# every line that is not canonical is refused, whatever the password.
. "$top_srcdir/tests/pam/pamenv.sh"
pam_env_setup

service git git_request=/git/
service bare git_request=/git

# line METHOD PATH [VERSION]: REQUEST=... for pamrun -e.
line() { printf 'REQUEST=%s %s %s' "$1" "$2" "${3:-HTTP/1.1}"; }
fetch() { line GET "/git/$1.git/info/refs?service=git-upload-pack"; }
push() { line GET "/git/$1.git/info/refs?service=git-receive-pack"; }
# with SERVICE USER PASSWORD REQUEST=...: auth and account in one handle.
with() { run_pam "$1" "$2" -a -p "$3" -e "$4" | sed 's/ prompts=.*//'; }

R=$(token repo PROJ/a write)
ok_both="auth=PAM_SUCCESS acct=PAM_SUCCESS"
check "repository token: fetch of its repository" "$ok_both" \
	"$(with git x-token-auth "$R" "$(fetch PROJ/a)")"
check "repository token: push to its repository" "$ok_both" \
	"$(with git x-token-auth "$R" "$(push PROJ/a)")"
check "repository token: POST git-receive-pack over HTTP/2" "$ok_both" \
	"$(with git x-token-auth "$R" "$(line POST /git/PROJ/a.git/git-receive-pack HTTP/2.0)")"
check "repository token: prefix written without its slash" "$ok_both" \
	"$(with bare x-token-auth "$R" "$(fetch PROJ/a)")"
check "repository token: another repository of its project" PAM_AUTH_ERR \
	"$(auth git x-token-auth "$R" -e "$(fetch PROJ/b)")"
check "repository token: same slug in another project" PAM_AUTH_ERR \
	"$(auth git x-token-auth "$R" -e "$(fetch OTHER/a)")"
check "repository token: a real user name" PAM_AUTH_ERR \
	"$(auth git alice "$R" -e "$(fetch PROJ/a)")"

J=$(token project PROJ read)
check "project token: fetch of PROJ/a" "$ok_both" "$(with git x-token-auth "$J" "$(fetch PROJ/a)")"
check "project token: fetch of PROJ/b" "$ok_both" "$(with git x-token-auth "$J" "$(fetch PROJ/b)")"
check "project token: another project" PAM_AUTH_ERR \
	"$(auth git x-token-auth "$J" -e "$(fetch PROJX/a)")"
check "read project token: push advertisement needs write" PAM_AUTH_ERR \
	"$(auth git x-token-auth "$J" -e "$(push PROJ/a)")"
check "read project token: POST git-receive-pack needs write" PAM_AUTH_ERR \
	"$(auth git x-token-auth "$J" -e "$(line POST /git/PROJ/a.git/git-receive-pack)")"
check "read project token: POST git-upload-pack is read" PAM_SUCCESS \
	"$(auth git x-token-auth "$J" -e "$(line POST /git/PROJ/a.git/git-upload-pack)")"
check_match "the level refusal is logged with the token" \
	"auth refused \(token permission too low\): token=$(token_id "$J") user=x-token-auth service=git" \
	"$(syslog_lines)"

P=$(token personal alice read)
check "personal token: any repository for its owner" PAM_SUCCESS \
	"$(auth git alice "$P" -e "$(fetch OTHER/z)")"
check "personal read token: push refused" PAM_AUTH_ERR "$(auth git alice "$P" -e "$(push OTHER/z)")"

# Not a token: other modules decide, as without git_request=.
check "ordinary password, canonical line: ignored" PAM_IGNORE \
	"$(auth git alice hunter2 -e "$(fetch PROJ/a)")"

# A line that is not canonical, or none, refuses even an ordinary password.
check "no REQUEST: refused" PAM_AUTH_ERR "$(auth git x-token-auth "$R")"
check_match "no REQUEST: logged" \
	"SYSLOG\(85\): auth refused \(request line: none given \(REQUEST is not in the PAM environment\)\): user=x-token-auth service=git rhost=192\.0\.2\.7" \
	"$(syslog_lines)"
check "not canonical, ordinary password: refused" PAM_AUTH_ERR \
	"$(auth git alice hunter2 -e "$(line GET /git/PROJ/a.git/../b.git/info/refs)")"
check_match "the broken rule is logged" "auth refused \(request line: '\.' or '\.\.' segment in the path\)" \
	"$(syslog_lines)"

# Path tricks that name PROJ/a in the text but reach another repository
# once the server has normalised them: never with PROJ/a's token.
for path in \
	/git/PROJ/a.git/../../OTHER/a.git/info/refs \
	/git/PROJ/a.git/%2e%2e/%2e%2e/OTHER/a.git/info/refs \
	/git/PROJ/a.git/..%2F..%2FOTHER/a.git/info/refs \
	/git/PROJ/a.git/.%2e/.%2e/PROJ/b.git/info/refs \
	'/git/PROJ/a.git\..\..\PROJ\b.git/info/refs' \
	/git/PROJ%2Fa.git/info/refs \
	/git//PROJ/a.git/info/refs \
	/git/./PROJ/a.git/info/refs \
	/git/PROJ/./a.git/info/refs \
	http://localhost/git/PROJ/a.git/info/refs \
	/git/PROJ/a.git/info/refs%3Fservice=git-upload-pack \
	'/git/PROJ/a.git/info/refs?service=git-upload-pack&service=git-receive-pack' \
	/other/PROJ/a.git/info/refs; do
	check "repository token, request line $path: refused" PAM_AUTH_ERR \
		"$(auth git x-token-auth "$R" -e "$(line GET "$path")")"
done
check "repository token, PUT: refused" PAM_AUTH_ERR \
	"$(auth git x-token-auth "$R" -e "$(line PUT /git/PROJ/a.git/info/refs)")"
check "repository token, HTTP/0.9 line: refused" PAM_AUTH_ERR \
	"$(auth git x-token-auth "$R" -e "REQUEST=GET /git/PROJ/a.git/info/refs")"

# 8 KiB: the limit itself passes, one byte more does not.
# long_line LEN: a fetch line of exactly LEN bytes (padding in the path).
long_line() {
	head="GET /git/PROJ/a.git/objects/" tail=" HTTP/1.1"
	pad=$(($1 - ${#head} - ${#tail}))
	printf 'REQUEST=%s%s%s' "$head" "$(head -c "$pad" /dev/zero | tr '\0' x)" "$tail"
}
check "request line of 8192 bytes" PAM_SUCCESS "$(auth git x-token-auth "$R" -e "$(long_line 8192)")"
check "request line of 8193 bytes" PAM_AUTH_ERR "$(auth git x-token-auth "$R" -e "$(long_line 8193)")"
check_match "the overlong line is logged as such" "request line: longer than 8192 bytes" \
	"$(syslog_lines)"

# account judges the request as it stands then, not as auth saw it.
acct_after() { run_pam git x-token-auth -a -p "$R" -e "$(fetch PROJ/a)" -E "$1" | sed 's/ prompts=.*//'; }
check "account after REQUEST turned to another repository" "auth=PAM_SUCCESS acct=PAM_PERM_DENIED" \
	"$(acct_after "$(fetch OTHER/a)")"
J2=$(token project PROJ read)
check "account after REQUEST turned to a push, read token" "auth=PAM_SUCCESS acct=PAM_PERM_DENIED" \
	"$(run_pam git x-token-auth -a -p "$J2" -e "$(fetch PROJ/a)" -E "$(push PROJ/a)" |
		sed 's/ prompts=.*//')"
check "account after REQUEST removed" "auth=PAM_SUCCESS acct=PAM_PERM_DENIED" \
	"$(acct_after REQUEST)"
check "account with the same REQUEST" "$ok_both" "$(acct_after "$(fetch PROJ/a)")"

revoke "$R"
check "revoked repository token: refused" PAM_AUTH_ERR "$(auth git x-token-auth "$R" -e "$(fetch PROJ/a)")"

# Arguments: git_request= excludes resource= and require=, and its prefix
# must be canonical itself.
n=0
for args in 'git_request=/git/ resource=PROJ/a' 'git_request=/git/ require=read' \
	'require=write git_request=/git/' 'git_request=' 'git_request=git/' 'git_request=/git//' \
	'git_request=/a/../git/' 'git_request=/git%2f' 'git_request=/git/ git_request=/git/'; do
	n=$((n + 1))
	service "bad$n" $args
	check "arguments '$args' refused in auth and account" \
		"auth=PAM_SERVICE_ERR acct=PAM_SERVICE_ERR" "$(with "bad$n" alice "$P" "$(fetch PROJ/a)")"
done
check_match "the combination is named at authpriv.err" \
	'SYSLOG\(83\): module argument "git_request=/git/": cannot be combined with resource= or require=' \
	"$(syslog_lines)"
tap_done

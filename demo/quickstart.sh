#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Quick start: see an HTTP access token used as the password for a real
# `git clone` and `git push` through Apache, on this machine, in a minute.
#
#   sudo demo/quickstart.sh        (root: installs what is missing, then runs)
#   demo/quickstart.sh             (as a user: sudo is used for apt-get only)
#   demo/quickstart.sh --no-install --build DIR
#                                  (use packages as they are and the build in
#                                   DIR: how the test suite runs it)
#
# It installs the Debian packages it needs if any is missing, builds the
# tree into _build/demo/, creates a private token store in a temporary
# directory, starts Apache on a loopback port with the example configuration
# from etc/, and shows: a clone and a push with a write token, a push refused
# for a read token, and a clone refused after the token is revoked. Nothing
# outside the checkout and the temporary directory is changed (apart from
# installing packages), and everything it started is stopped at the end.
set -u

top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
# As root, in a /tmp of its own: pam_wrapper writes to fixed /tmp/pam.X paths.
[ -n "${HT_PRIVATE_TMP:-}" ] || exec "$top_srcdir/tests/private-tmp.sh" "$0" "$@"
BUILD="$top_srcdir/_build/demo"
install=1 prebuilt=
while [ $# -gt 0 ]; do
	case $1 in
	--no-install) install=0 ;;
	--build) [ $# -ge 2 ] || { echo "--build needs a directory" >&2; exit 64; }
		 prebuilt=$2; shift ;;
	*) echo "usage: $0 [--no-install] [--build DIR]" >&2; exit 64 ;;
	esac
	shift
done
PACKAGES="autoconf automake libtool pkg-config make gcc libpam0g-dev
libgdbm-dev libsodium-dev libpam-wrapper apache2 libapache2-mod-authnz-pam
git curl iproute2"

if [ -t 1 ]; then bold=$(printf '\033[1m'); red=$(printf '\033[31m'); green=$(printf '\033[32m'); off=$(printf '\033[0m')
else bold= red= green= off=; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$off"; }
say() { printf '    %s\n' "$*"; }
show() { printf '    $ %s\n' "$*"; }   # the command a reader would type
good() { printf '    %sOK%s: %s\n' "$green" "$off" "$*"; }
fail() { printf '    %sUNEXPECTED%s: %s\n' "$red" "$off" "$*"; failures=$((failures + 1)); }
die() { printf '%squickstart: %s%s\n' "$red" "$*" "$off" >&2; exit 1; }
failures=0

# --- 1. packages --------------------------------------------------------------
step "Checking the Debian packages this needs"
missing=
for p in $PACKAGES; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	say "all installed"
elif [ "$install" -eq 0 ]; then
	die "missing packages:$missing"
else
	say "installing:$missing"
	if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
	command -v apt-get >/dev/null || die "apt-get not found: this script is for Debian 12"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null ||
		die "apt-get install failed"
fi

# --- 2. build -------------------------------------------------------------------
step "Building pam_httptoken.so and tokenctl"
if [ -n "$prebuilt" ]; then
	BUILD=$(cd "$prebuilt" && pwd) || die "no build directory $prebuilt"
elif [ -f "$top_srcdir/config.status" ]; then
	# The checkout is configured in place: use that build.
	BUILD=$top_srcdir
	show "make"
	(cd "$BUILD" && make -j2 >/dev/null) || die "make failed"
else
	show "autoreconf -fi && cd _build/demo && ../../configure && make"
	if [ ! -x "$top_srcdir/configure" ] || [ ! -f "$BUILD/Makefile" ]; then
		(cd "$top_srcdir" && autoreconf -fi >/dev/null 2>&1) || die "autoreconf failed"
		mkdir -p "$BUILD" && (cd "$BUILD" && "$top_srcdir/configure" -q) ||
			die "configure failed"
	fi
	(cd "$BUILD" && make -j2 >/dev/null) || die "make failed"
fi
TOKENCTL="$BUILD/tokenctl/tokenctl"
PAM_MODULE="$BUILD/pam_httptoken/.libs/pam_httptoken.so"
[ -x "$TOKENCTL" ] && [ -f "$PAM_MODULE" ] || die "build did not produce tokenctl and the module"
say "built in $BUILD"

# --- 3. a private store -----------------------------------------------------------
. "$top_srcdir/tests/e2e/apache-lib.sh"
why=$(apache_missing)
[ -z "$why" ] || die "$why"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/httptoken-demo.XXXXXX") || die "mktemp failed"
chmod 0755 "$WORK"
cleanup() {
	apache_stop
	wrapper_cleanup
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DB="$WORK/store/tokens.db"
KEY="$WORK/store/key"
mkdir -p "$WORK/store"
tk() { "$TOKENCTL" --db "$DB" --keyfile "$KEY" "$@"; }

step "Creating a token store (normally /var/lib/httptoken, here a temp dir)"
if [ "$(id -u)" -eq 0 ]; then
	show "tokenctl init --group $HTTPD_GROUP"
	tk init --group "$HTTPD_GROUP" 2>/dev/null || die "tokenctl init failed"
	say "Apache runs as $HTTPD_USER: it reads the store through its group and cannot write it:"
else
	show "tokenctl init"
	tk init 2>/dev/null || die "tokenctl init failed"
	say "Apache runs as you here, the store's owner:"
fi
ls -l "$DB" "$KEY" | sed 's/^/      /'

# --- 4. Apache ----------------------------------------------------------------------
step "Starting Apache with etc/apache/httptoken-git.conf and the PAM services in etc/pam.d"
export HOME="$WORK/home" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
mkdir -p "$HOME"
git config --global user.name "Quick Start"
git config --global user.email quickstart@localhost
git config --global init.defaultBranch main
apache_prepare "$WORK/srv" || die "cannot lay out the server root"
new_bare_repo PROJ/repo || die "cannot create the repository"
apache_start || die "apache2 did not start"
me=$(id -un)
URL="$APACHE_URL/git/PROJ/repo.git"
say "serving $URL (repository PROJ/repo, one commit)"
say "fetches ask PAM service git-read (require=read), pushes git-write (require=write)"

# git asks for the password through GIT_ASKPASS: answer with $PASSWORD, as
# a person would paste the token at the prompt.
cat > "$WORK/askpass" <<'EOF'
#!/bin/sh
case $1 in Username*) printf '%s\n' "$DEMO_USER" ;; *) printf '%s\n' "$DEMO_PASSWORD" ;; esac
EOF
chmod 0755 "$WORK/askpass"
export GIT_ASKPASS="$WORK/askpass" DEMO_USER="$me"
# as_git TOKEN git ARGS...: run git with TOKEN as the password; its output is
# indented, and its last line kept in $last.
as_git() {
	DEMO_PASSWORD=$1; export DEMO_PASSWORD; shift
	"$@" >"$WORK/out" 2>&1; rc=$?
	sed 's/^/      | /' "$WORK/out"
	return $rc
}
# refused_401: the last git command failed because the server refused its
# credentials ("Authentication failed" is git's message for an HTTP 401 and
# for nothing else), not for some other reason.
refused_401() { grep -q "Authentication failed" "$WORK/out"; }
short() { printf '%s...' "$(printf '%s' "$1" | cut -c1-24)"; }

# --- 5. a write token: clone and push -------------------------------------------------
step "Issuing a personal token with write permission (as $me)"
show "tokenctl create --name laptop --perm write"
WRITE=$(tk create --name laptop --perm write) || die "tokenctl create failed"
say "token: $(short "$WRITE")  (69 characters, shown once; the store keeps only a keyed hash)"

step "git clone with the token as the password"
say "git gets the token from a credential helper, never from the URL (a URL keeps it"
say "in .git/config and shows it in ps); here GIT_ASKPASS answers git's prompt, as"
say "'git credential approve' with credential.helper=store would on a laptop"
show "GIT_ASKPASS=askpass git clone $URL   # user $me, password: the token"
if as_git "$WRITE" git clone "$URL" "$WORK/clone"; then good "cloned: $(cat "$WORK/clone/README")"
else fail "clone with a write token"; fi

step "git push with the same token"
echo "Hello from the quick start" >> "$WORK/clone/README"
git -C "$WORK/clone" commit -q -am "Quick start change"
show "git commit -am 'Quick start change' && git push"
if as_git "$WRITE" git -C "$WORK/clone" push origin main; then good "pushed"
else fail "push with a write token"; fi

# --- 6. a read token: clone yes, push no ---------------------------------------------
step "Issuing a read-only token"
show "tokenctl create --name ci-reader --perm read"
READ=$(tk create --name ci-reader --perm read) || die "tokenctl create failed"
say "token: $(short "$READ")"
step "git push with the read token (expected: refused, HTTP 401)"
echo "A change a reader may not push" >> "$WORK/clone/README"
git -C "$WORK/clone" commit -q -am "Not allowed"
show "git push   # password: the read token"
if as_git "$READ" git -C "$WORK/clone" push origin main; then fail "a read token pushed"
elif refused_401; then good "push refused (401): the read token passed git-read but not git-write"
else fail "push with a read token failed, but not with a 401"; fi

# --- 7. revoke ------------------------------------------------------------------------
step "Revoking the write token while Apache keeps running"
id=$(printf '%s' "$WRITE" | cut -c5-20)
show "tokenctl revoke $id"
tk revoke "$id" 2>&1 | sed 's/^/      /'
show "tokenctl list"
tk list 2>&1 | sed 's/^/      /'
step "git clone with the revoked token (expected: refused, HTTP 401)"
show "git clone $URL"
if as_git "$WRITE" git clone "$URL" "$WORK/clone2"; then fail "a revoked token cloned"
elif refused_401; then good "clone refused (401): revocation takes effect on the next request, no restart"
else fail "clone with a revoked token failed, but not with a 401"; fi

step "Apache's access log"
sed 's/^/      /' "$APACHE_DIR/logs/access.log" | grep -v '"GET / '

printf '\n'
if [ "$failures" -eq 0 ]; then
	printf '%sAll steps behaved as expected.%s Stopping Apache and removing %s.\n' "$bold" "$off" "$WORK"
	say "Next: etc/README.md shows how to set this up for real (store, key, Apache, PAM, sshd)."
else
	printf '%s%d step(s) did not behave as expected.%s Apache error log:\n' "$red" "$failures" "$off"
	sed 's/^/      /' "$APACHE_DIR/logs/error.log" | tail -20
	exit 1
fi

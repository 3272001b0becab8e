#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# private-tmp.sh COMMAND [ARG...]: runs COMMAND with a /tmp of its own when
# run as root. pam_wrapper copies PAM service directories to the fixed
# paths /tmp/pam.a .. /tmp/pam.z (a path as long as /etc/pam.d, patched
# into libpam), where a local user could plant a link before a root test
# writes there; in a mount namespace of its own, on a fresh tmpfs, nobody
# else can. Children (Apache, nginx, sshd, PostgreSQL) share it, and it is
# gone when the last of them exits. The source and build trees and the
# working directory stay reachable when they live under /tmp: they are
# bound back from the real /tmp. Without root, or where namespaces are not
# allowed, COMMAND runs as it is.
if [ "$(id -u)" = 0 ] && [ -z "${HT_PRIVATE_TMP:-}" ] &&
   unshare --mount --propagation private true 2>/dev/null; then
	HT_PRIVATE_TMP=1 exec unshare --mount --propagation private -- sh -c '
		stage=/run/httptoken-tmp-stage
		mkdir -p -m 0700 "$stage" && mount --bind /tmp "$stage" &&
			mount -t tmpfs -o mode=1777 httptoken-tmp /tmp || exit 99
		for d in "${top_srcdir:-}" "${top_builddir:-}" "$PWD"; do
			case $d in
			/tmp/?*)
				rel=${d#/tmp/}
				mkdir -p "/tmp/$rel" && mount --bind "$stage/$rel" "/tmp/$rel" || exit 99
				;;
			esac
		done
		umount -l "$stage"
		cd "$PWD" && exec "$@"' sh "$@"
fi
HT_PRIVATE_TMP=${HT_PRIVATE_TMP:-no} exec "$@"

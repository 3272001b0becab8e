# SPDX-License-Identifier: GPL-3.0-or-later
# Example configuration, shipped as documentation (the packaging installs it
# under $(docdir)/examples). The end-to-end tests run these very files.
EXTRA_DIST += \
	etc/README.md \
	etc/apache/httptoken-git.conf \
	etc/apache/httptoken-git-native.conf \
	etc/pam.d/git-read \
	etc/pam.d/git-write \
	etc/pam.d/git-read-proj-repo \
	etc/pam.d/git-write-proj-repo \
	etc/pam.d/sshd-httptoken \
	etc/sshd/httptoken.conf
EXTRA_DIST += etc/nginx/httptoken-git.conf etc/pam.d/nginx-git
EXTRA_DIST += etc/dovecot/10-auth-httptoken.conf etc/pam.d/dovecot-httptoken

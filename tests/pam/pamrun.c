/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pamrun: one PAM transaction through the real libpam, driven the way
 * mod_authnz_pam drives it (PAM_RHOST set, PAM_SILENT|
 * PAM_DISALLOW_NULL_AUTHTOK, a conversation that answers only the
 * password prompt and fails on any other message). Prints what the
 * application saw, e.g. "auth=PAM_SUCCESS acct=PAM_SUCCESS prompts=1
 * others=0", and exits 0 unless it could not run at all.
 *
 *   pamrun [-a | -A] [-c] [-x COMMAND] [-s PASSWORD] [-r RHOST]
 *          [-e NAME=VALUE]... [-E NAME[=VALUE]]...
 *          [-p PASSWORD | -f FILE] SERVICE USER
 *
 * -a runs account after auth in the same handle, -A account only; -x runs
 * a shell command between the two (a change made while a client is
 * between auth and account); -f reads the password's exact bytes from
 * FILE (NULs and all); -s authenticates a second time in the same handle
 * with another password before account; -c establishes credentials last,
 * as sshd does after a login; -e puts NAME=VALUE in the PAM environment
 * before auth (as nginx's auth-pam module puts REQUEST there), -E changes
 * it (or with NAME alone, removes it) between auth and account. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "conv.h"
#include "pam_codes.h"

/* The exact bytes of path, NULs and all, into a malloc'd *buf. */
static int
read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rbe");
	size_t cap = 4096;

	if (f == NULL)
		return -1;
	*buf = malloc(cap);
	*len = 0;
	while (*buf != NULL) {
		size_t n = fread(*buf + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0)
			break;
		if (*len == cap) {
			char *bigger = realloc(*buf, cap *= 2);
			if (bigger == NULL)
				free(*buf);
			*buf = bigger;
		}
	}
	fclose(f);
	return *buf == NULL ? -1 : 0;
}

static void
putenv_or_die(pam_handle_t *pamh, const char *name_value)
{
	int rc = pam_putenv(pamh, name_value);

	/* Removing a variable that is not set is no failure here. */
	if (rc != PAM_SUCCESS && !(rc == PAM_BAD_ITEM && strchr(name_value, '=') == NULL)) {
		fprintf(stderr, "pam_putenv: %s\n", pam_code_name(rc));
		exit(2);
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: pamrun [-a|-A] [-c] [-x COMMAND] [-s PASSWORD] [-r RHOST] [-e NAME=VALUE]... [-E NAME[=VALUE]]... [-p PASSWORD|-f FILE] SERVICE USER\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct conv_answer ans = conv_answer_of(NULL);
	struct pam_conv pc = conv_for(&ans);
	char *file_password = NULL;
	const int flags = PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK;
	const char *rhost = "192.0.2.7";
	pam_handle_t *pamh = NULL;
	const char *between = NULL, *second = NULL;
	const char *env_before[8], *env_after[8];
	int n_before = 0, n_after = 0;
	int do_auth = 1, do_acct = 0, do_cred = 0, c, rc;

	while ((c = getopt(argc, argv, "aAcx:s:r:p:f:e:E:")) != -1) {
		switch (c) {
		case 'a': do_acct = 1; break;
		case 'A': do_acct = 1; do_auth = 0; break;
		case 'c': do_cred = 1; break;
		case 'x': between = optarg; break;
		case 's': second = optarg; break;
		case 'r': rhost = optarg; break;
		case 'e': if (n_before == 8) usage();
		          env_before[n_before++] = optarg; break;
		case 'E': if (n_after == 8) usage();
		          env_after[n_after++] = optarg; break;
		case 'p': ans.password = optarg; ans.len = strlen(optarg); break;
		case 'f': free(file_password);
		          if (read_file(optarg, &file_password, &ans.len) != 0) {
				  perror(optarg);
				  return 2;
		          }
		          ans.password = file_password;
		          break;
		default: usage();
		}
	}
	if (argc - optind != 2)
		usage();
	rc = pam_start(argv[optind], argv[optind + 1], &pc, &pamh);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "pam_start: %s\n", pam_code_name(rc));
		return 2;
	}
	pam_set_item(pamh, PAM_RHOST, rhost);
	for (int i = 0; i < n_before; i++)
		putenv_or_die(pamh, env_before[i]);
	rc = PAM_SUCCESS;
	if (do_auth) {
		rc = pam_authenticate(pamh, flags);
		printf("auth=%s ", pam_code_name(rc));
		fflush(stdout);
	}
	if (do_auth && second != NULL) {
		ans.password = second;
		ans.len = strlen(second);
		rc = pam_authenticate(pamh, flags);
		printf("auth2=%s ", pam_code_name(rc));
	}
	if (between != NULL && system(between) != 0)
		fprintf(stderr, "pamrun: %s failed\n", between);
	for (int i = 0; i < n_after; i++)
		putenv_or_die(pamh, env_after[i]);
	if (do_acct)
		printf("acct=%s ", pam_code_name(pam_acct_mgmt(pamh, flags)));
	if (do_cred)
		printf("cred=%s ", pam_code_name(pam_setcred(pamh, PAM_SILENT | PAM_ESTABLISH_CRED)));
	printf("prompts=%u others=%u\n", ans.prompts, ans.others);
	pam_end(pamh, rc);
	free(file_password);
	return 0;
}

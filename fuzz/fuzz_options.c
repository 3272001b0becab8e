/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the PAM module's argument parser. The input is split
 * at NUL and newline bytes into an argv. Accepted arguments must leave a
 * complete, valid configuration; refused ones must be logged (through
 * the stub below, which formats the message as libpam would). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "gitreq.h"
#include "options.h"
#include "scope.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Stands in for libpam's logger: formats (so the sanitizers see the
 * arguments) and counts, without a syslog round trip per input. */
static int logged;

void
pam_vsyslog(const pam_handle_t *pamh, int priority, const char *fmt, va_list args)
{
	char line[1024];

	(void)pamh;
	(void)priority;
	vsnprintf(line, sizeof(line), fmt, args);
	logged++;
}

void
pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pam_vsyslog(pamh, priority, fmt, ap);
	va_end(ap);
}

static void
check_accepted(const struct options *opt)
{
	if (opt->db_path == NULL || opt->db_path[0] != '/' ||
	    opt->key_path == NULL || opt->key_path[0] != '/' ||
	    opt->token_user == NULL || opt->token_user[0] == '\0' ||
	    opt->require < HT_PERM_READ || opt->require > HT_PERM_ADMIN ||
	    (opt->resource != NULL && !ht_resource_valid(opt->resource)))
		abort();
	/* git_request= stands alone: the request supplies resource and level. */
	if (opt->git_prefix != NULL &&
	    (!ht_git_prefix_valid(opt->git_prefix) || opt->resource != NULL ||
	     opt->require != HT_PERM_READ))
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *argv[MAX_ARGS];
	struct options opt;
	char *copy = malloc(size + 1);
	int argc = 0, rc;
	size_t start = 0;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t i = 0; i <= size && argc < MAX_ARGS; i++) {
		if (i == size || copy[i] == '\0' || copy[i] == '\n') {
			copy[i] = '\0';
			argv[argc++] = copy + start;
			start = i + 1;
		}
	}
	logged = 0;
	rc = options_parse(NULL, argc, argv, &opt);
	if (rc == PAM_SUCCESS)
		check_accepted(&opt);
	else if (rc != PAM_SERVICE_ERR || logged == 0)
		abort();
	free(copy);
	return 0;
}

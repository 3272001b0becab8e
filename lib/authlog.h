/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The log line about a decision on a token, one format for every front
 * end (the PAM module through pam_syslog, the Apache module through
 * syslog): what happened, which token, for whom, through which service,
 * from where. Never the secret. The library only formats; the caller logs
 * the text at the priority given, to the authpriv facility. */
#ifndef HT_AUTHLOG_H
#define HT_AUTHLOG_H

#include "error.h"
#include "token.h"
#include "verify.h"

#define HT_LOG_FIELD_MAX 64
#define HT_LOG_LINE_MAX  640

struct ht_log_line {
	int priority;                /* a syslog level, LOG_INFO etc. */
	char text[HT_LOG_LINE_MAX];
};

/* Copies untrusted text (a user name sent by a web client, a host name)
 * into out for a log line: printable ASCII without spaces (so fields
 * cannot be forged), anything else as '?', cut at HT_LOG_FIELD_MAX bytes
 * with a trailing "...". NULL gives "-". */
void ht_log_field(const char *in, char out[HT_LOG_FIELD_MAX + 4]);

/* "PHASE OUTCOME (DETAIL): token=ID user=USER service=SERVICE rhost=RHOST",
 * with user, service and rhost passed through ht_log_field. */
void ht_log_decision(struct ht_log_line *line, int priority, const char *phase,
                     const char *outcome, const char *detail, ht_id id,
                     const char *user, const char *service, const char *rhost);

/* Why res refused a token, in words; an owner refusal says which
 * (locked, expired, missing). */
const char *ht_log_refusal_detail(const struct ht_verify_result *res);

/* The line an authentication logs for res: accepted at LOG_INFO, refused
 * at LOG_NOTICE, failed (store unusable, err says why) at LOG_ERR. 0, or
 * -1 when the verdict is not about a token (not token text, or empty),
 * which is nobody's business but the debug log's. */
int ht_log_auth(struct ht_log_line *line, const struct ht_verify_result *res,
                const struct ht_error *err, const char *user, const char *service,
                const char *rhost);

#endif

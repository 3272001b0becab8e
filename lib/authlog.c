/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "authlog.h"

void
ht_log_field(const char *in, char out[HT_LOG_FIELD_MAX + 4])
{
	size_t i;

	if (in == NULL) {
		strcpy(out, "-");
		return;
	}
	for (i = 0; in[i] != '\0' && i < HT_LOG_FIELD_MAX; i++) {
		unsigned char c = (unsigned char)in[i];
		out[i] = (c > 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (in[i] != '\0') {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
}

void
ht_log_decision(struct ht_log_line *line, int priority, const char *phase,
                const char *outcome, const char *detail, ht_id id,
                const char *user, const char *service, const char *rhost)
{
	char u[HT_LOG_FIELD_MAX + 4], s[HT_LOG_FIELD_MAX + 4], r[HT_LOG_FIELD_MAX + 4];
	struct ht_id_text t = ht_id_format(id);

	ht_log_field(user, u);
	ht_log_field(service, s);
	ht_log_field(rhost, r);
	line->priority = priority;
	snprintf(line->text, sizeof(line->text),
	         "%s %s (%s): token=%s user=%s service=%s rhost=%s",
	         phase, outcome, detail, t.s, u, s, r);
}

const char *
ht_log_refusal_detail(const struct ht_verify_result *res)
{
	if (res->verdict != HT_V_OWNER_REFUSED)
		return ht_verdict_str(res->verdict);
	switch (res->owner_refused) {
	case HT_REFUSE_LOCKED:  return "owner account locked";
	case HT_REFUSE_EXPIRED: return "owner account expired";
	case HT_REFUSE_MISSING: return "owner missing (refused by sweep)";
	case HT_REFUSE_NONE:    break;
	}
	return ht_verdict_str(res->verdict);
}

int
ht_log_auth(struct ht_log_line *line, const struct ht_verify_result *res,
            const struct ht_error *err, const char *user, const char *service,
            const char *rhost)
{
	switch (res->verdict) {
	case HT_V_NOT_TOKEN:
	case HT_V_EMPTY:
		return -1;
	case HT_V_OK:
		ht_log_decision(line, LOG_INFO, "auth", "accepted", ht_kind_str(res->kind),
		                res->id, user, service, rhost);
		break;
	case HT_V_ERROR:
		ht_log_decision(line, LOG_ERR, "auth", "failed", err->msg, res->id, user,
		                service, rhost);
		break;
	default:
		ht_log_decision(line, LOG_NOTICE, "auth", "refused",
		                ht_log_refusal_detail(res), res->id, user, service, rhost);
		break;
	}
	return 0;
}

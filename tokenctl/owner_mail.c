/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Policy notify-owner: when someone other than the owner (an
 * administrator) edits or revokes a personal token, its owner gets a mail
 * saying what happened and who did it. Called after the change is
 * committed and the writers' lock released: prepare reads the tokens
 * while the tool may still read the store, send mails them once it has
 * dropped its privileges (sendmail runs as the caller, as mail(1) would).
 * A mail that cannot be sent is reported, and the change stands. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tokenctl.h"

static int
by_owner(const void *a, const void *b)
{
	return strcmp(((const struct ht_record *)a)->owner, ((const struct ht_record *)b)->owner);
}

/* The personal tokens among ids that belong to someone else. */
static size_t
others_tokens(const struct ctl *ctl, struct session *ses, const ht_id *ids, size_t n,
              struct ht_record *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct ht_error err = { 0 };

		if (ht_store_get(ses->st, ids[i], &out[k], &err) == HT_OK &&
		    out[k].kind == HT_KIND_PERSONAL && !caller_owns_token(&ctl->who, &out[k]))
			k++;
	}
	return k;
}

static void
send_to(const struct ctl *ctl, const char *what, const struct ht_record *v, size_t n)
{
	char host[256] = "this host", subject[320];
	struct mail m;

	if (gethostname(host, sizeof(host) - 1) != 0 || !mail_recipient_valid(host))
		snprintf(host, sizeof(host), "this host");
	snprintf(subject, sizeof(subject), "Your HTTP access token%s on %s %s %s",
	         n == 1 ? "" : "s", host, n == 1 ? "was" : "were", what);
	if (mail_open(ctl, &m, v[0].owner, subject) != 0)
		return;
	fprintf(m.f, "Hello %s,\n\nan administrator (%s) %s %s of your HTTP access tokens on %s:\n\n",
	        v[0].owner, ctl->who.has_name ? ctl->who.name : "uid ?", what,
	        n == 1 ? "this one" : "these", host);
	for (size_t i = 0; i < n; i++) {
		fprintf(m.f, "  %s  %-5s  \"", ht_id_format(v[i].id).s, ht_perm_str(v[i].perm));
		out_safe(m.f, v[i].name);
		fputs("\"\n", m.f);
	}
	if (strcmp(what, "revoked") == 0)
		fputs("\nA revoked token no longer works. If you still need access, create a\n"
		      "new token (tokenctl create) and give it to whatever used the old one;\n"
		      "if you did not expect this, ask the administrator why.\n", m.f);
	else
		fputs("\nThe token keeps working with the name and permission shown by\n"
		      "tokenctl show ID. If you did not expect this, ask the administrator why.\n",
		      m.f);
	fputs("\nThis message was sent by tokenctl. It contains no token.\n", m.f);
	if (mail_close(&m, v[0].owner) == 0)
		audit_change(ctl, "notify-owner", &v[0].id, "to=%s %s", v[0].owner, what);
}

void
owner_mail_prepare(const struct ctl *ctl, const ht_id *ids, size_t n, struct owner_mail *om)
{
	struct session ses;

	memset(om, 0, sizeof(*om));
	if (n == 0 || session_read(ctl, &ses) != 0)
		return;
	om->recs = ses.pol.notify_owner ? calloc(n, sizeof(*om->recs)) : NULL;
	om->n = om->recs != NULL ? others_tokens(ctl, &ses, ids, n, om->recs) : 0;
	session_end(&ses);
}

void
owner_mail_send(const struct ctl *ctl, struct owner_mail *om, const char *what)
{
	struct ht_record *recs = om->recs;
	size_t k = om->n;

	if (k > 0 && mail_available(ctl) == 0) {
		qsort(recs, k, sizeof(*recs), by_owner);
		for (size_t start = 0, end; start < k; start = end) {
			for (end = start + 1; end < k && strcmp(recs[end].owner, recs[start].owner) == 0;
			     end++)
				;
			send_to(ctl, what, recs + start, end - start);
		}
	}
	free(recs);
	memset(om, 0, sizeof(*om));
}

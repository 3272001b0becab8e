/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Everything tokenctl prints about tokens. Names and owners come from
 * users, so they are filtered on the way out: control characters, C1
 * controls, invisible format characters (bidirectional overrides among
 * them) and invalid UTF-8 never reach a terminal raw, and JSON strings are
 * always valid JSON. A store written before names refused format
 * characters may still hold some. */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "safefile.h"
#include "utf8.h"
#include "tokenctl.h"

void
out_safe(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		unsigned long cp;
		size_t n = ht_utf8_decode(p, strlen((const char *)p), &cp);

		if (n == 0) {
			fprintf(f, "\\x%02x", *p);
			n = 1;
		} else if (cp == '\\') {
			fputs("\\\\", f);
		} else if (ht_utf8_is_invisible(cp)) {
			if (cp < 0x100)
				fprintf(f, "\\x%02lx", cp);
			else if (cp < 0x10000)
				fprintf(f, "\\u%04lx", cp);
			else
				fprintf(f, "\\U%08lx", cp);
		} else {
			fwrite(p, 1, n, f);
		}
		p += n;
	}
}

void
out_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p != '\0') {
		unsigned long cp;
		size_t n = ht_utf8_decode(p, strlen((const char *)p), &cp);

		if (n == 0) {
			fputs("\\ufffd", f);
			n = 1;
		} else if (cp == '"' || cp == '\\') {
			fputc('\\', f);
			fputc((int)cp, f);
		} else if (ht_utf8_is_invisible(cp) && cp < 0x10000) {
			fprintf(f, "\\u%04lx", cp);
		} else if (ht_utf8_is_invisible(cp)) {   /* JSON's surrogate pair */
			fprintf(f, "\\u%04lx\\u%04lx", 0xd800 + ((cp - 0x10000) >> 10),
			        0xdc00 + ((cp - 0x10000) & 0x3ff));
		} else {
			fwrite(p, 1, n, f);
		}
		p += n;
	}
	fputc('"', f);
}

void
out_time(char *buf, size_t size, int64_t t, const char *none)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, size, "%s", none);
}

void
out_json_time(FILE *f, int64_t t)
{
	time_t tt = (time_t)t;
	char buf[32];
	struct tm tm;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		fputs("null", f);
	else
		fprintf(f, "\"%s\"", buf);
}

static void
json_words(FILE *f, const char *set, size_t stride, unsigned n)
{
	fputc('[', f);
	for (unsigned i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', f);
		out_json_str(f, set + i * stride);
	}
	fputc(']', f);
}

/* "a,b,c", or none when the set is empty. */
void
out_words(char *buf, size_t size, const char *set, size_t stride, unsigned n,
          const char *none)
{
	size_t len = 0;

	snprintf(buf, size, "%s", n == 0 ? none : "");
	for (unsigned i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "," : "",
		                        set + i * stride);
}

/* A JSON string, or null when s is empty. */
static void
json_str_or_null(FILE *f, const char *s)
{
	if (s != NULL && s[0] != '\0')
		out_json_str(f, s);
	else
		fputs("null", f);
}

void
out_record_json(FILE *f, const struct ht_record *rec, int64_t now,
                const struct ht_lastuse *use, int refused, enum ht_refusal owner)
{
	const char *owner_refused = ht_refusal_str(owner);
	struct ht_id_text id = ht_id_format(rec->id);

	fprintf(f, "{\"id\":\"%s\",\"kind\":\"%s\",\"owner\":", id.s, ht_kind_str(rec->kind));
	out_json_str(f, rec->owner);
	fprintf(f, ",\"owner_uid\":%u,\"scope\":", (unsigned)rec->owner_uid);
	if (rec->scope[0] != '\0')
		out_json_str(f, rec->scope);
	else
		fputs("null", f);
	fprintf(f, ",\"perm\":\"%s\",\"status\":\"%s\",\"created\":", ht_perm_str(rec->perm),
	        ht_state_str(ht_record_state(rec, now)));
	out_json_time(f, rec->created);
	fputs(",\"expires\":", f);
	out_json_time(f, rec->expires);
	fputs(",\"revoked_at\":", f);
	out_json_time(f, rec->revoked_at);
	fputs(",\"last_used\":", f);
	out_json_time(f, use != NULL ? use->time : 0);
	fputs(",\"last_used_from\":", f);
	json_str_or_null(f, use != NULL ? use->from : NULL);
	fputs(",\"last_used_service\":", f);
	json_str_or_null(f, use != NULL ? use->service : NULL);
	fputs(",\"last_used_host\":", f);
	json_str_or_null(f, use != NULL ? use->host : NULL);
	fputs(",\"owner_refused\":", f);
	if (owner_refused != NULL)
		fprintf(f, "\"%s\"", owner_refused);
	else
		fputs("null", f);
	fprintf(f, ",\"policy_refused\":%s,\"name\":", refused ? "true" : "false");
	out_json_str(f, rec->name);
	fputs(",\"uses\":", f);
	json_words(f, rec->uses[0], sizeof(rec->uses[0]), rec->n_uses);
	fputs(",\"only\":", f);
	json_words(f, rec->only[0], sizeof(rec->only[0]), rec->n_only);
	fputs(",\"revoked_reason\":", f);
	if (rec->revoked)
		out_json_str(f, rec->revoked_reason[0] != '\0' ? rec->revoked_reason : "revoked");
	else
		fputs("null", f);
	fputc('}', f);
}

static void
show_line(FILE *f, const char *label, const char *value)
{
	fprintf(f, "%-11s ", label);
	out_safe(f, value);
	fputc('\n', f);
}

static const char *
owner_refused_text(enum ht_refusal owner)
{
	switch (owner) {
	case HT_REFUSE_LOCKED:  return "refused (the owner's account is locked)";
	case HT_REFUSE_EXPIRED: return "refused (the owner's account has expired)";
	case HT_REFUSE_MISSING: return "refused (owner missing: the account was not found; "
	                               "revoke the tokens or reinstate the owner)";
	case HT_REFUSE_NONE:    break;
	}
	return NULL;
}

void
out_record_show(FILE *f, const struct ht_record *rec, int64_t now,
                const struct ht_lastuse *use, int refused, enum ht_refusal owner)
{
	struct ht_id_text id = ht_id_format(rec->id);
	char buf[64], words[HT_ONLY_MAX * (HT_SCOPE_MAX + 1) + 1];

	show_line(f, "id:", id.s);
	show_line(f, "name:", rec->name);
	show_line(f, "kind:", ht_kind_str(rec->kind));
	show_line(f, rec->kind == HT_KIND_PERSONAL ? "owner:" : "created by:", rec->owner);
	if (rec->scope[0] != '\0')
		show_line(f, "scope:", rec->scope);
	show_line(f, "permission:", ht_perm_str(rec->perm));
	out_words(words, sizeof(words), rec->uses[0], sizeof(rec->uses[0]), rec->n_uses, "none");
	show_line(f, "uses:", words);
	if (rec->kind == HT_KIND_PERSONAL) {
		out_words(words, sizeof(words), rec->only[0], sizeof(rec->only[0]), rec->n_only,
		          "anywhere its owner's name is accepted");
		show_line(f, "only:", words);
	}
	show_line(f, "status:", ht_state_str(ht_record_state(rec, now)));
	if (refused)
		show_line(f, "policy:", "refused (enforce-existing: breaks the current expiry policy)");
	if (owner_refused_text(owner) != NULL)
		show_line(f, "account:", owner_refused_text(owner));
	out_time(buf, sizeof(buf), rec->created, "-");
	show_line(f, "created:", buf);
	out_time(buf, sizeof(buf), rec->expires, "never");
	show_line(f, "expires:", buf);
	if (rec->revoked) {
		out_time(buf, sizeof(buf), rec->revoked_at, "-");
		show_line(f, "revoked:", buf);
		show_line(f, "reason:", rec->revoked_reason[0] != '\0' ? rec->revoked_reason
		                                                     : "revoked");
	}
	out_time(buf, sizeof(buf), use->time, "never");
	show_line(f, "last used:", buf);
	if (use->time == 0)
		return;
	show_line(f, "  from:", use->from[0] != '\0' ? use->from : "-");
	show_line(f, "  service:", use->service[0] != '\0' ? use->service : "-");
	if (use->host[0] != '\0')
		show_line(f, "  host:", use->host);
}

void
out_list_header(FILE *f)
{
	fprintf(f, "%-16s  %-10s  %-20s  %-5s  %-7s  %-16s  %-16s  %-16s  %-15s  %-10s  %s\n",
	        "ID", "KIND", "OWNER/SCOPE", "PERM", "STATUS", "CREATED", "EXPIRES", "LAST USED",
	        "FROM", "USES", "NAME");
}

void
out_list_row(FILE *f, const struct ht_record *rec, int64_t now, const struct ht_lastuse *use)
{
	const char *from = use->time != 0 && use->from[0] != '\0' ? use->from : "-";
	int from_pad = 15 - (int)strlen(from);
	struct ht_id_text id = ht_id_format(rec->id);
	const char *who = rec->kind == HT_KIND_PERSONAL ? rec->owner : rec->scope;
	char created[32], expires[32], used[32];
	char uses[HT_USES_MAX * (HT_USE_MAX + 1) + 1];
	int pad = 20 - (int)strlen(who);

	out_time(created, sizeof(created), rec->created, "-");
	out_time(expires, sizeof(expires), rec->expires, "never");
	out_time(used, sizeof(used), use->time, "never");
	fprintf(f, "%-16s  %-10s  ", id.s, ht_kind_str(rec->kind));
	out_safe(f, who);
	fprintf(f, "%*s  %-5s  %-7s  %-16s  %-16s  %-16s  ", pad > 0 ? pad : 0, "",
	        ht_perm_str(rec->perm), ht_state_str(ht_record_state(rec, now)), created,
	        expires, used);
	/* Written by the servers' group: escaped like any untrusted text. */
	out_safe(f, from);
	fprintf(f, "%*s  ", from_pad > 0 ? from_pad : 0, "");
	out_words(uses, sizeof(uses), rec->uses[0], sizeof(rec->uses[0]), rec->n_uses, "-");
	fprintf(f, "%-10s  ", uses);
	out_safe(f, rec->name);
	fputc('\n', f);
}

/* Whether the caller can be shown anything on stdout, when stdout here is
 * not theirs (captured in memory, or httptokend's). */
static int stdout_usable = 1;

void
out_stdout_usable(int usable)
{
	stdout_usable = usable;
}

int
out_stdout_ok(void)
{
	int fl = fcntl(STDOUT_FILENO, F_GETFL);

	return stdout_usable && fl >= 0 && (fl & O_ACCMODE) != O_RDONLY;
}

/* Checked before a token is made: one that cannot be shown is useless.
 * (A closed stdout is reopened as /dev/null read-only at start.) */
int
out_check_stdout(void)
{
	if (!out_stdout_ok())
		return tk_error(EX_IOERR, "standard output is not writable; no token created");
	return 0;
}

/* The token goes out with write(2), not through a stdio buffer that
 * would keep a copy of it we cannot wipe. */
int
out_new_token(const struct ctl *ctl, const struct ht_record *rec, const char *text)
{
	int rc = 0;

	if (ctl->json) {
		fputs("{\"token\":\"", stdout);
		fflush(stdout);
	}
	if (ht_write_all(STDOUT_FILENO, text, HT_TOKEN_LEN) < 0)
		rc = -1;
	if (ctl->json) {
		fputs("\",\"token_info\":", stdout);
		out_record_json(stdout, rec, ctl->now, NULL, 0, HT_REFUSE_NONE);
		fputs("}\n", stdout);
	} else {
		fputc('\n', stdout);
	}
	if (fflush(stdout) != 0 || rc != 0)
		return tk_error(EX_IOERR, "token %s was created but could not be printed; "
		                "revoke it", ht_id_format(rec->id).s);
	return 0;
}

/* stdout (held in memory while the command ran) could not be written to
 * the caller. When it held a new token, say which, so that it is revoked
 * rather than left unknown. Returns the exit status. */
int
out_lost(const char *buf, size_t len, int errnum)
{
	const char *end = buf + len;

	for (const char *p = buf; p != NULL && end - p >= HT_TOKEN_LEN; p++) {
		struct ht_token tok;

		if ((p = memmem(p, (size_t)(end - p), "htk_", 4)) == NULL ||
		    end - p < HT_TOKEN_LEN)
			break;
		if (ht_token_parse(p, HT_TOKEN_LEN, &tok) == 0) {
			ht_id id = tok.id;

			ht_token_wipe(&tok);
			return tk_error(EX_IOERR, "token %s was created but could not be "
			                "printed; revoke it", ht_id_format(id).s);
		}
	}
	return tk_error(EX_IOERR, "writing standard output: %s", strerror(errnum));
}

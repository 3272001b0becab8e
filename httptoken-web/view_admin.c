/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The HTML of the pages for project and repository administrators: the
 * list of what a user administers (under "My tokens"), a project's or
 * repository's tokens with their create, edit, rotate and revoke forms,
 * and the status page of a refusal. Every value through web_html. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "page.h"
#include "view.h"

/* A link to a scope's page: the scope %-encoded, then HTML-escaped. */
static void
scope_link(const char *self, const char *scope, const char *edit)
{
	static const char hex[] = "0123456789ABCDEF";
	char enc[3 * WEB_SCOPE_MAX + 1];
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)scope; *p && n + 3 < sizeof(enc); p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.') {
			enc[n++] = (char)*p;
		} else {
			enc[n++] = '%';
			enc[n++] = hex[*p >> 4];
			enc[n++] = hex[*p & 15];
		}
	}
	enc[n] = '\0';
	fputs("<a href=\"", stdout);
	web_html(stdout, self);
	fputs("?scope=", stdout);
	web_html(stdout, enc);
	if (edit != NULL) {
		fputs("&amp;edit=", stdout);
		web_html(stdout, edit);
	}
	fputs("\">", stdout);
}

void
view_scopes(const char *self, const struct web_scope *s, int n)
{
	if (n < 0) {
		page_message("error", "The projects and repositories you administer could not be "
		             "listed; try again.");
		return;
	}
	if (n == 0)
		return;
	fputs("<h2>Projects and repositories you administer</h2>\n<ul>\n", stdout);
	for (int i = 0; i < n; i++) {
		fputs("<li>", stdout);
		scope_link(self, s[i].scope, NULL);
		web_html(stdout, strchr(s[i].scope, '/') != NULL ? "Repository " : "Project ");
		web_html(stdout, s[i].scope);
		fputs("</a>", stdout);
		if (s[i].description[0] != '\0') {
			fputs(": ", stdout);
			web_html(stdout, s[i].description);
		}
		fputs("</li>\n", stdout);
	}
	fputs("</ul>\n", stdout);
}

static void
token_row(const char *self, const char *scope, const struct web_token *t, const char *csrf,
          const char *nonce)
{
	fputs("<tr>", stdout);
	view_cell("Name", t->name);
	view_cell("Id", t->id);
	view_cell("Scope", t->scope);
	view_cell("Level", t->perm);
	view_cell("Uses", t->uses);
	view_cell("Status", t->status);
	view_cell("Expires", t->expires);
	view_cell("Last used", t->last_used);
	fputs("<td>", stdout);
	if (strcmp(t->status, "revoked") != 0) {
		scope_link(self, scope, t->id);
		fputs("Edit<span class=\"hidden\"> ", stdout);
		web_html(stdout, t->name);
		fputs("</span></a> ", stdout);
		view_token_actions(self, t, scope, csrf, nonce);
	}
	fputs("</td></tr>\n", stdout);
}


static void
edit_form(const char *self, const char *scope, const struct web_token *t, const char *csrf,
          const char *nonce)
{
	fputs("<section aria-labelledby=\"edit\">\n<h2 id=\"edit\">Edit token ", stdout);
	web_html(stdout, t->id);
	fputs("</h2>\n", stdout);
	view_form_open(self);
	view_hidden("edit", csrf, nonce);
	view_scope_field(scope);
	fputs("<input type=\"hidden\" name=\"id\" value=\"", stdout);
	web_html(stdout, t->id);
	fputs("\">\n", stdout);
	view_text_field("edit-name", "Name", t->name, 1, 128);
	fputs("<label for=\"edit-perm\">Level</label>\n", stdout);
	view_perm_select("edit-perm", t->perm);
	view_text_field("edit-uses", "Uses (comma-separated, e.g. http)", t->uses, 0, 260);
	fputs("<p>To change the expiry, rotate the token: the new one gets the site's "
	      "default.</p>\n<p><button type=\"submit\">Save</button> ", stdout);
	scope_link(self, scope, NULL);
	fputs("Cancel</a></p>\n</form>\n</section>\n", stdout);
}

static void
create_form(const char *self, const char *scope, const char *csrf, const char *nonce)
{
	fputs("<h2>Create a token for ", stdout);
	web_html(stdout, scope);
	fputs("</h2>\n", stdout);
	view_form_open(self);
	view_hidden("create", csrf, nonce);
	view_scope_field(scope);
	fputs("\n", stdout);
	view_text_field("name", "Name (what it is for, e.g. the CI job)", NULL, 1, 128);
	fputs("<label for=\"perm\">Level</label>\n", stdout);
	view_perm_select("perm", NULL);
	fputs("<label for=\"expires\">Expires after (days; empty: the site's default)</label>\n"
	      "<input type=\"text\" id=\"expires\" name=\"expires\" inputmode=\"numeric\" "
	      "pattern=\"[0-9]*\" maxlength=\"5\">\n", stdout);
	view_text_field("uses", "Uses (comma-separated; empty: http)", NULL, 0, 260);
	fputs("<p><button type=\"submit\">Create</button></p>\n</form>\n", stdout);
}

void
view_scope(const char *self, const char *status, const char *cls, const char *msg,
           const char *token, const struct view_scope *v, const char *csrf, const char *nonce)
{
	int repo = strchr(v->scope, '/') != NULL;

	page_headers(status, NULL);
	page_start(self, v->scope);
	fputs("<header><h1>", stdout);
	web_html(stdout, repo ? "Repository " : "Project ");
	web_html(stdout, v->scope);
	fputs("</h1>", stdout);
	view_form_open(self);
	view_hidden("logout", csrf, nonce);
	fputs("<button type=\"submit\">Log out</button></form></header>\n<p><a href=\"", stdout);
	web_html(stdout, self);
	fputs("\">Back to my tokens</a></p>\n", stdout);
	page_message(cls != NULL ? cls : "note", msg);
	if (token != NULL)
		view_new_token(token);
	if (v->editing != NULL)
		edit_form(self, v->scope, v->editing, csrf, nonce);
	if (v->n < 0) {
		page_message("error", "The tokens could not be listed; try again.");
	} else if (v->n == 0) {
		fputs(repo ? "<p>This repository has no tokens yet.</p>\n"
		      : "<p>This project and its repositories have no tokens yet.</p>\n", stdout);
	} else {
		fputs("<table><thead><tr><th>Name</th><th>Id</th><th>Scope</th><th>Level</th>"
		      "<th>Uses</th><th>Status</th><th>Expires</th><th>Last used</th>"
		      "<th>Actions</th></tr></thead><tbody>\n", stdout);
		for (int i = 0; i < v->n; i++)
			token_row(self, v->scope, &v->tokens[i], csrf, nonce);
		fputs("</tbody></table>\n", stdout);
	}
	create_form(self, v->scope, csrf, nonce);
	page_end();
}

void
view_status(const char *self, const char *status, const char *msg)
{
	page_headers(status, NULL);
	page_start(self, "Refused");
	fputs("<h1>httptoken</h1>\n", stdout);
	page_message("error", msg);
	fputs("<p><a href=\"", stdout);
	web_html(stdout, self);
	fputs("\">Back to my tokens</a></p>\n", stdout);
	page_end();
}

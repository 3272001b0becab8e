/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The HTML of the pages. Plain forms, labelled fields, no script; every
 * value through web_html. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "page.h"
#include "view.h"

void
view_login(const char *self, const char *status, const char *cookie, const char *msg)
{
	page_headers(status, cookie);
	page_start(self, "Log in");
	fputs("<h1>httptoken: log in</h1>\n", stdout);
	page_message(strncmp(status, "200", 3) == 0 ? "note" : "error", msg);
	fputs("<p>Log in with your account's login password to manage your access tokens "
	      "for git over HTTPS.</p>\n<form method=\"post\" action=\"", stdout);
	web_html(stdout, self);
	fputs("\">\n<input type=\"hidden\" name=\"action\" value=\"login\">\n"
	      "<label for=\"user\">User name</label>\n"
	      "<input type=\"text\" id=\"user\" name=\"user\" required autocomplete=\"username\" "
	      "autocapitalize=\"none\" spellcheck=\"false\" maxlength=\"32\">\n"
	      "<label for=\"password\">Password</label>\n"
	      "<input type=\"password\" id=\"password\" name=\"password\" required "
	      "autocomplete=\"current-password\" maxlength=\"512\">\n"
	      "<p><button type=\"submit\">Log in</button></p>\n</form>\n", stdout);
	page_end();
}

/* The hidden fields every form of the session carries. */
void
view_hidden(const char *action, const char *csrf, const char *nonce)
{
	fputs("<input type=\"hidden\" name=\"action\" value=\"", stdout);
	web_html(stdout, action);
	fputs("\"><input type=\"hidden\" name=\"csrf\" value=\"", stdout);
	web_html(stdout, csrf);
	fputs("\"><input type=\"hidden\" name=\"nonce\" value=\"", stdout);
	web_html(stdout, nonce);
	fputs("\">", stdout);
}

void
view_form_open(const char *self)
{
	fputs("<form method=\"post\" action=\"", stdout);
	web_html(stdout, self);
	fputs("\">", stdout);
}

void
view_new_token(const char *token)
{
	fputs("<section class=\"note\" aria-labelledby=\"new\">\n<h2 id=\"new\">Your new "
	      "token</h2>\n<p>Copy it now: it is shown only this once.</p>\n"
	      "<label for=\"token\">Token</label>\n<textarea id=\"token\" readonly rows=\"2\" "
	      "autocomplete=\"off\" spellcheck=\"false\">", stdout);
	web_html(stdout, token);
	fputs("</textarea>\n<p>Give it to git as the password when it asks, and let a "
	      "credential helper keep it (for example <code>git config --global "
	      "credential.helper cache</code>, or your system's keychain helper). Do not "
	      "put it in a URL or a script.</p>\n</section>\n", stdout);
}

void
view_cell(const char *label, const char *value)
{
	fputs("<td data-label=\"", stdout);
	web_html(stdout, label);
	fputs("\">", stdout);
	web_html(stdout, value != NULL && value[0] != '\0' ? value : "never");
	fputs("</td>", stdout);
}

void
view_scope_field(const char *scope)
{
	fputs("<input type=\"hidden\" name=\"scope\" value=\"", stdout);
	web_html(stdout, scope);
	fputs("\">", stdout);
}

void
view_token_actions(const char *self, const struct web_token *t, const char *scope,
                   const char *csrf, const char *nonce)
{
	static const char *const acts[] = { "rotate", "revoke" };

	for (int i = 0; i < 2; i++) {
		view_form_open(self);
		view_hidden(acts[i], csrf, nonce);
		if (scope != NULL)
			view_scope_field(scope);
		fputs("<input type=\"hidden\" name=\"id\" value=\"", stdout);
		web_html(stdout, t->id);
		fputs("\"><button type=\"submit\" aria-label=\"", stdout);
		web_html(stdout, i == 0 ? "Rotate " : "Revoke ");
		web_html(stdout, t->name);
		fputs("\">", stdout);
		web_html(stdout, i == 0 ? "Rotate" : "Revoke");
		fputs("</button></form>", stdout);
	}
}

static void
token_row(const char *self, const struct web_token *t, const char *csrf, const char *nonce)
{
	fputs("<tr>", stdout);
	view_cell("Name", t->name);
	view_cell("Id", t->id);
	view_cell("Level", t->perm);
	view_cell("Uses", t->uses);
	fputs("<td data-label=\"Only for\">", stdout);
	web_html(stdout, t->only[0] != '\0' ? t->only : "anywhere");
	fputs("</td>", stdout);
	view_cell("Status", t->status);
	view_cell("Expires", t->expires);
	view_cell("Last used", t->last_used);
	fputs("<td>", stdout);
	if (strcmp(t->status, "revoked") != 0)
		view_token_actions(self, t, NULL, csrf, nonce);
	fputs("</td></tr>\n", stdout);
}

void
view_perm_select(const char *id, const char *current)
{
	static const char *const perms[][2] = {
		{ "read", "read (clone, fetch)" }, { "write", "write (push)" }, { "admin", "admin" },
	};

	fputs("<select id=\"", stdout);
	web_html(stdout, id);
	fputs("\" name=\"perm\">", stdout);
	for (int i = 0; i < 3; i++) {
		fputs("<option value=\"", stdout);
		web_html(stdout, perms[i][0]);
		fputs(current != NULL && strcmp(current, perms[i][0]) == 0 ? "\" selected>" : "\">",
		      stdout);
		web_html(stdout, perms[i][1]);
		fputs("</option>", stdout);
	}
	fputs("</select>\n", stdout);
}

void
view_text_field(const char *id, const char *label, const char *value, int required, int max)
{
	fputs("<label for=\"", stdout);
	web_html(stdout, id);
	fputs("\">", stdout);
	web_html(stdout, label);
	fputs("</label>\n<input type=\"text\" id=\"", stdout);
	web_html(stdout, id);
	fputs("\" name=\"", stdout);
	web_html(stdout, strchr(id, '-') != NULL ? strchr(id, '-') + 1 : id);
	fputs("\" value=\"", stdout);
	web_html(stdout, value != NULL ? value : "");
	printf("\" maxlength=\"%d\"%s>\n", max, required ? " required" : "");
}

static void
create_form(const char *self, const char *csrf, const char *nonce)
{
	fputs("<h2>Create a token</h2>\n", stdout);
	view_form_open(self);
	view_hidden("create", csrf, nonce);
	fputs("\n", stdout);
	view_text_field("name", "Name (what it is for, e.g. the machine)", NULL, 1, 128);
	fputs("<label for=\"perm\">Level</label>\n", stdout);
	view_perm_select("perm", NULL);
	fputs("<label for=\"expires\">Expires after (days; empty: the site's default)</label>\n"
	      "<input type=\"text\" id=\"expires\" name=\"expires\" inputmode=\"numeric\" "
	      "pattern=\"[0-9]*\" maxlength=\"5\">\n", stdout);
	view_text_field("uses", "Uses (comma-separated, e.g. http,login; empty: http)", NULL, 0,
	                260);
	view_text_field("only", "Only for (projects or repositories, comma-separated, e.g. "
	                "PAY,PAY/api; empty: wherever you may go)", NULL, 0, 1000);
	fputs("<p><button type=\"submit\">Create</button></p>\n</form>\n", stdout);
}

void
view_tokens(const char *self, const char *status, const char *cookie, const char *cls,
            const char *msg, const char *token, const struct web_token *t, int n,
            const char *csrf, const char *nonce)
{
	page_headers(status, cookie);
	page_start(self, "My tokens");
	fputs("<header><h1>My tokens</h1>", stdout);
	view_form_open(self);
	view_hidden("logout", csrf, nonce);
	fputs("<button type=\"submit\">Log out</button></form></header>\n", stdout);
	page_message(cls != NULL ? cls : "note", msg);
	if (token != NULL)
		view_new_token(token);
	if (n < 0)
		page_message("error", "Your tokens could not be listed; try again.");
	else if (n == 0)
		fputs("<p>You have no tokens yet.</p>\n", stdout);
	else {
		fputs("<table><thead><tr><th>Name</th><th>Id</th><th>Level</th><th>Uses</th>"
		      "<th>Only for</th><th>Status</th><th>Expires</th><th>Last used</th>"
		      "<th>Actions</th></tr></thead><tbody>\n", stdout);
		for (int i = 0; i < n; i++)
			token_row(self, &t[i], csrf, nonce);
		fputs("</tbody></table>\n", stdout);
	}
	create_form(self, csrf, nonce);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pages' frame, headers and stylesheet. Every response says: no
 * caching, no framing, no script, no sniffing, no referrer. */
#include "config.h"

#include <stdio.h>

#include "page.h"
#include "web.h"

static const char stylesheet[] =
	"body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60em;padding:1em;"
	"line-height:1.4;color:#111;background:#fff}\n"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}\n"
	"label{display:block;margin:.6em 0 .2em}\n"
	"input,select,textarea,button{font:inherit;max-width:100%;box-sizing:border-box}\n"
	"input[type=text],input[type=password],select{width:20em}\n"
	"textarea{width:100%;font-family:monospace;word-break:break-all}\n"
	"button{margin:.4em .4em .4em 0;padding:.3em .8em}\n"
	".note{border-left:4px solid #36c;padding:.4em .8em;background:#eef}\n"
	".error{border-left:4px solid #c33;padding:.4em .8em;background:#fee}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #ccc;"
	"vertical-align:top}\n"
	"td form{display:inline}\n"
	".hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}\n"
	"header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center}\n"
	"@media (max-width:40em){table,tbody,tr,td{display:block}thead{display:none}"
	"tr{border-bottom:2px solid #999;padding:.4em 0}td{border:0;padding:.1em 0}"
	"td[data-label]::before{content:attr(data-label) \": \";font-weight:bold}"
	"input[type=text],input[type=password],select{width:100%}}\n";

static void
common_headers(const char *status)
{
	printf("Status: %s\r\n", status);
	fputs("Cache-Control: no-store\r\n"
	      "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'; "
	      "form-action 'self'\r\n"
	      "X-Content-Type-Options: nosniff\r\n"
	      "Referrer-Policy: no-referrer\r\n"
	      "X-Frame-Options: DENY\r\n", stdout);
}

void
page_headers(const char *status, const char *cookie)
{
	common_headers(status);
	if (cookie != NULL && cookie[0] != '\0')
		printf("Set-Cookie: " WEB_COOKIE_NAME "=%s; Secure; HttpOnly; SameSite=Strict; "
		       "Path=/\r\n", cookie);
	else if (cookie != NULL)
		fputs("Set-Cookie: " WEB_COOKIE_NAME "=; Secure; HttpOnly; SameSite=Strict; "
		      "Path=/; Max-Age=0\r\n", stdout);
	fputs("Content-Type: text/html; charset=utf-8\r\n\r\n", stdout);
}

void
page_redirect(const char *to, const char *cookie)
{
	common_headers("303 See Other");
	printf("Location: ");
	web_html(stdout, to);        /* a path of ours; escaped all the same */
	fputs("\r\n", stdout);
	if (cookie != NULL && cookie[0] != '\0')
		printf("Set-Cookie: " WEB_COOKIE_NAME "=%s; Secure; HttpOnly; SameSite=Strict; "
		       "Path=/\r\n", cookie);
	fputs("Content-Type: text/plain; charset=utf-8\r\n\r\n", stdout);
}

void
page_css(void)
{
	common_headers("200 OK");
	fputs("Content-Type: text/css; charset=utf-8\r\n\r\n", stdout);
	fputs(stylesheet, stdout);
}

void
page_start(const char *self, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>", stdout);
	web_html(stdout, title);
	fputs(" - httptoken</title>\n<link rel=\"stylesheet\" href=\"", stdout);
	web_html(stdout, self);
	fputs("?page=style\">\n</head><body>\n", stdout);
}

void
page_end(void)
{
	fputs("</body></html>\n", stdout);
}

void
page_message(const char *cls, const char *text)
{
	if (text == NULL || text[0] == '\0')
		return;
	printf("<p class=\"%s\" role=\"%s\">", cls, cls[0] == 'e' ? "alert" : "status");
	web_html(stdout, text);
	fputs("</p>\n", stdout);
}

void
page_plain(const char *status, const char *text)
{
	page_headers(status, NULL);
	page_start("", "Error");
	fputs("<h1>httptoken</h1>\n", stdout);
	page_message("error", text);
	page_end();
}

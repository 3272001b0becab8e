/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HTML escaping: every value printed into a page goes through here, in
 * text and in double- or single-quoted attributes alike. */
#include "config.h"

#include <string.h>

#include "web.h"

void
web_html_n(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '`': fputs("&#96;", f); break;
		default:
			/* Control characters never reach a page. */
			if (c < 0x20 || c == 0x7f)
				fputs("\xef\xbf\xbd", f);
			else
				fputc(c, f);
		}
	}
}

void
web_html(FILE *f, const char *s)
{
	web_html_n(f, s, s != NULL ? strlen(s) : 0);
}

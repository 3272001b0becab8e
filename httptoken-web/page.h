/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The frame of httptoken-web's pages (page.c). cookie: NULL leaves the
 * cookie alone, "" clears it, else sets it to that session secret. */
#ifndef HTTPTOKEN_WEB_PAGE_H
#define HTTPTOKEN_WEB_PAGE_H

void page_headers(const char *status, const char *cookie);
void page_redirect(const char *to, const char *cookie);
void page_css(void);
void page_start(const char *self, const char *title);
void page_end(void);
void page_message(const char *cls, const char *text);
void page_plain(const char *status, const char *text);

#endif

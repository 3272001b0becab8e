/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tokens `tokenctl --json list` prints (an array of flat objects),
 * read with the protocol's own JSON reader. Fields the page does not show
 * are skipped; personal tokens are kept, others are not the page's. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "web.h"

static int
null_value(struct jreader *r)
{
	if (!json_peek(r, 'n') || r->end - r->p < 4 || memcmp(r->p, "null", 4) != 0)
		return -1;
	r->p += 4;
	return 0;
}

static void
keep(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* One field of a token: its value into t when the page shows it. */
static int
field(struct jreader *r, const char *key, struct web_token *t, int *personal)
{
	static const struct { const char *key; size_t off, size; } shown[] = {
		{ "id", offsetof(struct web_token, id), sizeof(((struct web_token *)0)->id) },
		{ "perm", offsetof(struct web_token, perm), sizeof(((struct web_token *)0)->perm) },
		{ "status", offsetof(struct web_token, status),
		  sizeof(((struct web_token *)0)->status) },
		{ "created", offsetof(struct web_token, created),
		  sizeof(((struct web_token *)0)->created) },
		{ "expires", offsetof(struct web_token, expires),
		  sizeof(((struct web_token *)0)->expires) },
		{ "last_used", offsetof(struct web_token, last_used),
		  sizeof(((struct web_token *)0)->last_used) },
		{ "name", offsetof(struct web_token, name), sizeof(((struct web_token *)0)->name) },
	};
	char *s;
	size_t len;
	long v;
	int b;

	if (json_peek(r, '"')) {
		if (json_string(r, &s, &len) != 0)
			return -1;
		if (strcmp(key, "kind") == 0)
			*personal = strcmp(s, "personal") == 0;
		for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
			if (strcmp(key, shown[i].key) == 0)
				keep((char *)t + shown[i].off, shown[i].size, s, len);
		free(s);
		return 0;
	}
	if (null_value(r) == 0 || json_bool(r, &b) == 0)
		return 0;
	return json_int(r, -(1L << 40), 1L << 40, &v);
}

static int
one_token(struct jreader *r, struct web_token *t, int *personal)
{
	memset(t, 0, sizeof(*t));
	*personal = 0;
	if (json_punct(r, '{') != 0)
		return -1;
	if (json_punct(r, '}') == 0)
		return 0;
	do {
		char *key;
		size_t len;
		int rc;

		if (json_string(r, &key, &len) != 0)
			return -1;
		rc = json_punct(r, ':') == 0 ? field(r, key, t, personal) : -1;
		free(key);
		if (rc != 0)
			return -1;
	} while (json_punct(r, ',') == 0);
	return json_punct(r, '}');
}

int
web_list_parse(const char *json, size_t len, struct web_token *t, int max, int *n)
{
	struct jreader r;

	*n = 0;
	json_init(&r, json, len);
	if (json_punct(&r, '[') != 0)
		return -1;
	if (json_punct(&r, ']') == 0)
		return json_end(&r);
	do {
		struct web_token tmp;
		int personal;

		if (one_token(&r, &tmp, &personal) != 0)
			return -1;
		if (personal && tmp.id[0] != '\0' && *n < max)
			t[(*n)++] = tmp;
	} while (json_punct(&r, ',') == 0);
	if (json_punct(&r, ']') != 0)
		return -1;
	return json_end(&r);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the pages show from tokenctl's JSON, read with the protocol's own
 * JSON reader: the tokens of `tokenctl --json list` (an array of flat
 * objects whose values are strings, numbers, booleans, null or arrays of
 * strings) and the entries of `tokenctl --json project|repo list --mine`.
 * Fields the page does not show are skipped. */
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

/* A value the page does not show, of at most a few levels. */
static int skip_value(struct jreader *r, int depth);

static int
skip_object(struct jreader *r, int depth)
{
	if (json_punct(r, '{') != 0 || depth > 4)
		return -1;
	if (json_punct(r, '}') == 0)
		return 0;
	do {
		char *key;
		size_t len;

		if (json_string(r, &key, &len) != 0)
			return -1;
		free(key);
		if (json_punct(r, ':') != 0 || skip_value(r, depth + 1) != 0)
			return -1;
	} while (json_punct(r, ',') == 0);
	return json_punct(r, '}');
}

static int
skip_value(struct jreader *r, int depth)
{
	char *s;
	size_t len;
	long v;
	int b;

	if (depth > 4)
		return -1;
	if (json_peek(r, '{'))
		return skip_object(r, depth);
	if (json_peek(r, '[')) {
		(void)json_punct(r, '[');
		if (json_punct(r, ']') == 0)
			return 0;
		do {
			if (skip_value(r, depth + 1) != 0)
				return -1;
		} while (json_punct(r, ',') == 0);
		return json_punct(r, ']');
	}
	if (json_peek(r, '"')) {
		if (json_string(r, &s, &len) != 0)
			return -1;
		free(s);
		return 0;
	}
	if (null_value(r) == 0 || json_bool(r, &b) == 0)
		return 0;
	return json_int(r, -(1L << 40), 1L << 40, &v);
}

/* An array of strings, joined by commas into dst. */
static int
string_array(struct jreader *r, char *dst, size_t size)
{
	size_t used = 0;

	if (json_punct(r, '[') != 0)
		return -1;
	if (json_punct(r, ']') == 0)
		return 0;
	do {
		char *s;
		size_t len;

		if (json_string(r, &s, &len) != 0)
			return -1;
		/* A list shown in part would mislead: one that does not fit
		 * fails the whole reply. */
		if (used + len + 2 > size) {
			free(s);
			return -1;
		}
		if (used > 0)
			dst[used++] = ',';
		memcpy(dst + used, s, len);
		used += len;
		dst[used] = '\0';
		free(s);
	} while (json_punct(r, ',') == 0);
	return json_punct(r, ']');
}

#define SHOWN(f) { #f, offsetof(struct web_token, f), sizeof(((struct web_token *)0)->f) }

/* One field of a token: its value into t when the page shows it. */
static int
token_field(struct jreader *r, const char *key, void *obj)
{
	static const struct { const char *key; size_t off, size; } shown[] = {
		SHOWN(id), SHOWN(kind), SHOWN(scope), SHOWN(perm), SHOWN(status),
		SHOWN(created), SHOWN(expires), SHOWN(last_used), SHOWN(name),
	};
	struct web_token *t = obj;
	char *s;
	size_t len;

	if (json_peek(r, '"')) {
		if (json_string(r, &s, &len) != 0)
			return -1;
		for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
			if (strcmp(key, shown[i].key) == 0)
				keep((char *)t + shown[i].off, shown[i].size, s, len);
		free(s);
		return 0;
	}
	if (strcmp(key, "uses") == 0 && json_peek(r, '['))
		return string_array(r, t->uses, sizeof(t->uses));
	if (strcmp(key, "only") == 0 && json_peek(r, '['))
		return string_array(r, t->only, sizeof(t->only));
	return skip_value(r, 1);
}

/* One field of a registry entry: "project" or "repo" and "description"
 * kept; "admins" (an array of objects) and the rest skipped. */
static int
scope_field(struct jreader *r, const char *key, void *obj)
{
	struct web_scope *e = obj;
	int is_scope = strcmp(key, "project") == 0 || strcmp(key, "repo") == 0;
	char *s;
	size_t len;

	if (!is_scope && strcmp(key, "description") != 0)
		return skip_value(r, 1);
	if (json_string(r, &s, &len) != 0)
		return -1;
	if (is_scope)
		keep(e->scope, sizeof(e->scope), s, len);
	else
		keep(e->description, sizeof(e->description), s, len);
	free(s);
	return 0;
}

/* A walk of an array of objects: field() reads each member into obj
 * (cleared for each object), then take() has the object. */
struct walk {
	int (*field)(struct jreader *r, const char *key, void *obj);
	void (*take)(const void *obj, void *ctx);
	void *obj;
	size_t obj_size;
	void *ctx;
};

static int
one_object(struct jreader *r, const struct walk *w)
{
	memset(w->obj, 0, w->obj_size);
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
		rc = json_punct(r, ':') == 0 ? w->field(r, key, w->obj) : -1;
		free(key);
		if (rc != 0)
			return -1;
	} while (json_punct(r, ',') == 0);
	return json_punct(r, '}');
}

static int
each_object(const char *json, size_t len, const struct walk *w)
{
	struct jreader r;

	json_init(&r, json, len);
	if (json_punct(&r, '[') != 0)
		return -1;
	if (json_punct(&r, ']') == 0)
		return json_end(&r);
	do {
		if (one_object(&r, w) != 0)
			return -1;
		w->take(w->obj, w->ctx);
	} while (json_punct(&r, ',') == 0);
	if (json_punct(&r, ']') != 0)
		return -1;
	return json_end(&r);
}

struct kept {
	void *to;
	int personal, max, *n;
};

static void
take_token(const void *obj, void *ctx)
{
	const struct web_token *t = obj;
	struct kept *k = ctx;

	if ((strcmp(t->kind, "personal") == 0) == (k->personal != 0) && t->id[0] != '\0' &&
	    *k->n < k->max)
		((struct web_token *)k->to)[(*k->n)++] = *t;
}

int
web_list_parse(const char *json, size_t len, int personal, struct web_token *t, int max,
               int *n)
{
	struct web_token tmp;
	struct kept k = { t, personal, max, n };
	struct walk w = { token_field, take_token, &tmp, sizeof(tmp), &k };

	*n = 0;
	return each_object(json, len, &w);
}

static void
take_scope(const void *obj, void *ctx)
{
	const struct web_scope *e = obj;
	struct kept *k = ctx;

	if (e->scope[0] != '\0' && *k->n < k->max)
		((struct web_scope *)k->to)[(*k->n)++] = *e;
}

int
web_scopes_parse(const char *json, size_t len, struct web_scope *s, int max, int *n)
{
	struct web_scope tmp;
	struct kept k = { s, 0, max, n };
	struct walk w = { scope_field, take_scope, &tmp, sizeof(tmp), &k };

	*n = 0;
	return each_object(json, len, &w);
}

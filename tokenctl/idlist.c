/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Growing lists of token ids and of scopes: commands collect what they will change
 * while walking the store, then change it (changing a GDBM file while
 * walking it is undefined). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tokenctl.h"

void
ids_add(struct id_list *l, ht_id id)
{
	if (l->failed)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		ht_id *p = realloc(l->ids, cap * sizeof(*p));

		if (p == NULL) {
			l->failed = 1;
			return;
		}
		l->ids = p;
		l->cap = cap;
	}
	l->ids[l->n++] = id;
}

void
scopes_add(struct scope_list *l, const char *scope)
{
	if (l->failed)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char (*p)[HT_SCOPE_MAX + 1] = realloc(l->scopes, cap * sizeof(*p));

		if (p == NULL) {
			l->failed = 1;
			return;
		}
		l->scopes = p;
		l->cap = cap;
	}
	snprintf(l->scopes[l->n++], HT_SCOPE_MAX + 1, "%s", scope);
}

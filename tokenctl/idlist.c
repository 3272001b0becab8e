/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A growing list of token ids: commands collect what they will change
 * while walking the store, then change it (changing a GDBM file while
 * walking it is undefined). */
#include "config.h"

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

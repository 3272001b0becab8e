/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The accounts that hear about a token's expiry (notify_to.c). */
#ifndef TK_NOTIFY_TO_H
#define TK_NOTIFY_TO_H

#include "tokenctl.h"

struct recipients {
	char (*names)[HT_OWNER_MAX + 1];
	size_t n, cap;
	int oom;
	int admins;   /* 1: the registry's administrators; 0: the owner */
};

/* Fills r (its buffer reused between calls): never empty on HT_OK. */
enum ht_status notify_recipients(struct ht_store *st, const struct ht_record *rec,
                                 struct recipients *r, struct ht_error *err);
void recipients_free(struct recipients *r);

#endif

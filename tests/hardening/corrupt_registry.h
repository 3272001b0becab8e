/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef HT_CORRUPT_REGISTRY_H
#define HT_CORRUPT_REGISTRY_H

#include <stddef.h>

#include "fixture.h"
#include "support.h"

struct reg_stats {
	size_t entry_len;
	unsigned long cases, read_wrongly, verified_wrongly, tokens_changed;
	unsigned long tokenctl_runs, tokenctl_wrong;
	int moved_refused;
};

/* Adds PROJ and PROJ/app to fx's store, then damages PROJ's entry in
 * copies (see corrupt_registry.c) and counts what went wrong; toks must
 * verify as before. */
void registry_damage(const struct fixture *fx, const struct fixture_token *toks, size_t ntok,
                     const char *tokenctl, struct reg_stats *st);

#endif

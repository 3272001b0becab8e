/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The conversion of a schema-1 store to schema 2, inside a writer's
 * transaction: every token record is rewritten in the version-2 layout
 * with the uses it was read with (personal: http and login, so no login
 * breaks and none widens; project and repository: http), the policy gains
 * the version-2 settings at their defaults, and the schema record says 2
 * last. Nothing is visible before the commit, and a version-1 reader
 * refuses the converted store (unknown schema): it fails closed. */
#ifndef HT_UPGRADE_H
#define HT_UPGRADE_H

#include <stdint.h>

#include "error.h"
#include "store.h"

/* admin_gid: the gid of the version-1 admin-group as it is now
 * (HT_GID_UNKNOWN when the policy names none or the group is gone, in
 * which case the setting is dropped). *converted gets the token count.
 * HT_ERR_EXISTS when the store is of schema 2 already. */
enum ht_status ht_txn_upgrade(struct ht_txn *txn, uint32_t admin_gid,
                              unsigned long *converted, struct ht_error *err);

#endif

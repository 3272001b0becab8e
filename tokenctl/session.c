/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opening the store for a command: the key, a read handle or a writer's
 * transaction, the policy, and whether the caller administers it. */
#include "config.h"

#include <string.h>
#include <sysexits.h>

#include <sodium.h>

#include "fleetctl.h"
#include "registry_store.h"
#include "tokenctl.h"

#define ID_TRIES 16

static int
load_key(const struct ctl *ctl, struct session *ses)
{
	struct ht_error err = { 0 };
	enum ht_status s;

	memset(ses, 0, sizeof(*ses));
	if ((s = ht_key_load(ctl->keyfile, &ses->key, &err)) != HT_OK)
		return tk_fail(s, &err);
	ses->key_loaded = 1;
	return 0;
}

static int
load_policy(const struct ctl *ctl, struct session *ses)
{
	struct ht_error err = { 0 };
	enum ht_status s;

	if ((s = ht_store_get_policy(ses->st, &ses->pol, &err)) != HT_OK)
		return tk_fail(s, &err);
	ses->admin = caller_is_admin(ctl, &ses->pol);
	ses->sysadmin = caller_is_sysadmin(ctl, &ses->pol);
	return 0;
}

int
session_read(const struct ctl *ctl, struct session *ses)
{
	struct ht_error err = { 0 };
	int rc = load_key(ctl, ses);
	enum ht_status s;

	if (rc != 0)
		return rc;
	if ((s = ht_store_open(ctl->db, &ses->key, &ses->st, &err)) != HT_OK) {
		session_end(ses);
		return tk_fail(s, &err);
	}
	rc = load_policy(ctl, ses);
	if (rc != 0)
		session_end(ses);
	return rc;
}

int
session_write(const struct ctl *ctl, struct session *ses)
{
	struct ht_error err = { 0 };
	int rc = load_key(ctl, ses);
	enum ht_status s;

	if (rc != 0)
		return rc;
	if (fleet_enabled(ctl) && (rc = fleet_session_begin(ctl, ses)) != 0) {
		session_end(ses);
		return rc;
	}
	if ((s = ht_txn_begin(ctl->db, &ses->key, ctl->wait_ms, &ses->txn, &err)) != HT_OK) {
		session_end(ses);
		return tk_fail(s, &err);
	}
	ses->st = ht_txn_store(ses->txn);
	rc = load_policy(ctl, ses);
	if (rc != 0)
		session_end(ses);
	return rc;
}

/* Changes a token in the transaction (and, in a fleet, in the database
 * at commit). */
enum ht_status
session_put(struct session *ses, const struct ht_record *rec, struct ht_error *err)
{
	enum ht_status s = ht_txn_put(ses->txn, rec, err);

	if (s == HT_OK && ses->fw != NULL)
		s = fleet_session_put(ses, rec, NULL, err);
	return s;
}

enum ht_status
session_put_policy(struct session *ses, const struct ht_policy *pol, struct ht_error *err)
{
	enum ht_status s = ht_txn_put_policy(ses->txn, pol, err);

	if (s == HT_OK && ses->fw != NULL)
		s = fleet_session_put(ses, NULL, pol, err);
	return s;
}

/* Registers or changes a project or repository (e), or removes scope's
 * entry (e NULL), in the transaction and, in a fleet, in the database. */
enum ht_status
session_put_entry(struct session *ses, const struct ht_entry *e, struct ht_error *err)
{
	enum ht_status s = ht_txn_put_entry(ses->txn, e, err);

	if (s == HT_OK && ses->fw != NULL)
		s = fleet_session_put_entry(ses, e->scope, e, err);
	return s;
}

enum ht_status
session_delete_entry(struct session *ses, const char *scope, struct ht_error *err)
{
	enum ht_status s = ht_txn_delete_entry(ses->txn, scope, err);

	if (s == HT_OK && ses->fw != NULL)
		s = fleet_session_put_entry(ses, scope, NULL, err);
	return s;
}

/* Publishes the transaction; the session stays usable for session_end. */
int
session_commit(struct session *ses)
{
	struct ht_error err = { 0 };
	struct ht_txn *txn = ses->txn;
	enum ht_status s;

	if (ses->fw != NULL)
		return fleet_session_commit(ses);
	ses->txn = NULL;
	ses->st = NULL;
	if ((s = ht_txn_commit(txn, &err)) != HT_OK)
		return tk_fail(s, &err);
	return 0;
}

void
session_end(struct session *ses)
{
	if (ses->txn != NULL)
		ht_txn_abort(ses->txn);
	else if (ses->st != NULL)
		ht_store_close(ses->st);
	ses->txn = NULL;
	ses->st = NULL;
	fleet_session_end(ses);
	if (ses->key_loaded)
		ht_key_wipe(&ses->key);
	ses->key_loaded = 0;
}

/* Fetches a token the caller may act on: 64 for a malformed id, 66 when
 * there is none or it is one the caller may not act on (the same answer,
 * so that ids cannot be probed). */
int
session_get(const struct ctl *ctl, struct session *ses, const char *idtext,
            struct ht_record *rec)
{
	struct ht_error err = { 0 };
	ht_id id;
	enum ht_status s;
	int rc = parse_id(idtext, &id);

	if (rc != 0)
		return rc;
	s = ht_store_get(ses->st, id, rec, &err);
	if (s == HT_OK && !caller_may_act_on(ctl, ses, rec)) {
		sodium_memzero(rec, sizeof(*rec));
		s = HT_ERR_NOTFOUND;
	}
	if (s == HT_ERR_NOTFOUND)
		return tk_error(EX_NOINPUT, "no such token %s", idtext);
	if (s != HT_OK)
		return tk_fail(s, &err);
	return 0;
}

/* A fresh token whose id is not yet in the store. 64 random bits make a
 * collision rare, but a silent overwrite would be a disaster. */
int
session_new_id(struct session *ses, struct ht_token *tok)
{
	for (int i = 0; i < ID_TRIES; i++) {
		struct ht_error err = { 0 };
		struct ht_record rec;
		enum ht_status s;

		ht_token_generate(tok);
		s = ht_store_get(ses->st, tok->id, &rec, &err);
		if (s == HT_ERR_NOTFOUND)
			return 0;
		if (s != HT_OK && s != HT_ERR_CORRUPT) {
			ht_token_wipe(tok);
			return tk_fail(s, &err);
		}
	}
	ht_token_wipe(tok);
	return tk_error(EX_SOFTWARE, "cannot find an unused token id");
}

/*
 * pae-observer: the engine's reading of new observations
 *
 * The ingest thread stores observations; this job reads those not read yet
 * (a cursor in the database, advanced in the same transaction as what it
 * decides, so a crash repeats nothing and loses nothing) and acts on them:
 * after a resume, a restore, a wake-up, a revert or a restart nobody saw,
 * the patch server's last report describes another VM, so it is marked
 * stale and a reconcile is asked for.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeObserver"

#include "config.h"

#include "pae-observer.h"
#include "pae-store-compliance.h"
#include "pae-store-vms.h"

#define PAE_OBSERVER_CURSOR "engine"
#define PAE_OBSERVER_BATCH  500

static gboolean
pae_observer_is_observation(PaeHistoryEntry *entry)
{
	return entry->source == PAE_SOURCE_EVENT || entry->source == PAE_SOURCE_RESYNC ||
	       entry->source == PAE_SOURCE_HOOK;
}

static gboolean
pae_observer_handle(PaeEngineContext *ctx, PaeHistoryEntry *entry, GError **error)
{
	switch (pae_observation_kind_from_string(entry->kind)) {
	case PAE_OBSERVATION_RESUME:
	case PAE_OBSERVATION_REVERT:
	case PAE_OBSERVATION_RESTART:
		if (!pae_store_distrust_reports(ctx->store, entry->vm_uuid, entry->at, error))
			return FALSE;
		ctx->reconcile_requested = TRUE;
		return TRUE;
	case PAE_OBSERVATION_PROVISION:
	case PAE_OBSERVATION_MIGRATION_IN:
		ctx->reconcile_requested = TRUE;
		return TRUE;
	default:
		return TRUE;
	}
}

/**
 * pae_observer_run:
 * @handled: (out) (optional): how many observations were read
 */
gboolean
pae_observer_run(PaeEngineContext *ctx, guint *handled, GError **error)
{
	g_autoptr(PaeStoreTransaction) txn = NULL;
	g_autoptr(GPtrArray) entries = NULL;
	gint64 cursor = 0;

	if (handled != NULL)
		*handled = 0;
	if (!pae_store_get_cursor(ctx->store, PAE_OBSERVER_CURSOR, &cursor, error))
		return FALSE;
	entries = pae_store_list_history(ctx->store, NULL, cursor, PAE_OBSERVER_BATCH, error);
	if (entries == NULL)
		return FALSE;
	if (entries->len == 0)
		return TRUE;
	txn = pae_store_transaction_begin(ctx->store, error);
	if (txn == NULL)
		return FALSE;
	for (guint i = 0; i < entries->len; i++) {
		PaeHistoryEntry *entry = entries->pdata[i];
		if (pae_observer_is_observation(entry) && !pae_observer_handle(ctx, entry, error))
			return FALSE;
		cursor = entry->id;
	}
	if (!pae_store_set_cursor(ctx->store, PAE_OBSERVER_CURSOR, cursor, error))
		return FALSE;
	if (handled != NULL)
		*handled = entries->len;
	return pae_store_transaction_commit(txn, error);
}

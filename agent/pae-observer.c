/*
 * pae-observer: the engine's reading of new observations
 *
 * The ingest thread stores observations; this job reads those not read yet
 * (a cursor in the database, advanced in the same transaction as what it
 * decides, so a crash repeats nothing and loses nothing) and acts on them:
 * after a resume, a restore, a wake-up, a revert or a restart nobody saw,
 * the patch server's last report describes another VM, so it is marked
 * stale and a reconcile is asked for. Each also moves the VM's lifecycle:
 * a new VM waits for its activation, a reverted one for its re-baseline, a
 * resumed one for its catch-up (pae-activation carries them out); a
 * migrated one is adopted; a category change takes the VM out of the plans
 * of its old category; an undefined one leaves its plans and is retired.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeObserver"

#include "config.h"

#include "pae-observer.h"

#include "pae-plans.h"
#include "pae-store-compliance.h"
#include "pae-store-lifecycle.h"
#include "pae-store-plans.h"
#include "pae-store-vms.h"

#define PAE_OBSERVER_BATCH 500
/* observations this close to the store's first belong to the first resync */

static gboolean
pae_observer_is_observation(PaeHistoryEntry *entry)
{
	return entry->source == PAE_SOURCE_EVENT || entry->source == PAE_SOURCE_RESYNC ||
	       entry->source == PAE_SOURCE_HOOK;
}

/* moves the VM to @state and says why in its history */
static gboolean
pae_observer_set_lifecycle(PaeEngineContext *ctx,
			   PaeHistoryEntry *entry,
			   PaeLifecycle *lc,
			   PaeLifecycleState state,
			   PaeTime deadline,
			   const gchar *why,
			   GError **error)
{
	lc->state = state;
	lc->since = entry->at;
	lc->deadline = deadline;
	g_clear_pointer(&lc->action_key, g_free);
	g_free(lc->reason);
	lc->reason = g_strdup(why);
	if (!pae_store_put_lifecycle(ctx->store, lc, error))
		return FALSE;
	return pae_engine_record(
		ctx, entry->vm_uuid, "lifecycle", pae_lifecycle_state_to_string(state), why, error);
}

static gboolean
pae_observer_provision(PaeEngineContext *ctx,
		       PaeHistoryEntry *entry,
		       PaeLifecycle *lc,
		       GError **error)
{
	gint64 first_resync_end = 0;

	ctx->reconcile_requested = TRUE;
	/* the first resync of a new store meets a fleet in service: adopt it as
	 * it is; a VM a later resync finds was defined while nobody listened */
	if (entry->source == PAE_SOURCE_RESYNC &&
	    !pae_store_get_cursor(
		    ctx->store, PAE_STORE_CURSOR_FIRST_RESYNC, &first_resync_end, error))
		return FALSE;
	if (entry->source == PAE_SOURCE_RESYNC && entry->id < first_resync_end)
		return lc->state == PAE_LIFECYCLE_READY && lc->since != 0
			       ? TRUE
			       : pae_observer_set_lifecycle(
					 ctx,
					 entry,
					 lc,
					 PAE_LIFECYCLE_READY,
					 0,
					 "adopted: found by a resync, not activated",
					 error);
	return pae_observer_set_lifecycle(
		ctx,
		entry,
		lc,
		PAE_LIFECYCLE_PROVISIONING,
		entry->at + ctx->config->baseline_timeout,
		"provisioning: its baseline is applied at once when its patch-server "
		"computer reports",
		error);
}

static gboolean
pae_observer_resume(PaeEngineContext *ctx, PaeHistoryEntry *entry, PaeLifecycle *lc, GError **error)
{
	g_autoptr(PaeVm) vm = pae_store_get_vm(ctx->store, entry->vm_uuid, NULL, NULL);
	const PaeTenantPolicy *policy =
		vm != NULL ? pae_policy_get_tenant(ctx->config->policy, vm->tenant) : NULL;

	if (lc->state != PAE_LIFECYCLE_READY)
		return TRUE;
	if (policy != NULL && policy->catch_up == PAE_CATCH_UP_NEXT_WINDOW)
		return pae_engine_record(
			ctx,
			entry->vm_uuid,
			"lifecycle",
			"ready",
			"resumed: what became due while it was away goes to its next window",
			error);
	return pae_observer_set_lifecycle(
		ctx,
		entry,
		lc,
		PAE_LIFECYCLE_CATCHING_UP,
		entry->at + ctx->config->baseline_timeout,
		"catching up: what became due while it was away is applied at once, "
		"after a report newer than the resume",
		error);
}

static gboolean
pae_observer_leave(PaeEngineContext *ctx,
		   PaeHistoryEntry *entry,
		   PaeLifecycle *lc,
		   gboolean gone,
		   GError **error)
{
	g_autofree gchar *why = g_strdup_printf("%s: its pending actions are stopped and its open "
						"change records cancelled; its history is kept",
						gone ? "undefined" : "gone while nobody listened");
	gint resolved;

	if (!pae_plans_withdraw_vm(ctx,
				   entry->vm_uuid,
				   gone ? PAE_PLANS_WITHDRAW_ALL : PAE_PLANS_WITHDRAW_NOT_STARTED,
				   gone ? "the VM was undefined" : "the VM is gone",
				   error))
		return FALSE;
	resolved = pae_store_resolve_vm_incidents(ctx->store,
						  entry->vm_uuid,
						  "the VM left this controller",
						  pae_clock_get_now(ctx->clock),
						  error);
	if (resolved < 0)
		return FALSE;
	if (resolved > 0)
		ctx->alerts_pending = TRUE;
	return pae_observer_set_lifecycle(ctx, entry, lc, PAE_LIFECYCLE_RETIRED, 0, why, error);
}

static gboolean
pae_observer_handle(PaeEngineContext *ctx, PaeHistoryEntry *entry, GError **error)
{
	g_autoptr(GError) error_local = NULL;
	g_autoptr(PaeLifecycle) lc =
		pae_store_get_lifecycle(ctx->store, entry->vm_uuid, &error_local);
	g_autofree gchar *why = NULL;

	if (error_local != NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	/* a VM known from before lifecycles were kept is in service */
	if (lc == NULL)
		lc = pae_lifecycle_new(entry->vm_uuid, PAE_LIFECYCLE_READY, 0);
	switch (pae_observation_kind_from_string(entry->kind)) {
	case PAE_OBSERVATION_RESUME:
	case PAE_OBSERVATION_RESTART:
		if (!pae_store_distrust_reports(ctx->store, entry->vm_uuid, entry->at, error))
			return FALSE;
		ctx->reconcile_requested = TRUE;
		return pae_observer_resume(ctx, entry, lc, error);
	case PAE_OBSERVATION_REVERT:
		if (!pae_store_distrust_reports(ctx->store, entry->vm_uuid, entry->at, error))
			return FALSE;
		ctx->reconcile_requested = TRUE;
		if (lc->state == PAE_LIFECYCLE_RETIRED)
			return TRUE;
		/* its facts may have gone back too: what was planned waits for the re-baseline */
		if (!pae_plans_withdraw_vm(
			    ctx,
			    entry->vm_uuid,
			    PAE_PLANS_WITHDRAW_NOT_STARTED,
			    "reverted to a snapshot: re-baselined, then planned again",
			    error))
			return FALSE;
		return pae_observer_set_lifecycle(
			ctx,
			entry,
			lc,
			PAE_LIFECYCLE_REBASELINING,
			entry->at + ctx->config->revert_report_wait,
			"reverted: its patch level is the snapshot's; re-baselined after a "
			"report newer than the revert",
			error);
	case PAE_OBSERVATION_PROVISION:
		return pae_observer_provision(ctx, entry, lc, error);
	case PAE_OBSERVATION_MIGRATION_IN:
		ctx->reconcile_requested = TRUE;
		return pae_observer_set_lifecycle(
			ctx,
			entry,
			lc,
			PAE_LIFECYCLE_READY,
			0,
			"adopted after a migration: no activation; its patch-server "
			"computer and actions came with it",
			error);
	case PAE_OBSERVATION_CATEGORY_CHANGE:
		why = g_strdup_printf("moved: %s",
				      entry->detail != NULL ? entry->detail : "category changed");
		return pae_plans_withdraw_vm(
			ctx, entry->vm_uuid, PAE_PLANS_WITHDRAW_NOT_STARTED, why, error);
	case PAE_OBSERVATION_DEPROVISION:
		return pae_observer_leave(ctx, entry, lc, TRUE, error);
	case PAE_OBSERVATION_VANISHED:
		return pae_observer_leave(ctx, entry, lc, FALSE, error);
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
	if (!pae_store_get_cursor(ctx->store, PAE_STORE_CURSOR_ENGINE, &cursor, error))
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
	if (!pae_store_set_cursor(ctx->store, PAE_STORE_CURSOR_ENGINE, cursor, error))
		return FALSE;
	if (handled != NULL)
		*handled = entries->len;
	return pae_store_transaction_commit(txn, error);
}

/*
 * pae-catchup: an action that applies what a VM misses, at once
 *
 * Activation, a catch-up after a resume and a re-baseline after a revert
 * all end the same way: one action, outside any window, with every patch
 * the VM's last trusted report says it misses, and that no open action
 * already covers. It is written as an intent in the caller's transaction.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeCatchup"

#include "config.h"

#include "pae-catchup.h"

#include "pae-action.h"
#include "pae-compliance.h"
#include "pae-error.h"
#include "pae-planner.h"
#include "pae-store-actions.h"
#include "pae-store-compliance.h"
#include "pae-store-vms.h"

/**
 * pae_action_key_new:
 * @subject: what the action is for, e.g. a VM UUID
 *
 * Returns: "pae:AGENT:PURPOSE:SUBJECT:YYYYMMDDTHHMMSSZ", unique per agent
 * and instant, and found again by prefix on the shared patch server
 */
gchar *
pae_action_key_new(const gchar *agent_id, const gchar *purpose, const gchar *subject, PaeTime at)
{
	g_autoptr(GDateTime) dt = pae_time_to_datetime(at);
	g_autofree gchar *stamp = g_date_time_format(dt, "%Y%m%dT%H%M%S");
	return g_strdup_printf("pae:%s:%s:%s:%s%06dZ",
			       agent_id,
			       purpose,
			       subject,
			       stamp,
			       g_date_time_get_microsecond(dt));
}

/* an intended or open action, outside any window, that has still to run on
 * the VM: a window action waits for its window, and "at once" does not wait
 * for it (the window then finds the patch no longer relevant); an action
 * already finished on the VM does not cover what a revert took away */
static gboolean
pae_catchup_action_is_pending_for(PaeAction *action, const gchar *vm_uuid)
{
	PaeActionTarget *target;

	if (action->state != PAE_ACTION_STATE_INTENDED && action->state != PAE_ACTION_STATE_OPEN)
		return FALSE;
	if (action->plan_key != NULL)
		return FALSE;
	target = pae_action_find_vm_target(action, vm_uuid);
	return target != NULL && !pae_outcome_is_final(target->outcome);
}

/**
 * pae_catchup_find_pending:
 *
 * Returns: (nullable): the key of the newest action outside any window that
 * has still to run on the VM
 */
/* the VM's actions that have still to run on it */
static GPtrArray *
pae_catchup_list_pending(PaeEngineContext *ctx, const gchar *vm_uuid, GError **error)
{
	GPtrArray *actions = pae_store_list_actions_for_vm(ctx->store, vm_uuid, 100, error);

	for (guint i = actions != NULL ? actions->len : 0; i > 0; i--) {
		if (!pae_catchup_action_is_pending_for(actions->pdata[i - 1], vm_uuid))
			g_ptr_array_remove_index(actions, i - 1);
	}
	return actions;
}

gchar *
pae_catchup_find_pending(PaeEngineContext *ctx, const gchar *vm_uuid, GError **error)
{
	g_autoptr(GPtrArray) actions = pae_catchup_list_pending(ctx, vm_uuid, error);
	PaeAction *newest = NULL;

	if (actions == NULL)
		return NULL;
	for (guint i = 0; i < actions->len; i++) {
		PaeAction *action = actions->pdata[i];
		if (newest == NULL || action->created > newest->created)
			newest = action;
	}
	return newest != NULL ? g_strdup(newest->key) : NULL;
}

/* patches of @missing not already in an action that has still to run on the VM */
static GPtrArray *
pae_catchup_uncovered(PaeEngineContext *ctx,
		      const gchar *vm_uuid,
		      GPtrArray *missing,
		      GError **error)
{
	g_autoptr(GPtrArray) actions = pae_catchup_list_pending(ctx, vm_uuid, error);
	g_autoptr(GHashTable) covered =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *uncovered;

	if (actions == NULL)
		return NULL;
	for (guint i = 0; i < actions->len; i++) {
		PaeAction *action = actions->pdata[i];
		for (guint j = 0; j < action->patches->len; j++) {
			PaePatchRef *ref = action->patches->pdata[j];
			g_hash_table_add(covered, pae_store_patch_key(ref->site, ref->fixlet_id));
		}
	}
	uncovered = g_ptr_array_new_with_free_func((GDestroyNotify)pae_patch_ref_free);
	for (guint i = 0; i < missing->len; i++) {
		PaeMissingPatch *m = missing->pdata[i];
		g_autofree gchar *key = pae_store_patch_key(m->info->site, m->info->fixlet_id);
		if (!g_hash_table_contains(covered, key))
			g_ptr_array_add(uncovered,
					pae_patch_ref_new(m->info->site, m->info->fixlet_id));
	}
	return uncovered;
}

/**
 * pae_catchup_plan:
 * @purpose: e.g. "activation", "catch-up", "baseline"
 * @key: (out) (optional): the new action's key, %NULL when nothing was missing
 *
 * Returns: %FALSE with %PAE_ERROR_BUSY when the VM has no computer yet or its
 * report is stale (try again after the next reconcile)
 */
gboolean
pae_catchup_plan(PaeEngineContext *ctx,
		 const gchar *vm_uuid,
		 const gchar *purpose,
		 gchar **key,
		 GError **error)
{
	return pae_catchup_plan_full(ctx, vm_uuid, purpose, FALSE, key, error);
}

/* keeps the missing patches that are due under the VM's tenant's policy */
static void
pae_catchup_keep_due(PaeEngineContext *ctx, PaeVm *vm, GPtrArray *missing, PaeTime now)
{
	const PaeTenantPolicy *policy = pae_policy_get_tenant(ctx->config->policy, vm->tenant);

	for (guint i = missing->len; policy != NULL && i > 0; i--) {
		PaeMissingPatch *m = missing->pdata[i - 1];
		if (pae_planner_patch_due(policy, m->info, now) > now)
			g_ptr_array_remove_index(missing, i - 1);
	}
}

/**
 * pae_catchup_plan_full:
 * @only_due: leave out the patches not yet due under the VM's policy (a
 *   catch-up after a resume applies what became due while it was away)
 */
gboolean
pae_catchup_plan_full(PaeEngineContext *ctx,
		      const gchar *vm_uuid,
		      const gchar *purpose,
		      gboolean only_due,
		      gchar **key,
		      GError **error)
{
	g_autoptr(PaeVm) vm = pae_store_get_vm(ctx->store, vm_uuid, NULL, error);
	g_autoptr(PaeComplianceRecord) record = NULL;
	g_autoptr(GPtrArray) missing = NULL;
	g_autoptr(GPtrArray) patches = NULL;
	g_autoptr(PaeAction) action = NULL;
	g_autofree gchar *detail = NULL;
	PaeTime now = pae_clock_get_now(ctx->clock);

	if (key != NULL)
		*key = NULL;
	if (vm == NULL)
		return FALSE;
	record = pae_store_get_compliance(ctx->store, vm_uuid, NULL);
	if (record == NULL || record->computer_id == NULL) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_BUSY,
			    "no patch-server computer reports %s yet",
			    vm->name);
		return FALSE;
	}
	if (!pae_compliance_report_is_trusted(record->report, record->trust_after)) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_BUSY,
			    "the last report of %s predates its last revert or resume",
			    vm->name);
		return FALSE;
	}
	missing = pae_store_list_missing(ctx->store, vm_uuid, error);
	if (missing == NULL)
		return FALSE;
	if (only_due)
		pae_catchup_keep_due(ctx, vm, missing, now);
	patches = pae_catchup_uncovered(ctx, vm_uuid, missing, error);
	if (patches == NULL)
		return FALSE;
	if (patches->len == 0)
		return TRUE;

	action = pae_action_new(NULL, purpose);
	action->key = pae_action_key_new(ctx->config->agent_id, purpose, vm_uuid, now);
	action->summary = g_strdup_printf("%s of %s: %u patch%s",
					  purpose,
					  vm->name,
					  patches->len,
					  patches->len == 1 ? "" : "es");
	action->state = PAE_ACTION_STATE_INTENDED;
	action->time_mode = PAE_ACTION_TIME_UTC;
	action->start = now;
	action->end = now + ctx->config->action_lifetime;
	action->created = now;
	action->updated = now;
	for (guint i = 0; i < patches->len; i++) {
		PaePatchRef *ref = patches->pdata[i];
		g_ptr_array_add(action->patches, pae_patch_ref_new(ref->site, ref->fixlet_id));
	}
	g_ptr_array_add(action->targets, pae_action_target_new(vm_uuid, record->computer_id));
	if (!pae_store_add_action(ctx->store, action, error))
		return FALSE;
	detail = g_strdup_printf(
		"%s, at once, on computer %s", action->summary, record->computer_id);
	if (!pae_engine_record(ctx, vm_uuid, "action-planned", action->key, detail, error))
		return FALSE;
	ctx->outbox_requested = TRUE;
	if (key != NULL)
		*key = g_strdup(action->key);
	return TRUE;
}

/*
 * pae-plans: carrying plans through change management onto the patch server
 *
 * A plan is the patches the scheduler placed in one window for one
 * (tenant, category, time mode). This job moves each plan along:
 *
 *   planned      → a change record is opened (looked up by the plan's key,
 *                  its correlation id, before it is opened: a crash between
 *                  the two leaves one change, not two)
 *   change-open  → approved: one action per patch, with every VM of the
 *                  plan that misses it as targets, written as intents in
 *                  one transaction (the outbox creates them); rejected: the
 *                  plan ends; not approved before the window: missed
 *   scheduled    → every action finished: the change is closed with each
 *                  VM's result as evidence, failures raise incidents and
 *                  the scheduler places the patch again in a later window
 *
 * Calls to the change-management backend are made outside the engine's
 * transactions; what they return is recorded in one transaction each.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaePlans"

#include "config.h"

#include "pae-plans.h"

#include <string.h>

#include "pae-alerts.h"
#include "pae-backoff.h"
#include "pae-error.h"
#include "pae-scheduler.h"
#include "pae-store-actions.h"
#include "pae-store-compliance.h"
#include "pae-store-plans.h"
#include "pae-store-vms.h"
#include "pae-window.h"

#define PAE_PLANS_RETRY_MIN G_TIME_SPAN_MINUTE
#define PAE_PLANS_RETRY_MAX G_TIME_SPAN_HOUR

/* records @kind for every VM of the plan */
static gboolean
pae_plans_record(PaeEngineContext *ctx,
		 PaePlan *plan,
		 const gchar *kind,
		 const gchar *detail,
		 GError **error)
{
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint i = 0; i < plan->items->len; i++) {
		PaePlanItem *item = plan->items->pdata[i];
		if (!g_hash_table_add(seen, item->vm_uuid))
			continue;
		if (!pae_engine_record(ctx, item->vm_uuid, kind, plan->key, detail, error))
			return FALSE;
	}
	return TRUE;
}

/* stores the plan's new state, with its audit records, in one transaction */
static gboolean
pae_plans_commit(PaeEngineContext *ctx,
		 PaePlan *plan,
		 const gchar *kind,
		 const gchar *detail,
		 GError **error)
{
	g_autoptr(PaeStoreTransaction) txn = pae_store_transaction_begin(ctx->store, error);

	if (txn == NULL)
		return FALSE;
	plan->updated = pae_clock_get_now(ctx->clock);
	if (!pae_store_update_plan(ctx->store, plan, error))
		return FALSE;
	if (kind != NULL && !pae_plans_record(ctx, plan, kind, detail, error))
		return FALSE;
	return pae_store_transaction_commit(txn, error);
}

static gboolean
pae_plans_defer(PaeEngineContext *ctx, PaePlan *plan, const GError *failure, GError **error)
{
	PaeTime now = pae_clock_get_now(ctx->clock);

	plan->next_attempt = now + pae_backoff_delay((guint)plan->attempts,
						     PAE_PLANS_RETRY_MIN,
						     PAE_PLANS_RETRY_MAX,
						     g_random_double());
	plan->attempts++;
	g_free(plan->last_error);
	plan->last_error = g_strdup(failure->message);
	g_warning("plan %s: %s, retrying later", plan->key, failure->message);
	return pae_plans_commit(ctx, plan, NULL, NULL, error);
}

static gchar *
pae_plans_format_window(PaePlan *plan)
{
	g_autofree gchar *start = pae_time_to_iso8601(plan->window_start);
	g_autofree gchar *end = pae_time_to_iso8601(plan->window_end);

	/* local mode: wall-clock readings, each VM in its own zone */
	if (plan->time_mode == PAE_ACTION_TIME_LOCAL) {
		start[strlen(start) - 1] = '\0';
		end[strlen(end) - 1] = '\0';
		return g_strdup_printf("%s to %s, each VM's local time", start, end);
	}
	return g_strdup_printf("%s to %s", start, end);
}

/* "site/fixlet" key → the patch's name, for what people read */
static GHashTable *
pae_plans_patch_names(PaeEngineContext *ctx)
{
	GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GPtrArray) missing = pae_store_list_missing_by_patch(ctx->store, NULL);

	for (guint i = 0; missing != NULL && i < missing->len; i++) {
		PaeMissingPatch *m = missing->pdata[i];
		if (m->info->name != NULL)
			g_hash_table_insert(names,
					    pae_store_patch_key(m->info->site, m->info->fixlet_id),
					    g_strdup(m->info->name));
	}
	return names;
}

static PaeChangeRequest *
pae_plans_change_request(PaeEngineContext *ctx, PaePlan *plan)
{
	g_autoptr(PaeChangeRequest) request = pae_change_request_new();
	g_autoptr(GHashTable) vms = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	g_autoptr(GHashTable) patches =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GHashTable) names = pae_plans_patch_names(ctx);
	g_autofree gchar *window = pae_plans_format_window(plan);
	g_autoptr(GStrvBuilder) vm_list = g_strv_builder_new();
	g_autoptr(GStrvBuilder) patch_list = g_strv_builder_new();
	g_autofree gchar *vm_text = NULL;
	g_autofree gchar *patch_text = NULL;
	GHashTableIter iter;
	gpointer value;

	for (guint i = 0; i < plan->items->len; i++) {
		PaePlanItem *item = plan->items->pdata[i];
		g_autofree gchar *key = pae_store_patch_key(item->site, item->fixlet_id);
		if (!g_hash_table_contains(vms, item->vm_uuid)) {
			g_autoptr(PaeVm) vm =
				pae_store_get_vm(ctx->store, item->vm_uuid, NULL, NULL);
			g_hash_table_insert(vms,
					    item->vm_uuid,
					    g_strdup_printf("%s (%s)",
							    vm != NULL ? vm->name : "?",
							    item->vm_uuid));
		}
		if (!g_hash_table_contains(patches, key)) {
			const gchar *name = g_hash_table_lookup(names, key);
			g_hash_table_insert(patches,
					    g_strdup(key),
					    g_strdup_printf("%s/%s: %s",
							    item->site,
							    item->fixlet_id,
							    name != NULL ? name : "?"));
		}
	}
	g_hash_table_iter_init(&iter, vms);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		g_strv_builder_add(vm_list, value);
	g_hash_table_iter_init(&iter, patches);
	while (g_hash_table_iter_next(&iter, NULL, &value))
		g_strv_builder_add(patch_list, value);
	request->correlation_id = g_strdup(plan->key);
	request->tenant = g_strdup(plan->tenant);
	request->category = g_strdup(plan->category);
	request->window_start = plan->window_start;
	request->window_end = plan->window_end;
	request->vms = g_strv_builder_end(vm_list);
	request->patches = g_strv_builder_end(patch_list);
	request->summary = g_strdup_printf("Patch %u VM%s of %s/%s: %u patch%s, %s",
					   g_hash_table_size(vms),
					   g_hash_table_size(vms) == 1 ? "" : "s",
					   plan->tenant,
					   plan->category,
					   g_hash_table_size(patches),
					   g_hash_table_size(patches) == 1 ? "" : "es",
					   window);
	vm_text = g_strjoinv(", ", request->vms);
	patch_text = g_strjoinv(", ", request->patches);
	request->description =
		g_strdup_printf("Standard change under the patch policy agreed for "
				"tenant %s: stage %s, window %s.\nVMs: %s\nPatches: %s",
				plan->tenant,
				plan->category,
				window,
				vm_text,
				patch_text);
	return g_steal_pointer(&request);
}

static gboolean
pae_plans_poll_change(PaeEngineContext *ctx,
		      PaePlan *plan,
		      PaePlansSummary *summary,
		      GError **error);

static gboolean
pae_plans_open_change(PaeEngineContext *ctx,
		      PaePlan *plan,
		      PaePlansSummary *summary,
		      GError **error)
{
	g_autoptr(GError) failure = NULL;
	g_autofree gchar *change_id = NULL;
	g_autofree gchar *detail = NULL;

	change_id = pae_changes_find(ctx->config->changes, plan->key, ctx->cancellable, &failure);
	if (change_id == NULL && failure == NULL) {
		g_autoptr(PaeChangeRequest) request = pae_plans_change_request(ctx, plan);
		change_id =
			pae_changes_open(ctx->config->changes, request, ctx->cancellable, &failure);
	}
	if (change_id == NULL)
		return pae_plans_defer(ctx, plan, failure, error);
	plan->change_id = g_strdup(change_id);
	plan->change_state = g_strdup("new");
	plan->state = PAE_PLAN_STATE_CHANGE_OPEN;
	plan->attempts = 0;
	plan->next_attempt = 0;
	g_clear_pointer(&plan->last_error, g_free);
	summary->changes_opened++;
	detail = g_strdup_printf("change %s opened for plan %s", change_id, plan->key);
	g_info("%s", detail);
	if (!pae_plans_commit(ctx, plan, "change-opened", detail, error))
		return FALSE;
	/* a standard change is approved as it opens: no need to wait a cycle */
	return pae_plans_poll_change(ctx, plan, summary, error);
}

/* the patches of the plan, each with the items that carry it */
static GHashTable *
pae_plans_items_by_patch(PaePlan *plan)
{
	GHashTable *by_patch = g_hash_table_new_full(
		g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);

	for (guint i = 0; i < plan->items->len; i++) {
		PaePlanItem *item = plan->items->pdata[i];
		gchar *key = pae_store_patch_key(item->site, item->fixlet_id);
		GPtrArray *items = g_hash_table_lookup(by_patch, key);
		if (items == NULL) {
			items = g_ptr_array_new();
			g_hash_table_insert(by_patch, key, items);
		} else {
			g_free(key);
		}
		g_ptr_array_add(items, item);
	}
	return by_patch;
}

static const gchar *
pae_plans_stage_name(PaeEngineContext *ctx, PaePlan *plan)
{
	const PaeTenantPolicy *policy = pae_policy_get_tenant(ctx->config->policy, plan->tenant);
	if (policy != NULL && plan->stage < policy->stages->len) {
		const PaeStage *stage = policy->stages->pdata[plan->stage];
		return stage->name;
	}
	return plan->category;
}

/* the window's stamp as the plan's key has it ("20260307T0200L", "…-2"), for action keys */
static const gchar *
pae_plans_window_stamp(PaePlan *plan)
{
	const gchar *colon = strrchr(plan->key, ':');
	return colon != NULL ? colon + 1 : plan->key;
}

/* one intended action for one patch of the plan, aimed at every VM missing it */
static gboolean
pae_plans_intend_action(
	PaeEngineContext *ctx, PaePlan *plan, GPtrArray *items, guint *intended, GError **error)
{
	PaePlanItem *first = items->pdata[0];
	const gchar *stamp = pae_plans_window_stamp(plan);
	g_autoptr(PaeAction) action = NULL;
	PaeTime now = pae_clock_get_now(ctx->clock);
	g_autofree gchar *detail = NULL;

	action = pae_action_new(NULL, "window");
	action->key = pae_scheduler_action_key(plan->tenant,
					       pae_plans_stage_name(ctx, plan),
					       first->site,
					       first->fixlet_id,
					       stamp,
					       ctx->config->agent_id);
	action->plan_key = g_strdup(plan->key);
	action->state = PAE_ACTION_STATE_INTENDED;
	action->time_mode = plan->time_mode;
	action->start = plan->window_start;
	action->end = plan->window_end;
	action->range_start = plan->range_start;
	action->range_end = plan->range_end;
	action->created = now;
	action->updated = now;
	g_ptr_array_add(action->patches, pae_patch_ref_new(first->site, first->fixlet_id));
	for (guint i = 0; i < items->len; i++) {
		PaePlanItem *item = items->pdata[i];
		g_autoptr(PaeComplianceRecord) record =
			pae_store_get_compliance(ctx->store, item->vm_uuid, NULL);
		if (record == NULL || record->computer_id == NULL) {
			g_autoptr(PaeVm) vm =
				pae_store_get_vm(ctx->store, item->vm_uuid, NULL, NULL);
			g_info("plan %s: %s has no computer any more; left out",
			       plan->key,
			       item->vm_uuid);
			if (!pae_engine_record(ctx,
					       item->vm_uuid,
					       "plan-skipped",
					       plan->key,
					       "no patch-server computer reports this VM any more",
					       error))
				return FALSE;
			continue;
		}
		g_ptr_array_add(action->targets,
				pae_action_target_new(item->vm_uuid, record->computer_id));
	}
	if (action->targets->len == 0)
		return TRUE;
	action->summary = g_strdup_printf("%s/%s on %u VM%s of %s/%s (change %s)",
					  first->site,
					  first->fixlet_id,
					  action->targets->len,
					  action->targets->len == 1 ? "" : "s",
					  plan->tenant,
					  plan->category,
					  plan->change_id != NULL ? plan->change_id : "none");
	if (!pae_store_add_action(ctx->store, action, error))
		return FALSE;
	detail = g_strdup_printf("%s, in the window of plan %s", action->summary, plan->key);
	for (guint i = 0; i < action->targets->len; i++) {
		PaeActionTarget *target = action->targets->pdata[i];
		for (guint j = 0; j < items->len; j++) {
			PaePlanItem *item = items->pdata[j];
			if (g_strcmp0(item->vm_uuid, target->vm_uuid) != 0)
				continue;
			if (!pae_store_set_plan_item_action(
				    ctx->store, plan->key, item, action->key, error))
				return FALSE;
		}
		if (!pae_engine_record(
			    ctx, target->vm_uuid, "action-planned", action->key, detail, error))
			return FALSE;
	}
	(*intended)++;
	return TRUE;
}

/* approved: every patch's action as an intent, and the plan scheduled, at once */
static gboolean
pae_plans_schedule(PaeEngineContext *ctx, PaePlan *plan, PaePlansSummary *summary, GError **error)
{
	g_autoptr(PaeStoreTransaction) txn = pae_store_transaction_begin(ctx->store, error);
	g_autoptr(GHashTable) by_patch = pae_plans_items_by_patch(plan);
	g_autofree gchar *detail = NULL;
	GHashTableIter iter;
	gpointer value;
	guint intended = 0;

	if (txn == NULL)
		return FALSE;
	g_hash_table_iter_init(&iter, by_patch);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		if (!pae_plans_intend_action(ctx, plan, value, &intended, error))
			return FALSE;
	}
	plan->state = PAE_PLAN_STATE_SCHEDULED;
	g_free(plan->change_state);
	plan->change_state = g_strdup("approved");
	plan->updated = pae_clock_get_now(ctx->clock);
	if (!pae_store_update_plan(ctx->store, plan, error))
		return FALSE;
	detail = g_strdup_printf(
		"plan %s scheduled: %u action%s", plan->key, intended, intended == 1 ? "" : "s");
	if (!pae_plans_record(ctx, plan, "plan-scheduled", detail, error))
		return FALSE;
	if (!pae_store_transaction_commit(txn, error))
		return FALSE;
	g_info("%s", detail);
	summary->approved++;
	summary->actions_intended += intended;
	ctx->outbox_requested = TRUE;
	return TRUE;
}

static gboolean
pae_plans_close_change(PaeEngineContext *ctx,
		       PaePlan *plan,
		       PaeChangeCloseCode code,
		       const gchar *notes,
		       GError **error)
{
	if (ctx->config->changes == NULL || plan->change_id == NULL)
		return TRUE;
	return pae_changes_close(
		ctx->config->changes, plan->change_id, code, notes, ctx->cancellable, error);
}

/* a plan whose window began before its change was approved, or was rejected */
static gboolean
pae_plans_end(
	PaeEngineContext *ctx, PaePlan *plan, PaePlanState state, const gchar *why, GError **error)
{
	g_autoptr(GError) failure = NULL;

	if (state != PAE_PLAN_STATE_REJECTED &&
	    !pae_plans_close_change(ctx, plan, PAE_CHANGE_CLOSE_CANCELLED, why, &failure))
		return pae_plans_defer(ctx, plan, failure, error);
	plan->state = state;
	g_free(plan->change_state);
	plan->change_state = g_strdup(state == PAE_PLAN_STATE_REJECTED ? "rejected" : "cancelled");
	g_info("plan %s %s: %s", plan->key, pae_plan_state_to_string(state), why);
	return pae_plans_commit(ctx,
				plan,
				state == PAE_PLAN_STATE_MISSED	   ? "plan-missed"
				: state == PAE_PLAN_STATE_REJECTED ? "plan-rejected"
								   : "plan-cancelled",
				why,
				error);
}

static gboolean
pae_plans_poll_change(PaeEngineContext *ctx,
		      PaePlan *plan,
		      PaePlansSummary *summary,
		      GError **error)
{
	g_autoptr(GError) failure = NULL;
	g_autoptr(PaeChangeStatus) status = NULL;
	PaeTime now = pae_clock_get_now(ctx->clock);

	status = pae_changes_get_status(
		ctx->config->changes, plan->change_id, ctx->cancellable, &failure);
	if (status == NULL)
		return pae_plans_defer(ctx, plan, failure, error);
	switch (status->state) {
	case PAE_CHANGE_STATE_APPROVED:
		if (plan->first_start <= now) {
			summary->missed++;
			return pae_plans_end(ctx,
					     plan,
					     PAE_PLAN_STATE_MISSED,
					     "approved after its window began",
					     error);
		}
		return pae_plans_schedule(ctx, plan, summary, error);
	case PAE_CHANGE_STATE_REJECTED:
		summary->rejected++;
		return pae_plans_end(
			ctx, plan, PAE_PLAN_STATE_REJECTED, "its change was rejected", error);
	case PAE_CHANGE_STATE_CLOSED:
	case PAE_CHANGE_STATE_CANCELLED:
		summary->cancelled++;
		return pae_plans_end(ctx,
				     plan,
				     PAE_PLAN_STATE_CANCELLED,
				     "its change was closed outside the agent",
				     error);
	case PAE_CHANGE_STATE_NEW:
	default:
		if (plan->first_start <= now) {
			summary->missed++;
			return pae_plans_end(ctx,
					     plan,
					     PAE_PLAN_STATE_MISSED,
					     "not approved before its window began",
					     error);
		}
		summary->waiting++;
		/* an ITSM is not asked every cycle */
		plan->next_attempt = now + ctx->config->check_interval / 5;
		return pae_plans_commit(ctx, plan, NULL, NULL, error);
	}
}

static gboolean
pae_plans_action_is_final(PaeAction *action)
{
	return action->state == PAE_ACTION_STATE_CLOSED ||
	       action->state == PAE_ACTION_STATE_CANCELLED ||
	       action->state == PAE_ACTION_STATE_ABANDONED;
}

typedef struct {
	guint done;
	guint failed;
	guint other;
	GString *evidence;
} PaePlansTally;

/* the evidence line of one target, and its count; reads only */
static void
pae_plans_tally_target(PaeEngineContext *ctx,
		       PaeAction *action,
		       PaeActionTarget *target,
		       PaePlansTally *tally)
{
	PaePatchRef *ref = action->patches->pdata[0];
	g_autoptr(PaeVm) vm = pae_store_get_vm(ctx->store, target->vm_uuid, NULL, NULL);

	g_string_append_printf(tally->evidence,
			       "%s (%s): %s/%s %s%s%s\n",
			       vm != NULL ? vm->name : "?",
			       target->vm_uuid,
			       ref->site,
			       ref->fixlet_id,
			       pae_outcome_to_string(target->outcome),
			       target->status != NULL ? ", " : "",
			       target->status != NULL ? target->status : "");
	if (target->outcome == PAE_OUTCOME_DONE)
		tally->done++;
	else if (target->outcome == PAE_OUTCOME_FAILED)
		tally->failed++;
	else
		tally->other++;
}

/* a failure raises an incident; a success resolves earlier ones */
static gboolean
pae_plans_alert_target(PaeEngineContext *ctx,
		       PaePlan *plan,
		       PaeAction *action,
		       PaeActionTarget *target,
		       GError **error)
{
	PaePatchRef *ref = action->patches->pdata[0];
	g_autofree gchar *patch = g_strdup_printf("%s/%s", ref->site, ref->fixlet_id);
	g_autoptr(PaeIncident) incident = NULL;
	g_autoptr(PaeVm) vm = NULL;

	if (target->outcome == PAE_OUTCOME_DONE) {
		g_autofree gchar *resolution =
			g_strdup_printf("applied by action %s", action->action_id);
		return pae_alerts_resolve(ctx,
					  PAE_INCIDENT_PATCH_FAILED,
					  target->vm_uuid,
					  patch,
					  resolution,
					  error) &&
		       pae_alerts_resolve(ctx,
					  PAE_INCIDENT_DEADLINE_MISSED,
					  target->vm_uuid,
					  patch,
					  resolution,
					  error);
	}
	if (target->outcome != PAE_OUTCOME_FAILED)
		return TRUE;
	vm = pae_store_get_vm(ctx->store, target->vm_uuid, NULL, NULL);
	incident = pae_incident_new(PAE_INCIDENT_PATCH_FAILED);
	incident->vm_uuid = g_strdup(target->vm_uuid);
	incident->patch = g_strdup(patch);
	incident->action_id = g_strdup(action->action_id);
	incident->change_id = g_strdup(plan->change_id);
	incident->tenant = g_strdup(plan->tenant);
	incident->message = g_strdup_printf("patch %s failed on %s (%s) in action %s%s%s; it is "
					    "placed again in a later window",
					    patch,
					    vm != NULL ? vm->name : target->vm_uuid,
					    target->status != NULL ? target->status : "failed",
					    action->action_id != NULL ? action->action_id : "?",
					    plan->change_id != NULL ? ", change " : "",
					    plan->change_id != NULL ? plan->change_id : "");
	return pae_alerts_raise(ctx, incident, error);
}

static PaeChangeCloseCode
pae_plans_close_code(const PaePlansTally *tally)
{
	if (tally->failed == 0 && tally->other == 0)
		return PAE_CHANGE_CLOSE_SUCCESSFUL;
	if (tally->done > 0)
		return PAE_CHANGE_CLOSE_SUCCESSFUL_ISSUES;
	return PAE_CHANGE_CLOSE_UNSUCCESSFUL;
}

/*
 * A scheduled plan whose actions all finished: the change is closed with
 * the evidence first, outside any transaction (closing is idempotent, so a
 * crash before the plan is recorded closed closes it again harmlessly),
 * then incidents and the plan's end are recorded together.
 */
static gboolean
pae_plans_finish(PaeEngineContext *ctx, PaePlan *plan, PaePlansSummary *summary, GError **error)
{
	g_autoptr(GPtrArray) actions =
		pae_store_list_actions_for_plan(ctx->store, plan->key, error);
	g_autoptr(PaeStoreTransaction) txn = NULL;
	g_autoptr(GError) failure = NULL;
	g_autofree gchar *detail = NULL;
	g_autoptr(GString) evidence = g_string_new(NULL);
	PaePlansTally tally = {.evidence = evidence};
	PaeChangeCloseCode code;

	if (actions == NULL)
		return FALSE;
	for (guint i = 0; i < actions->len; i++) {
		if (!pae_plans_action_is_final(actions->pdata[i]))
			return TRUE;
	}
	for (guint i = 0; i < actions->len; i++) {
		PaeAction *action = actions->pdata[i];
		for (guint j = 0; j < action->targets->len; j++)
			pae_plans_tally_target(ctx, action, action->targets->pdata[j], &tally);
	}
	code = pae_plans_close_code(&tally);
	if (!pae_plans_close_change(ctx, plan, code, evidence->str, &failure))
		return pae_plans_defer(ctx, plan, failure, error);
	txn = pae_store_transaction_begin(ctx->store, error);
	if (txn == NULL)
		return FALSE;
	for (guint i = 0; i < actions->len; i++) {
		PaeAction *action = actions->pdata[i];
		for (guint j = 0; j < action->targets->len; j++) {
			if (!pae_plans_alert_target(
				    ctx, plan, action, action->targets->pdata[j], error))
				return FALSE;
		}
	}
	plan->state = PAE_PLAN_STATE_CLOSED;
	g_free(plan->change_state);
	plan->change_state = g_strdup("closed");
	g_free(plan->close_code);
	plan->close_code = g_strdup(pae_change_close_code_to_string(code));
	plan->updated = pae_clock_get_now(ctx->clock);
	if (!pae_store_update_plan(ctx->store, plan, error))
		return FALSE;
	detail = g_strdup_printf("plan %s closed %s: %u done, %u failed, %u did not run",
				 plan->key,
				 plan->close_code,
				 tally.done,
				 tally.failed,
				 tally.other);
	if (!pae_plans_record(ctx, plan, "plan-closed", detail, error))
		return FALSE;
	if (!pae_store_transaction_commit(txn, error))
		return FALSE;
	g_info("%s", detail);
	summary->closed++;
	return TRUE;
}

/* a plan all of whose VMs were withdrawn */
static gboolean
pae_plans_cancel_empty(PaeEngineContext *ctx,
		       PaePlan *plan,
		       PaePlansSummary *summary,
		       GError **error)
{
	g_autoptr(GError) failure = NULL;

	if (plan->state != PAE_PLAN_STATE_PLANNED &&
	    !pae_plans_close_change(
		    ctx, plan, PAE_CHANGE_CLOSE_CANCELLED, "every VM left the plan", &failure))
		return pae_plans_defer(ctx, plan, failure, error);
	plan->state = PAE_PLAN_STATE_CANCELLED;
	g_free(plan->change_state);
	plan->change_state = plan->change_id != NULL ? g_strdup("cancelled") : NULL;
	summary->cancelled++;
	g_info("plan %s cancelled: every VM left it", plan->key);
	return pae_plans_commit(ctx, plan, NULL, NULL, error);
}

static gboolean
pae_plans_step(PaeEngineContext *ctx, PaePlan *plan, PaePlansSummary *summary, GError **error)
{
	if (plan->items->len == 0)
		return pae_plans_cancel_empty(ctx, plan, summary, error);
	switch (plan->state) {
	case PAE_PLAN_STATE_PLANNED:
		/* without change management the policy itself is the approval */
		if (ctx->config->changes == NULL)
			return pae_plans_schedule(ctx, plan, summary, error);
		return pae_plans_open_change(ctx, plan, summary, error);
	case PAE_PLAN_STATE_CHANGE_OPEN:
		return pae_plans_poll_change(ctx, plan, summary, error);
	case PAE_PLAN_STATE_SCHEDULED:
		return pae_plans_finish(ctx, plan, summary, error);
	default:
		return TRUE;
	}
}

/**
 * pae_plans_run:
 *
 * Moves every active plan one step on. Backend failures are recorded on the
 * plan and retried with backoff; only store failures are returned.
 */
gboolean
pae_plans_run(PaeEngineContext *ctx, PaePlansSummary *summary, GError **error)
{
	g_autoptr(GPtrArray) plans = pae_store_list_plans(ctx->store, TRUE, 10000, error);
	g_autoptr(GError) error_local = NULL;
	PaeTime now = pae_clock_get_now(ctx->clock);

	memset(summary, 0, sizeof(*summary));
	if (plans == NULL)
		return FALSE;
	for (guint i = 0; i < plans->len; i++) {
		PaePlan *plan = plans->pdata[i];
		/* asked to look (a decision on a change): waiting for approval is not a failure to
		 * back off from */
		gboolean asked = ctx->plans_requested &&
				 plan->state == PAE_PLAN_STATE_CHANGE_OPEN &&
				 plan->last_error == NULL;
		if ((plan->next_attempt > now && !asked) ||
		    g_cancellable_is_cancelled(ctx->cancellable))
			continue;
		if (!pae_plans_step(ctx, plan, summary, &error_local)) {
			/* one plan's trouble must not hold the others back */
			g_warning("plan %s: %s", plan->key, error_local->message);
			if (!pae_plans_defer(ctx, plan, error_local, error))
				return FALSE;
			g_clear_error(&error_local);
		}
	}
	return TRUE;
}

/* has the VM's part of the action begun: it reported, or its window opened */
static gboolean
pae_plans_target_started(PaeEngineContext *ctx,
			 PaeAction *action,
			 PaeActionTarget *target,
			 const gchar *timezone)
{
	PaeTime start = action->start;

	if (target->start != 0 || target->outcome != PAE_OUTCOME_PENDING)
		return TRUE;
	if (action->time_mode == PAE_ACTION_TIME_LOCAL) {
		g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(timezone);
		if (tz == NULL)
			tz = g_time_zone_new_utc();
		start = pae_window_wall_to_instant(tz, action->start);
	}
	return action->state == PAE_ACTION_STATE_OPEN && start <= pae_clock_get_now(ctx->clock);
}

/* a copy of @action aimed at everyone but @vm_uuid, to replace it */
static gboolean
pae_plans_replace_action(PaeEngineContext *ctx,
			 PaeAction *action,
			 const gchar *vm_uuid,
			 GError **error)
{
	g_autoptr(PaeAction) copy = pae_action_new(NULL, action->purpose);
	PaeTime now = pae_clock_get_now(ctx->clock);
	g_autofree gchar *detail = NULL;

	copy->key = g_strdup_printf(
		"%s~%" G_GINT64_FORMAT, action->key, (gint64)(now / G_USEC_PER_SEC));
	copy->plan_key = g_strdup(action->plan_key);
	copy->summary = g_strdup(action->summary);
	copy->state = PAE_ACTION_STATE_INTENDED;
	copy->time_mode = action->time_mode;
	copy->start = action->start;
	copy->end = action->end;
	copy->range_start = action->range_start;
	copy->range_end = action->range_end;
	copy->restart = action->restart;
	copy->created = now;
	copy->updated = now;
	for (guint i = 0; i < action->patches->len; i++) {
		PaePatchRef *ref = action->patches->pdata[i];
		g_ptr_array_add(copy->patches, pae_patch_ref_new(ref->site, ref->fixlet_id));
	}
	for (guint i = 0; i < action->targets->len; i++) {
		PaeActionTarget *target = action->targets->pdata[i];
		if (g_strcmp0(target->vm_uuid, vm_uuid) != 0)
			g_ptr_array_add(
				copy->targets,
				pae_action_target_new(target->vm_uuid, target->computer_id));
	}
	if (!pae_store_add_action(ctx->store, copy, error))
		return FALSE;
	detail = g_strdup_printf(
		"%s: replaces %s, which another VM left", copy->summary, action->key);
	for (guint i = 0; i < copy->targets->len; i++) {
		PaeActionTarget *target = copy->targets->pdata[i];
		if (!pae_engine_record(
			    ctx, target->vm_uuid, "action-planned", copy->key, detail, error))
			return FALSE;
	}
	if (action->plan_key != NULL) {
		g_autoptr(PaePlan) plan = pae_store_get_plan(ctx->store, action->plan_key, error);
		if (plan == NULL)
			return FALSE;
		for (guint i = 0; i < plan->items->len; i++) {
			PaePlanItem *item = plan->items->pdata[i];
			if (g_strcmp0(item->action_key, action->key) == 0 &&
			    !pae_store_set_plan_item_action(
				    ctx->store, plan->key, item, copy->key, error))
				return FALSE;
		}
	}
	return TRUE;
}

/* stops the VM's part of an action that has not started for it */
static gboolean
pae_plans_withdraw_action(PaeEngineContext *ctx,
			  PaeAction *action,
			  PaeVm *vm,
			  PaePlansWithdrawFlags flags,
			  const gchar *reason,
			  GError **error)
{
	PaeActionTarget *mine = NULL;
	g_autofree gchar *detail = NULL;

	if (action->state != PAE_ACTION_STATE_INTENDED && action->state != PAE_ACTION_STATE_OPEN)
		return TRUE;
	mine = pae_action_find_vm_target(action, vm->uuid);
	if (mine == NULL)
		return TRUE;
	if ((flags & PAE_PLANS_WITHDRAW_ALL) == 0 &&
	    pae_plans_target_started(ctx, action, mine, vm->timezone))
		return pae_engine_record(ctx,
					 vm->uuid,
					 "action-kept",
					 action->key,
					 "already under way: left alone",
					 error);
	/* a patch server cannot take one target out of an action: replace it */
	if (action->targets->len > 1 && !pae_plans_replace_action(ctx, action, vm->uuid, error))
		return FALSE;
	action->state = PAE_ACTION_STATE_STOPPING;
	action->next_attempt = 0;
	action->updated = pae_clock_get_now(ctx->clock);
	if (!pae_store_update_action(ctx->store, action, error))
		return FALSE;
	detail = g_strdup_printf("%s: to be stopped, %s", action->summary, reason);
	ctx->outbox_requested = TRUE;
	return pae_engine_record(ctx, vm->uuid, "action-withdrawn", action->key, detail, error);
}

/**
 * pae_plans_withdraw_vm:
 * @reason: why, for the audit trail, e.g. "moved from test to production"
 *
 * Takes the VM out of every active plan and stops its actions that have not
 * started (all of them with %PAE_PLANS_WITHDRAW_ALL); an action shared with
 * other VMs is replaced by one without this VM. Plans left empty are
 * cancelled, with their change records, by the next pae_plans_run(); the
 * scheduler places what the VM still misses under its new facts. Runs
 * inside the caller's transaction and calls no backend.
 */
gboolean
pae_plans_withdraw_vm(PaeEngineContext *ctx,
		      const gchar *vm_uuid,
		      PaePlansWithdrawFlags flags,
		      const gchar *reason,
		      GError **error)
{
	g_autoptr(PaeVm) vm = pae_store_get_vm(ctx->store, vm_uuid, NULL, error);
	g_autoptr(GPtrArray) actions = NULL;
	g_autoptr(GPtrArray) plans = NULL;

	if (vm == NULL)
		return FALSE;
	actions = pae_store_list_actions_for_vm(ctx->store, vm_uuid, 1000, error);
	if (actions == NULL)
		return FALSE;
	for (guint i = 0; i < actions->len; i++) {
		if (!pae_plans_withdraw_action(ctx, actions->pdata[i], vm, flags, reason, error))
			return FALSE;
	}
	plans = pae_store_list_plans_for_vm(ctx->store, vm_uuid, TRUE, error);
	if (plans == NULL)
		return FALSE;
	for (guint i = 0; i < plans->len; i++) {
		PaePlan *plan = plans->pdata[i];
		g_autofree gchar *detail = g_strdup_printf("left plan %s: %s", plan->key, reason);
		if (!pae_store_remove_plan_items(ctx->store, plan->key, vm_uuid, error))
			return FALSE;
		if (!pae_engine_record(ctx, vm_uuid, "plan-left", plan->key, detail, error))
			return FALSE;
	}
	ctx->plans_requested = TRUE;
	return TRUE;
}

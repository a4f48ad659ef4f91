/*
 * pae-activation: each waiting VM's next lifecycle step, and its hand-over
 *
 * After every reconcile, for each VM that waits for its activation, its
 * re-baseline after a revert or its catch-up after a resume:
 * pae_lifecycle_decide() (pure) says whether a fresh report has come (plan
 * the action now, outside any window), whether the action finished (ready),
 * failed or ran past its deadline (an incident). A VM that became ready
 * after an activation or a re-baseline gets the hand-over written into its
 * domain, outside any transaction, and retried until it lands.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeActivation"

#include "config.h"

#include "pae-activation.h"

#include "pae-alerts.h"
#include "pae-catchup.h"
#include "pae-compliance.h"
#include "pae-error.h"
#include "pae-store-actions.h"
#include "pae-store-compliance.h"
#include "pae-store-lifecycle.h"
#include "pae-store-vms.h"

static gboolean
pae_activation_report_trusted(PaeEngineContext *ctx, const gchar *vm_uuid)
{
	g_autoptr(PaeComplianceRecord) record = pae_store_get_compliance(ctx->store, vm_uuid, NULL);

	return record != NULL && record->computer_id != NULL &&
	       pae_compliance_report_is_trusted(record->report, record->trust_after);
}

/* the lifecycle action's outcome on this VM; FALSE when the store has no such action */
static gboolean
pae_activation_outcome(PaeEngineContext *ctx,
		       PaeLifecycle *lc,
		       PaeOutcome *outcome,
		       PaeAction **action_out)
{
	g_autoptr(PaeAction) action = NULL;
	PaeActionTarget *target;

	if (lc->action_key == NULL)
		return FALSE;
	action = pae_store_get_action(ctx->store, lc->action_key, NULL);
	if (action == NULL)
		return FALSE;
	target = pae_action_find_vm_target(action, lc->vm_uuid);
	*outcome = target != NULL ? target->outcome : PAE_OUTCOME_PENDING;
	/* stopped or refused before it ran for this VM */
	if ((action->state == PAE_ACTION_STATE_CANCELLED ||
	     action->state == PAE_ACTION_STATE_ABANDONED) &&
	    !pae_outcome_is_final(*outcome))
		*outcome = PAE_OUTCOME_CANCELLED;
	*action_out = g_steal_pointer(&action);
	return TRUE;
}

static gboolean
pae_activation_save(PaeEngineContext *ctx,
		    PaeLifecycle *lc,
		    const gchar *kind,
		    const gchar *detail,
		    GError **error)
{
	if (!pae_store_put_lifecycle(ctx->store, lc, error))
		return FALSE;
	g_info("%s: %s", lc->vm_uuid, detail);
	return pae_engine_record(
		ctx, lc->vm_uuid, kind, pae_lifecycle_state_to_string(lc->state), detail, error);
}

static gboolean
pae_activation_become_ready(PaeEngineContext *ctx,
			    PaeLifecycle *lc,
			    const gchar *patch_level,
			    GError **error)
{
	PaeLifecycleState was = lc->state;
	g_autofree gchar *detail = NULL;
	g_autofree gchar *resolution = NULL;

	lc->state = PAE_LIFECYCLE_READY;
	lc->since = pae_clock_get_now(ctx->clock);
	lc->ready = lc->since;
	g_free(lc->patch_level);
	lc->patch_level = g_strdup(patch_level);
	/* the domain learns it is ready after an activation or a re-baseline */
	lc->handover_pending =
		was == PAE_LIFECYCLE_PROVISIONING || was == PAE_LIFECYCLE_REBASELINING;
	detail = g_strdup_printf("ready after its %s: %s", pae_lifecycle_purpose(was), patch_level);
	resolution = g_strdup_printf("%s done", pae_lifecycle_purpose(was));
	if (!pae_alerts_resolve(
		    ctx, PAE_INCIDENT_BASELINE_TIMEOUT, lc->vm_uuid, NULL, resolution, error))
		return FALSE;
	return pae_activation_save(ctx, lc, "ready", detail, error);
}

static gboolean
pae_activation_plan(PaeEngineContext *ctx, PaeLifecycle *lc, GError **error)
{
	const gchar *purpose = pae_lifecycle_purpose(lc->state);
	g_autofree gchar *key = NULL;
	g_autofree gchar *detail = NULL;
	g_autoptr(GError) error_local = NULL;

	if (!pae_catchup_plan_full(ctx,
				   lc->vm_uuid,
				   purpose,
				   lc->state == PAE_LIFECYCLE_CATCHING_UP,
				   &key,
				   &error_local)) {
		/* the report went stale again meanwhile: the next reconcile says */
		if (g_error_matches(error_local, PAE_ERROR, PAE_ERROR_BUSY))
			return TRUE;
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	if (key != NULL) {
		detail = g_strdup_printf(
			"%s action %s planned, at once, outside any window", purpose, key);
	} else {
		/* what it misses is already in an action still to run on it: wait for that one */
		key = pae_catchup_find_pending(ctx, lc->vm_uuid, &error_local);
		if (error_local != NULL) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return FALSE;
		}
		if (key == NULL)
			return pae_activation_become_ready(
				ctx,
				lc,
				lc->state == PAE_LIFECYCLE_CATCHING_UP
					? "nothing became due while it was away"
					: "compliant, nothing to apply",
				error);
		detail = g_strdup_printf("what it misses is already in action %s, under way: its "
					 "%s waits for that one",
					 key,
					 purpose);
	}
	g_free(lc->action_key);
	lc->action_key = g_steal_pointer(&key);
	lc->deadline = pae_clock_get_now(ctx->clock) + ctx->config->baseline_timeout;
	return pae_activation_save(ctx, lc, "lifecycle", detail, error);
}

static gboolean
pae_activation_alert(PaeEngineContext *ctx, PaeLifecycle *lc, const gchar *why, GError **error)
{
	g_autoptr(PaeVm) vm = pae_store_get_vm(ctx->store, lc->vm_uuid, NULL, NULL);
	g_autoptr(PaeIncident) incident = pae_incident_new(PAE_INCIDENT_BASELINE_TIMEOUT);
	g_autofree gchar *deadline = pae_time_to_iso8601(lc->deadline);

	incident->vm_uuid = g_strdup(lc->vm_uuid);
	incident->tenant = vm != NULL ? g_strdup(vm->tenant) : NULL;
	incident->message =
		g_strdup_printf("%s (%s) has not reached its baseline (%s, deadline %s): %s",
				vm != NULL ? vm->name : lc->vm_uuid,
				lc->vm_uuid,
				pae_lifecycle_purpose(lc->state),
				deadline,
				why);
	return pae_alerts_raise(ctx, incident, error);
}

static gchar *
pae_activation_patch_level(PaeAction *action)
{
	return g_strdup_printf("%u patch%s applied by action %s",
			       action->patches->len,
			       action->patches->len == 1 ? "" : "es",
			       action->action_id != NULL ? action->action_id : action->key);
}

static gboolean
pae_activation_step(PaeEngineContext *ctx, PaeLifecycle *lc, guint *changed, GError **error)
{
	g_autoptr(PaeStoreTransaction) txn = NULL;
	g_autoptr(PaeAction) action = NULL;
	PaeLifecycleInput input = {
		.lifecycle = lc,
		.now = pae_clock_get_now(ctx->clock),
		.report_trusted = pae_activation_report_trusted(ctx, lc->vm_uuid),
	};
	PaeLifecycleVerdict verdict;
	g_autofree gchar *level = NULL;

	input.has_action = pae_activation_outcome(ctx, lc, &input.outcome, &action);
	verdict = pae_lifecycle_decide(&input);
	if (verdict == PAE_LIFECYCLE_WAIT)
		return TRUE;
	txn = pae_store_transaction_begin(ctx->store, error);
	if (txn == NULL)
		return FALSE;
	switch (verdict) {
	case PAE_LIFECYCLE_PLAN_ACTION:
		if (!pae_activation_plan(ctx, lc, error))
			return FALSE;
		(*changed)++;
		break;
	case PAE_LIFECYCLE_BECOME_READY:
		level = pae_activation_patch_level(action);
		if (!pae_activation_become_ready(ctx, lc, level, error))
			return FALSE;
		(*changed)++;
		break;
	case PAE_LIFECYCLE_FAILED:
		if (!pae_activation_alert(
			    ctx,
			    lc,
			    "its action did not succeed; `paectl baseline` tries again",
			    error))
			return FALSE;
		break;
	case PAE_LIFECYCLE_TIMED_OUT:
		if (!pae_activation_alert(
			    ctx,
			    lc,
			    lc->action_key == NULL
				    ? "no report from its patch-server client came in time"
				    : "its action has not finished",
			    error))
			return FALSE;
		break;
	default:
		break;
	}
	return pae_store_transaction_commit(txn, error);
}

/* the hand-over into the domain, then its record; a failure is tried next cycle */
static gboolean
pae_activation_hand_over(PaeEngineContext *ctx,
			 PaeHandover *handover,
			 PaeLifecycle *lc,
			 GError **error)
{
	g_autoptr(GError) failure = NULL;
	g_autoptr(PaeStoreTransaction) txn = NULL;
	g_autofree gchar *detail = NULL;

	if (!pae_handover_write(
		    handover, ctx->config->libvirt_uri, lc, ctx->config->agent_id, &failure)) {
		/* a domain that is gone will not come back for its hand-over */
		if (!g_error_matches(failure, PAE_ERROR, PAE_ERROR_NOT_FOUND)) {
			g_debug("hand-over of %s: %s, trying again", lc->vm_uuid, failure->message);
			return TRUE;
		}
		g_info("hand-over of %s given up: %s", lc->vm_uuid, failure->message);
		txn = pae_store_transaction_begin(ctx->store, error);
		if (txn == NULL)
			return FALSE;
		lc->handover_pending = FALSE;
		if (!pae_store_put_lifecycle(ctx->store, lc, error))
			return FALSE;
		return pae_store_transaction_commit(txn, error);
	}
	txn = pae_store_transaction_begin(ctx->store, error);
	if (txn == NULL)
		return FALSE;
	lc->handover_pending = FALSE;
	lc->handover = pae_clock_get_now(ctx->clock);
	detail = g_strdup_printf("hand-over written into the domain (%s): %s",
				 PAE_HANDOVER_METADATA_URI,
				 lc->patch_level != NULL ? lc->patch_level : "");
	if (!pae_activation_save(ctx, lc, "handover", detail, error))
		return FALSE;
	return pae_store_transaction_commit(txn, error);
}

/**
 * pae_activation_run:
 * @changed: (out): how many VMs moved on
 */
gboolean
pae_activation_run(PaeEngineContext *ctx, PaeHandover *handover, guint *changed, GError **error)
{
	g_autoptr(GPtrArray) work = pae_store_list_lifecycle_work(ctx->store, error);

	*changed = 0;
	if (work == NULL)
		return FALSE;
	for (guint i = 0; i < work->len; i++) {
		PaeLifecycle *lc = work->pdata[i];
		if (g_cancellable_is_cancelled(ctx->cancellable))
			break;
		if (!pae_activation_step(ctx, lc, changed, error))
			return FALSE;
		if (lc->handover_pending && handover != NULL &&
		    !pae_activation_hand_over(ctx, handover, lc, error))
			return FALSE;
	}
	return TRUE;
}

/*
 * pae-scheduler: the paper's Scheduler: missing patches into planned windows
 *
 * One pass, after the reconciler has said what every VM misses:
 *
 *   every (VM, missing patch) that no active plan or action covers, here or
 *   — for a VM that migrated in — by another agent on the patch server
 *     → the stage before the VM's, judged fleet-wide from the patch server,
 *       where every agent's window actions carry keys that name tenant,
 *       stage and patch ("pae:w:TENANT:STAGE:SITETAG:FIXLET:WINDOW:AGENT")
 *     → pae_planner_decide() (pure): place, wait or skip
 *     → placed items grouped by (tenant, category, time mode, window) into
 *       plans, written with an audit record per VM in one transaction
 *
 * A halted stage and a window after the deadline raise incidents. Stages are
 * judged in order within the pass, so what this pass places in stage k
 * holds stage k+1 back at once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeScheduler"

#include "config.h"

#include "pae-scheduler.h"

#include <string.h>

#include "pae-alerts.h"
#include "pae-compliance.h"
#include "pae-error.h"
#include "pae-plans.h"
#include "pae-store-compliance.h"
#include "pae-store-lifecycle.h"
#include "pae-store-plans.h"
#include "pae-store-requests.h"
#include "pae-store-vms.h"

#define PAE_SCHEDULER_KEY_PREFIX "pae:w:"
#define PAE_SCHEDULER_MAX_SUFFIX 50

/* a site name may hold anything; keys hold a short digest of it */
static gchar *
pae_scheduler_site_tag(const gchar *site)
{
	g_autofree gchar *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA256, site, -1);
	return g_strndup(digest, 8);
}

/**
 * pae_scheduler_action_key:
 * @stamp: the window's start, e.g. "20261205T0200L" (wall clock) or "…Z"
 *
 * Returns: the idempotency key of a window action, found again by the
 * prefix pae_scheduler_stage_prefix() gives, by every agent
 */
gchar *
pae_scheduler_action_key(const gchar *tenant,
			 const gchar *stage,
			 const gchar *site,
			 const gchar *fixlet_id,
			 const gchar *stamp,
			 const gchar *agent_id)
{
	g_autofree gchar *prefix = pae_scheduler_stage_prefix(tenant, stage, site, fixlet_id);
	return g_strdup_printf("%s%s:%s", prefix, stamp, agent_id);
}

gchar *
pae_scheduler_stage_prefix(const gchar *tenant,
			   const gchar *stage,
			   const gchar *site,
			   const gchar *fixlet_id)
{
	g_autofree gchar *tag = pae_scheduler_site_tag(site);
	return g_strdup_printf(
		PAE_SCHEDULER_KEY_PREFIX "%s:%s:%s:%s:", tenant, stage, tag, fixlet_id);
}

/* ---- the fleet's window actions, as the patch server knows them ---- */

typedef struct {
	PaeStageTarget target;
	PaeTime issued;
} PaeFleetTarget;

typedef struct {
	/* stage prefix → (computer id → PaeFleetTarget): latest outcome per computer */
	GHashTable *stages;
	/* "computer\x1fSITETAG:FIXLET" → PaeFleetTarget: the latest window action aimed at it */
	GHashTable *computers;
} PaeFleetView;

static void
pae_fleet_view_clear(PaeFleetView *view)
{
	g_clear_pointer(&view->stages, g_hash_table_unref);
	g_clear_pointer(&view->computers, g_hash_table_unref);
}

/* "pae:w:T:S:TAG:FIX:" and "TAG:FIX" of a window action's key, or FALSE */
static gboolean
pae_fleet_parse_key(const gchar *key, gchar **stage_prefix, gchar **patch_tag)
{
	g_auto(GStrv) parts = NULL;

	if (key == NULL || !g_str_has_prefix(key, PAE_SCHEDULER_KEY_PREFIX))
		return FALSE;
	parts = g_strsplit(key, ":", -1);
	if (g_strv_length(parts) < 8)
		return FALSE;
	*stage_prefix = g_strdup_printf(
		PAE_SCHEDULER_KEY_PREFIX "%s:%s:%s:%s:", parts[2], parts[3], parts[4], parts[5]);
	*patch_tag = g_strdup_printf("%s:%s", parts[4], parts[5]);
	return TRUE;
}

static void
pae_fleet_put(GHashTable *table, gchar *key, PaeOutcome outcome, PaeTime end, PaeTime issued)
{
	PaeFleetTarget *old = g_hash_table_lookup(table, key);
	PaeFleetTarget *target;

	if (old != NULL && old->issued > issued) {
		g_free(key);
		return;
	}
	target = g_new0(PaeFleetTarget, 1);
	target->target.outcome = outcome;
	target->target.end = end;
	target->issued = issued;
	g_hash_table_replace(table, key, target);
}

static gboolean
pae_fleet_view_fetch(PaeEngineContext *ctx, PaeFleetView *view, GError **error)
{
	g_autoptr(GPtrArray) actions = NULL;
	g_autoptr(GPtrArray) results = NULL;
	g_autoptr(GPtrArray) ids = g_ptr_array_new();
	g_autoptr(GHashTable) by_id = g_hash_table_new(g_str_hash, g_str_equal);

	view->stages = g_hash_table_new_full(
		g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_hash_table_unref);
	view->computers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	actions = pae_patch_server_find_actions(
		ctx->patch_server, PAE_SCHEDULER_KEY_PREFIX, ctx->cancellable, error);
	if (actions == NULL)
		return FALSE;
	for (guint i = 0; i < actions->len; i++) {
		PaeActionInfo *info = actions->pdata[i];
		g_ptr_array_add(ids, info->action_id);
		g_hash_table_insert(by_id, info->action_id, info);
	}
	if (ids->len == 0)
		return TRUE;
	results = pae_patch_server_get_action_results(
		ctx->patch_server, ids, ctx->cancellable, error);
	if (results == NULL)
		return FALSE;
	for (guint i = 0; i < results->len; i++) {
		PaeActionResult *r = results->pdata[i];
		PaeActionInfo *info = g_hash_table_lookup(by_id, r->action_id);
		g_autofree gchar *title_key = NULL;
		g_autofree gchar *stage_prefix = NULL;
		g_autofree gchar *patch_tag = NULL;
		GHashTable *stage;
		PaeOutcome outcome;

		if (info == NULL)
			continue;
		title_key = pae_action_title_get_key(info->title);
		if (!pae_fleet_parse_key(title_key, &stage_prefix, &patch_tag))
			continue;
		outcome = pae_outcome_from_status(r->status, info->state);
		stage = g_hash_table_lookup(view->stages, stage_prefix);
		if (stage == NULL) {
			stage = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
			g_hash_table_insert(view->stages, g_strdup(stage_prefix), stage);
		}
		pae_fleet_put(stage, g_strdup(r->computer_id), outcome, r->end, info->issued);
		pae_fleet_put(view->computers,
			      g_strdup_printf("%s\x1f%s", r->computer_id, patch_tag),
			      outcome,
			      r->end,
			      info->issued);
	}
	return TRUE;
}

/* the stage's targets fleet-wide, as an array for pae_stage_evaluate() */
static GArray *
pae_fleet_stage_targets(PaeFleetView *view,
			const gchar *tenant,
			const gchar *stage,
			const PaePatchInfo *patch)
{
	g_autofree gchar *prefix =
		pae_scheduler_stage_prefix(tenant, stage, patch->site, patch->fixlet_id);
	GHashTable *targets = g_hash_table_lookup(view->stages, prefix);
	GArray *array = g_array_new(FALSE, TRUE, sizeof(PaeStageTarget));
	GHashTableIter iter;
	gpointer value;

	if (targets == NULL)
		return array;
	g_hash_table_iter_init(&iter, targets);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		PaeFleetTarget *t = value;
		g_array_append_val(array, t->target);
	}
	return array;
}

/* does a window action of any agent already aim this patch at this computer */
static gboolean
pae_fleet_covers(PaeFleetView *view,
		 const gchar *computer_id,
		 const PaePatchInfo *patch,
		 PaeTime report)
{
	g_autofree gchar *tag = pae_scheduler_site_tag(patch->site);
	g_autofree gchar *key = g_strdup_printf("%s\x1f%s:%s", computer_id, tag, patch->fixlet_id);
	PaeFleetTarget *t = g_hash_table_lookup(view->computers, key);

	if (t == NULL)
		return FALSE;
	if (!pae_outcome_is_final(t->target.outcome) || t->target.outcome == PAE_OUTCOME_WAITING)
		return TRUE;
	/* applied, and the report that still lists it predates that */
	return t->target.outcome == PAE_OUTCOME_DONE && t->target.end > report;
}

/* ---- one pass ---- */

typedef struct {
	PaeEngineContext *ctx;
	PaeScheduleSummary *summary;
	PaeFleetView fleet;
	PaeTime now;
	/* "tenant\x1fstage\x1fsite\x1ffixlet": planned here, not yet on the server */
	GHashTable *planned_here;
	/* plan key → PaePlan being filled in this pass */
	GHashTable *plans;
	/* halted stages already reported in this pass */
	GHashTable *halted;
	/* the history the engine has read: observations after it are not acted on yet */
	gint64 observed;
} PaeSchedulePass;

typedef struct {
	PaeVm *vm;
	const PaeTenantPolicy *policy;
	guint stage;
	PaeComplianceRecord *record;
	GPtrArray *missing; /* PaeMissingPatch */
	GPtrArray *exceptions;
} PaeScheduleVm;

static void
pae_schedule_vm_free(PaeScheduleVm *s)
{
	pae_vm_free(s->vm);
	pae_compliance_record_free(s->record);
	g_clear_pointer(&s->missing, g_ptr_array_unref);
	g_clear_pointer(&s->exceptions, g_ptr_array_unref);
	g_free(s);
}

static gchar *
pae_schedule_stage_key(const gchar *tenant, const gchar *stage, const PaePatchInfo *patch)
{
	return g_strdup_printf(
		"%s\x1f%s\x1f%s\x1f%s", tenant, stage, patch->site, patch->fixlet_id);
}

/* the active local plans count as running stages until their actions exist */
static gboolean
pae_schedule_load_planned_here(PaeSchedulePass *pass, GError **error)
{
	g_autoptr(GPtrArray) plans = pae_store_list_plans(pass->ctx->store, TRUE, 10000, error);

	if (plans == NULL)
		return FALSE;
	for (guint i = 0; i < plans->len; i++) {
		PaePlan *plan = plans->pdata[i];
		for (guint j = 0; j < plan->items->len; j++) {
			PaePlanItem *item = plan->items->pdata[j];
			g_hash_table_add(pass->planned_here,
					 g_strdup_printf("%s\x1f%s\x1f%s\x1f%s",
							 plan->tenant,
							 plan->category,
							 item->site,
							 item->fixlet_id));
		}
	}
	return TRUE;
}

/*
 * The status of stage @k of @policy for @patch: stage 0's gate is the
 * patch's due day; each later stage's gate is the one before it passing
 * plus its soak. An earlier stage that did not pass is the answer.
 */
static void
pae_schedule_stage_status(PaeSchedulePass *pass,
			  const gchar *tenant,
			  const PaeTenantPolicy *policy,
			  const PaePatchInfo *patch,
			  guint k,
			  PaeStageStatus *status)
{
	PaeTime gate = pae_planner_patch_due(policy, patch, pass->now);

	for (guint j = 0; j <= k; j++) {
		const PaeStage *stage = policy->stages->pdata[j];
		g_autoptr(GArray) targets =
			pae_fleet_stage_targets(&pass->fleet, tenant, stage->name, patch);
		g_autofree gchar *key = pae_schedule_stage_key(tenant, stage->name, patch);

		pae_stage_evaluate((const PaeStageTarget *)(gpointer)targets->data,
				   targets->len,
				   stage->failure_threshold,
				   g_hash_table_contains(pass->planned_here, key),
				   gate,
				   policy->stage_settle,
				   pass->now,
				   status);
		if (status->kind != PAE_STAGE_STATUS_PASSED)
			return;
		if (j + 1 < policy->stages->len) {
			const PaeStage *next = policy->stages->pdata[j + 1];
			gate = status->since + next->soak;
		}
	}
}

static gboolean
pae_schedule_raise_halt(PaeSchedulePass *pass,
			const gchar *tenant,
			const PaeTenantPolicy *policy,
			guint stage_index,
			const PaePatchInfo *patch,
			const PaeStageStatus *previous,
			GError **error)
{
	const PaeStage *before = policy->stages->pdata[stage_index - 1];
	g_autofree gchar *key = pae_schedule_stage_key(tenant, before->name, patch);
	g_autoptr(PaeIncident) incident = NULL;

	if (!g_hash_table_add(pass->halted, g_steal_pointer(&key)))
		return TRUE;
	incident = pae_incident_new(PAE_INCIDENT_STAGE_HALTED);
	incident->patch = g_strdup_printf("%s/%s", patch->site, patch->fixlet_id);
	incident->tenant = g_strdup(tenant);
	incident->message = g_strdup_printf("stage %s of tenant %s halted for patch %s/%s (%s): "
					    "%u of %u failed (%.0f%%, threshold %.0f%%); later "
					    "stages are not patched",
					    before->name,
					    tenant,
					    patch->site,
					    patch->fixlet_id,
					    patch->name != NULL ? patch->name : "?",
					    previous->failed,
					    previous->failed + previous->done,
					    previous->failure_ratio * 100,
					    before->failure_threshold * 100);
	return pae_alerts_raise(pass->ctx, incident, error);
}

static gboolean
pae_schedule_raise_late(PaeSchedulePass *pass,
			PaeScheduleVm *s,
			const PaePatchInfo *patch,
			const PaePlanDecision *decision,
			GError **error)
{
	g_autoptr(PaeIncident) incident = pae_incident_new(PAE_INCIDENT_DEADLINE_MISSED);
	g_autofree gchar *deadline = pae_time_to_iso8601(decision->deadline);
	g_autofree gchar *start = pae_time_to_iso8601(decision->window.start);

	incident->vm_uuid = g_strdup(s->vm->uuid);
	incident->patch = g_strdup_printf("%s/%s", patch->site, patch->fixlet_id);
	incident->tenant = g_strdup(s->vm->tenant);
	incident->message = g_strdup_printf("patch %s/%s (%s) cannot be applied to %s before its "
					    "deadline %s: its first window starts %s",
					    patch->site,
					    patch->fixlet_id,
					    patch->name != NULL ? patch->name : "?",
					    s->vm->name,
					    deadline,
					    start);
	return pae_alerts_raise(pass->ctx, incident, error);
}

/*
 * The wall-clock window as the policy states it: a zone whose start fell in
 * a DST gap still shares its batch, and each computer's clock resolves the
 * gap as the planner did (the first valid instant after it).
 */
static PaeTime
pae_schedule_nominal_start(const PaeWindow *window, const PaeWindowSpec *spec)
{
	g_autoptr(GDateTime) dt = g_date_time_new_utc(window->year,
						      window->month,
						      window->day,
						      (gint)spec->start / 60,
						      (gint)spec->start % 60,
						      0);
	return dt != NULL ? pae_time_from_datetime(dt) : window->wall_start;
}

/* the plan a placed item joins: one per (tenant, category, mode, window) */
static PaePlan *
pae_schedule_plan_for(PaeSchedulePass *pass,
		      PaeScheduleVm *s,
		      const PaePlanDecision *decision,
		      GError **error)
{
	const PaeStage *stage = s->policy->stages->pdata[decision->stage];
	PaeActionTimeMode mode = decision->absolute ? PAE_ACTION_TIME_UTC : PAE_ACTION_TIME_LOCAL;
	PaeTime window_start =
		decision->absolute ? decision->window.start
				   : pae_schedule_nominal_start(&decision->window, &stage->window);
	g_autoptr(GDateTime) dt = pae_time_to_datetime(window_start);
	g_autofree gchar *stamp =
		g_date_time_format(dt, decision->absolute ? "%Y%m%dT%H%MZ" : "%Y%m%dT%H%ML");
	g_autofree gchar *base = g_strdup_printf("pae:c:%s:%s:%s:%s",
						 pass->ctx->config->agent_id,
						 s->vm->tenant,
						 stage->name,
						 stamp);
	PaePlan *plan;
	PaeWindow range_window = decision->window;
	g_autoptr(GTimeZone) tz = NULL;
	guint range_start = 0;
	guint range_end = 0;

	for (guint n = 1; n <= PAE_SCHEDULER_MAX_SUFFIX; n++) {
		g_autofree gchar *key = n == 1 ? g_strdup(base) : g_strdup_printf("%s-%u", base, n);
		g_autoptr(GError) error_local = NULL;
		g_autoptr(PaePlan) stored = NULL;

		plan = g_hash_table_lookup(pass->plans, key);
		if (plan != NULL)
			return plan;
		stored = pae_store_get_plan(pass->ctx->store, key, &error_local);
		if (stored != NULL && stored->state != PAE_PLAN_STATE_PLANNED)
			continue;
		if (stored == NULL &&
		    !g_error_matches(error_local, PAE_ERROR, PAE_ERROR_NOT_FOUND)) {
			g_propagate_error(error, g_steal_pointer(&error_local));
			return NULL;
		}
		if (stored != NULL) {
			/* still only planned: new items join it */
			g_ptr_array_set_size(stored->items, 0);
			plan = g_steal_pointer(&stored);
			g_hash_table_insert(pass->plans, g_strdup(plan->key), plan);
			return plan;
		}
		plan = pae_plan_new(key);
		break;
	}
	if (plan == NULL) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_BUSY, "too many plans for window %s", base);
		return NULL;
	}
	plan->tenant = g_strdup(s->vm->tenant);
	plan->category = g_strdup(stage->name);
	plan->stage = decision->stage;
	plan->time_mode = mode;
	plan->window_start = window_start;
	plan->window_end =
		decision->absolute ? decision->window.end : window_start + stage->window.length;
	if (decision->absolute) {
		/* UTC semantics: the range is read on the UTC clock */
		range_window.wall_start = range_window.start;
		range_window.wall_end = range_window.end;
		tz = g_time_zone_new_utc();
		if (pae_window_get_daily_range(&range_window, tz, &range_start, &range_end)) {
			plan->range_start = (gint)range_start;
			plan->range_end = (gint)range_end;
		}
	} else if (stage->window.length < G_TIME_SPAN_DAY) {
		/* as stated, on each computer's clock */
		plan->range_start = (gint)stage->window.start * 60;
		plan->range_end =
			(gint)((stage->window.start * 60 + stage->window.length / G_USEC_PER_SEC) %
			       86400);
	}
	plan->first_start = decision->window.start;
	plan->state = PAE_PLAN_STATE_PLANNED;
	plan->created = pass->now;
	plan->updated = pass->now;
	/* marks it new: pae_schedule_commit() inserts it */
	plan->attempts = -1;
	g_hash_table_insert(pass->plans, g_strdup(plan->key), plan);
	return plan;
}

static gboolean
pae_schedule_place(PaeSchedulePass *pass,
		   PaeScheduleVm *s,
		   const PaePatchInfo *patch,
		   const PaePlanDecision *decision,
		   GError **error)
{
	const PaeStage *stage = s->policy->stages->pdata[decision->stage];
	PaePlan *plan = pae_schedule_plan_for(pass, s, decision, error);
	PaePlanItem *item;
	g_autoptr(GTimeZone) tz = NULL;
	g_autofree gchar *local = NULL;
	g_autofree gchar *utc = NULL;
	g_autofree gchar *detail = NULL;
	g_autoptr(GDateTime) start_utc = NULL;
	g_autoptr(GDateTime) start_local = NULL;

	if (plan == NULL)
		return FALSE;
	item = pae_plan_item_new(s->vm->uuid, patch->site, patch->fixlet_id);
	item->start = decision->window.start;
	item->end = decision->window.end;
	item->deadline = decision->deadline;
	item->late = decision->late;
	/* marks it new: pae_schedule_commit() inserts it */
	item->action_key = NULL;
	g_ptr_array_add(plan->items, item);
	plan->first_start = MIN(plan->first_start, item->start);
	g_hash_table_add(pass->planned_here,
			 pae_schedule_stage_key(s->vm->tenant, stage->name, patch));

	tz = g_time_zone_new_identifier(s->vm->timezone);
	start_utc = pae_time_to_datetime(item->start);
	start_local =
		tz != NULL ? g_date_time_to_timezone(start_utc, tz) : g_date_time_ref(start_utc);
	local = g_date_time_format(start_local, "%Y-%m-%d %H:%M %Z");
	utc = g_date_time_format(start_utc, "%Y-%m-%d %H:%M UTC");
	detail = g_strdup_printf("%s/%s (%s) in the window of %s (%s), plan %s: %s",
				 patch->site,
				 patch->fixlet_id,
				 patch->name != NULL ? patch->name : "?",
				 local,
				 utc,
				 plan->key,
				 decision->reason);
	if (!pae_engine_record(pass->ctx, s->vm->uuid, "planned", plan->key, detail, error))
		return FALSE;
	pass->summary->placed++;
	if (decision->late) {
		pass->summary->late++;
		return pae_schedule_raise_late(pass, s, patch, decision, error);
	}
	return TRUE;
}

/*
 * The VM's exceptions, and a rejected change's answer as one more: the
 * patch does not go back into the window that was refused. The array
 * borrows the VM's exceptions; @refusal is the caller's.
 */
static GPtrArray *
pae_schedule_exceptions(PaeSchedulePass *pass,
			PaeScheduleVm *s,
			const PaePatchInfo *patch,
			PaeException **refusal,
			GError **error)
{
	PaeTime rejected = pae_store_get_rejected_until(
		pass->ctx->store, s->vm->uuid, patch->site, patch->fixlet_id, error);
	GPtrArray *exceptions;

	if (rejected < 0)
		return NULL;
	exceptions = g_ptr_array_new();
	for (guint i = 0; i < s->exceptions->len; i++)
		g_ptr_array_add(exceptions, s->exceptions->pdata[i]);
	if (rejected > pass->now) {
		*refusal = pae_exception_new(PAE_EXCEPTION_DEFER, s->vm->uuid);
		(*refusal)->site = g_strdup(patch->site);
		(*refusal)->fixlet_id = g_strdup(patch->fixlet_id);
		(*refusal)->until = rejected;
		(*refusal)->expires = rejected;
		(*refusal)->reason = g_strdup("its change for that window was rejected");
		g_ptr_array_add(exceptions, *refusal);
	}
	return exceptions;
}

static gboolean
pae_schedule_patch(PaeSchedulePass *pass,
		   PaeScheduleVm *s,
		   PaeMissingPatch *missing,
		   GError **error)
{
	const PaePatchInfo *patch = missing->info;
	PaeStageStatus previous = {0};
	PaePlanInput input = {0};
	PaePlanDecision decision = {0};
	g_autoptr(GError) error_local = NULL;
	g_autoptr(GPtrArray) exceptions = NULL;
	g_autoptr(PaeException) refusal = NULL;
	gboolean ok = TRUE;

	if (pae_store_has_active_item(
		    pass->ctx->store, s->vm->uuid, patch->site, patch->fixlet_id, &error_local))
		return TRUE;
	if (error_local != NULL) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	if (pae_fleet_covers(&pass->fleet, s->record->computer_id, patch, s->record->report))
		return TRUE;
	pass->summary->considered++;
	exceptions = pae_schedule_exceptions(pass, s, patch, &refusal, error);
	if (exceptions == NULL)
		return FALSE;
	if (s->stage > 0 && s->stage < s->policy->stages->len)
		pae_schedule_stage_status(
			pass, s->vm->tenant, s->policy, patch, s->stage - 1, &previous);
	input.now = pass->now;
	input.policy = s->policy;
	input.vm = s->vm;
	input.patch = patch;
	input.previous = s->stage > 0 && s->stage < s->policy->stages->len ? &previous : NULL;
	input.exceptions = exceptions;
	pae_planner_decide(&input, &decision);
	g_debug("%s %s/%s: %s, %s (stage before: %s, %u done, %u failed, %u unfinished)",
		s->vm->name,
		patch->site,
		patch->fixlet_id,
		pae_plan_verdict_to_string(decision.verdict),
		decision.reason,
		input.previous != NULL ? pae_stage_status_kind_to_string(previous.kind) : "none",
		previous.done,
		previous.failed,
		previous.unfinished);
	switch (decision.verdict) {
	case PAE_PLAN_PLACE:
		ok = pae_schedule_place(pass, s, patch, &decision, error);
		break;
	case PAE_PLAN_WAIT:
		pass->summary->waiting++;
		break;
	case PAE_PLAN_SKIP:
	default:
		pass->summary->skipped++;
		if (input.previous != NULL && previous.kind == PAE_STAGE_STATUS_HALTED)
			ok = pae_schedule_raise_halt(
				pass, s->vm->tenant, s->policy, s->stage, patch, &previous, error);
		break;
	}
	pae_plan_decision_clear(&decision);
	return ok;
}

/* the VM with what scheduling needs, or NULL when it cannot be scheduled now */
static PaeScheduleVm *
pae_schedule_vm_load(PaeSchedulePass *pass, PaeVm *vm, GError **error)
{
	g_autoptr(PaeComplianceRecord) record =
		pae_store_get_compliance(pass->ctx->store, vm->uuid, NULL);
	g_autoptr(PaeLifecycle) lifecycle =
		pae_store_get_lifecycle(pass->ctx->store, vm->uuid, NULL);
	PaeScheduleVm *s;
	gboolean unobserved = FALSE;

	if (record == NULL || record->computer_id == NULL ||
	    !pae_compliance_report_is_trusted(record->report, record->trust_after) ||
	    record->missing == 0)
		return NULL;
	/* its activation, re-baseline or catch-up comes first; a VM that moved on
	 * is not ours; one with observations the engine has not read yet (it may
	 * be new) waits for the next pass */
	if (!pae_store_has_history_besides(pass->ctx->store,
					   vm->uuid,
					   pass->observed,
					   PAE_SOURCE_ENGINE,
					   &unobserved,
					   error))
		return NULL;
	if ((lifecycle != NULL && lifecycle->state != PAE_LIFECYCLE_READY) ||
	    vm->state == PAE_VM_STATE_MIGRATED || unobserved)
		return NULL;
	s = g_new0(PaeScheduleVm, 1);
	s->policy = pae_policy_get_tenant(pass->ctx->config->policy, vm->tenant);
	if (s->policy == NULL ||
	    pae_tenant_policy_find_stage(s->policy, vm->category, &s->stage) == NULL)
		s->stage = G_MAXUINT; /* the planner says why it skips */
	s->record = g_steal_pointer(&record);
	s->missing = pae_store_list_missing(pass->ctx->store, vm->uuid, error);
	s->exceptions =
		pae_store_list_exceptions(pass->ctx->store, vm->uuid, TRUE, pass->now, error);
	s->vm = pae_vm_copy(vm);
	if (s->missing == NULL || s->exceptions == NULL || s->policy == NULL) {
		pae_schedule_vm_free(s);
		return NULL;
	}
	return s;
}

static gint
pae_schedule_vm_compare(gconstpointer a, gconstpointer b)
{
	const PaeScheduleVm *x = *(PaeScheduleVm *const *)a;
	const PaeScheduleVm *y = *(PaeScheduleVm *const *)b;

	if (x->stage != y->stage)
		return x->stage < y->stage ? -1 : 1;
	return g_strcmp0(x->vm->uuid, y->vm->uuid);
}

/* the plans filled in this pass go to the store */
static gboolean
pae_schedule_commit(PaeSchedulePass *pass, GError **error)
{
	GHashTableIter iter;
	gpointer value;

	g_hash_table_iter_init(&iter, pass->plans);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		PaePlan *plan = value;
		if (plan->attempts < 0) {
			plan->attempts = 0;
			if (!pae_store_add_plan(pass->ctx->store, plan, error))
				return FALSE;
			pass->summary->plans_created++;
			g_info("plan %s: %u item%s",
			       plan->key,
			       plan->items->len,
			       plan->items->len == 1 ? "" : "s");
			continue;
		}
		for (guint i = 0; i < plan->items->len; i++) {
			if (!pae_store_add_plan_item(
				    pass->ctx->store, plan->key, plan->items->pdata[i], error))
				return FALSE;
		}
		plan->updated = pass->now;
		if (!pae_store_update_plan(pass->ctx->store, plan, error))
			return FALSE;
	}
	if (g_hash_table_size(pass->plans) > 0)
		pass->ctx->plans_requested = TRUE;
	return TRUE;
}

/* does an exception made after the item was planned now keep it out */
static gboolean
pae_schedule_item_excepted(const PaeException *e, const PaePlanItem *item)
{
	if (!pae_exception_matches(e, item->site, item->fixlet_id))
		return FALSE;
	switch (e->kind) {
	case PAE_EXCEPTION_EXCLUDE:
		return TRUE;
	case PAE_EXCEPTION_DEFER:
		return item->start < e->until;
	case PAE_EXCEPTION_FREEZE:
		return item->start < e->until && item->end > e->starts;
	default:
		return FALSE;
	}
}

/*
 * Exceptions made after a VM's patches were planned: the VM leaves its
 * plans (actions not yet under way are stopped) and this pass places what
 * it misses again, under the exception.
 */
static gboolean
pae_schedule_honour_exceptions(PaeSchedulePass *pass, GError **error)
{
	g_autoptr(GPtrArray) exceptions =
		pae_store_list_exceptions(pass->ctx->store, NULL, TRUE, pass->now, error);
	g_autoptr(GHashTable) withdrawn =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	if (exceptions == NULL)
		return FALSE;
	for (guint i = 0; i < exceptions->len; i++) {
		PaeException *e = exceptions->pdata[i];
		g_autoptr(GPtrArray) plans = NULL;
		gboolean hit = FALSE;

		if (g_hash_table_contains(withdrawn, e->vm_uuid))
			continue;
		plans = pae_store_list_plans_for_vm(pass->ctx->store, e->vm_uuid, TRUE, error);
		if (plans == NULL)
			return FALSE;
		for (guint j = 0; j < plans->len && !hit; j++) {
			PaePlan *plan = plans->pdata[j];
			for (guint k = 0; k < plan->items->len && !hit; k++) {
				PaePlanItem *item = plan->items->pdata[k];
				hit = g_strcmp0(item->vm_uuid, e->vm_uuid) == 0 &&
				      pae_schedule_item_excepted(e, item);
			}
		}
		if (hit) {
			g_autofree gchar *reason =
				g_strdup_printf("exception #%" G_GINT64_FORMAT " (%s) by %s",
						e->id,
						e->reason,
						e->requester);
			if (!pae_plans_withdraw_vm(pass->ctx,
						   e->vm_uuid,
						   PAE_PLANS_WITHDRAW_NOT_STARTED,
						   reason,
						   error))
				return FALSE;
			g_hash_table_add(withdrawn, g_strdup(e->vm_uuid));
		}
	}
	return TRUE;
}

static gboolean
pae_schedule_all(PaeSchedulePass *pass, GError **error)
{
	g_autoptr(GPtrArray) vms = pae_store_list_vms(pass->ctx->store, FALSE, error);
	g_autoptr(GPtrArray) work =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_schedule_vm_free);
	g_autoptr(PaeStoreTransaction) txn = NULL;

	if (vms == NULL)
		return FALSE;
	for (guint i = 0; i < vms->len; i++) {
		PaeScheduleVm *s = pae_schedule_vm_load(pass, vms->pdata[i], error);
		if (s != NULL)
			g_ptr_array_add(work, s);
		else if (error != NULL && *error != NULL)
			return FALSE;
	}
	/* earlier stages first: what they place holds the later ones back */
	g_ptr_array_sort(work, pae_schedule_vm_compare);
	txn = pae_store_transaction_begin(pass->ctx->store, error);
	if (txn == NULL)
		return FALSE;
	if (!pae_schedule_honour_exceptions(pass, error))
		return FALSE;
	for (guint i = 0; i < work->len; i++) {
		PaeScheduleVm *s = work->pdata[i];
		for (guint j = 0; j < s->missing->len; j++) {
			if (!pae_schedule_patch(pass, s, s->missing->pdata[j], error))
				return FALSE;
		}
	}
	if (!pae_schedule_commit(pass, error))
		return FALSE;
	return pae_store_transaction_commit(txn, error);
}

/**
 * pae_scheduler_run:
 *
 * One scheduling pass over every VM with a trusted report. Reads the
 * fleet's window actions from the patch server (two requests), then
 * decides and writes plans in one transaction.
 */
gboolean
pae_scheduler_run(PaeEngineContext *ctx, PaeScheduleSummary *summary, GError **error)
{
	PaeSchedulePass pass = {
		.ctx = ctx,
		.summary = summary,
		.now = pae_clock_get_now(ctx->clock),
	};
	gboolean ok;

	memset(summary, 0, sizeof(*summary));
	if (!pae_store_begin_pass(ctx->store, "schedule", pass.now, error))
		return FALSE;
	if (!pae_store_get_cursor(ctx->store, PAE_STORE_CURSOR_ENGINE, &pass.observed, error))
		return FALSE;
	pass.planned_here = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	pass.halted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	pass.plans = g_hash_table_new_full(
		g_str_hash, g_str_equal, g_free, (GDestroyNotify)pae_plan_free);
	ok = pae_fleet_view_fetch(ctx, &pass.fleet, error) &&
	     pae_schedule_load_planned_here(&pass, error) && pae_schedule_all(&pass, error);
	pae_fleet_view_clear(&pass.fleet);
	g_hash_table_unref(pass.planned_here);
	g_hash_table_unref(pass.halted);
	g_hash_table_unref(pass.plans);
	if (!ok) {
		pae_store_end_pass(ctx->store,
				   "schedule",
				   pass.now,
				   FALSE,
				   error != NULL && *error != NULL ? (*error)->message : "failed",
				   NULL);
		return FALSE;
	}
	{
		g_autofree gchar *note =
			g_strdup_printf("%u considered, %u placed, %u waiting, %u skipped, %u late",
					summary->considered,
					summary->placed,
					summary->waiting,
					summary->skipped,
					summary->late);
		return pae_store_end_pass(ctx->store, "schedule", pass.now, TRUE, note, error);
	}
}

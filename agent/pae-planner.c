/*
 * pae-planner: when each missing patch goes to each VM (pure)
 *
 * For one VM and one patch it misses:
 *
 *   release date + approve-after → the first cycle day of the patch's
 *   severity class (in the policy's reference zone): the patch is due;
 *   a stage other than the first waits until the stage before it passed
 *   fleet-wide, plus its soak time, and never runs after a halt;
 *   exceptions exclude, defer or freeze;
 *   the first window of the VM's category starting after all that, in the
 *   VM's own zone (or the reference zone, for absolute patches), skipping
 *   freezes, is where it goes; a window after the deadline is still used,
 *   and flagged late.
 *
 * Stages are judged from every agent's actions on the patch server, so
 * pae_stage_evaluate() takes the fleet's outcomes: a stage passes when
 * nothing is still going and the failed share of what ran is within its
 * threshold; it halts when that share is above the threshold, and stays
 * halted while it retries its failures; a stage nobody had to patch passes
 * once its gate has been open for the settle time without any action
 * appearing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-planner.h"

#include <string.h>

/* a freeze may push a window out; this many tries always reach past any freeze */
#define PAE_PLANNER_MAX_WINDOW_TRIES 400

static const gchar *const pae_stage_status_names[] = {
	[PAE_STAGE_STATUS_NOT_STARTED] = "not-started",
	[PAE_STAGE_STATUS_RUNNING] = "running",
	[PAE_STAGE_STATUS_PASSED] = "passed",
	[PAE_STAGE_STATUS_HALTED] = "halted",
};

const gchar *
pae_stage_status_kind_to_string(PaeStageStatusKind kind)
{
	if ((guint)kind >= G_N_ELEMENTS(pae_stage_status_names))
		return "unknown";
	return pae_stage_status_names[kind];
}

const gchar *
pae_plan_verdict_to_string(PaePlanVerdict verdict)
{
	switch (verdict) {
	case PAE_PLAN_PLACE:
		return "place";
	case PAE_PLAN_WAIT:
		return "wait";
	case PAE_PLAN_SKIP:
	default:
		return "skip";
	}
}

/**
 * pae_stage_evaluate:
 * @targets: every computer's latest outcome in this stage, fleet-wide
 * @planned_here: this agent planned the stage but has not created actions yet
 * @gate: when the stage could start: the patch's due day, or the stage
 *   before it passing plus this stage's soak
 * @settle: how long after @gate an empty stage counts as passed
 */
void
pae_stage_evaluate(const PaeStageTarget *targets,
		   guint n_targets,
		   gdouble failure_threshold,
		   gboolean planned_here,
		   PaeTime gate,
		   GTimeSpan settle,
		   PaeTime now,
		   PaeStageStatus *status)
{
	PaeTime last_end = 0;

	memset(status, 0, sizeof(*status));
	for (guint i = 0; i < n_targets; i++) {
		switch (targets[i].outcome) {
		case PAE_OUTCOME_DONE:
			status->done++;
			break;
		case PAE_OUTCOME_FAILED:
			status->failed++;
			break;
		case PAE_OUTCOME_MISSED:
		case PAE_OUTCOME_CANCELLED:
			/* did not run: neither success nor failure; it is planned again */
			break;
		default:
			status->unfinished++;
			break;
		}
		last_end = MAX(last_end, targets[i].end);
	}
	if (status->done + status->failed > 0)
		status->failure_ratio =
			(gdouble)status->failed / (gdouble)(status->done + status->failed);
	if (status->unfinished > 0) {
		status->kind = PAE_STAGE_STATUS_RUNNING;
		return;
	}
	/* a halt stands while the stage retries its failures; fixed, they count as done */
	if (status->done + status->failed > 0 && status->failure_ratio > failure_threshold) {
		status->kind = PAE_STAGE_STATUS_HALTED;
		status->since = MAX(last_end, gate);
		return;
	}
	if (planned_here) {
		status->kind = PAE_STAGE_STATUS_RUNNING;
		return;
	}
	if (status->done + status->failed == 0) {
		/* nobody had to patch this stage, or not yet */
		if (now >= gate + settle) {
			status->kind = PAE_STAGE_STATUS_PASSED;
			status->since = gate;
		} else {
			status->kind = PAE_STAGE_STATUS_NOT_STARTED;
		}
		return;
	}
	status->since = MAX(last_end, gate);
	status->kind = status->failure_ratio > failure_threshold ? PAE_STAGE_STATUS_HALTED
								 : PAE_STAGE_STATUS_PASSED;
}

/**
 * pae_planner_patch_due:
 *
 * Returns: the first cycle day of the patch's severity at or after its
 * release plus the approve-after delay; an unknown release date counts as
 * @now
 */
PaeTime
pae_planner_patch_due(const PaeTenantPolicy *policy, const PaePatchInfo *patch, PaeTime now)
{
	PaeSeverity severity = pae_tenant_policy_classify(policy, patch->source_severity);
	const PaeSeverityClass *klass = &policy->classes[severity];
	g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(policy->reference_timezone);
	PaeTime released = patch->release_date != 0 ? patch->release_date : now;

	if (tz == NULL)
		tz = g_time_zone_new_utc();
	return pae_cadence_due(&klass->cadence, tz, released, klass->approve_after);
}

void
pae_plan_decision_clear(PaePlanDecision *decision)
{
	g_clear_pointer(&decision->reason, g_free);
}

static void
pae_planner_verdict(PaePlanDecision *decision, PaePlanVerdict verdict, gchar *reason)
{
	decision->verdict = verdict;
	g_free(decision->reason);
	decision->reason = reason;
}

static gchar *
pae_planner_format_time(PaeTime t)
{
	return pae_time_to_iso8601(t);
}

/* exclusions and deferrals; returns FALSE when the patch is excluded */
static gboolean
pae_planner_apply_exceptions(const PaePlanInput *input, PaePlanDecision *decision)
{
	for (guint i = 0; input->exceptions != NULL && i < input->exceptions->len; i++) {
		const PaeException *e = input->exceptions->pdata[i];
		if (!pae_exception_is_active(e, input->now) ||
		    !pae_exception_matches(e, input->patch->site, input->patch->fixlet_id))
			continue;
		if (e->kind == PAE_EXCEPTION_EXCLUDE) {
			g_autofree gchar *until = pae_planner_format_time(e->expires);
			pae_planner_verdict(
				decision,
				PAE_PLAN_SKIP,
				g_strdup_printf("excluded by exception #%" G_GINT64_FORMAT
						" (%s) until %s",
						e->id,
						e->reason,
						until));
			return FALSE;
		}
		if (e->kind == PAE_EXCEPTION_DEFER)
			decision->not_before = MAX(decision->not_before, e->until);
	}
	return TRUE;
}

/* the end of a freeze the window overlaps, or 0 */
static PaeTime
pae_planner_frozen_until(const PaePlanInput *input, const PaeWindow *window)
{
	for (guint i = 0; input->exceptions != NULL && i < input->exceptions->len; i++) {
		const PaeException *e = input->exceptions->pdata[i];
		if (e->kind != PAE_EXCEPTION_FREEZE || e->removed != 0 ||
		    !pae_exception_matches(e, input->patch->site, input->patch->fixlet_id))
			continue;
		if (window->start < e->until && window->end > e->starts)
			return e->until;
	}
	return 0;
}

/* the stage gate; returns FALSE when the decision is made (wait or skip) */
static gboolean
pae_planner_apply_stage_gate(const PaePlanInput *input,
			     const PaeStage *stage,
			     PaePlanDecision *decision)
{
	const PaeStage *before;

	if (decision->stage == 0)
		return TRUE;
	before = input->policy->stages->pdata[decision->stage - 1];
	if (input->previous == NULL || input->previous->kind == PAE_STAGE_STATUS_NOT_STARTED ||
	    input->previous->kind == PAE_STAGE_STATUS_RUNNING) {
		pae_planner_verdict(decision,
				    PAE_PLAN_WAIT,
				    g_strdup_printf("waiting for stage %s to pass", before->name));
		return FALSE;
	}
	if (input->previous->kind == PAE_STAGE_STATUS_HALTED) {
		pae_planner_verdict(
			decision,
			PAE_PLAN_SKIP,
			g_strdup_printf("halted: %.0f%% of stage %s failed (threshold %.0f%%)",
					input->previous->failure_ratio * 100,
					before->name,
					before->failure_threshold * 100));
		return FALSE;
	}
	decision->not_before = MAX(decision->not_before, input->previous->since + stage->soak);
	return TRUE;
}

static GTimeZone *
pae_planner_zone_new(const gchar *name)
{
	GTimeZone *tz = g_time_zone_new_identifier(name);
	return tz != NULL ? tz : g_time_zone_new_utc();
}

static GTimeZone *
pae_planner_zone(const PaePlanInput *input, gboolean absolute)
{
	return pae_planner_zone_new(absolute ? input->policy->reference_timezone
					     : input->vm->timezone);
}

/*
 * The cycle day is a date: a VM east of the reference zone must not lose its
 * own Saturday because that Saturday began before the reference zone's.
 */
static PaeTime
pae_planner_local_midnight(const PaePlanInput *input, PaeTime due, gboolean absolute)
{
	g_autoptr(GTimeZone) reference = pae_planner_zone_new(input->policy->reference_timezone);
	g_autoptr(GTimeZone) local = pae_planner_zone(input, absolute);
	g_autoptr(GDateTime) utc = pae_time_to_datetime(due);
	g_autoptr(GDateTime) in_reference = NULL;
	g_autoptr(GDateTime) midnight = NULL;

	if (utc == NULL)
		return due;
	in_reference = g_date_time_to_timezone(utc, reference);
	midnight = g_date_time_new(local,
				   g_date_time_get_year(in_reference),
				   g_date_time_get_month(in_reference),
				   g_date_time_get_day_of_month(in_reference),
				   0,
				   0,
				   0);
	return midnight != NULL ? pae_time_from_datetime(midnight) : due;
}

/* the first window at or after not_before that no freeze overlaps */
static gboolean
pae_planner_find_window(const PaePlanInput *input, const PaeStage *stage, PaePlanDecision *decision)
{
	g_autoptr(GTimeZone) tz = pae_planner_zone(input, decision->absolute);
	PaeTime after = decision->not_before;

	for (guint i = 0; i < PAE_PLANNER_MAX_WINDOW_TRIES; i++) {
		PaeTime frozen;
		if (!pae_window_next_start(&stage->window, tz, after, &decision->window))
			return FALSE;
		frozen = pae_planner_frozen_until(input, &decision->window);
		if (frozen == 0)
			return TRUE;
		after = frozen;
	}
	return FALSE;
}

/**
 * pae_planner_decide:
 *
 * Decides, without any I/O, whether and where one missing patch of one VM
 * is placed. Free @decision's contents with pae_plan_decision_clear().
 */
void
pae_planner_decide(const PaePlanInput *input, PaePlanDecision *decision)
{
	const PaeStage *stage;
	const PaeSeverityClass *klass;
	PaeTime released;

	memset(decision, 0, sizeof(*decision));
	stage = pae_tenant_policy_find_stage(input->policy, input->vm->category, &decision->stage);
	if (stage == NULL) {
		pae_planner_verdict(
			decision,
			PAE_PLAN_SKIP,
			g_strdup_printf("category %s has no stage in tenant %s's policy",
					input->vm->category,
					input->policy->tenant));
		return;
	}
	decision->severity =
		pae_tenant_policy_classify(input->policy, input->patch->source_severity);
	klass = &input->policy->classes[decision->severity];
	decision->absolute = pae_tenant_policy_is_absolute(
		input->policy, input->patch->site, input->patch->fixlet_id, decision->severity);
	released = input->patch->release_date != 0 ? input->patch->release_date : input->now;
	decision->due = pae_planner_local_midnight(
		input,
		pae_planner_patch_due(input->policy, input->patch, input->now),
		decision->absolute);
	decision->deadline = released + klass->deadline;
	decision->not_before = MAX(input->now, decision->due);
	if (!pae_planner_apply_exceptions(input, decision))
		return;
	if (!pae_planner_apply_stage_gate(input, stage, decision))
		return;
	if (!pae_planner_find_window(input, stage, decision)) {
		pae_planner_verdict(
			decision,
			PAE_PLAN_SKIP,
			g_strdup_printf("no window of stage %s can be found", stage->name));
		return;
	}
	decision->late = decision->window.start > decision->deadline;
	pae_planner_verdict(decision,
			    PAE_PLAN_PLACE,
			    g_strdup_printf("%s patch, stage %s%s",
					    pae_severity_to_string(decision->severity),
					    stage->name,
					    decision->late ? ", after its deadline" : ""));
}

/*
 * pae-lifecycle: where each VM stands in its life, and the next step (pure)
 *
 *   provisioning ─ fresh report ─> activation action ─ done ─> ready
 *   ready ─ revert ─> rebaselining ─ report newer than the revert ─> baseline
 *         ─ done ─> ready
 *   ready ─ resume (catch_up = immediate) ─> catching-up ─ fresh report ─>
 *         catch-up action of what became due ─> ready
 *   any ─ undefine ─> retired
 *
 * A VM that has not reached its baseline by its deadline, or whose action
 * failed, raises an incident and stays where it is; `paectl baseline`
 * tries again by hand.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-lifecycle.h"

static const gchar *const pae_lifecycle_state_names[] = {
	[PAE_LIFECYCLE_PROVISIONING] = "provisioning",
	[PAE_LIFECYCLE_REBASELINING] = "rebaselining",
	[PAE_LIFECYCLE_CATCHING_UP] = "catching-up",
	[PAE_LIFECYCLE_READY] = "ready",
	[PAE_LIFECYCLE_RETIRED] = "retired",
};

const gchar *
pae_lifecycle_state_to_string(PaeLifecycleState state)
{
	if ((guint)state >= G_N_ELEMENTS(pae_lifecycle_state_names))
		return "ready";
	return pae_lifecycle_state_names[state];
}

PaeLifecycleState
pae_lifecycle_state_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_lifecycle_state_names); i++) {
		if (g_strcmp0(pae_lifecycle_state_names[i], text) == 0)
			return (PaeLifecycleState)i;
	}
	return PAE_LIFECYCLE_READY;
}

const gchar *
pae_lifecycle_verdict_to_string(PaeLifecycleVerdict verdict)
{
	switch (verdict) {
	case PAE_LIFECYCLE_PLAN_ACTION:
		return "plan-action";
	case PAE_LIFECYCLE_BECOME_READY:
		return "become-ready";
	case PAE_LIFECYCLE_FAILED:
		return "failed";
	case PAE_LIFECYCLE_TIMED_OUT:
		return "timed-out";
	case PAE_LIFECYCLE_WAIT:
	default:
		return "wait";
	}
}

/* the purpose of the action each waiting state plans, as action keys name it */
const gchar *
pae_lifecycle_purpose(PaeLifecycleState state)
{
	switch (state) {
	case PAE_LIFECYCLE_PROVISIONING:
		return "activation";
	case PAE_LIFECYCLE_REBASELINING:
		return "rebaseline";
	case PAE_LIFECYCLE_CATCHING_UP:
		return "catch-up";
	default:
		return NULL;
	}
}

/**
 * pae_lifecycle_decide:
 *
 * The next step of a VM that waits for its activation, re-baseline or
 * catch-up. Ready and retired VMs always wait.
 */
PaeLifecycleVerdict
pae_lifecycle_decide(const PaeLifecycleInput *input)
{
	const PaeLifecycle *lc = input->lifecycle;
	gboolean late = lc->deadline != 0 && input->now >= lc->deadline;

	if (pae_lifecycle_purpose(lc->state) == NULL)
		return PAE_LIFECYCLE_WAIT;
	if (lc->action_key == NULL || !input->has_action) {
		if (input->report_trusted)
			return PAE_LIFECYCLE_PLAN_ACTION;
		return late ? PAE_LIFECYCLE_TIMED_OUT : PAE_LIFECYCLE_WAIT;
	}
	switch (input->outcome) {
	case PAE_OUTCOME_DONE:
		return PAE_LIFECYCLE_BECOME_READY;
	case PAE_OUTCOME_FAILED:
	case PAE_OUTCOME_MISSED:
	case PAE_OUTCOME_CANCELLED:
		return PAE_LIFECYCLE_FAILED;
	default:
		/* pending, running, or waiting for a restart */
		return late ? PAE_LIFECYCLE_TIMED_OUT : PAE_LIFECYCLE_WAIT;
	}
}

PaeLifecycle *
pae_lifecycle_new(const gchar *vm_uuid, PaeLifecycleState state, PaeTime since)
{
	PaeLifecycle *lc = g_new0(PaeLifecycle, 1);
	lc->vm_uuid = g_strdup(vm_uuid);
	lc->state = state;
	lc->since = since;
	return lc;
}

void
pae_lifecycle_free(PaeLifecycle *lc)
{
	if (lc == NULL)
		return;
	g_free(lc->vm_uuid);
	g_free(lc->action_key);
	g_free(lc->patch_level);
	g_free(lc->reason);
	g_free(lc);
}

/*
 * pae-lifecycle: where each VM stands in its life, and the next step (pure)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-clock.h"
#include "pae-outcome.h"

G_BEGIN_DECLS

typedef enum {
	PAE_LIFECYCLE_PROVISIONING, /* defined: its baseline comes when its computer reports */
	PAE_LIFECYCLE_REBASELINING, /* reverted: a baseline once a report newer than the revert
				       comes */
	PAE_LIFECYCLE_CATCHING_UP,  /* resumed: what became due meanwhile, once a fresh report comes
				     */
	PAE_LIFECYCLE_READY,	    /* in service, patched in its windows */
	PAE_LIFECYCLE_RETIRED,	    /* undefined; its history is kept */
	PAE_LIFECYCLE_LAST
} PaeLifecycleState;

typedef struct {
	gchar *vm_uuid;
	PaeLifecycleState state;
	PaeTime since;
	PaeTime deadline;  /* the baseline is due by then, or an incident is raised */
	gchar *action_key; /* the activation, catch-up or baseline action, once planned */
	PaeTime ready;
	gchar *patch_level; /* what the hand-over says */
	PaeTime handover;   /* when the hand-over was last written into the domain */
	gboolean handover_pending;
	gchar *reason;
} PaeLifecycle;

typedef enum {
	PAE_LIFECYCLE_WAIT,	   /* nothing to do yet */
	PAE_LIFECYCLE_PLAN_ACTION, /* a fresh report came: plan the action now */
	PAE_LIFECYCLE_BECOME_READY,
	PAE_LIFECYCLE_FAILED,	 /* the action failed: an incident */
	PAE_LIFECYCLE_TIMED_OUT, /* past its deadline: an incident */
} PaeLifecycleVerdict;

typedef struct {
	const PaeLifecycle *lifecycle;
	PaeTime now;
	gboolean report_trusted; /* a computer reports for it, newer than its last revert or resume
				  */
	gboolean has_action;	 /* lifecycle->action_key names an action the store knows */
	PaeOutcome outcome;	 /* of that action on this VM */
} PaeLifecycleInput;

PaeLifecycleVerdict
pae_lifecycle_decide(const PaeLifecycleInput *input);
const gchar *
pae_lifecycle_purpose(PaeLifecycleState state);

PaeLifecycle *
pae_lifecycle_new(const gchar *vm_uuid, PaeLifecycleState state, PaeTime since);
void
pae_lifecycle_free(PaeLifecycle *lifecycle);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeLifecycle, pae_lifecycle_free)
const gchar *
pae_lifecycle_state_to_string(PaeLifecycleState state);
PaeLifecycleState
pae_lifecycle_state_from_string(const gchar *text);
const gchar *
pae_lifecycle_verdict_to_string(PaeLifecycleVerdict verdict);

G_END_DECLS

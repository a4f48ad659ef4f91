/*
 * pae-planner: when each missing patch goes to each VM (pure)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-exception.h"
#include "pae-outcome.h"
#include "pae-patch-server.h"
#include "pae-policy.h"
#include "pae-vm.h"

G_BEGIN_DECLS

typedef enum {
	PAE_STAGE_STATUS_NOT_STARTED, /* nothing planned anywhere yet */
	PAE_STAGE_STATUS_RUNNING,     /* planned, or targets not finished */
	PAE_STAGE_STATUS_PASSED,      /* finished, failures within the threshold */
	PAE_STAGE_STATUS_HALTED,      /* finished, failures above the threshold */
	PAE_STAGE_STATUS_LAST
} PaeStageStatusKind;

typedef struct {
	PaeStageStatusKind kind;
	PaeTime since; /* PASSED, HALTED: when the stage finished */
	guint done;
	guint failed;
	guint unfinished;
	gdouble failure_ratio;
} PaeStageStatus;

/* one computer's latest outcome for one patch in one stage, fleet-wide */
typedef struct {
	PaeOutcome outcome;
	PaeTime end;
} PaeStageTarget;

void
pae_stage_evaluate(const PaeStageTarget *targets,
		   guint n_targets,
		   gdouble failure_threshold,
		   gboolean planned_here,
		   PaeTime gate,
		   GTimeSpan settle,
		   PaeTime now,
		   PaeStageStatus *status);
const gchar *
pae_stage_status_kind_to_string(PaeStageStatusKind kind);

typedef enum {
	PAE_PLAN_PLACE, /* in the window given */
	PAE_PLAN_WAIT,	/* not yet: the reason says until when or what */
	PAE_PLAN_SKIP,	/* not at all, for now: excluded, halted, no stage */
} PaePlanVerdict;

typedef struct {
	PaeTime now;
	const PaeTenantPolicy *policy;
	const PaeVm *vm;
	const PaePatchInfo *patch;
	/* the status of the stage before the VM's, when it has one */
	const PaeStageStatus *previous;
	GPtrArray *exceptions; /* PaeException of this VM, nullable */
} PaePlanInput;

typedef struct {
	PaePlanVerdict verdict;
	gchar *reason;
	PaeSeverity severity;
	guint stage;
	gboolean absolute;
	PaeTime due;	  /* the patch's cycle day for this severity */
	PaeTime deadline; /* its deadline */
	PaeTime not_before;
	gboolean late; /* placed after its deadline */
	PaeWindow window;
} PaePlanDecision;

void
pae_planner_decide(const PaePlanInput *input, PaePlanDecision *decision);
void
pae_plan_decision_clear(PaePlanDecision *decision);
PaeTime
pae_planner_patch_due(const PaeTenantPolicy *policy, const PaePatchInfo *patch, PaeTime now);
const gchar *
pae_plan_verdict_to_string(PaePlanVerdict verdict);

G_END_DECLS

/*
 * pae-scheduler: the paper's Scheduler: missing patches into planned windows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-engine-context.h"
#include "pae-planner.h"

G_BEGIN_DECLS

typedef struct {
	guint considered; /* (VM, patch) pairs not covered by a plan or action */
	guint placed;
	guint waiting;
	guint skipped;
	guint late;
	guint plans_created;
} PaeScheduleSummary;

gboolean
pae_scheduler_run(PaeEngineContext *ctx, PaeScheduleSummary *summary, GError **error);
gchar *
pae_scheduler_action_key(const gchar *tenant,
			 const gchar *stage,
			 const gchar *site,
			 const gchar *fixlet_id,
			 const gchar *stamp,
			 const gchar *agent_id);
gchar *
pae_scheduler_stage_prefix(const gchar *tenant,
			   const gchar *stage,
			   const gchar *site,
			   const gchar *fixlet_id);

G_END_DECLS

/*
 * pae-reconciler: every VM against the patch server, in one bulk pass
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-engine-context.h"

G_BEGIN_DECLS

typedef struct {
	guint computers;
	guint vms;
	guint mapped;
	guint states[8]; /* by PaeComplianceState */
	guint new_patches;
} PaeReconcileSummary;

gboolean
pae_reconciler_run(PaeEngineContext *ctx, PaeReconcileSummary *summary, GError **error);
gchar *
pae_reconcile_summary_to_string(const PaeReconcileSummary *summary);

G_END_DECLS

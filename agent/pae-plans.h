/*
 * pae-plans: carrying plans through change management onto the patch server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-engine-context.h"

G_BEGIN_DECLS

typedef struct {
	guint changes_opened;
	guint approved;
	guint actions_intended;
	guint closed;
	guint missed;
	guint rejected;
	guint cancelled;
	guint waiting; /* changes not yet approved */
} PaePlansSummary;

gboolean
pae_plans_run(PaeEngineContext *ctx, PaePlansSummary *summary, GError **error);

typedef enum {
	/* category change: actions already under way are left alone */
	PAE_PLANS_WITHDRAW_NOT_STARTED = 0,
	/* deactivation: the VM is gone, stop everything aimed at it */
	PAE_PLANS_WITHDRAW_ALL = 1 << 0,
} PaePlansWithdrawFlags;

gboolean
pae_plans_withdraw_vm(PaeEngineContext *ctx,
		      const gchar *vm_uuid,
		      PaePlansWithdrawFlags flags,
		      const gchar *reason,
		      GError **error);

G_END_DECLS

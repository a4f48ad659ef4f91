/*
 * pae-catchup: an action that applies what a VM misses, at once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-engine-context.h"

G_BEGIN_DECLS

gboolean
pae_catchup_plan(PaeEngineContext *ctx,
		 const gchar *vm_uuid,
		 const gchar *purpose,
		 gchar **key,
		 GError **error);
gchar *
pae_catchup_find_pending(PaeEngineContext *ctx, const gchar *vm_uuid, GError **error);
gchar *
pae_action_key_new(const gchar *agent_id, const gchar *purpose, const gchar *subject, PaeTime at);

gboolean
pae_catchup_plan_full(PaeEngineContext *ctx,
		      const gchar *vm_uuid,
		      const gchar *purpose,
		      gboolean only_due,
		      gchar **key,
		      GError **error);

G_END_DECLS

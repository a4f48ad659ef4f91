/*
 * pae-alerts: incidents raised by the engine's jobs, and their delivery
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-engine-context.h"
#include "pae-incidents.h"

G_BEGIN_DECLS

gboolean
pae_alerts_raise(PaeEngineContext *ctx, PaeIncident *incident, GError **error);
gboolean
pae_alerts_resolve(PaeEngineContext *ctx,
		   PaeIncidentKind kind,
		   const gchar *vm_uuid,
		   const gchar *patch,
		   const gchar *resolution,
		   GError **error);
gboolean
pae_alerts_deliver(PaeEngineContext *ctx, guint *delivered, GError **error);

G_END_DECLS

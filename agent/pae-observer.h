/*
 * pae-observer: the engine's reading of new observations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-engine-context.h"

G_BEGIN_DECLS

gboolean
pae_observer_run(PaeEngineContext *ctx, guint *handled, GError **error);

G_END_DECLS

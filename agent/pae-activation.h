/*
 * pae-activation: each waiting VM's next lifecycle step, and its hand-over
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-engine-context.h"
#include "pae-handover.h"

G_BEGIN_DECLS

gboolean
pae_activation_run(PaeEngineContext *ctx, PaeHandover *handover, guint *changed, GError **error);

G_END_DECLS

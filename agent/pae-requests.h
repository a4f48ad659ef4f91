/*
 * pae-requests: what paectl asked for
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-engine-context.h"

G_BEGIN_DECLS

gboolean
pae_requests_run(PaeEngineContext *ctx, guint *handled, GError **error);

G_END_DECLS

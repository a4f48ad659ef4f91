/*
 * pae-outbox: carrying out intended patch-server actions, exactly once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-engine-context.h"

G_BEGIN_DECLS

typedef struct {
	guint created;
	guint adopted; /* found on the server after a crash: not created twice */
	guint stopped;
	guint deferred;
	guint abandoned;
} PaeOutboxSummary;

gboolean
pae_outbox_run(PaeEngineContext *ctx, PaeOutboxSummary *summary, GError **error);

G_END_DECLS

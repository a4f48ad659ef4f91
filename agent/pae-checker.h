/*
 * pae-checker: how the patch server's actions went
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-engine-context.h"

G_BEGIN_DECLS

typedef struct {
	guint actions;
	guint changed;
	guint done;
	guint failed;
	guint closed;
} PaeCheckSummary;

gboolean
pae_checker_run(PaeEngineContext *ctx, PaeCheckSummary *summary, GError **error);

G_END_DECLS

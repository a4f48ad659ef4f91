/*
 * pae-engine: decides and acts, on a worker thread, kicked by the main loop
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-config.h"

G_BEGIN_DECLS

#define PAE_TYPE_ENGINE (pae_engine_get_type())
G_DECLARE_FINAL_TYPE(PaeEngine, pae_engine, PAE, ENGINE, GObject)

PaeEngine *
pae_engine_new(PaeConfig *config);
gboolean
pae_engine_start(PaeEngine *self, GError **error);
void
pae_engine_kick(PaeEngine *self);
void
pae_engine_stop(PaeEngine *self);
void
pae_engine_set_config(PaeEngine *self, PaeConfig *config);
guint64
pae_engine_get_cycle_count(PaeEngine *self);

G_END_DECLS

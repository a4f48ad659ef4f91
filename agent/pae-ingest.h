/*
 * pae-ingest: observations into the database, off the main loop
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libvirt/libvirt.h>

#include "pae-clock.h"
#include "pae-domain-xml.h"
#include "pae-observation.h"

G_BEGIN_DECLS

#define PAE_TYPE_INGEST (pae_ingest_get_type())
G_DECLARE_FINAL_TYPE(PaeIngest, pae_ingest, PAE, INGEST, GObject)

PaeIngest *
pae_ingest_new(const gchar *database,
	       PaeClock *clock,
	       const PaeVmDefaults *defaults,
	       GTimeSpan batch_delay,
	       guint batch_max);
gboolean
pae_ingest_start(PaeIngest *self, GError **error);
void
pae_ingest_push_trigger(PaeIngest *self, virConnect *conn, PaeTrigger *trigger);
void
pae_ingest_push_resync(PaeIngest *self, virConnect *conn);
void
pae_ingest_flush(PaeIngest *self);
void
pae_ingest_stop(PaeIngest *self);
guint64
pae_ingest_get_batch_count(PaeIngest *self);

G_END_DECLS

/*
 * pae-handover: the hand-over written into a domain's own metadata
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-lifecycle.h"

G_BEGIN_DECLS

typedef struct _PaeHandover PaeHandover;

PaeHandover *
pae_handover_new(void);
void
pae_handover_free(PaeHandover *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeHandover, pae_handover_free)
gchar *
pae_handover_to_xml(const PaeLifecycle *lifecycle, const gchar *agent_id);
gboolean
pae_handover_write(PaeHandover *self,
		   const gchar *uri,
		   const PaeLifecycle *lifecycle,
		   const gchar *agent_id,
		   GError **error);

G_END_DECLS

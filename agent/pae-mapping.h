/*
 * pae-mapping: which patch-server computer reports for which VM
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-patch-server.h"

G_BEGIN_DECLS

typedef struct {
	gchar *vm_uuid;
	PaeComputer *computer; /* the one whose report counts (newest report) */
	GPtrArray *stale;      /* PaeComputer: others reporting the same UUID */
} PaeMapping;

void
pae_mapping_free(PaeMapping *mapping);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeMapping, pae_mapping_free)

GHashTable *
pae_mapping_build(GPtrArray *computers);
gchar *
pae_mapping_stale_ids(const PaeMapping *mapping);

G_END_DECLS

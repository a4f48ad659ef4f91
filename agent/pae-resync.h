/*
 * pae-resync: what changed while nobody listened
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-observation.h"

G_BEGIN_DECLS

typedef struct {
	PaeObservationKind kind;
	PaeVm *vm; /* the facts afterwards: live ones, or the stored ones if gone */
	gchar *detail;
} PaeResyncFinding;

void
pae_resync_finding_free(PaeResyncFinding *finding);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeResyncFinding, pae_resync_finding_free)

GPtrArray *
pae_resync_compare(GPtrArray *stored, GPtrArray *live);
PaeVmState
pae_resync_settled_state(const PaeVm *before, const PaeVm *after);
gchar *
pae_resync_describe_changes(const PaeVm *before, const PaeVm *after);

G_END_DECLS

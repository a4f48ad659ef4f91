/*
 * pae-history: one record of the audit trail
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-observation.h"

G_BEGIN_DECLS

typedef struct {
	gint64 id; /* 0 until stored */
	gchar *vm_uuid;
	PaeTime at;
	PaeSource source;
	gchar *kind;   /* an observation kind, or a decision such as "activation-started" */
	gchar *event;  /* nullable: what told us, e.g. "STARTED/RESTORED" */
	gchar *detail; /* nullable: a sentence for people */
	gchar *facts;  /* nullable: JSON of the VM's facts afterwards */
} PaeHistoryEntry;

PaeHistoryEntry *
pae_history_entry_new(const gchar *vm_uuid, PaeTime at, PaeSource source, const gchar *kind);
void
pae_history_entry_free(PaeHistoryEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeHistoryEntry, pae_history_entry_free)
gboolean
pae_history_entry_is_lifecycle(const PaeHistoryEntry *entry);

G_END_DECLS

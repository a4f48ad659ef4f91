/*
 * pae-history: one record of the audit trail
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-history.h"

PaeHistoryEntry *
pae_history_entry_new(const gchar *vm_uuid, PaeTime at, PaeSource source, const gchar *kind)
{
	PaeHistoryEntry *entry = g_new0(PaeHistoryEntry, 1);
	entry->vm_uuid = g_strdup(vm_uuid);
	entry->at = at;
	entry->source = source;
	entry->kind = g_strdup(kind);
	return entry;
}

void
pae_history_entry_free(PaeHistoryEntry *entry)
{
	if (entry == NULL)
		return;
	g_free(entry->vm_uuid);
	g_free(entry->kind);
	g_free(entry->event);
	g_free(entry->detail);
	g_free(entry->facts);
	g_free(entry);
}

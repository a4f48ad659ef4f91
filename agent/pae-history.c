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

/* what libvirt (or a hook) said that moves a VM through its life */
static const gchar *const pae_history_lifecycle_observations[] = {
	"provision",
	"resume",
	"restart",
	"revert",
	"category-change",
	"deprovision",
	"rename",
	"migration-in",
	"migration-out",
	"vanished",
	NULL,
};

/* what the agent decided about it in turn */
static const gchar *const pae_history_lifecycle_decisions[] = {
	"lifecycle",
	"ready",
	"handover",
	"incident",
	"incident-resolved",
	"action-planned",
	"action-withdrawn",
	"action-done",
	"action-failed",
	"action-missed",
	"action-cancelled",
	"action-stopped",
	"action-abandoned",
	"plan-left",
	"request",
	NULL,
};

/**
 * pae_history_entry_is_lifecycle:
 *
 * Whether a record belongs to the VM's lifecycle trail (`paectl history`):
 * the observations that move it through its life and the agent's decisions
 * on them, without the routine compliance, mapping and state records.
 */
gboolean
pae_history_entry_is_lifecycle(const PaeHistoryEntry *entry)
{
	const gchar *const *kinds =
		entry->source == PAE_SOURCE_ENGINE || entry->source == PAE_SOURCE_OPERATOR
			? pae_history_lifecycle_decisions
			: pae_history_lifecycle_observations;

	return entry->kind != NULL && g_strv_contains(kinds, entry->kind);
}

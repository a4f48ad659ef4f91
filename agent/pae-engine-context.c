/*
 * pae-engine-context: what every engine job gets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-engine-context.h"

#include "pae-store-vms.h"

/**
 * pae_engine_record:
 * @kind: the decision, e.g. "action-planned", "compliance"
 * @event: (nullable): what it is about, e.g. an action key
 * @detail: (nullable): a sentence for people
 *
 * Appends one decision of the engine to the VM's audit trail; call inside
 * the transaction that made the decision.
 */
gboolean
pae_engine_record(PaeEngineContext *ctx,
		  const gchar *vm_uuid,
		  const gchar *kind,
		  const gchar *event,
		  const gchar *detail,
		  GError **error)
{
	g_autoptr(PaeHistoryEntry) entry = pae_history_entry_new(
		vm_uuid, pae_clock_get_now(ctx->clock), PAE_SOURCE_ENGINE, kind);

	entry->event = g_strdup(event);
	entry->detail = g_strdup(detail);
	g_debug("%s: %s%s%s",
		vm_uuid,
		kind,
		detail != NULL ? ": " : "",
		detail != NULL ? detail : "");
	return pae_store_add_history(ctx->store, entry, error) > 0;
}

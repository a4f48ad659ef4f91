/*
 * pae-alerts: incidents raised by the engine's jobs, and their delivery
 *
 * A job that finds something a person must see raises an incident in the
 * same transaction as the decision that found it: the store keeps one open
 * incident per (kind, VM, patch), so finding the same failure on every pass
 * raises it once. Delivery is a job of its own, after the transaction: the
 * backend (journald today) is told of every incident raised or resolved and
 * not yet delivered, so an alert lost to a crash or an absent journald is
 * sent on a later cycle, and none is sent twice for one state.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeAlerts"

#include "config.h"

#include "pae-alerts.h"

#include "pae-error.h"
#include "pae-store-plans.h"
#include "pae-store-vms.h"

/**
 * pae_alerts_raise:
 * @incident: kind, message and fields; its raise time is set here
 *
 * Stores the incident unless one is open for the same kind, VM and patch,
 * and records it in the VM's history. Run it inside the caller's transaction.
 */
gboolean
pae_alerts_raise(PaeEngineContext *ctx, PaeIncident *incident, GError **error)
{
	g_autofree gchar *subject = NULL;
	gint64 id;

	incident->raised = pae_clock_get_now(ctx->clock);
	subject = pae_incident_subject(
		incident->kind,
		incident->vm_uuid,
		incident->patch,
		incident->kind == PAE_INCIDENT_STAGE_HALTED ? incident->tenant : NULL);
	id = pae_store_raise_incident(ctx->store, subject, incident, error);
	if (id < 0)
		return FALSE;
	if (id == 0)
		return TRUE;
	g_warning("incident #%" G_GINT64_FORMAT " (%s): %s",
		  id,
		  pae_incident_kind_to_string(incident->kind),
		  incident->message);
	ctx->alerts_pending = TRUE;
	if (incident->vm_uuid == NULL)
		return TRUE;
	return pae_engine_record(ctx,
				 incident->vm_uuid,
				 "incident",
				 pae_incident_kind_to_string(incident->kind),
				 incident->message,
				 error);
}

/**
 * pae_alerts_resolve:
 *
 * Closes the open incident of this kind for this VM and patch, if any.
 */
gboolean
pae_alerts_resolve(PaeEngineContext *ctx,
		   PaeIncidentKind kind,
		   const gchar *vm_uuid,
		   const gchar *patch,
		   const gchar *resolution,
		   GError **error)
{
	g_autofree gchar *subject = pae_incident_subject(kind, vm_uuid, patch, NULL);
	PaeTime now = pae_clock_get_now(ctx->clock);

	if (!pae_store_resolve_incident(ctx->store, subject, resolution, now, error))
		return FALSE;
	if (pae_store_changes(ctx->store) == 0)
		return TRUE;
	ctx->alerts_pending = TRUE;
	g_info("%s incident resolved: %s", pae_incident_kind_to_string(kind), resolution);
	if (vm_uuid == NULL)
		return TRUE;
	return pae_engine_record(ctx,
				 vm_uuid,
				 "incident-resolved",
				 pae_incident_kind_to_string(kind),
				 resolution,
				 error);
}

static gboolean
pae_alerts_deliver_one(PaeEngineContext *ctx, PaeIncidentRecord *record, GError **error)
{
	gboolean resolved = record->resolved != 0;

	/* the VM's name came with the record, from the store */
	/* no backend: the log line pae_alerts_raise() wrote is all there is */
	if (ctx->config->incidents != NULL && !record->delivered &&
	    !pae_incidents_raise(ctx->config->incidents, record->incident, error))
		return FALSE;
	/* marked at once: a failing resolve must not raise it a second time */
	if (!record->delivered && !pae_store_mark_incident_delivered(
					  ctx->store, record->incident->incident_id, FALSE, error))
		return FALSE;
	if (!resolved)
		return TRUE;
	if (ctx->config->incidents != NULL &&
	    !pae_incidents_resolve(
		    ctx->config->incidents, record->incident, record->resolution, error))
		return FALSE;
	return pae_store_mark_incident_delivered(
		ctx->store, record->incident->incident_id, resolved, error);
}

/**
 * pae_alerts_deliver:
 *
 * Hands every undelivered raise and resolve to the incidents backend, in
 * order. A backend failure stops the job and is returned: the rest waits
 * for a later cycle.
 */
gboolean
pae_alerts_deliver(PaeEngineContext *ctx, guint *delivered, GError **error)
{
	g_autoptr(GPtrArray) records = pae_store_list_undelivered_incidents(ctx->store, error);

	if (delivered != NULL)
		*delivered = 0;
	if (records == NULL)
		return FALSE;
	for (guint i = 0; i < records->len; i++) {
		if (!pae_alerts_deliver_one(ctx, records->pdata[i], error))
			return FALSE;
		if (delivered != NULL)
			(*delivered)++;
	}
	return TRUE;
}

/*
 * pae-ctl-incidents: paectl incidents [--all]
 *
 * What automation could not do and a person must know: the incidents the
 * agent keeps, one open per subject, newest first. Resolving them is the
 * agent's business (or the incident system's); paectl only shows them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeCtl"

#include "config.h"

#include "pae-ctl.h"
#include "pae-error.h"
#include "pae-json.h"
#include "pae-store-plans.h"
#include "pae-table.h"

static gchar *
pae_ctl_incident_time(PaeTime t)
{
	g_autoptr(GDateTime) dt = NULL;

	if (t == 0)
		return NULL;
	dt = pae_time_to_datetime(t);
	if (dt == NULL)
		return g_strdup("invalid");
	return g_date_time_format(dt, "%Y-%m-%d %H:%MZ");
}

static void
pae_ctl_incident_write_json(PaeJson *json, const PaeIncidentRecord *record)
{
	const PaeIncident *incident = record->incident;
	gint64 id = g_ascii_strtoll(incident->incident_id, NULL, 10);

	pae_json_begin_object(json);
	pae_json_member_int(json, "id", id);
	pae_json_member_string(json, "kind", pae_incident_kind_to_string(incident->kind));
	pae_json_member_string(json, "vm", incident->vm_uuid);
	pae_json_member_string(json, "vm_name", incident->vm_name);
	pae_json_member_string(json, "patch", incident->patch);
	pae_json_member_string(json, "tenant", incident->tenant);
	pae_json_member_string(json, "action_id", incident->action_id);
	pae_json_member_string(json, "change_id", incident->change_id);
	pae_json_member_time(json, "raised", incident->raised);
	pae_json_member_time(json, "resolved", record->resolved);
	pae_json_member_string(json, "resolution", record->resolution);
	pae_json_member_string(json, "message", incident->message);
	pae_json_member_boolean(json, "delivered", record->delivered);
	pae_json_end_object(json);
}

/**
 * pae_ctl_cmd_incidents:
 *
 * `paectl incidents [--all]`: the open incidents, or every one, newest first
 */
gboolean
pae_ctl_cmd_incidents(PaeCtl *ctl, gchar **args, GError **error)
{
	gboolean all = FALSE;
	g_autoptr(GPtrArray) incidents = NULL;
	g_autoptr(PaeTable) table = NULL;
	g_autofree gchar *text = NULL;

	for (guint i = 0; args[i] != NULL; i++) {
		if (g_strcmp0(args[i], "--all") != 0) {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_BAD_REQUEST,
				    "incidents: unexpected argument '%s'\nusage: incidents [--all]",
				    args[i]);
			return FALSE;
		}
		all = TRUE;
	}
	incidents = pae_store_list_incidents(ctl->store, !all, G_MAXUINT, error);
	if (incidents == NULL)
		return FALSE;
	if (ctl->json) {
		g_autoptr(PaeJson) json = pae_json_new(TRUE);
		pae_json_begin_object(json);
		pae_json_key(json, "incidents");
		pae_json_begin_array(json);
		for (guint i = 0; i < incidents->len; i++)
			pae_ctl_incident_write_json(json, incidents->pdata[i]);
		pae_json_end_array(json);
		pae_json_end_object(json);
		text = pae_json_finish(json);
		g_string_append_printf(ctl->out, "%s\n", text);
		return TRUE;
	}
	if (incidents->len == 0) {
		g_string_append(ctl->out, all ? "no incidents\n" : "no open incidents\n");
		return TRUE;
	}
	table = pae_table_new("ID",
			      "KIND",
			      "VM",
			      "UUID",
			      "PATCH",
			      "TENANT",
			      "RAISED",
			      "RESOLVED",
			      "RESOLUTION",
			      "MESSAGE",
			      NULL);
	for (guint i = 0; i < incidents->len; i++) {
		PaeIncidentRecord *record = incidents->pdata[i];
		PaeIncident *incident = record->incident;
		g_autofree gchar *raised = pae_ctl_incident_time(incident->raised);
		g_autofree gchar *resolved = pae_ctl_incident_time(record->resolved);
		pae_table_add_row(table,
				  incident->incident_id,
				  pae_incident_kind_to_string(incident->kind),
				  incident->vm_name,
				  incident->vm_uuid,
				  incident->patch,
				  incident->tenant,
				  raised,
				  resolved,
				  record->resolution,
				  incident->message);
	}
	text = pae_table_to_string(table);
	g_string_append(ctl->out, text);
	return TRUE;
}

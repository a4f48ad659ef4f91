/*
 * pae-ctl-compliance: paectl patches, paectl status
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-action.h"
#include "pae-ctl.h"
#include "pae-error.h"
#include "pae-json.h"
#include "pae-store-actions.h"
#include "pae-store-compliance.h"
#include "pae-store-requests.h"
#include "pae-store-vms.h"
#include "pae-table.h"

static gchar *
pae_ctl_date(PaeTime t)
{
	g_autoptr(GDateTime) dt = NULL;
	if (t == 0)
		return NULL;
	dt = pae_time_to_datetime(t);
	return g_date_time_format(dt, "%Y-%m-%d");
}

void
pae_ctl_write_patch(PaeJson *json, const PaePatchInfo *info)
{
	g_autofree gchar *released = pae_ctl_date(info->release_date);

	pae_json_member_string(json, "site", info->site);
	pae_json_member_string(json, "fixlet_id", info->fixlet_id);
	pae_json_member_string(json, "name", info->name);
	pae_json_member_string(json, "source_severity", info->source_severity);
	pae_json_member_string(json, "category", info->category);
	pae_json_member_string(json, "released", released);
	pae_json_key(json, "cves");
	pae_json_begin_array(json);
	for (guint i = 0; info->cves[i] != NULL; i++)
		pae_json_string(json, info->cves[i]);
	pae_json_end_array(json);
}

void
pae_ctl_write_compliance(PaeJson *json, const PaeComplianceRecord *record)
{
	if (record == NULL) {
		pae_json_null(json);
		return;
	}
	pae_json_begin_object(json);
	pae_json_member_string(json, "state", pae_compliance_state_to_string(record->state));
	pae_json_member_string(json, "computer_id", record->computer_id);
	pae_json_key(json, "stale_computers");
	pae_json_begin_array(json);
	if (record->stale_computers != NULL) {
		g_auto(GStrv) ids = g_strsplit(record->stale_computers, ",", -1);
		for (guint i = 0; ids[i] != NULL; i++)
			pae_json_string(json, ids[i]);
	}
	pae_json_end_array(json);
	pae_json_member_time(json, "mapped", record->mapped);
	pae_json_member_time(json, "report", record->report);
	pae_json_member_time(json, "trust_after", record->trust_after);
	pae_json_member_int(json, "missing", record->missing);
	pae_json_member_time(json, "checked", record->checked);
	pae_json_end_object(json);
}

static gboolean
pae_ctl_patches_of_vm(PaeCtl *ctl, const gchar *which, GError **error)
{
	g_autoptr(PaeVm) vm = pae_store_find_vm(ctl->store, which, error);
	g_autoptr(PaeComplianceRecord) record = NULL;
	g_autoptr(GPtrArray) missing = NULL;

	if (vm == NULL)
		return FALSE;
	record = pae_store_get_compliance(ctl->store, vm->uuid, NULL);
	missing = pae_store_list_missing(ctl->store, vm->uuid, error);
	if (missing == NULL)
		return FALSE;
	if (ctl->json) {
		g_autoptr(PaeJson) json = pae_json_new(TRUE);
		g_autofree gchar *text = NULL;
		pae_json_begin_object(json);
		pae_json_member_string(json, "vm", vm->uuid);
		pae_json_key(json, "compliance");
		pae_ctl_write_compliance(json, record);
		pae_json_key(json, "patches");
		pae_json_begin_array(json);
		for (guint i = 0; i < missing->len; i++) {
			PaeMissingPatch *m = missing->pdata[i];
			pae_json_begin_object(json);
			pae_ctl_write_patch(json, m->info);
			pae_json_member_time(json, "missing_since", m->first_seen);
			pae_json_end_object(json);
		}
		pae_json_end_array(json);
		pae_json_end_object(json);
		text = pae_json_finish(json);
		g_string_append_printf(ctl->out, "%s\n", text);
		return TRUE;
	}
	g_string_append_printf(ctl->out,
			       "%s: %s\n",
			       vm->name,
			       record != NULL ? pae_compliance_state_to_string(record->state)
					      : "not reconciled yet");
	if (missing->len > 0) {
		g_autoptr(PaeTable) table = pae_table_new(
			"SITE", "ID", "NAME", "SEVERITY", "RELEASED", "MISSING SINCE", NULL);
		g_autofree gchar *text = NULL;
		for (guint i = 0; i < missing->len; i++) {
			PaeMissingPatch *m = missing->pdata[i];
			g_autofree gchar *released = pae_ctl_date(m->info->release_date);
			g_autofree gchar *since = pae_time_to_iso8601(m->first_seen);
			pae_table_add_row(table,
					  m->info->site,
					  m->info->fixlet_id,
					  m->info->name,
					  m->info->source_severity,
					  released,
					  since);
		}
		text = pae_table_to_string(table);
		g_string_append(ctl->out, text);
	}
	return TRUE;
}

/**
 * pae_ctl_cmd_patches:
 *
 * `paectl patches [UUID|NAME]`: the patches missing on this controller, or on one VM
 */
gboolean
pae_ctl_cmd_patches(PaeCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(GPtrArray) missing = NULL;

	if (args[0] != NULL)
		return pae_ctl_patches_of_vm(ctl, args[0], error);
	missing = pae_store_list_missing_by_patch(ctl->store, error);
	if (missing == NULL)
		return FALSE;
	if (ctl->json) {
		g_autoptr(PaeJson) json = pae_json_new(TRUE);
		g_autofree gchar *text = NULL;
		pae_json_begin_object(json);
		pae_json_key(json, "patches");
		pae_json_begin_array(json);
		for (guint i = 0; i < missing->len; i++) {
			PaeMissingPatch *m = missing->pdata[i];
			pae_json_begin_object(json);
			pae_ctl_write_patch(json, m->info);
			pae_json_key(json, "vms");
			pae_json_begin_array(json);
			for (guint j = 0; m->vm_uuids[j] != NULL; j++)
				pae_json_string(json, m->vm_uuids[j]);
			pae_json_end_array(json);
			pae_json_end_object(json);
		}
		pae_json_end_array(json);
		pae_json_end_object(json);
		text = pae_json_finish(json);
		g_string_append_printf(ctl->out, "%s\n", text);
	} else {
		g_autoptr(PaeTable) table =
			pae_table_new("SITE", "ID", "NAME", "SEVERITY", "RELEASED", "VMS", NULL);
		g_autofree gchar *text = NULL;
		for (guint i = 0; i < missing->len; i++) {
			PaeMissingPatch *m = missing->pdata[i];
			g_autofree gchar *released = pae_ctl_date(m->info->release_date);
			g_autofree gchar *count = g_strdup_printf("%u", g_strv_length(m->vm_uuids));
			pae_table_add_row(table,
					  m->info->site,
					  m->info->fixlet_id,
					  m->info->name,
					  m->info->source_severity,
					  released,
					  count);
		}
		text = pae_table_to_string(table);
		g_string_append(ctl->out, text);
	}
	return TRUE;
}

typedef struct {
	guint vms;
	guint by_state[PAE_COMPLIANCE_LAST];
	gint64 actions[PAE_ACTION_STATE_LAST];
	guint requests_pending;
} PaeCtlStatus;

static gboolean
pae_ctl_collect_status(PaeCtl *ctl, PaeCtlStatus *status, GError **error)
{
	g_autoptr(GPtrArray) vms = pae_store_list_vms(ctl->store, FALSE, error);
	g_autoptr(GPtrArray) requests = NULL;

	if (vms == NULL)
		return FALSE;
	status->vms = vms->len;
	for (guint i = 0; i < vms->len; i++) {
		PaeVm *vm = vms->pdata[i];
		g_autoptr(PaeComplianceRecord) record =
			pae_store_get_compliance(ctl->store, vm->uuid, NULL);
		status->by_state[record != NULL ? record->state : PAE_COMPLIANCE_UNKNOWN]++;
	}
	for (guint s = 0; s < PAE_ACTION_STATE_LAST; s++) {
		status->actions[s] = pae_store_count_actions(ctl->store, s, error);
		if (status->actions[s] < 0)
			return FALSE;
	}
	requests = pae_store_list_requests(ctl->store, TRUE, 1000, error);
	if (requests == NULL)
		return FALSE;
	status->requests_pending = requests->len;
	return TRUE;
}

static void
pae_ctl_write_pass(PaeCtl *ctl, PaeJson *json, const gchar *name)
{
	g_autoptr(PaePass) pass = pae_store_get_pass(ctl->store, name, NULL);
	pae_json_key(json, name);
	if (pass == NULL) {
		pae_json_null(json);
		return;
	}
	pae_json_begin_object(json);
	pae_json_member_time(json, "started", pass->started);
	pae_json_member_time(json, "finished", pass->finished);
	pae_json_member_boolean(json, "ok", pass->ok);
	pae_json_member_string(json, "detail", pass->detail);
	pae_json_member_int(json, "runs", pass->runs);
	pae_json_end_object(json);
}

static void
pae_ctl_print_pass(PaeCtl *ctl, const gchar *name)
{
	g_autoptr(PaePass) pass = pae_store_get_pass(ctl->store, name, NULL);
	g_autofree gchar *when = NULL;

	if (pass == NULL) {
		g_string_append_printf(ctl->out, "last %s: never\n", name);
		return;
	}
	when = pae_time_to_iso8601(pass->finished != 0 ? pass->finished : pass->started);
	g_string_append_printf(ctl->out,
			       "last %s: %s, %s%s%s\n",
			       name,
			       when,
			       pass->ok ? "ok" : "FAILED",
			       pass->detail != NULL ? ": " : "",
			       pass->detail != NULL ? pass->detail : "");
}

/**
 * pae_ctl_cmd_status:
 *
 * `paectl status`: compliance and actions in total, and the last passes
 */
gboolean
pae_ctl_cmd_status(PaeCtl *ctl, gchar **args, GError **error)
{
	PaeCtlStatus status = {0};

	if (!pae_ctl_collect_status(ctl, &status, error))
		return FALSE;
	if (ctl->json) {
		g_autoptr(PaeJson) json = pae_json_new(TRUE);
		g_autofree gchar *text = NULL;
		pae_json_begin_object(json);
		pae_json_member_int(json, "vms", status.vms);
		pae_json_key(json, "compliance");
		pae_json_begin_object(json);
		for (guint s = 0; s < PAE_COMPLIANCE_LAST; s++)
			pae_json_member_int(
				json, pae_compliance_state_to_string(s), status.by_state[s]);
		pae_json_end_object(json);
		pae_json_key(json, "actions");
		pae_json_begin_object(json);
		for (guint s = 0; s < PAE_ACTION_STATE_LAST; s++)
			pae_json_member_int(json, pae_action_state_to_string(s), status.actions[s]);
		pae_json_end_object(json);
		pae_json_member_int(json, "requests_pending", status.requests_pending);
		pae_json_key(json, "passes");
		pae_json_begin_object(json);
		pae_ctl_write_pass(ctl, json, "reconcile");
		pae_ctl_write_pass(ctl, json, "check");
		pae_ctl_write_pass(ctl, json, "schedule");
		pae_json_end_object(json);
		pae_json_end_object(json);
		text = pae_json_finish(json);
		g_string_append_printf(ctl->out, "%s\n", text);
		return TRUE;
	}
	g_string_append_printf(ctl->out, "VMs: %u\ncompliance:", status.vms);
	for (guint s = 0; s < PAE_COMPLIANCE_LAST; s++)
		if (status.by_state[s] > 0)
			g_string_append_printf(ctl->out,
					       " %u %s",
					       status.by_state[s],
					       pae_compliance_state_to_string(s));
	g_string_append(ctl->out, "\nactions:");
	for (guint s = 0; s < PAE_ACTION_STATE_LAST; s++)
		if (status.actions[s] > 0)
			g_string_append_printf(ctl->out,
					       " %" G_GINT64_FORMAT " %s",
					       status.actions[s],
					       pae_action_state_to_string(s));
	g_string_append_printf(ctl->out, "\nrequests pending: %u\n", status.requests_pending);
	pae_ctl_print_pass(ctl, "reconcile");
	pae_ctl_print_pass(ctl, "check");
	pae_ctl_print_pass(ctl, "schedule");
	return TRUE;
}

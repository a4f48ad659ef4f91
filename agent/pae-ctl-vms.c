/*
 * pae-ctl-vms: paectl vms, paectl vm UUID
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-ctl.h"
#include "pae-error.h"
#include "pae-json.h"
#include "pae-store-actions.h"
#include "pae-store-lifecycle.h"
#include "pae-store-vms.h"
#include "pae-table.h"
#include "pae-vm-json.h"

#define PAE_CTL_HISTORY_LIMIT 50

/* to the second, for tables: --json keeps the microseconds */
gchar *
pae_ctl_format_time(PaeTime t)
{
	return t != 0 ? pae_time_to_iso8601(t - t % G_USEC_PER_SEC) : NULL;
}

/* where a VM stands in its life, for the VM list */
static const gchar *
pae_ctl_vm_lifecycle(PaeCtl *ctl, const PaeVm *vm)
{
	g_autoptr(PaeLifecycle) lifecycle = pae_store_get_lifecycle(ctl->store, vm->uuid, NULL);

	return lifecycle != NULL ? pae_lifecycle_state_to_string(lifecycle->state) : NULL;
}

static void
pae_ctl_write_vm(PaeJson *json, const PaeVm *vm, const gchar *lifecycle)
{
	pae_json_begin_object(json);
	pae_vm_json_write_facts(json, vm);
	pae_json_member_string(json, "lifecycle", lifecycle);
	pae_json_member_time(json, "first_seen", vm->first_seen);
	pae_json_member_time(json, "last_seen", vm->last_seen);
	pae_json_member_time(json, "retired", vm->retired);
	pae_json_end_object(json);
}

/**
 * pae_ctl_cmd_vms:
 *
 * `paectl vms [--all]`: the VMs on this controller (--all: retired ones too)
 */
gboolean
pae_ctl_cmd_vms(PaeCtl *ctl, gchar **args, GError **error)
{
	gboolean all = args[0] != NULL && g_strcmp0(args[0], "--all") == 0;
	g_autoptr(GPtrArray) vms = pae_store_list_vms(ctl->store, all, error);

	if (vms == NULL)
		return FALSE;
	if (ctl->json) {
		g_autoptr(PaeJson) json = pae_json_new(TRUE);
		g_autofree gchar *text = NULL;
		pae_json_begin_object(json);
		pae_json_key(json, "vms");
		pae_json_begin_array(json);
		for (guint i = 0; i < vms->len; i++)
			pae_ctl_write_vm(
				json, vms->pdata[i], pae_ctl_vm_lifecycle(ctl, vms->pdata[i]));
		pae_json_end_array(json);
		pae_json_end_object(json);
		text = pae_json_finish(json);
		g_string_append_printf(ctl->out, "%s\n", text);
	} else {
		g_autoptr(PaeTable) table = pae_table_new("NAME",
							  "UUID",
							  "TENANT",
							  "CATEGORY",
							  "TIME ZONE",
							  "STATE",
							  "LIFECYCLE",
							  "LAST SEEN",
							  NULL);
		g_autofree gchar *text = NULL;
		for (guint i = 0; i < vms->len; i++) {
			PaeVm *vm = vms->pdata[i];
			g_autofree gchar *last_seen = pae_ctl_format_time(vm->last_seen);
			pae_table_add_row(table,
					  vm->name,
					  vm->uuid,
					  vm->tenant,
					  vm->category,
					  vm->timezone,
					  pae_vm_state_to_string(vm->state),
					  pae_ctl_vm_lifecycle(ctl, vm),
					  last_seen);
		}
		text = pae_table_to_string(table);
		g_string_append(ctl->out, text);
	}
	return TRUE;
}

void
pae_ctl_write_history_json(PaeJson *json, GPtrArray *history)
{
	pae_json_begin_array(json);
	for (guint i = 0; i < history->len; i++) {
		PaeHistoryEntry *entry = history->pdata[i];
		pae_json_begin_object(json);
		pae_json_member_int(json, "id", entry->id);
		pae_json_member_time(json, "at", entry->at);
		pae_json_member_string(json, "source", pae_source_to_string(entry->source));
		pae_json_member_string(json, "kind", entry->kind);
		pae_json_member_string(json, "event", entry->event);
		pae_json_member_string(json, "detail", entry->detail);
		pae_json_key(json, "facts");
		pae_json_raw(json, entry->facts);
		pae_json_end_object(json);
	}
	pae_json_end_array(json);
}

void
pae_ctl_print_history_text(PaeCtl *ctl, GPtrArray *history)
{
	g_autoptr(PaeTable) table =
		pae_table_new("TIME", "SOURCE", "KIND", "EVENT", "DETAIL", NULL);
	g_autofree gchar *text = NULL;

	for (guint i = 0; i < history->len; i++) {
		PaeHistoryEntry *entry = history->pdata[i];
		g_autofree gchar *at = pae_ctl_format_time(entry->at);
		pae_table_add_row(table,
				  at,
				  pae_source_to_string(entry->source),
				  entry->kind,
				  entry->event,
				  entry->detail);
	}
	text = pae_table_to_string(table);
	g_string_append(ctl->out, text);
}

static void
pae_ctl_print_vm_text(PaeCtl *ctl,
		      const PaeVm *vm,
		      const PaeComplianceRecord *compliance,
		      guint missing,
		      const PaeLifecycle *lifecycle)
{
	g_autofree gchar *first_seen = pae_ctl_format_time(vm->first_seen);
	g_autofree gchar *last_seen = pae_ctl_format_time(vm->last_seen);
	g_autofree gchar *retired = pae_ctl_format_time(vm->retired);
	g_autofree gchar *text = NULL;

	g_string_append_printf(ctl->out,
			       "%s (%s)\n"
			       "  tenant:     %s\n"
			       "  category:   %s\n"
			       "  time zone:  %s (from %s)\n"
			       "  state:      %s%s\n"
			       "  domain id:  %d\n"
			       "  snapshot:   %s\n"
			       "  first seen: %s\n"
			       "  last seen:  %s\n"
			       "  retired:    %s\n",
			       vm->name,
			       vm->uuid,
			       vm->tenant,
			       vm->category,
			       vm->timezone,
			       pae_timezone_source_to_string(vm->timezone_source),
			       pae_vm_state_to_string(vm->state),
			       vm->persistent ? "" : " (transient)",
			       vm->domain_id,
			       vm->current_snapshot != NULL ? vm->current_snapshot : "-",
			       first_seen != NULL ? first_seen : "-",
			       last_seen != NULL ? last_seen : "-",
			       retired != NULL ? retired : "no");
	if (compliance != NULL) {
		g_autofree gchar *report = pae_ctl_format_time(compliance->report);
		g_string_append_printf(ctl->out,
				       "  compliance: %s, %u patch%s missing\n"
				       "  computer:   %s, last report %s\n",
				       pae_compliance_state_to_string(compliance->state),
				       missing,
				       missing == 1 ? "" : "es",
				       compliance->computer_id != NULL ? compliance->computer_id
								       : "-",
				       report != NULL ? report : "-");
		if (compliance->stale_computers != NULL)
			g_string_append_printf(
				ctl->out, "  stale duplicates: %s\n", compliance->stale_computers);
	} else {
		g_string_append(ctl->out, "  compliance: not reconciled yet\n");
	}
	if (lifecycle != NULL)
		pae_ctl_print_lifecycle_text(ctl, lifecycle);
	g_string_append_c(ctl->out, '\n');
}

static void
pae_ctl_write_actions_json(PaeJson *json, GPtrArray *actions, const gchar *vm_uuid)
{
	pae_json_begin_array(json);
	for (guint i = 0; i < actions->len; i++) {
		PaeAction *action = actions->pdata[i];
		PaeActionTarget *target;
		pae_json_begin_object(json);
		pae_json_member_string(json, "key", action->key);
		pae_json_member_string(json, "purpose", action->purpose);
		pae_json_member_string(json, "state", pae_action_state_to_string(action->state));
		pae_json_member_string(json, "action_id", action->action_id);
		pae_json_member_string(json, "summary", action->summary);
		pae_json_member_string(
			json, "time_mode", pae_action_time_mode_to_string(action->time_mode));
		pae_json_member_time(json, "start", action->start);
		pae_json_member_time(json, "end", action->end);
		pae_json_member_string(json, "server_state", action->server_state);
		pae_json_member_string(json, "last_error", action->last_error);
		pae_json_key(json, "patches");
		pae_json_begin_array(json);
		for (guint j = 0; j < action->patches->len; j++) {
			PaePatchRef *ref = action->patches->pdata[j];
			g_autofree gchar *name =
				g_strdup_printf("%s/%s", ref->site, ref->fixlet_id);
			pae_json_string(json, name);
		}
		pae_json_end_array(json);
		target = pae_action_find_vm_target(action, vm_uuid);
		if (target != NULL) {
			pae_json_key(json, "target");
			pae_json_begin_object(json);
			pae_json_member_string(json, "computer_id", target->computer_id);
			pae_json_member_string(
				json, "outcome", pae_outcome_to_string(target->outcome));
			pae_json_member_string(json, "status", target->status);
			pae_json_member_int(json, "exit_code", target->exit_code);
			pae_json_member_time(json, "start", target->start);
			pae_json_member_time(json, "end", target->end);
			pae_json_member_time(json, "checked", target->checked);
			pae_json_end_object(json);
		}
		pae_json_end_object(json);
	}
	pae_json_end_array(json);
}

static void
pae_ctl_print_actions_text(PaeCtl *ctl, GPtrArray *actions, const gchar *vm_uuid)
{
	g_autoptr(PaeTable) table =
		pae_table_new("ACTION", "STATE", "OUTCOME", "STATUS", "SUMMARY", NULL);
	g_autofree gchar *text = NULL;

	if (actions->len == 0)
		return;
	for (guint i = 0; i < actions->len; i++) {
		PaeAction *action = actions->pdata[i];
		PaeActionTarget *target = pae_action_find_vm_target(action, vm_uuid);
		pae_table_add_row(table,
				  action->action_id,
				  pae_action_state_to_string(action->state),
				  target != NULL ? pae_outcome_to_string(target->outcome) : NULL,
				  target != NULL ? target->status : NULL,
				  action->summary);
	}
	text = pae_table_to_string(table);
	g_string_append_printf(ctl->out, "%s\n", text);
}

void
pae_ctl_write_lifecycle_json(PaeJson *json, const PaeLifecycle *lc)
{
	if (lc == NULL) {
		pae_json_null(json);
		return;
	}
	pae_json_begin_object(json);
	pae_json_member_string(json, "state", pae_lifecycle_state_to_string(lc->state));
	pae_json_member_time(json, "since", lc->since);
	pae_json_member_time(json, "deadline", lc->deadline);
	pae_json_member_string(json, "action", lc->action_key);
	pae_json_member_time(json, "ready", lc->ready);
	pae_json_member_string(json, "patch_level", lc->patch_level);
	pae_json_member_time(json, "handover", lc->handover);
	pae_json_member_boolean(json, "handover_pending", lc->handover_pending);
	pae_json_member_string(json, "reason", lc->reason);
	pae_json_end_object(json);
}

void
pae_ctl_print_lifecycle_text(PaeCtl *ctl, const PaeLifecycle *lc)
{
	g_autofree gchar *since = pae_ctl_format_time(lc->since);
	g_autofree gchar *deadline = pae_ctl_format_time(lc->deadline);
	g_autofree gchar *handover = pae_ctl_format_time(lc->handover);

	g_string_append_printf(ctl->out,
			       "  lifecycle:  %s since %s\n",
			       pae_lifecycle_state_to_string(lc->state),
			       since != NULL ? since : "-");
	if (pae_lifecycle_purpose(lc->state) != NULL) {
		g_string_append_printf(ctl->out,
				       "  waiting:    %s by %s\n",
				       lc->action_key != NULL ? lc->action_key : "a fresh report",
				       deadline != NULL ? deadline : "-");
	}
	if (lc->patch_level != NULL)
		g_string_append_printf(ctl->out, "  patch level: %s\n", lc->patch_level);
	if (handover != NULL || lc->handover_pending)
		g_string_append_printf(ctl->out,
				       "  hand-over:  %s\n",
				       lc->handover_pending ? "to be written into the domain"
							    : handover);
}

/**
 * pae_ctl_cmd_vm:
 *
 * `paectl vm UUID|NAME`: one VM's facts and its recent history
 */
gboolean
pae_ctl_cmd_vm(PaeCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(PaeVm) vm = NULL;
	g_autoptr(GPtrArray) history = NULL;
	g_autoptr(GPtrArray) actions = NULL;
	g_autoptr(GPtrArray) missing = NULL;
	g_autoptr(PaeComplianceRecord) compliance = NULL;
	g_autoptr(PaeLifecycle) lifecycle = NULL;

	if (args[0] == NULL) {
		g_set_error_literal(error, PAE_ERROR, PAE_ERROR_BAD_REQUEST, "usage: vm UUID|NAME");
		return FALSE;
	}
	vm = pae_store_find_vm(ctl->store, args[0], error);
	if (vm == NULL)
		return FALSE;
	history = pae_store_list_history_recent(ctl->store, vm->uuid, PAE_CTL_HISTORY_LIMIT, error);
	if (history == NULL)
		return FALSE;
	actions = pae_store_list_actions_for_vm(ctl->store, vm->uuid, 20, error);
	if (actions == NULL)
		return FALSE;
	missing = pae_store_list_missing(ctl->store, vm->uuid, error);
	if (missing == NULL)
		return FALSE;
	compliance = pae_store_get_compliance(ctl->store, vm->uuid, NULL);
	lifecycle = pae_store_get_lifecycle(ctl->store, vm->uuid, NULL);
	if (ctl->json) {
		g_autoptr(PaeJson) json = pae_json_new(TRUE);
		g_autofree gchar *text = NULL;
		pae_json_begin_object(json);
		pae_json_key(json, "vm");
		pae_ctl_write_vm(json,
				 vm,
				 lifecycle != NULL ? pae_lifecycle_state_to_string(lifecycle->state)
						   : NULL);
		pae_json_key(json, "compliance");
		pae_ctl_write_compliance(json, compliance);
		pae_json_key(json, "lifecycle");
		pae_ctl_write_lifecycle_json(json, lifecycle);
		pae_json_key(json, "missing_patches");
		pae_json_begin_array(json);
		for (guint i = 0; i < missing->len; i++) {
			PaeMissingPatch *m = missing->pdata[i];
			pae_json_begin_object(json);
			pae_ctl_write_patch(json, m->info);
			pae_json_member_time(json, "missing_since", m->first_seen);
			pae_json_end_object(json);
		}
		pae_json_end_array(json);
		pae_json_key(json, "actions");
		pae_ctl_write_actions_json(json, actions, vm->uuid);
		pae_json_key(json, "history");
		pae_ctl_write_history_json(json, history);
		pae_json_end_object(json);
		text = pae_json_finish(json);
		g_string_append_printf(ctl->out, "%s\n", text);
	} else {
		pae_ctl_print_vm_text(ctl, vm, compliance, missing->len, lifecycle);
		pae_ctl_print_actions_text(ctl, actions, vm->uuid);
		pae_ctl_print_history_text(ctl, history);
	}
	return TRUE;
}

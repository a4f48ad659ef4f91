/*
 * pae-ctl-plans: paectl plan [UUID|NAME|KEY]
 *
 * The windows to come and what is placed in each. A plan in local time mode
 * has one wall-clock window that each of its VMs reaches at its own instant;
 * its items carry those instants, shown here in the VM's time zone and in
 * UTC. A plan in absolute mode is one instant for every VM.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeCtl"

#include "config.h"

#include "pae-ctl.h"
#include "pae-error.h"
#include "pae-json.h"
#include "pae-store-compliance.h"
#include "pae-store-plans.h"
#include "pae-store-vms.h"
#include "pae-table.h"
#include "pae-vm-json.h"

#define PAE_CTL_PLAN_USAGE                                                                         \
	"usage:\n"                                                                                 \
	"  paectl plan [--all]               the plans to come (--all: ended ones too)\n"          \
	"  paectl plan [--all] UUID|NAME     a VM's planned patches, in its time zone and UTC\n"   \
	"  paectl plan KEY                   one plan and every VM in it"

/* what the items of one listing share: their VMs and the names of their patches */
typedef struct {
	PaeCtl *ctl;
	GHashTable *vms;	 /* uuid -> PaeVm, or NULL for a VM not stored */
	GHashTable *zones;	 /* uuid -> GTimeZone */
	GHashTable *patch_names; /* pae_store_patch_key() -> name */
} PaeCtlPlanContext;

static void
pae_ctl_plan_context_clear(PaeCtlPlanContext *self)
{
	g_clear_pointer(&self->vms, g_hash_table_unref);
	g_clear_pointer(&self->zones, g_hash_table_unref);
	g_clear_pointer(&self->patch_names, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(PaeCtlPlanContext, pae_ctl_plan_context_clear)

static gboolean
pae_ctl_plan_context_init(PaeCtlPlanContext *self, PaeCtl *ctl, GError **error)
{
	self->ctl = ctl;
	self->vms =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)pae_vm_free);
	self->zones = g_hash_table_new_full(
		g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_time_zone_unref);
	self->patch_names = pae_store_list_plan_patch_names(ctl->store, error);
	return self->patch_names != NULL;
}

/* a VM of an item: NULL when the store no longer knows it */
static PaeVm *
pae_ctl_plan_context_get_vm(PaeCtlPlanContext *self, const gchar *uuid)
{
	PaeVm *vm;
	g_autoptr(GError) error = NULL;

	if (g_hash_table_lookup_extended(self->vms, uuid, NULL, (gpointer *)&vm))
		return vm;
	vm = pae_store_get_vm(self->ctl->store, uuid, NULL, &error);
	if (vm == NULL)
		g_debug("no facts of VM %s: %s", uuid, error->message);
	g_hash_table_insert(self->vms, g_strdup(uuid), vm);
	return vm;
}

/* the VM's zone; UTC when the VM or its zone is unknown */
static GTimeZone *
pae_ctl_plan_context_get_zone(PaeCtlPlanContext *self, const gchar *uuid)
{
	GTimeZone *zone = g_hash_table_lookup(self->zones, uuid);
	PaeVm *vm;

	if (zone != NULL)
		return zone;
	vm = pae_ctl_plan_context_get_vm(self, uuid);
	if (vm != NULL && vm->timezone != NULL)
		zone = g_time_zone_new_identifier(vm->timezone);
	if (zone == NULL)
		zone = g_time_zone_new_utc();
	g_hash_table_insert(self->zones, g_strdup(uuid), zone);
	return zone;
}

static const gchar *
pae_ctl_plan_context_get_patch_name(PaeCtlPlanContext *self, const PaePlanItem *item)
{
	g_autofree gchar *key = pae_store_patch_key(item->site, item->fixlet_id);
	return g_hash_table_lookup(self->patch_names, key);
}

/* the policy's words: a window in each VM's local time, or one absolute instant */
static const gchar *
pae_ctl_plan_mode_to_string(PaeActionTimeMode mode)
{
	return mode == PAE_ACTION_TIME_LOCAL ? "local" : "absolute";
}

/* @t in @zone, or NULL for none */
static gchar *
pae_ctl_plan_format(PaeTime t, GTimeZone *zone, const gchar *format)
{
	g_autoptr(GDateTime) utc = NULL;
	g_autoptr(GDateTime) local = NULL;

	if (t == 0)
		return NULL;
	utc = pae_time_to_datetime(t);
	if (utc == NULL)
		return g_strdup("invalid");
	local = g_date_time_to_timezone(utc, zone);
	return g_date_time_format(local, format);
}

static gchar *
pae_ctl_plan_utc_text(PaeTime t)
{
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	return pae_ctl_plan_format(t, utc, "%Y-%m-%d %H:%MZ");
}

/* a plan's window: in local mode a wall-clock time written as if UTC */
static gchar *
pae_ctl_plan_window_text(const PaePlan *plan, PaeTime t)
{
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	return pae_ctl_plan_format(t,
				   utc,
				   plan->time_mode == PAE_ACTION_TIME_LOCAL ? "%Y-%m-%d %H:%M local"
									    : "%Y-%m-%d %H:%MZ");
}

static void
pae_ctl_plan_window_json(PaeJson *json, const gchar *key, const PaePlan *plan, PaeTime t)
{
	g_autoptr(GTimeZone) utc = NULL;
	g_autofree gchar *text = NULL;

	if (plan->time_mode != PAE_ACTION_TIME_LOCAL) {
		pae_json_member_time(json, key, t);
		return;
	}
	utc = g_time_zone_new_utc();
	text = pae_ctl_plan_format(t, utc, "%Y-%m-%dT%H:%M:%S");
	pae_json_member_string(json, key, text);
}

static void
pae_ctl_plan_count(const PaePlan *plan, guint *vms, guint *patches)
{
	g_autoptr(GHashTable) vm_set = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) patch_set =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; i < plan->items->len; i++) {
		PaePlanItem *item = plan->items->pdata[i];
		g_hash_table_add(vm_set, item->vm_uuid);
		g_hash_table_add(patch_set, pae_store_patch_key(item->site, item->fixlet_id));
	}
	*vms = g_hash_table_size(vm_set);
	*patches = g_hash_table_size(patch_set);
}

static void
pae_ctl_plan_write_members(PaeJson *json, const PaePlan *plan)
{
	guint vms;
	guint patches;

	pae_ctl_plan_count(plan, &vms, &patches);
	pae_json_member_string(json, "key", plan->key);
	pae_json_member_string(json, "tenant", plan->tenant);
	pae_json_member_string(json, "category", plan->category);
	pae_json_member_int(json, "stage", plan->stage);
	pae_json_member_string(json, "time_mode", pae_ctl_plan_mode_to_string(plan->time_mode));
	pae_ctl_plan_window_json(json, "window_start", plan, plan->window_start);
	pae_ctl_plan_window_json(json, "window_end", plan, plan->window_end);
	pae_json_member_time(json, "first_start", plan->first_start);
	pae_json_member_string(json, "state", pae_plan_state_to_string(plan->state));
	pae_json_member_string(json, "change_id", plan->change_id);
	pae_json_member_string(json, "change_state", plan->change_state);
	pae_json_member_string(json, "close_code", plan->close_code);
	pae_json_member_int(json, "vm_count", vms);
	pae_json_member_int(json, "patch_count", patches);
	pae_json_member_time(json, "created", plan->created);
	pae_json_member_time(json, "updated", plan->updated);
	pae_json_member_string(json, "last_error", plan->last_error);
}

static void
pae_ctl_plan_write_item(PaeCtlPlanContext *context,
			PaeJson *json,
			const PaePlan *plan,
			const PaePlanItem *item)
{
	PaeVm *vm = pae_ctl_plan_context_get_vm(context, item->vm_uuid);
	GTimeZone *zone = pae_ctl_plan_context_get_zone(context, item->vm_uuid);
	g_autofree gchar *start_local =
		pae_ctl_plan_format(item->start, zone, "%Y-%m-%dT%H:%M:%S%:z");
	g_autofree gchar *end_local = pae_ctl_plan_format(item->end, zone, "%Y-%m-%dT%H:%M:%S%:z");

	pae_json_begin_object(json);
	pae_json_member_string(json, "plan", plan->key);
	pae_json_member_string(json, "plan_state", pae_plan_state_to_string(plan->state));
	pae_json_member_string(json, "time_mode", pae_ctl_plan_mode_to_string(plan->time_mode));
	pae_json_member_string(json, "change_id", plan->change_id);
	pae_json_member_string(json, "vm", item->vm_uuid);
	pae_json_member_string(json, "vm_name", vm != NULL ? vm->name : NULL);
	pae_json_member_string(json, "timezone", vm != NULL ? vm->timezone : NULL);
	pae_json_member_string(json, "site", item->site);
	pae_json_member_string(json, "fixlet_id", item->fixlet_id);
	pae_json_member_string(json, "name", pae_ctl_plan_context_get_patch_name(context, item));
	pae_json_member_time(json, "start", item->start);
	pae_json_member_time(json, "end", item->end);
	pae_json_member_string(json, "start_local", start_local);
	pae_json_member_string(json, "end_local", end_local);
	pae_json_member_boolean(json, "late", item->late);
	pae_json_member_time(json, "deadline", item->deadline);
	pae_json_member_string(json, "action_key", item->action_key);
	pae_json_end_object(json);
}

static void
pae_ctl_plan_print(PaeCtl *ctl, PaeJson *json)
{
	g_autofree gchar *text = pae_json_finish(json);
	g_string_append_printf(ctl->out, "%s\n", text);
}

static gboolean
pae_ctl_plan_list(PaeCtl *ctl, gboolean all, GError **error)
{
	g_autoptr(GPtrArray) plans = pae_store_list_plans(ctl->store, !all, G_MAXUINT, error);
	g_autoptr(PaeTable) table = NULL;
	g_autofree gchar *text = NULL;

	if (plans == NULL)
		return FALSE;
	if (ctl->json) {
		g_autoptr(PaeJson) json = pae_json_new(TRUE);
		pae_json_begin_object(json);
		pae_json_key(json, "plans");
		pae_json_begin_array(json);
		for (guint i = 0; i < plans->len; i++) {
			pae_json_begin_object(json);
			pae_ctl_plan_write_members(json, plans->pdata[i]);
			pae_json_end_object(json);
		}
		pae_json_end_array(json);
		pae_json_end_object(json);
		pae_ctl_plan_print(ctl, json);
		return TRUE;
	}
	if (plans->len == 0) {
		g_string_append(ctl->out, all ? "no plans\n" : "no plans to come\n");
		return TRUE;
	}
	table = pae_table_new("PLAN",
			      "TENANT",
			      "CATEGORY",
			      "STAGE",
			      "MODE",
			      "WINDOW START",
			      "WINDOW END",
			      "STATE",
			      "CHANGE",
			      "VMS",
			      "PATCHES",
			      NULL);
	for (guint i = 0; i < plans->len; i++) {
		PaePlan *plan = plans->pdata[i];
		g_autofree gchar *stage = g_strdup_printf("%u", plan->stage);
		g_autofree gchar *start = pae_ctl_plan_window_text(plan, plan->window_start);
		g_autofree gchar *end = pae_ctl_plan_window_text(plan, plan->window_end);
		g_autofree gchar *vms = NULL;
		g_autofree gchar *patches = NULL;
		guint vm_count;
		guint patch_count;

		pae_ctl_plan_count(plan, &vm_count, &patch_count);
		vms = g_strdup_printf("%u", vm_count);
		patches = g_strdup_printf("%u", patch_count);
		pae_table_add_row(table,
				  plan->key,
				  plan->tenant,
				  plan->category,
				  stage,
				  pae_ctl_plan_mode_to_string(plan->time_mode),
				  start,
				  end,
				  pae_plan_state_to_string(plan->state),
				  plan->change_id,
				  vms,
				  patches);
	}
	text = pae_table_to_string(table);
	g_string_append(ctl->out, text);
	return TRUE;
}

/* one row per item; @vm_uuid: only that VM's items, and no VM columns */
static void
pae_ctl_plan_add_item_rows(PaeCtlPlanContext *context,
			   PaeTable *table,
			   const PaePlan *plan,
			   const gchar *vm_uuid)
{
	for (guint i = 0; i < plan->items->len; i++) {
		PaePlanItem *item = plan->items->pdata[i];
		GTimeZone *zone;
		PaeVm *vm;
		g_autofree gchar *local_start = NULL;
		g_autofree gchar *local_end = NULL;
		g_autofree gchar *utc_start = NULL;
		g_autofree gchar *utc_end = NULL;
		g_autofree gchar *deadline = NULL;
		g_autofree gchar *patch = NULL;

		if (vm_uuid != NULL && g_strcmp0(item->vm_uuid, vm_uuid) != 0)
			continue;
		vm = pae_ctl_plan_context_get_vm(context, item->vm_uuid);
		zone = pae_ctl_plan_context_get_zone(context, item->vm_uuid);
		local_start = pae_ctl_plan_format(item->start, zone, "%Y-%m-%d %H:%M %:z");
		local_end = pae_ctl_plan_format(item->end, zone, "%Y-%m-%d %H:%M %:z");
		utc_start = pae_ctl_plan_utc_text(item->start);
		utc_end = pae_ctl_plan_utc_text(item->end);
		deadline = pae_ctl_plan_utc_text(item->deadline);
		patch = g_strdup_printf("%s/%s", item->site, item->fixlet_id);
		if (vm_uuid != NULL) {
			pae_table_add_row(table,
					  plan->key,
					  pae_plan_state_to_string(plan->state),
					  local_start,
					  local_end,
					  utc_start,
					  utc_end,
					  patch,
					  pae_ctl_plan_context_get_patch_name(context, item),
					  item->late ? "late" : "",
					  deadline,
					  item->action_key);
		} else {
			pae_table_add_row(table,
					  vm != NULL ? vm->name : item->vm_uuid,
					  vm != NULL ? vm->timezone : NULL,
					  local_start,
					  local_end,
					  utc_start,
					  utc_end,
					  patch,
					  pae_ctl_plan_context_get_patch_name(context, item),
					  item->late ? "late" : "",
					  deadline,
					  item->action_key);
		}
	}
}

static gboolean
pae_ctl_plan_of_vm(PaeCtl *ctl, const PaeVm *vm, gboolean all, GError **error)
{
	g_auto(PaeCtlPlanContext) context = {NULL};
	g_autoptr(GPtrArray) plans = NULL;
	g_autoptr(PaeTable) table = NULL;
	g_autofree gchar *text = NULL;

	plans = pae_store_list_plans_for_vm(ctl->store, vm->uuid, !all, error);
	if (plans == NULL)
		return FALSE;
	if (!pae_ctl_plan_context_init(&context, ctl, error))
		return FALSE;
	if (ctl->json) {
		g_autoptr(PaeJson) json = pae_json_new(TRUE);
		pae_json_begin_object(json);
		pae_json_key(json, "vm");
		pae_json_begin_object(json);
		pae_vm_json_write_facts(json, vm);
		pae_json_end_object(json);
		pae_json_key(json, "items");
		pae_json_begin_array(json);
		for (guint i = 0; i < plans->len; i++) {
			PaePlan *plan = plans->pdata[i];
			for (guint j = 0; j < plan->items->len; j++) {
				PaePlanItem *item = plan->items->pdata[j];
				if (g_strcmp0(item->vm_uuid, vm->uuid) == 0)
					pae_ctl_plan_write_item(&context, json, plan, item);
			}
		}
		pae_json_end_array(json);
		pae_json_end_object(json);
		pae_ctl_plan_print(ctl, json);
		return TRUE;
	}
	g_string_append_printf(
		ctl->out, "%s (%s), time zone %s\n", vm->name, vm->uuid, vm->timezone);
	if (plans->len == 0) {
		g_string_append(ctl->out, all ? "no plans\n" : "no plans to come\n");
		return TRUE;
	}
	table = pae_table_new("PLAN",
			      "STATE",
			      "LOCAL START",
			      "LOCAL END",
			      "UTC START",
			      "UTC END",
			      "PATCH",
			      "NAME",
			      "LATE",
			      "DEADLINE",
			      "ACTION",
			      NULL);
	for (guint i = 0; i < plans->len; i++)
		pae_ctl_plan_add_item_rows(&context, table, plans->pdata[i], vm->uuid);
	text = pae_table_to_string(table);
	g_string_append(ctl->out, text);
	return TRUE;
}

static gboolean
pae_ctl_plan_show(PaeCtl *ctl, const PaePlan *plan, GError **error)
{
	g_auto(PaeCtlPlanContext) context = {NULL};
	g_autoptr(PaeTable) table = NULL;
	g_autofree gchar *start = NULL;
	g_autofree gchar *end = NULL;
	g_autofree gchar *text = NULL;

	if (!pae_ctl_plan_context_init(&context, ctl, error))
		return FALSE;
	if (ctl->json) {
		g_autoptr(PaeJson) json = pae_json_new(TRUE);
		pae_json_begin_object(json);
		pae_json_key(json, "plan");
		pae_json_begin_object(json);
		pae_ctl_plan_write_members(json, plan);
		pae_json_key(json, "items");
		pae_json_begin_array(json);
		for (guint i = 0; i < plan->items->len; i++)
			pae_ctl_plan_write_item(&context, json, plan, plan->items->pdata[i]);
		pae_json_end_array(json);
		pae_json_end_object(json);
		pae_json_end_object(json);
		pae_ctl_plan_print(ctl, json);
		return TRUE;
	}
	start = pae_ctl_plan_window_text(plan, plan->window_start);
	end = pae_ctl_plan_window_text(plan, plan->window_end);
	g_string_append_printf(ctl->out,
			       "%s: %s\n"
			       "  tenant:     %s\n"
			       "  category:   %s, stage %u\n"
			       "  window:     %s to %s (%s)\n"
			       "  change:     %s%s%s%s\n",
			       plan->key,
			       pae_plan_state_to_string(plan->state),
			       plan->tenant,
			       plan->category,
			       plan->stage,
			       start != NULL ? start : "-",
			       end != NULL ? end : "-",
			       plan->time_mode == PAE_ACTION_TIME_LOCAL
				       ? "each VM in its own time zone"
				       : "one instant for every VM",
			       plan->change_id != NULL ? plan->change_id : "-",
			       plan->change_state != NULL ? " (" : "",
			       plan->change_state != NULL ? plan->change_state : "",
			       plan->change_state != NULL ? ")" : "");
	if (plan->last_error != NULL)
		g_string_append_printf(ctl->out, "  last error: %s\n", plan->last_error);
	if (plan->items->len == 0)
		return TRUE;
	table = pae_table_new("VM",
			      "TIME ZONE",
			      "LOCAL START",
			      "LOCAL END",
			      "UTC START",
			      "UTC END",
			      "PATCH",
			      "NAME",
			      "LATE",
			      "DEADLINE",
			      "ACTION",
			      NULL);
	pae_ctl_plan_add_item_rows(&context, table, plan, NULL);
	text = pae_table_to_string(table);
	g_string_append(ctl->out, text);
	return TRUE;
}

static gboolean
pae_ctl_plan_usage(GError **error)
{
	g_set_error_literal(error, PAE_ERROR, PAE_ERROR_BAD_REQUEST, PAE_CTL_PLAN_USAGE);
	return FALSE;
}

/**
 * pae_ctl_cmd_plan:
 *
 * `paectl plan [--all] [UUID|NAME|KEY]`: the plans to come; a VM's planned
 * patches in its own time and in UTC; or one plan with every VM in it
 */
gboolean
pae_ctl_cmd_plan(PaeCtl *ctl, gchar **args, GError **error)
{
	const gchar *which = NULL;
	gboolean all = FALSE;
	g_autoptr(GError) vm_error = NULL;
	g_autoptr(GError) plan_error = NULL;
	g_autoptr(PaeVm) vm = NULL;
	g_autoptr(PaePlan) plan = NULL;

	for (guint i = 0; args[i] != NULL; i++) {
		if (g_strcmp0(args[i], "--all") == 0)
			all = TRUE;
		else if (args[i][0] != '-' && which == NULL)
			which = args[i];
		else
			return pae_ctl_plan_usage(error);
	}
	if (which == NULL)
		return pae_ctl_plan_list(ctl, all, error);
	vm = pae_store_find_vm(ctl->store, which, &vm_error);
	if (vm != NULL)
		return pae_ctl_plan_of_vm(ctl, vm, all, error);
	if (!g_error_matches(vm_error, PAE_ERROR, PAE_ERROR_NOT_FOUND)) {
		g_propagate_error(error, g_steal_pointer(&vm_error));
		return FALSE;
	}
	plan = pae_store_get_plan(ctl->store, which, &plan_error);
	if (plan != NULL)
		return pae_ctl_plan_show(ctl, plan, error);
	if (!g_error_matches(plan_error, PAE_ERROR, PAE_ERROR_NOT_FOUND)) {
		g_propagate_error(error, g_steal_pointer(&plan_error));
		return FALSE;
	}
	g_set_error(error, PAE_ERROR, PAE_ERROR_NOT_FOUND, "no VM or plan '%s'", which);
	return FALSE;
}

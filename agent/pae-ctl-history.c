/*
 * pae-ctl-history: paectl history UUID|NAME
 *
 * A VM's lifecycle trail, oldest first: what libvirt or a hook said that
 * moved it through its life (defined, resumed, reverted, moved to another
 * category, migrated, undefined) and each decision the agent took on it
 * (activation, catch-up, re-baseline, ready, hand-over, actions withdrawn,
 * incidents). `--all` shows the whole audit trail instead.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-ctl.h"
#include "pae-error.h"
#include "pae-store-lifecycle.h"
#include "pae-store-vms.h"

#define PAE_CTL_HISTORY_PAGE 500

/* every record of the VM, oldest first, or only its lifecycle trail */
static GPtrArray *
pae_ctl_history_collect(PaeCtl *ctl, const gchar *vm_uuid, gboolean all, GError **error)
{
	g_autoptr(GPtrArray) trail =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_history_entry_free);
	gint64 after = 0;

	for (;;) {
		g_autoptr(GPtrArray) page = pae_store_list_history(
			ctl->store, vm_uuid, after, PAE_CTL_HISTORY_PAGE, error);
		if (page == NULL)
			return NULL;
		for (guint i = 0; i < page->len; i++) {
			PaeHistoryEntry *entry = page->pdata[i];
			after = MAX(after, entry->id);
			if (all || pae_history_entry_is_lifecycle(entry))
				g_ptr_array_add(trail, g_steal_pointer(&page->pdata[i]));
		}
		if (page->len < PAE_CTL_HISTORY_PAGE)
			break;
	}
	return g_steal_pointer(&trail);
}

/**
 * pae_ctl_cmd_history:
 *
 * `paectl history UUID|NAME [--all]`
 */
gboolean
pae_ctl_cmd_history(PaeCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(PaeVm) vm = NULL;
	g_autoptr(PaeLifecycle) lifecycle = NULL;
	g_autoptr(GPtrArray) trail = NULL;
	const gchar *which = NULL;
	gboolean all = FALSE;
	gboolean usage_ok = TRUE;

	for (guint i = 0; args[i] != NULL && usage_ok; i++) {
		if (g_strcmp0(args[i], "--all") == 0)
			all = TRUE;
		else if (which == NULL && args[i][0] != '-')
			which = args[i];
		else
			usage_ok = FALSE;
	}
	if (which == NULL || !usage_ok) {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_BAD_REQUEST,
				    "usage: history UUID|NAME [--all]");
		return FALSE;
	}
	vm = pae_store_find_vm(ctl->store, which, error);
	if (vm == NULL)
		return FALSE;
	trail = pae_ctl_history_collect(ctl, vm->uuid, all, error);
	if (trail == NULL)
		return FALSE;
	lifecycle = pae_store_get_lifecycle(ctl->store, vm->uuid, NULL);
	if (ctl->json) {
		g_autoptr(PaeJson) json = pae_json_new(TRUE);
		g_autofree gchar *text = NULL;
		pae_json_begin_object(json);
		pae_json_member_string(json, "uuid", vm->uuid);
		pae_json_member_string(json, "name", vm->name);
		pae_json_key(json, "lifecycle");
		pae_ctl_write_lifecycle_json(json, lifecycle);
		pae_json_key(json, "history");
		pae_ctl_write_history_json(json, trail);
		pae_json_end_object(json);
		text = pae_json_finish(json);
		g_string_append_printf(ctl->out, "%s\n", text);
		return TRUE;
	}
	g_string_append_printf(ctl->out, "%s (%s)\n", vm->name, vm->uuid);
	if (lifecycle != NULL)
		pae_ctl_print_lifecycle_text(ctl, lifecycle);
	else
		g_string_append(ctl->out, "  lifecycle:  not tracked yet\n");
	g_string_append_c(ctl->out, '\n');
	pae_ctl_print_history_text(ctl, trail);
	return TRUE;
}

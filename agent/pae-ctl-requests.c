/*
 * pae-ctl-requests: paectl reconcile, paectl baseline UUID
 *
 * These write a request the agent handles within seconds; with --wait,
 * paectl waits (at most a minute) and prints the agent's answer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-ctl.h"
#include "pae-error.h"
#include "pae-json.h"
#include "pae-store-requests.h"
#include "pae-store-vms.h"

#define PAE_CTL_WAIT_MS 60000

static gboolean
pae_ctl_has_flag(gchar **args, const gchar *flag)
{
	for (guint i = 0; args[i] != NULL; i++) {
		if (g_strcmp0(args[i], flag) == 0)
			return TRUE;
	}
	return FALSE;
}

static PaeRequest *
pae_ctl_find_request(PaeCtl *ctl, gint64 id, GError **error)
{
	g_autoptr(GPtrArray) requests = pae_store_list_requests(ctl->store, FALSE, 200, error);

	if (requests == NULL)
		return NULL;
	for (guint i = 0; i < requests->len; i++) {
		PaeRequest *request = requests->pdata[i];
		if (request->id == id)
			return g_ptr_array_steal_index(requests, i);
	}
	g_set_error(error,
		    PAE_ERROR,
		    PAE_ERROR_NOT_FOUND,
		    "request #%" G_GINT64_FORMAT " vanished",
		    id);
	return NULL;
}

static gboolean
pae_ctl_print_request(PaeCtl *ctl, gint64 id, gboolean wait, GError **error)
{
	g_autoptr(PaeRequest) request = NULL;
	gint64 deadline = g_get_monotonic_time() + PAE_CTL_WAIT_MS * 1000;

	for (;;) {
		g_clear_pointer(&request, pae_request_free);
		request = pae_ctl_find_request(ctl, id, error);
		if (request == NULL)
			return FALSE;
		if (!wait || request->handled != 0 || g_get_monotonic_time() > deadline)
			break;
		g_usleep(100 * 1000);
	}
	if (ctl->json) {
		g_autoptr(PaeJson) json = pae_json_new(TRUE);
		g_autofree gchar *text = NULL;
		pae_json_begin_object(json);
		pae_json_key(json, "request");
		pae_json_begin_object(json);
		pae_json_member_int(json, "id", request->id);
		pae_json_member_string(json, "kind", request->kind);
		pae_json_member_string(json, "vm", request->vm_uuid);
		pae_json_member_time(json, "requested", request->requested);
		pae_json_member_time(json, "handled", request->handled);
		pae_json_member_string(json, "result", request->result);
		pae_json_end_object(json);
		pae_json_end_object(json);
		text = pae_json_finish(json);
		g_string_append_printf(ctl->out, "%s\n", text);
	} else if (request->handled != 0) {
		g_string_append_printf(ctl->out,
				       "request #%" G_GINT64_FORMAT ": %s\n",
				       request->id,
				       request->result);
	} else {
		g_string_append_printf(ctl->out,
				       "request #%" G_GINT64_FORMAT " waits for pae-agent\n",
				       request->id);
	}
	return TRUE;
}

static gboolean
pae_ctl_request(PaeCtl *ctl, const gchar *kind, const gchar *vm_uuid, gchar **args, GError **error)
{
	gint64 id = pae_store_add_request(
		ctl->store, kind, vm_uuid, NULL, g_get_user_name(), g_get_real_time(), error);
	if (id == 0)
		return FALSE;
	return pae_ctl_print_request(ctl, id, pae_ctl_has_flag(args, "--wait"), error);
}

/**
 * pae_ctl_cmd_reconcile:
 *
 * `paectl reconcile [--wait]`: compare every VM with the patch server now
 */
gboolean
pae_ctl_cmd_reconcile(PaeCtl *ctl, gchar **args, GError **error)
{
	return pae_ctl_request(ctl, "reconcile", NULL, args, error);
}

/**
 * pae_ctl_cmd_check:
 *
 * `paectl check [--wait]`: poll the results of open actions now
 */
gboolean
pae_ctl_cmd_check(PaeCtl *ctl, gchar **args, GError **error)
{
	return pae_ctl_request(ctl, "check", NULL, args, error);
}

/**
 * pae_ctl_cmd_baseline:
 *
 * `paectl baseline UUID|NAME [--wait]`: apply everything the VM misses, now
 */
gboolean
pae_ctl_cmd_baseline(PaeCtl *ctl, gchar **args, GError **error)
{
	g_autoptr(PaeVm) vm = NULL;

	if (args[0] == NULL || args[0][0] == '-') {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_BAD_REQUEST,
				    "usage: baseline UUID|NAME [--wait]");
		return FALSE;
	}
	vm = pae_store_find_vm(ctl->store, args[0], error);
	if (vm == NULL)
		return FALSE;
	return pae_ctl_request(ctl, "baseline", vm->uuid, args + 1, error);
}

/*
 * pae-action: a patch-server action as the agent tracks it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-action.h"

static const gchar *const pae_action_state_names[] = {
	[PAE_ACTION_STATE_INTENDED] = "intended",
	[PAE_ACTION_STATE_OPEN] = "open",
	[PAE_ACTION_STATE_STOPPING] = "stopping",
	[PAE_ACTION_STATE_CLOSED] = "closed",
	[PAE_ACTION_STATE_CANCELLED] = "cancelled",
	[PAE_ACTION_STATE_ABANDONED] = "abandoned",
};

PaeAction *
pae_action_new(const gchar *key, const gchar *purpose)
{
	PaeAction *action = g_new0(PaeAction, 1);
	action->key = g_strdup(key);
	action->purpose = g_strdup(purpose);
	action->patches = g_ptr_array_new_with_free_func((GDestroyNotify)pae_patch_ref_free);
	action->targets = g_ptr_array_new_with_free_func((GDestroyNotify)pae_action_target_free);
	action->time_mode = PAE_ACTION_TIME_UTC;
	return action;
}

void
pae_action_free(PaeAction *action)
{
	if (action == NULL)
		return;
	g_free(action->key);
	g_free(action->purpose);
	g_free(action->action_id);
	g_free(action->summary);
	g_free(action->server_state);
	g_free(action->last_error);
	g_free(action->plan_key);
	g_ptr_array_unref(action->patches);
	g_ptr_array_unref(action->targets);
	g_free(action);
}

PaeActionTarget *
pae_action_target_new(const gchar *vm_uuid, const gchar *computer_id)
{
	PaeActionTarget *target = g_new0(PaeActionTarget, 1);
	target->vm_uuid = g_strdup(vm_uuid);
	target->computer_id = g_strdup(computer_id);
	target->outcome = PAE_OUTCOME_PENDING;
	target->exit_code = -1;
	return target;
}

void
pae_action_target_free(PaeActionTarget *target)
{
	if (target == NULL)
		return;
	g_free(target->vm_uuid);
	g_free(target->computer_id);
	g_free(target->status);
	g_free(target);
}

PaeActionTarget *
pae_action_find_target(PaeAction *action, const gchar *computer_id)
{
	for (guint i = 0; i < action->targets->len; i++) {
		PaeActionTarget *target = action->targets->pdata[i];
		if (g_strcmp0(target->computer_id, computer_id) == 0)
			return target;
	}
	return NULL;
}

/* the action's target for one VM, or NULL when it does not concern it */
PaeActionTarget *
pae_action_find_vm_target(PaeAction *action, const gchar *vm_uuid)
{
	for (guint i = 0; i < action->targets->len; i++) {
		PaeActionTarget *target = action->targets->pdata[i];
		if (g_strcmp0(target->vm_uuid, vm_uuid) == 0)
			return target;
	}
	return NULL;
}

gboolean
pae_action_all_targets_final(PaeAction *action)
{
	for (guint i = 0; i < action->targets->len; i++) {
		PaeActionTarget *target = action->targets->pdata[i];
		if (!pae_outcome_is_final(target->outcome))
			return FALSE;
	}
	return TRUE;
}

/**
 * pae_action_to_request:
 *
 * Returns: (transfer full): what to ask the patch server for
 */
PaeActionRequest *
pae_action_to_request(PaeAction *action)
{
	PaeActionRequest *request = pae_action_request_new();

	request->idempotency_key = g_strdup(action->key);
	request->summary = g_strdup(action->summary);
	request->time_mode = action->time_mode;
	request->start = action->start;
	request->end = action->end;
	request->time_range_start = action->range_start;
	request->time_range_end = action->range_end;
	request->restart_after = action->restart;
	for (guint i = 0; i < action->patches->len; i++) {
		PaePatchRef *ref = action->patches->pdata[i];
		g_ptr_array_add(request->patches, pae_patch_ref_new(ref->site, ref->fixlet_id));
	}
	for (guint i = 0; i < action->targets->len; i++) {
		PaeActionTarget *target = action->targets->pdata[i];
		g_ptr_array_add(request->computer_ids, g_strdup(target->computer_id));
	}
	return request;
}

const gchar *
pae_action_state_to_string(PaeActionState state)
{
	if ((guint)state >= G_N_ELEMENTS(pae_action_state_names))
		return "intended";
	return pae_action_state_names[state];
}

PaeActionState
pae_action_state_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_action_state_names); i++) {
		if (g_strcmp0(pae_action_state_names[i], text) == 0)
			return (PaeActionState)i;
	}
	return PAE_ACTION_STATE_INTENDED;
}

const gchar *
pae_action_time_mode_to_string(PaeActionTimeMode mode)
{
	return mode == PAE_ACTION_TIME_LOCAL ? "local" : "utc";
}

PaeActionTimeMode
pae_action_time_mode_from_string(const gchar *text)
{
	return g_strcmp0(text, "local") == 0 ? PAE_ACTION_TIME_LOCAL : PAE_ACTION_TIME_UTC;
}

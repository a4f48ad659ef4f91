/*
 * pae-plan: a batch of patches placed in one window
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-plan.h"

static const gchar *const pae_plan_state_names[] = {
	[PAE_PLAN_STATE_PLANNED] = "planned",
	[PAE_PLAN_STATE_CHANGE_OPEN] = "change-open",
	[PAE_PLAN_STATE_SCHEDULED] = "scheduled",
	[PAE_PLAN_STATE_CLOSED] = "closed",
	[PAE_PLAN_STATE_REJECTED] = "rejected",
	[PAE_PLAN_STATE_MISSED] = "missed",
	[PAE_PLAN_STATE_CANCELLED] = "cancelled",
};

PaePlan *
pae_plan_new(const gchar *key)
{
	PaePlan *plan = g_new0(PaePlan, 1);
	plan->key = g_strdup(key);
	plan->items = g_ptr_array_new_with_free_func((GDestroyNotify)pae_plan_item_free);
	return plan;
}

void
pae_plan_free(PaePlan *plan)
{
	if (plan == NULL)
		return;
	g_free(plan->key);
	g_free(plan->tenant);
	g_free(plan->category);
	g_free(plan->change_id);
	g_free(plan->change_state);
	g_free(plan->close_code);
	g_free(plan->last_error);
	g_ptr_array_unref(plan->items);
	g_free(plan);
}

PaePlanItem *
pae_plan_item_new(const gchar *vm_uuid, const gchar *site, const gchar *fixlet_id)
{
	PaePlanItem *item = g_new0(PaePlanItem, 1);
	item->vm_uuid = g_strdup(vm_uuid);
	item->site = g_strdup(site);
	item->fixlet_id = g_strdup(fixlet_id);
	return item;
}

void
pae_plan_item_free(PaePlanItem *item)
{
	if (item == NULL)
		return;
	g_free(item->vm_uuid);
	g_free(item->site);
	g_free(item->fixlet_id);
	g_free(item->action_key);
	g_free(item);
}

/**
 * pae_plan_state_is_active:
 *
 * Returns: %TRUE while the plan still stands for its items
 */
gboolean
pae_plan_state_is_active(PaePlanState state)
{
	return state == PAE_PLAN_STATE_PLANNED || state == PAE_PLAN_STATE_CHANGE_OPEN ||
	       state == PAE_PLAN_STATE_SCHEDULED;
}

const gchar *
pae_plan_state_to_string(PaePlanState state)
{
	if ((guint)state >= G_N_ELEMENTS(pae_plan_state_names))
		return "planned";
	return pae_plan_state_names[state];
}

PaePlanState
pae_plan_state_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_plan_state_names); i++) {
		if (g_strcmp0(pae_plan_state_names[i], text) == 0)
			return (PaePlanState)i;
	}
	return PAE_PLAN_STATE_PLANNED;
}

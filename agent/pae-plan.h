/*
 * pae-plan: a batch of patches placed in one window
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-patch-server.h"

G_BEGIN_DECLS

typedef enum {
	PAE_PLAN_STATE_PLANNED,	    /* decided; the change record is to be opened */
	PAE_PLAN_STATE_CHANGE_OPEN, /* the change waits for its approval */
	PAE_PLAN_STATE_SCHEDULED,   /* approved: its actions are on the patch server */
	PAE_PLAN_STATE_CLOSED,	    /* its actions ended; the change is closed with evidence */
	PAE_PLAN_STATE_REJECTED,    /* the change was rejected */
	PAE_PLAN_STATE_MISSED,	    /* the window began before the change was approved */
	PAE_PLAN_STATE_CANCELLED,   /* withdrawn, e.g. its VMs moved category or left */
	PAE_PLAN_STATE_LAST
} PaePlanState;

typedef struct {
	gchar *vm_uuid;
	gchar *site;
	gchar *fixlet_id;
	PaeTime start; /* the VM's own window, as instants */
	PaeTime end;
	PaeTime deadline;
	gboolean late;
	gchar *action_key; /* once its action is intended */
} PaePlanItem;

typedef struct {
	gchar *key; /* also the change's correlation id */
	gchar *tenant;
	gchar *category;
	guint stage;
	PaeActionTimeMode time_mode;
	/* local mode: wall-clock times as if UTC; absolute mode: instants */
	PaeTime window_start;
	PaeTime window_end;
	gint range_start;
	gint range_end;
	PaeTime first_start; /* the earliest item start: the change must be approved by then */
	PaePlanState state;
	gchar *change_id;
	gchar *change_state;
	gchar *close_code;
	PaeTime created;
	PaeTime updated;
	gint attempts;
	PaeTime next_attempt;
	gchar *last_error;
	GPtrArray *items; /* PaePlanItem */
} PaePlan;

PaePlan *
pae_plan_new(const gchar *key);
void
pae_plan_free(PaePlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaePlan, pae_plan_free)
PaePlanItem *
pae_plan_item_new(const gchar *vm_uuid, const gchar *site, const gchar *fixlet_id);
void
pae_plan_item_free(PaePlanItem *item);
gboolean
pae_plan_state_is_active(PaePlanState state);
const gchar *
pae_plan_state_to_string(PaePlanState state);
PaePlanState
pae_plan_state_from_string(const gchar *text);

G_END_DECLS

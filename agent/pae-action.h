/*
 * pae-action: a patch-server action as the agent tracks it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-outcome.h"
#include "pae-patch-server.h"

G_BEGIN_DECLS

typedef enum {
	PAE_ACTION_STATE_INTENDED,  /* decided and stored; not yet on the server */
	PAE_ACTION_STATE_OPEN,	    /* on the server, results coming in */
	PAE_ACTION_STATE_STOPPING,  /* to be stopped on the server */
	PAE_ACTION_STATE_CLOSED,    /* every target has a final outcome, or it ended */
	PAE_ACTION_STATE_CANCELLED, /* stopped before it finished */
	PAE_ACTION_STATE_ABANDONED, /* the server refused to create it */
	PAE_ACTION_STATE_LAST
} PaeActionState;

typedef struct {
	gchar *vm_uuid;
	gchar *computer_id;
	PaeOutcome outcome;
	gchar *status;
	gint exit_code;
	gint apply_count;
	PaeTime start;
	PaeTime end;
	PaeTime checked;
} PaeActionTarget;

typedef struct {
	gchar *key;
	gchar *purpose;
	PaeActionState state;
	gchar *action_id;
	gchar *summary;
	PaeActionTimeMode time_mode;
	PaeTime start;
	PaeTime end;
	gint range_start;
	gint range_end;
	gboolean restart;
	gchar *server_state;
	PaeTime created;
	PaeTime updated;
	gint attempts;
	PaeTime next_attempt;
	gchar *last_error;
	gchar *plan_key;    /* nullable: the plan it carries out */
	GPtrArray *patches; /* PaePatchRef */
	GPtrArray *targets; /* PaeActionTarget */
} PaeAction;

PaeAction *
pae_action_new(const gchar *key, const gchar *purpose);
void
pae_action_free(PaeAction *action);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeAction, pae_action_free)
PaeActionTarget *
pae_action_target_new(const gchar *vm_uuid, const gchar *computer_id);
void
pae_action_target_free(PaeActionTarget *target);
PaeActionTarget *
pae_action_find_target(PaeAction *action, const gchar *computer_id);
PaeActionTarget *
pae_action_find_vm_target(PaeAction *action, const gchar *vm_uuid);
gboolean
pae_action_all_targets_final(PaeAction *action);
PaeActionRequest *
pae_action_to_request(PaeAction *action);

const gchar *
pae_action_state_to_string(PaeActionState state);
PaeActionState
pae_action_state_from_string(const gchar *text);
const gchar *
pae_action_time_mode_to_string(PaeActionTimeMode mode);
PaeActionTimeMode
pae_action_time_mode_from_string(const gchar *text);

G_END_DECLS

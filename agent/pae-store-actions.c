/*
 * pae-store-actions: patch-server actions, their patches and targets
 *
 * An action row is written, with its patches and targets, in the same
 * transaction as the decision that made it, before anything is sent to the
 * patch server: the row is the intent, and its key goes into the action's
 * title so that the created object can be found again after a crash.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeStore"

#include "config.h"

#include "pae-store-actions.h"

#include "pae-error.h"

#define PAE_STORE_ACTION_COLUMNS                                                                   \
	"key, purpose, state, action_id, summary, time_mode, start_us, end_us, range_start, "      \
	"range_end, restart, server_state, created_us, updated_us, attempts, next_attempt_us, "    \
	"last_error, plan_key"

static gboolean
pae_store_add_action_children(PaeStore *self, PaeAction *action, GError **error)
{
	g_autoptr(sqlite3_stmt) patch = NULL;
	g_autoptr(sqlite3_stmt) target = NULL;

	patch = pae_store_prepare(
		self,
		"INSERT INTO action_patches (key, site, fixlet_id) VALUES (?1, ?2, ?3)",
		error);
	if (patch == NULL)
		return FALSE;
	for (guint i = 0; i < action->patches->len; i++) {
		PaePatchRef *ref = action->patches->pdata[i];
		pae_store_bind_text(patch, 1, action->key);
		pae_store_bind_text(patch, 2, ref->site);
		pae_store_bind_text(patch, 3, ref->fixlet_id);
		if (!pae_store_step_done(self, patch, error))
			return FALSE;
	}
	target =
		pae_store_prepare(self,
				  "INSERT INTO action_targets (key, vm_uuid, computer_id, outcome) "
				  "VALUES (?1, ?2, ?3, ?4)",
				  error);
	if (target == NULL)
		return FALSE;
	for (guint i = 0; i < action->targets->len; i++) {
		PaeActionTarget *t = action->targets->pdata[i];
		pae_store_bind_text(target, 1, action->key);
		pae_store_bind_text(target, 2, t->vm_uuid);
		pae_store_bind_text(target, 3, t->computer_id);
		pae_store_bind_text(target, 4, pae_outcome_to_string(t->outcome));
		if (!pae_store_step_done(self, target, error))
			return FALSE;
	}
	return TRUE;
}

static void
pae_store_bind_action(sqlite3_stmt *stmt, PaeAction *action)
{
	pae_store_bind_text(stmt, 1, action->key);
	pae_store_bind_text(stmt, 2, action->purpose);
	pae_store_bind_text(stmt, 3, pae_action_state_to_string(action->state));
	pae_store_bind_text(stmt, 4, action->action_id);
	pae_store_bind_text(stmt, 5, action->summary != NULL ? action->summary : "");
	pae_store_bind_text(stmt, 6, pae_action_time_mode_to_string(action->time_mode));
	sqlite3_bind_int64(stmt, 7, action->start);
	sqlite3_bind_int64(stmt, 8, action->end);
	sqlite3_bind_int(stmt, 9, action->range_start);
	sqlite3_bind_int(stmt, 10, action->range_end);
	sqlite3_bind_int(stmt, 11, action->restart ? 1 : 0);
	pae_store_bind_text(stmt, 12, action->server_state);
	sqlite3_bind_int64(stmt, 13, action->created);
	sqlite3_bind_int64(stmt, 14, action->updated);
	sqlite3_bind_int(stmt, 15, action->attempts);
	sqlite3_bind_int64(stmt, 16, action->next_attempt);
	pae_store_bind_text(stmt, 17, action->last_error);
	pae_store_bind_text(stmt, 18, action->plan_key);
}

/**
 * pae_store_add_action:
 *
 * Stores a new action with its patches and targets; call inside the
 * transaction that decided it.
 */
gboolean
pae_store_add_action(PaeStore *self, PaeAction *action, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"INSERT INTO actions (" PAE_STORE_ACTION_COLUMNS ") VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
		"?16, ?17, ?18)",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_action(stmt, action);
	if (!pae_store_step_done(self, stmt, error))
		return FALSE;
	return pae_store_add_action_children(self, action, error);
}

gboolean
pae_store_update_action(PaeStore *self, PaeAction *action, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"UPDATE actions SET purpose = ?2, state = ?3, action_id = ?4, "
		"summary = ?5, time_mode = ?6, start_us = ?7, end_us = ?8, "
		"range_start = ?9, range_end = ?10, restart = ?11, server_state = ?12, "
		"created_us = ?13, updated_us = ?14, attempts = ?15, "
		"next_attempt_us = ?16, last_error = ?17, plan_key = ?18 WHERE key = ?1",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_action(stmt, action);
	if (!pae_store_step_done(self, stmt, error))
		return FALSE;
	if (pae_store_changes(self) == 0) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_NOT_FOUND, "no action %s", action->key);
		return FALSE;
	}
	return TRUE;
}

gboolean
pae_store_update_target(PaeStore *self, const gchar *key, PaeActionTarget *target, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"UPDATE action_targets SET outcome = ?3, status = ?4, exit_code = ?5, "
		"apply_count = ?6, start_us = ?7, end_us = ?8, checked_us = ?9, "
		"computer_id = ?10 WHERE key = ?1 AND vm_uuid = ?2",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, key);
	pae_store_bind_text(stmt, 2, target->vm_uuid);
	pae_store_bind_text(stmt, 3, pae_outcome_to_string(target->outcome));
	pae_store_bind_text(stmt, 4, target->status);
	sqlite3_bind_int(stmt, 5, target->exit_code);
	sqlite3_bind_int(stmt, 6, target->apply_count);
	sqlite3_bind_int64(stmt, 7, target->start);
	sqlite3_bind_int64(stmt, 8, target->end);
	sqlite3_bind_int64(stmt, 9, target->checked);
	pae_store_bind_text(stmt, 10, target->computer_id);
	return pae_store_step_done(self, stmt, error);
}

static PaeAction *
pae_store_action_from_row(sqlite3_stmt *stmt)
{
	PaeAction *action =
		pae_action_new(pae_store_column_text(stmt, 0), pae_store_column_text(stmt, 1));
	action->state = pae_action_state_from_string(pae_store_column_text(stmt, 2));
	action->action_id = g_strdup(pae_store_column_text(stmt, 3));
	action->summary = g_strdup(pae_store_column_text(stmt, 4));
	action->time_mode = pae_action_time_mode_from_string(pae_store_column_text(stmt, 5));
	action->start = sqlite3_column_int64(stmt, 6);
	action->end = sqlite3_column_int64(stmt, 7);
	action->range_start = sqlite3_column_int(stmt, 8);
	action->range_end = sqlite3_column_int(stmt, 9);
	action->restart = sqlite3_column_int(stmt, 10) != 0;
	action->server_state = g_strdup(pae_store_column_text(stmt, 11));
	action->created = sqlite3_column_int64(stmt, 12);
	action->updated = sqlite3_column_int64(stmt, 13);
	action->attempts = sqlite3_column_int(stmt, 14);
	action->next_attempt = sqlite3_column_int64(stmt, 15);
	action->last_error = g_strdup(pae_store_column_text(stmt, 16));
	action->plan_key = g_strdup(pae_store_column_text(stmt, 17));
	return action;
}

static gboolean
pae_store_load_action_children(PaeStore *self, PaeAction *action, GError **error)
{
	g_autoptr(sqlite3_stmt) patches = NULL;
	g_autoptr(sqlite3_stmt) targets = NULL;
	gint rc;

	patches = pae_store_prepare(self,
				    "SELECT site, fixlet_id FROM action_patches WHERE key = ?1 "
				    "ORDER BY site, fixlet_id",
				    error);
	if (patches == NULL)
		return FALSE;
	pae_store_bind_text(patches, 1, action->key);
	while ((rc = pae_store_step_row(self, patches, error)) == 1)
		g_ptr_array_add(action->patches,
				pae_patch_ref_new(pae_store_column_text(patches, 0),
						  pae_store_column_text(patches, 1)));
	if (rc < 0)
		return FALSE;
	targets = pae_store_prepare(self,
				    "SELECT vm_uuid, computer_id, outcome, status, exit_code, "
				    "apply_count, start_us, end_us, checked_us FROM action_targets "
				    "WHERE key = ?1 ORDER BY vm_uuid",
				    error);
	if (targets == NULL)
		return FALSE;
	pae_store_bind_text(targets, 1, action->key);
	while ((rc = pae_store_step_row(self, targets, error)) == 1) {
		PaeActionTarget *t = pae_action_target_new(pae_store_column_text(targets, 0),
							   pae_store_column_text(targets, 1));
		t->outcome = pae_outcome_from_string(pae_store_column_text(targets, 2));
		t->status = g_strdup(pae_store_column_text(targets, 3));
		t->exit_code = sqlite3_column_type(targets, 4) == SQLITE_NULL
				       ? -1
				       : sqlite3_column_int(targets, 4);
		t->apply_count = sqlite3_column_int(targets, 5);
		t->start = sqlite3_column_int64(targets, 6);
		t->end = sqlite3_column_int64(targets, 7);
		t->checked = sqlite3_column_int64(targets, 8);
		g_ptr_array_add(action->targets, t);
	}
	return rc == 0;
}

static GPtrArray *
pae_store_collect_actions(PaeStore *self, sqlite3_stmt *stmt, GError **error)
{
	g_autoptr(GPtrArray) actions =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_action_free);
	gint rc;

	while ((rc = pae_store_step_row(self, stmt, error)) == 1)
		g_ptr_array_add(actions, pae_store_action_from_row(stmt));
	if (rc < 0)
		return NULL;
	sqlite3_reset(stmt);
	for (guint i = 0; i < actions->len; i++) {
		if (!pae_store_load_action_children(self, actions->pdata[i], error))
			return NULL;
	}
	return g_steal_pointer(&actions);
}

PaeAction *
pae_store_get_action(PaeStore *self, const gchar *key, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GPtrArray) actions = NULL;

	stmt = pae_store_prepare(
		self, "SELECT " PAE_STORE_ACTION_COLUMNS " FROM actions WHERE key = ?1", error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, key);
	actions = pae_store_collect_actions(self, stmt, error);
	if (actions == NULL)
		return NULL;
	if (actions->len == 0) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_NOT_FOUND, "no action %s", key);
		return NULL;
	}
	return g_ptr_array_steal_index(actions, 0);
}

/**
 * pae_store_list_actions:
 *
 * Returns: (transfer container) (element-type PaeAction): actions in @state,
 * oldest first, with their patches and targets
 */
GPtrArray *
pae_store_list_actions(PaeStore *self, PaeActionState state, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "SELECT " PAE_STORE_ACTION_COLUMNS
				 " FROM actions WHERE state = ?1 "
				 "ORDER BY created_us, key",
				 error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, pae_action_state_to_string(state));
	return pae_store_collect_actions(self, stmt, error);
}

GPtrArray *
pae_store_list_actions_for_vm(PaeStore *self, const gchar *vm_uuid, guint limit, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "SELECT " PAE_STORE_ACTION_COLUMNS " FROM actions WHERE key IN "
				 "(SELECT key FROM action_targets WHERE vm_uuid = ?1) "
				 "ORDER BY created_us DESC, key LIMIT ?2",
				 error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, vm_uuid);
	sqlite3_bind_int64(stmt, 2, limit);
	return pae_store_collect_actions(self, stmt, error);
}

/**
 * pae_store_list_actions_for_plan:
 *
 * Returns: (transfer container) (element-type PaeAction): the plan's actions,
 * oldest first
 */
GPtrArray *
pae_store_list_actions_for_plan(PaeStore *self, const gchar *plan_key, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "SELECT " PAE_STORE_ACTION_COLUMNS
				 " FROM actions WHERE plan_key = ?1 "
				 "ORDER BY created_us, key",
				 error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, plan_key);
	return pae_store_collect_actions(self, stmt, error);
}

gint64
pae_store_count_actions(PaeStore *self, PaeActionState state, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self, "SELECT COUNT(*) FROM actions WHERE state = ?1", error);
	if (stmt == NULL)
		return -1;
	pae_store_bind_text(stmt, 1, pae_action_state_to_string(state));
	if (pae_store_step_row(self, stmt, error) != 1)
		return -1;
	return sqlite3_column_int64(stmt, 0);
}

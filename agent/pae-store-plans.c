/*
 * pae-store-plans: plans, exceptions and incidents in the database
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeStore"

#include "config.h"

#include "pae-store-plans.h"

#include "pae-action.h"
#include "pae-error.h"
#include "pae-store-compliance.h"

#define PAE_STORE_PLAN_COLUMNS                                                                     \
	"key, tenant, category, stage, time_mode, window_start_us, window_end_us, range_start, "   \
	"range_end, first_start_us, state, change_id, change_state, close_code, created_us, "      \
	"updated_us, attempts, next_attempt_us, last_error"

static void
pae_store_bind_plan(sqlite3_stmt *stmt, PaePlan *plan)
{
	pae_store_bind_text(stmt, 1, plan->key);
	pae_store_bind_text(stmt, 2, plan->tenant);
	pae_store_bind_text(stmt, 3, plan->category);
	sqlite3_bind_int(stmt, 4, (gint)plan->stage);
	pae_store_bind_text(stmt, 5, pae_action_time_mode_to_string(plan->time_mode));
	sqlite3_bind_int64(stmt, 6, plan->window_start);
	sqlite3_bind_int64(stmt, 7, plan->window_end);
	sqlite3_bind_int(stmt, 8, plan->range_start);
	sqlite3_bind_int(stmt, 9, plan->range_end);
	sqlite3_bind_int64(stmt, 10, plan->first_start);
	pae_store_bind_text(stmt, 11, pae_plan_state_to_string(plan->state));
	pae_store_bind_text(stmt, 12, plan->change_id);
	pae_store_bind_text(stmt, 13, plan->change_state);
	pae_store_bind_text(stmt, 14, plan->close_code);
	sqlite3_bind_int64(stmt, 15, plan->created);
	sqlite3_bind_int64(stmt, 16, plan->updated);
	sqlite3_bind_int(stmt, 17, plan->attempts);
	sqlite3_bind_int64(stmt, 18, plan->next_attempt);
	pae_store_bind_text(stmt, 19, plan->last_error);
}

gboolean
pae_store_add_plan(PaeStore *self, PaePlan *plan, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"INSERT INTO plans (" PAE_STORE_PLAN_COLUMNS ") VALUES (?1, ?2, ?3, "
		"?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_plan(stmt, plan);
	if (!pae_store_step_done(self, stmt, error))
		return FALSE;
	for (guint i = 0; i < plan->items->len; i++) {
		if (!pae_store_add_plan_item(self, plan->key, plan->items->pdata[i], error))
			return FALSE;
	}
	return TRUE;
}

gboolean
pae_store_add_plan_item(PaeStore *self, const gchar *plan_key, PaePlanItem *item, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"INSERT INTO plan_items (plan_key, vm_uuid, site, fixlet_id, start_us, "
		"end_us, deadline_us, late, action_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		"?7, ?8, ?9)",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, plan_key);
	pae_store_bind_text(stmt, 2, item->vm_uuid);
	pae_store_bind_text(stmt, 3, item->site);
	pae_store_bind_text(stmt, 4, item->fixlet_id);
	sqlite3_bind_int64(stmt, 5, item->start);
	sqlite3_bind_int64(stmt, 6, item->end);
	sqlite3_bind_int64(stmt, 7, item->deadline);
	sqlite3_bind_int(stmt, 8, item->late ? 1 : 0);
	pae_store_bind_text(stmt, 9, item->action_key);
	return pae_store_step_done(self, stmt, error);
}

gboolean
pae_store_update_plan(PaeStore *self, PaePlan *plan, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"UPDATE plans SET tenant = ?2, category = ?3, stage = ?4, "
		"time_mode = ?5, window_start_us = ?6, window_end_us = ?7, "
		"range_start = ?8, range_end = ?9, first_start_us = ?10, state = ?11, "
		"change_id = ?12, change_state = ?13, close_code = ?14, created_us = ?15, "
		"updated_us = ?16, attempts = ?17, next_attempt_us = ?18, "
		"last_error = ?19 WHERE key = ?1",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_plan(stmt, plan);
	if (!pae_store_step_done(self, stmt, error))
		return FALSE;
	if (pae_store_changes(self) == 0) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_NOT_FOUND, "no plan %s", plan->key);
		return FALSE;
	}
	return TRUE;
}

gboolean
pae_store_set_plan_item_action(PaeStore *self,
			       const gchar *plan_key,
			       PaePlanItem *item,
			       const gchar *action_key,
			       GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "UPDATE plan_items SET action_key = ?5 WHERE plan_key = ?1 AND "
				 "vm_uuid = ?2 AND site = ?3 AND fixlet_id = ?4",
				 error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, plan_key);
	pae_store_bind_text(stmt, 2, item->vm_uuid);
	pae_store_bind_text(stmt, 3, item->site);
	pae_store_bind_text(stmt, 4, item->fixlet_id);
	pae_store_bind_text(stmt, 5, action_key);
	if (!pae_store_step_done(self, stmt, error))
		return FALSE;
	g_free(item->action_key);
	item->action_key = g_strdup(action_key);
	return TRUE;
}

/**
 * pae_store_remove_plan_items:
 *
 * Takes a VM out of a plan; the VM's history says why.
 */
gboolean
pae_store_remove_plan_items(PaeStore *self,
			    const gchar *plan_key,
			    const gchar *vm_uuid,
			    GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self, "DELETE FROM plan_items WHERE plan_key = ?1 AND vm_uuid = ?2", error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, plan_key);
	pae_store_bind_text(stmt, 2, vm_uuid);
	return pae_store_step_done(self, stmt, error);
}

/**
 * pae_store_get_rejected_until:
 *
 * Returns: the end of the last window a rejected change kept the patch from
 * on the VM, 0 when none, -1 on error
 */
PaeTime
pae_store_get_rejected_until(PaeStore *self,
			     const gchar *vm_uuid,
			     const gchar *site,
			     const gchar *fixlet_id,
			     GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"SELECT COALESCE(MAX(i.end_us), 0) FROM plan_items i JOIN plans p ON "
		"p.key = i.plan_key WHERE i.vm_uuid = ?1 AND i.site = ?2 AND "
		"i.fixlet_id = ?3 AND p.state = 'rejected'",
		error);
	if (stmt == NULL)
		return -1;
	pae_store_bind_text(stmt, 1, vm_uuid);
	pae_store_bind_text(stmt, 2, site);
	pae_store_bind_text(stmt, 3, fixlet_id);
	if (pae_store_step_row(self, stmt, error) != 1)
		return -1;
	return sqlite3_column_int64(stmt, 0);
}

static PaePlan *
pae_store_plan_from_row(sqlite3_stmt *stmt)
{
	PaePlan *plan = pae_plan_new(pae_store_column_text(stmt, 0));
	plan->tenant = g_strdup(pae_store_column_text(stmt, 1));
	plan->category = g_strdup(pae_store_column_text(stmt, 2));
	plan->stage = (guint)sqlite3_column_int(stmt, 3);
	plan->time_mode = pae_action_time_mode_from_string(pae_store_column_text(stmt, 4));
	plan->window_start = sqlite3_column_int64(stmt, 5);
	plan->window_end = sqlite3_column_int64(stmt, 6);
	plan->range_start = sqlite3_column_int(stmt, 7);
	plan->range_end = sqlite3_column_int(stmt, 8);
	plan->first_start = sqlite3_column_int64(stmt, 9);
	plan->state = pae_plan_state_from_string(pae_store_column_text(stmt, 10));
	plan->change_id = g_strdup(pae_store_column_text(stmt, 11));
	plan->change_state = g_strdup(pae_store_column_text(stmt, 12));
	plan->close_code = g_strdup(pae_store_column_text(stmt, 13));
	plan->created = sqlite3_column_int64(stmt, 14);
	plan->updated = sqlite3_column_int64(stmt, 15);
	plan->attempts = sqlite3_column_int(stmt, 16);
	plan->next_attempt = sqlite3_column_int64(stmt, 17);
	plan->last_error = g_strdup(pae_store_column_text(stmt, 18));
	return plan;
}

static gboolean
pae_store_load_plan_items(PaeStore *self, PaePlan *plan, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	gint rc;

	stmt = pae_store_prepare(
		self,
		"SELECT vm_uuid, site, fixlet_id, start_us, end_us, deadline_us, late, "
		"action_key FROM plan_items WHERE plan_key = ?1 "
		"ORDER BY vm_uuid, site, fixlet_id",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, plan->key);
	while ((rc = pae_store_step_row(self, stmt, error)) == 1) {
		PaePlanItem *item = pae_plan_item_new(pae_store_column_text(stmt, 0),
						      pae_store_column_text(stmt, 1),
						      pae_store_column_text(stmt, 2));
		item->start = sqlite3_column_int64(stmt, 3);
		item->end = sqlite3_column_int64(stmt, 4);
		item->deadline = sqlite3_column_int64(stmt, 5);
		item->late = sqlite3_column_int(stmt, 6) != 0;
		item->action_key = g_strdup(pae_store_column_text(stmt, 7));
		g_ptr_array_add(plan->items, item);
	}
	return rc == 0;
}

static GPtrArray *
pae_store_collect_plans(PaeStore *self, sqlite3_stmt *stmt, GError **error)
{
	g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func((GDestroyNotify)pae_plan_free);
	gint rc;

	while ((rc = pae_store_step_row(self, stmt, error)) == 1)
		g_ptr_array_add(plans, pae_store_plan_from_row(stmt));
	if (rc < 0)
		return NULL;
	sqlite3_reset(stmt);
	for (guint i = 0; i < plans->len; i++) {
		if (!pae_store_load_plan_items(self, plans->pdata[i], error))
			return NULL;
	}
	return g_steal_pointer(&plans);
}

PaePlan *
pae_store_get_plan(PaeStore *self, const gchar *key, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GPtrArray) plans = NULL;

	stmt = pae_store_prepare(
		self, "SELECT " PAE_STORE_PLAN_COLUMNS " FROM plans WHERE key = ?1", error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, key);
	plans = pae_store_collect_plans(self, stmt, error);
	if (plans == NULL)
		return NULL;
	if (plans->len == 0) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_NOT_FOUND, "no plan %s", key);
		return NULL;
	}
	return g_ptr_array_steal_index(plans, 0);
}

/**
 * pae_store_list_plans:
 * @active_only: only planned, change-open and scheduled plans
 *
 * Returns: (transfer container) (element-type PaePlan): by window, with items
 */
GPtrArray *
pae_store_list_plans(PaeStore *self, gboolean active_only, guint limit, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "SELECT " PAE_STORE_PLAN_COLUMNS
				 " FROM plans WHERE ?1 = 0 OR state "
				 "IN ('planned', 'change-open', 'scheduled') "
				 "ORDER BY first_start_us, key LIMIT ?2",
				 error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int(stmt, 1, active_only ? 1 : 0);
	sqlite3_bind_int64(stmt, 2, limit);
	return pae_store_collect_plans(self, stmt, error);
}

GPtrArray *
pae_store_list_plans_for_vm(PaeStore *self,
			    const gchar *vm_uuid,
			    gboolean active_only,
			    GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "SELECT " PAE_STORE_PLAN_COLUMNS " FROM plans WHERE key IN "
				 "(SELECT plan_key FROM plan_items WHERE vm_uuid = ?1) AND "
				 "(?2 = 0 OR state IN ('planned', 'change-open', 'scheduled')) "
				 "ORDER BY first_start_us, key",
				 error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, vm_uuid);
	sqlite3_bind_int(stmt, 2, active_only ? 1 : 0);
	return pae_store_collect_plans(self, stmt, error);
}

/**
 * pae_store_has_active_item:
 *
 * Returns: %TRUE when a plan still standing, or an action not finished,
 * already covers the patch on the VM
 */
gboolean
pae_store_has_active_item(PaeStore *self,
			  const gchar *vm_uuid,
			  const gchar *site,
			  const gchar *fixlet_id,
			  GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"SELECT (SELECT COUNT(*) FROM plan_items i JOIN plans p ON p.key = i.plan_key "
		"  WHERE i.vm_uuid = ?1 AND i.site = ?2 AND i.fixlet_id = ?3 "
		"  AND p.state IN ('planned', 'change-open', 'scheduled')) + "
		"(SELECT COUNT(*) FROM action_targets t JOIN actions a ON a.key = t.key "
		"  JOIN action_patches ap ON ap.key = a.key WHERE t.vm_uuid = ?1 AND ap.site = ?2 "
		"  AND ap.fixlet_id = ?3 AND a.state IN ('intended', 'open', 'stopping'))",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, vm_uuid);
	pae_store_bind_text(stmt, 2, site);
	pae_store_bind_text(stmt, 3, fixlet_id);
	if (pae_store_step_row(self, stmt, error) != 1)
		return FALSE;
	return sqlite3_column_int64(stmt, 0) > 0;
}

/**
 * pae_store_list_plan_patch_names:
 *
 * Returns: (transfer container): pae_store_patch_key() to name, for every
 * patch of a plan item whose metadata is cached
 */
GHashTable *
pae_store_list_plan_patch_names(PaeStore *self, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GHashTable) names =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	gint rc;

	stmt = pae_store_prepare(
		self,
		"SELECT DISTINCT p.site, p.fixlet_id, p.name FROM patches p "
		"JOIN plan_items i ON i.site = p.site AND i.fixlet_id = p.fixlet_id",
		error);
	if (stmt == NULL)
		return NULL;
	while ((rc = pae_store_step_row(self, stmt, error)) == 1)
		g_hash_table_insert(names,
				    pae_store_patch_key(pae_store_column_text(stmt, 0),
							pae_store_column_text(stmt, 1)),
				    g_strdup(pae_store_column_text(stmt, 2)));
	if (rc < 0)
		return NULL;
	return g_steal_pointer(&names);
}

gint64
pae_store_add_exception(PaeStore *self, PaeException *exception, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"INSERT INTO exceptions (kind, vm_uuid, site, fixlet_id, starts_us, "
		"until_us, requester, reason, expires_us, created_us) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		error);
	if (stmt == NULL)
		return 0;
	pae_store_bind_text(stmt, 1, pae_exception_kind_to_string(exception->kind));
	pae_store_bind_text(stmt, 2, exception->vm_uuid);
	pae_store_bind_text(stmt, 3, exception->site);
	pae_store_bind_text(stmt, 4, exception->fixlet_id);
	sqlite3_bind_int64(stmt, 5, exception->starts);
	sqlite3_bind_int64(stmt, 6, exception->until);
	pae_store_bind_text(stmt, 7, exception->requester);
	pae_store_bind_text(stmt, 8, exception->reason);
	sqlite3_bind_int64(stmt, 9, exception->expires);
	sqlite3_bind_int64(stmt, 10, exception->created);
	if (!pae_store_step_done(self, stmt, error))
		return 0;
	exception->id = pae_store_last_insert_id(self);
	return exception->id;
}

/**
 * pae_store_list_exceptions:
 * @vm_uuid: (nullable): one VM, or all
 * @active_only: only those neither expired nor removed at @now
 */
GPtrArray *
pae_store_list_exceptions(
	PaeStore *self, const gchar *vm_uuid, gboolean active_only, PaeTime now, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GPtrArray) list =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_exception_free);
	gint rc;

	stmt = pae_store_prepare(
		self,
		"SELECT id, kind, vm_uuid, site, fixlet_id, starts_us, until_us, "
		"requester, reason, expires_us, created_us, removed_us, removed_by "
		"FROM exceptions WHERE (?1 IS NULL OR vm_uuid = ?1) AND (?2 = 0 OR "
		"(removed_us IS NULL AND expires_us > ?3)) ORDER BY id",
		error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, vm_uuid);
	sqlite3_bind_int(stmt, 2, active_only ? 1 : 0);
	sqlite3_bind_int64(stmt, 3, now);
	while ((rc = pae_store_step_row(self, stmt, error)) == 1) {
		PaeException *e = pae_exception_new(
			pae_exception_kind_from_string(pae_store_column_text(stmt, 1)),
			pae_store_column_text(stmt, 2));
		e->id = sqlite3_column_int64(stmt, 0);
		e->site = g_strdup(pae_store_column_text(stmt, 3));
		e->fixlet_id = g_strdup(pae_store_column_text(stmt, 4));
		e->starts = sqlite3_column_int64(stmt, 5);
		e->until = sqlite3_column_int64(stmt, 6);
		e->requester = g_strdup(pae_store_column_text(stmt, 7));
		e->reason = g_strdup(pae_store_column_text(stmt, 8));
		e->expires = sqlite3_column_int64(stmt, 9);
		e->created = sqlite3_column_int64(stmt, 10);
		e->removed = sqlite3_column_int64(stmt, 11);
		e->removed_by = g_strdup(pae_store_column_text(stmt, 12));
		g_ptr_array_add(list, e);
	}
	if (rc < 0)
		return NULL;
	return g_steal_pointer(&list);
}

gboolean
pae_store_remove_exception(PaeStore *self, gint64 id, const gchar *by, PaeTime now, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "UPDATE exceptions SET removed_us = ?2, removed_by = ?3 "
				 "WHERE id = ?1 AND removed_us IS NULL",
				 error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, now);
	pae_store_bind_text(stmt, 3, by);
	if (!pae_store_step_done(self, stmt, error))
		return FALSE;
	if (pae_store_changes(self) == 0) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_NOT_FOUND,
			    "no exception #%" G_GINT64_FORMAT " in force",
			    id);
		return FALSE;
	}
	return TRUE;
}

/**
 * pae_incident_subject:
 *
 * Returns: the key that allows one open incident per subject, e.g.
 * "patch-failed|VM|site/fixlet"
 */
gchar *
pae_incident_subject(PaeIncidentKind kind, const gchar *a, const gchar *b, const gchar *c)
{
	return g_strdup_printf("%s|%s|%s|%s",
			       pae_incident_kind_to_string(kind),
			       a != NULL ? a : "",
			       b != NULL ? b : "",
			       c != NULL ? c : "");
}

void
pae_incident_record_free(PaeIncidentRecord *record)
{
	if (record == NULL)
		return;
	pae_incident_free(record->incident);
	g_free(record->subject);
	g_free(record->resolution);
	g_free(record);
}

/**
 * pae_store_raise_incident:
 *
 * Returns: the new incident's id, 0 when one is open for @subject already
 * (nothing is written then), -1 on error
 */
gint64
pae_store_raise_incident(PaeStore *self,
			 const gchar *subject,
			 const PaeIncident *incident,
			 GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"INSERT INTO incidents (kind, subject, vm_uuid, patch, tenant, "
		"action_id, change_id, message, raised_us) SELECT ?1, ?2, ?3, ?4, ?5, "
		"?6, ?7, ?8, ?9 WHERE NOT EXISTS (SELECT 1 FROM incidents WHERE "
		"subject = ?2 AND resolved_us IS NULL)",
		error);
	if (stmt == NULL)
		return -1;
	pae_store_bind_text(stmt, 1, pae_incident_kind_to_string(incident->kind));
	pae_store_bind_text(stmt, 2, subject);
	pae_store_bind_text(stmt, 3, incident->vm_uuid);
	pae_store_bind_text(stmt, 4, incident->patch);
	pae_store_bind_text(stmt, 5, incident->tenant);
	pae_store_bind_text(stmt, 6, incident->action_id);
	pae_store_bind_text(stmt, 7, incident->change_id);
	pae_store_bind_text(stmt, 8, incident->message);
	sqlite3_bind_int64(stmt, 9, incident->raised);
	if (!pae_store_step_done(self, stmt, error))
		return -1;
	if (pae_store_changes(self) == 0)
		return 0;
	return pae_store_last_insert_id(self);
}

gboolean
pae_store_resolve_incident(
	PaeStore *self, const gchar *subject, const gchar *resolution, PaeTime now, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "UPDATE incidents SET resolved_us = ?2, resolution = ?3 "
				 "WHERE subject = ?1 AND resolved_us IS NULL",
				 error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, subject);
	sqlite3_bind_int64(stmt, 2, now);
	pae_store_bind_text(stmt, 3, resolution);
	return pae_store_step_done(self, stmt, error);
}

/**
 * pae_store_resolve_vm_incidents:
 *
 * Closes every open incident about the VM, e.g. when it leaves.
 *
 * Returns: how many were closed, -1 on error
 */
gint
pae_store_resolve_vm_incidents(
	PaeStore *self, const gchar *vm_uuid, const gchar *resolution, PaeTime now, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "UPDATE incidents SET resolved_us = ?2, resolution = ?3 "
				 "WHERE vm_uuid = ?1 AND resolved_us IS NULL",
				 error);
	if (stmt == NULL)
		return -1;
	pae_store_bind_text(stmt, 1, vm_uuid);
	sqlite3_bind_int64(stmt, 2, now);
	pae_store_bind_text(stmt, 3, resolution);
	if (!pae_store_step_done(self, stmt, error))
		return -1;
	return pae_store_changes(self);
}

static GPtrArray *
pae_store_collect_incidents(PaeStore *self, sqlite3_stmt *stmt, GError **error)
{
	g_autoptr(GPtrArray) list =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_incident_record_free);
	gint rc;

	while ((rc = pae_store_step_row(self, stmt, error)) == 1) {
		PaeIncidentRecord *r = g_new0(PaeIncidentRecord, 1);
		r->incident = pae_incident_new(
			pae_incident_kind_from_string(pae_store_column_text(stmt, 1)));
		r->incident->incident_id =
			g_strdup_printf("%" G_GINT64_FORMAT, (gint64)sqlite3_column_int64(stmt, 0));
		r->subject = g_strdup(pae_store_column_text(stmt, 2));
		r->incident->vm_uuid = g_strdup(pae_store_column_text(stmt, 3));
		r->incident->patch = g_strdup(pae_store_column_text(stmt, 4));
		r->incident->tenant = g_strdup(pae_store_column_text(stmt, 5));
		r->incident->action_id = g_strdup(pae_store_column_text(stmt, 6));
		r->incident->change_id = g_strdup(pae_store_column_text(stmt, 7));
		r->incident->message = g_strdup(pae_store_column_text(stmt, 8));
		r->incident->raised = sqlite3_column_int64(stmt, 9);
		r->resolved = sqlite3_column_int64(stmt, 10);
		r->resolution = g_strdup(pae_store_column_text(stmt, 11));
		r->delivered = sqlite3_column_int(stmt, 12) != 0;
		r->resolve_delivered = sqlite3_column_int(stmt, 13) != 0;
		r->incident->vm_name = g_strdup(pae_store_column_text(stmt, 14));
		g_ptr_array_add(list, r);
	}
	if (rc < 0)
		return NULL;
	return g_steal_pointer(&list);
}

#define PAE_STORE_INCIDENT_SELECT                                                                  \
	"SELECT i.id, i.kind, i.subject, i.vm_uuid, i.patch, i.tenant, i.action_id, i.change_id, " \
	"i.message, i.raised_us, i.resolved_us, i.resolution, i.delivered, i.resolve_delivered, "  \
	"v.name FROM incidents i LEFT JOIN vms v ON v.uuid = i.vm_uuid "

GPtrArray *
pae_store_list_incidents(PaeStore *self, gboolean open_only, guint limit, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 PAE_STORE_INCIDENT_SELECT "WHERE ?1 = 0 OR i.resolved_us IS NULL "
							   "ORDER BY i.id DESC LIMIT ?2",
				 error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int(stmt, 1, open_only ? 1 : 0);
	sqlite3_bind_int64(stmt, 2, limit);
	return pae_store_collect_incidents(self, stmt, error);
}

/**
 * pae_store_list_undelivered_incidents:
 *
 * Returns: incidents whose raise, or whose resolution, the backend has not
 * confirmed yet, oldest first
 */
GPtrArray *
pae_store_list_undelivered_incidents(PaeStore *self, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 PAE_STORE_INCIDENT_SELECT
				 "WHERE i.delivered = 0 OR (i.resolved_us IS "
				 "NOT NULL AND i.resolve_delivered = 0) "
				 "ORDER BY i.id",
				 error);
	if (stmt == NULL)
		return NULL;
	return pae_store_collect_incidents(self, stmt, error);
}

gboolean
pae_store_mark_incident_delivered(PaeStore *self,
				  const gchar *incident_id,
				  gboolean resolved,
				  GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		resolved ? "UPDATE incidents SET delivered = 1, resolve_delivered = 1 "
			   "WHERE id = ?1"
			 : "UPDATE incidents SET delivered = 1 WHERE id = ?1",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, incident_id);
	return pae_store_step_done(self, stmt, error);
}

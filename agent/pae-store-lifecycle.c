/*
 * pae-store-lifecycle: each VM's lifecycle in the database
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeStore"

#include "config.h"

#include "pae-store-lifecycle.h"

#include "pae-error.h"

#define PAE_STORE_LIFECYCLE_COLUMNS                                                                \
	"vm_uuid, state, since_us, deadline_us, action_key, ready_us, patch_level, handover_us, "  \
	"handover_pending, reason"

static PaeLifecycle *
pae_store_lifecycle_from_row(sqlite3_stmt *stmt)
{
	PaeLifecycle *lc =
		pae_lifecycle_new(pae_store_column_text(stmt, 0),
				  pae_lifecycle_state_from_string(pae_store_column_text(stmt, 1)),
				  sqlite3_column_int64(stmt, 2));
	lc->deadline = sqlite3_column_int64(stmt, 3);
	lc->action_key = g_strdup(pae_store_column_text(stmt, 4));
	lc->ready = sqlite3_column_int64(stmt, 5);
	lc->patch_level = g_strdup(pae_store_column_text(stmt, 6));
	lc->handover = sqlite3_column_int64(stmt, 7);
	lc->handover_pending = sqlite3_column_int(stmt, 8) != 0;
	lc->reason = g_strdup(pae_store_column_text(stmt, 9));
	return lc;
}

/**
 * pae_store_get_lifecycle:
 *
 * Returns: the VM's lifecycle, or %NULL without an error when it has none
 * (a VM known before lifecycles were kept counts as ready)
 */
PaeLifecycle *
pae_store_get_lifecycle(PaeStore *self, const gchar *vm_uuid, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "SELECT " PAE_STORE_LIFECYCLE_COLUMNS
				 " FROM lifecycle WHERE vm_uuid = ?1",
				 error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, vm_uuid);
	if (pae_store_step_row(self, stmt, error) != 1)
		return NULL;
	return pae_store_lifecycle_from_row(stmt);
}

gboolean
pae_store_put_lifecycle(PaeStore *self, const PaeLifecycle *lc, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "INSERT OR REPLACE INTO lifecycle (" PAE_STORE_LIFECYCLE_COLUMNS
				 ") "
				 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
				 error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, lc->vm_uuid);
	pae_store_bind_text(stmt, 2, pae_lifecycle_state_to_string(lc->state));
	sqlite3_bind_int64(stmt, 3, lc->since);
	sqlite3_bind_int64(stmt, 4, lc->deadline);
	pae_store_bind_text(stmt, 5, lc->action_key);
	sqlite3_bind_int64(stmt, 6, lc->ready);
	pae_store_bind_text(stmt, 7, lc->patch_level);
	sqlite3_bind_int64(stmt, 8, lc->handover);
	sqlite3_bind_int(stmt, 9, lc->handover_pending ? 1 : 0);
	pae_store_bind_text(stmt, 10, lc->reason);
	return pae_store_step_done(self, stmt, error);
}

/**
 * pae_store_list_lifecycle_work:
 *
 * Returns: (transfer container): the lifecycles with something to do: a
 * VM waiting for its activation, re-baseline or catch-up, or a hand-over
 * still to write
 */
GPtrArray *
pae_store_list_lifecycle_work(PaeStore *self, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GPtrArray) list =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_lifecycle_free);
	gint rc;

	stmt = pae_store_prepare(
		self,
		"SELECT " PAE_STORE_LIFECYCLE_COLUMNS " FROM lifecycle WHERE state IN "
		"('provisioning', 'rebaselining', 'catching-up') OR handover_pending = 1 "
		"ORDER BY since_us, vm_uuid",
		error);
	if (stmt == NULL)
		return NULL;
	while ((rc = pae_store_step_row(self, stmt, error)) == 1)
		g_ptr_array_add(list, pae_store_lifecycle_from_row(stmt));
	if (rc < 0)
		return NULL;
	return g_steal_pointer(&list);
}

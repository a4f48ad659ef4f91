/*
 * pae-store-vms: VMs, their history and the history's readers in the database
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeStore"

#include "config.h"

#include "pae-store-vms.h"

#include "pae-error.h"

#define PAE_STORE_VM_COLUMNS                                                                       \
	"uuid, name, tenant, category, timezone, timezone_source, state, domain_id, persistent, "  \
	"current_snapshot, last_event, first_seen_us, last_seen_us, retired_us"

static PaeVm *
pae_store_vm_from_row(sqlite3_stmt *stmt)
{
	PaeVm *vm = pae_vm_new(pae_store_column_text(stmt, 0));
	vm->name = g_strdup(pae_store_column_text(stmt, 1));
	vm->tenant = g_strdup(pae_store_column_text(stmt, 2));
	vm->category = g_strdup(pae_store_column_text(stmt, 3));
	vm->timezone = g_strdup(pae_store_column_text(stmt, 4));
	vm->timezone_source = pae_timezone_source_from_string(pae_store_column_text(stmt, 5));
	vm->state = pae_vm_state_from_string(pae_store_column_text(stmt, 6));
	vm->domain_id = sqlite3_column_int(stmt, 7);
	vm->persistent = sqlite3_column_int(stmt, 8) != 0;
	vm->current_snapshot = g_strdup(pae_store_column_text(stmt, 9));
	vm->first_seen = sqlite3_column_int64(stmt, 11);
	vm->last_seen = sqlite3_column_int64(stmt, 12);
	vm->retired = sqlite3_column_int64(stmt, 13);
	return vm;
}

/**
 * pae_store_get_vm:
 * @last_event: (out) (optional): the last event stored for it
 *
 * Returns: (transfer full): the VM, or %NULL with %PAE_ERROR_NOT_FOUND
 */
PaeVm *
pae_store_get_vm(PaeStore *self, const gchar *uuid, gchar **last_event, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	gint rc;

	stmt = pae_store_prepare(
		self, "SELECT " PAE_STORE_VM_COLUMNS " FROM vms WHERE uuid = ?1", error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, uuid);
	rc = pae_store_step_row(self, stmt, error);
	if (rc < 0)
		return NULL;
	if (rc == 0) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_NOT_FOUND, "no VM with UUID %s", uuid);
		return NULL;
	}
	if (last_event != NULL)
		*last_event = g_strdup(pae_store_column_text(stmt, 10));
	return pae_store_vm_from_row(stmt);
}

/**
 * pae_store_find_vm:
 * @uuid_or_name: a UUID, or the name of a VM that lives here now
 *
 * Returns: (transfer full): the VM, or %NULL with %PAE_ERROR_NOT_FOUND
 */
PaeVm *
pae_store_find_vm(PaeStore *self, const gchar *uuid_or_name, GError **error)
{
	g_autofree gchar *uuid = pae_vm_uuid_normalize(uuid_or_name);
	g_autoptr(sqlite3_stmt) stmt = NULL;
	gint rc;

	if (uuid != NULL)
		return pae_store_get_vm(self, uuid, NULL, error);
	stmt = pae_store_prepare(self,
				 "SELECT " PAE_STORE_VM_COLUMNS " FROM vms WHERE name = ?1 "
				 "ORDER BY retired_us IS NOT NULL, last_seen_us DESC LIMIT 1",
				 error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, uuid_or_name);
	rc = pae_store_step_row(self, stmt, error);
	if (rc < 0)
		return NULL;
	if (rc == 0) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_NOT_FOUND,
			    "no VM with UUID or name '%s'",
			    uuid_or_name);
		return NULL;
	}
	return pae_store_vm_from_row(stmt);
}

/**
 * pae_store_put_vm:
 *
 * Inserts the VM or replaces every column of it, keeping first_seen.
 */
gboolean
pae_store_put_vm(PaeStore *self, const PaeVm *vm, const gchar *last_event, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"INSERT INTO vms (" PAE_STORE_VM_COLUMNS ") "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
		"ON CONFLICT(uuid) DO UPDATE SET name = ?2, tenant = ?3, category = ?4, "
		"timezone = ?5, timezone_source = ?6, state = ?7, domain_id = ?8, persistent = ?9, "
		"current_snapshot = ?10, last_event = ?11, last_seen_us = ?13, retired_us = ?14",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, vm->uuid);
	pae_store_bind_text(stmt, 2, vm->name != NULL ? vm->name : "");
	pae_store_bind_text(stmt, 3, vm->tenant != NULL ? vm->tenant : "");
	pae_store_bind_text(stmt, 4, vm->category != NULL ? vm->category : "");
	pae_store_bind_text(stmt, 5, vm->timezone != NULL ? vm->timezone : "UTC");
	pae_store_bind_text(stmt, 6, pae_timezone_source_to_string(vm->timezone_source));
	pae_store_bind_text(stmt, 7, pae_vm_state_to_string(vm->state));
	sqlite3_bind_int(stmt, 8, vm->domain_id);
	sqlite3_bind_int(stmt, 9, vm->persistent ? 1 : 0);
	pae_store_bind_text(stmt, 10, vm->current_snapshot);
	pae_store_bind_text(stmt, 11, last_event);
	sqlite3_bind_int64(stmt, 12, vm->first_seen);
	sqlite3_bind_int64(stmt, 13, vm->last_seen);
	if (vm->retired != 0)
		sqlite3_bind_int64(stmt, 14, vm->retired);
	else
		sqlite3_bind_null(stmt, 14);
	return pae_store_step_done(self, stmt, error);
}

/**
 * pae_store_list_vms:
 *
 * Returns: (transfer container) (element-type PaeVm): VMs by name
 */
GPtrArray *
pae_store_list_vms(PaeStore *self, gboolean include_retired, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GPtrArray) vms = g_ptr_array_new_with_free_func((GDestroyNotify)pae_vm_free);
	gint rc;

	stmt = pae_store_prepare(self,
				 "SELECT " PAE_STORE_VM_COLUMNS " FROM vms "
				 "WHERE ?1 OR retired_us IS NULL ORDER BY name, uuid",
				 error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int(stmt, 1, include_retired ? 1 : 0);
	while ((rc = pae_store_step_row(self, stmt, error)) == 1)
		g_ptr_array_add(vms, pae_store_vm_from_row(stmt));
	if (rc < 0)
		return NULL;
	return g_steal_pointer(&vms);
}

/**
 * pae_store_add_history:
 *
 * Appends the entry and sets its id.
 *
 * Returns: the id, or 0 on error
 */
gint64
pae_store_add_history(PaeStore *self, PaeHistoryEntry *entry, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"INSERT INTO history (vm_uuid, at_us, source, kind, event, detail, "
		"facts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		error);
	if (stmt == NULL)
		return 0;
	pae_store_bind_text(stmt, 1, entry->vm_uuid);
	sqlite3_bind_int64(stmt, 2, entry->at);
	pae_store_bind_text(stmt, 3, pae_source_to_string(entry->source));
	pae_store_bind_text(stmt, 4, entry->kind);
	pae_store_bind_text(stmt, 5, entry->event);
	pae_store_bind_text(stmt, 6, entry->detail);
	pae_store_bind_text(stmt, 7, entry->facts);
	if (!pae_store_step_done(self, stmt, error))
		return 0;
	entry->id = pae_store_last_insert_id(self);
	return entry->id;
}

static PaeHistoryEntry *
pae_store_history_from_row(sqlite3_stmt *stmt)
{
	PaeHistoryEntry *entry =
		pae_history_entry_new(pae_store_column_text(stmt, 1),
				      sqlite3_column_int64(stmt, 2),
				      pae_source_from_string(pae_store_column_text(stmt, 3)),
				      pae_store_column_text(stmt, 4));
	entry->id = sqlite3_column_int64(stmt, 0);
	entry->event = g_strdup(pae_store_column_text(stmt, 5));
	entry->detail = g_strdup(pae_store_column_text(stmt, 6));
	entry->facts = g_strdup(pae_store_column_text(stmt, 7));
	return entry;
}

static GPtrArray *
pae_store_collect_history(PaeStore *self, sqlite3_stmt *stmt, GError **error)
{
	g_autoptr(GPtrArray) entries =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_history_entry_free);
	gint rc;

	while ((rc = pae_store_step_row(self, stmt, error)) == 1)
		g_ptr_array_add(entries, pae_store_history_from_row(stmt));
	if (rc < 0)
		return NULL;
	return g_steal_pointer(&entries);
}

/**
 * pae_store_list_history:
 * @vm_uuid: (nullable): one VM, or every VM
 * @after_id: only entries with a larger id
 * @limit: at most this many, oldest first
 */
GPtrArray *
pae_store_list_history(
	PaeStore *self, const gchar *vm_uuid, gint64 after_id, guint limit, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "SELECT id, vm_uuid, at_us, source, kind, event, detail, facts "
				 "FROM history WHERE id > ?1 AND (?2 IS NULL OR vm_uuid = ?2) "
				 "ORDER BY id LIMIT ?3",
				 error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int64(stmt, 1, after_id);
	pae_store_bind_text(stmt, 2, vm_uuid);
	sqlite3_bind_int64(stmt, 3, limit);
	return pae_store_collect_history(self, stmt, error);
}

/**
 * pae_store_list_history_recent:
 *
 * Returns: the last @limit entries of a VM, oldest first
 */
GPtrArray *
pae_store_list_history_recent(PaeStore *self, const gchar *vm_uuid, guint limit, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "SELECT * FROM (SELECT id, vm_uuid, at_us, source, kind, event, "
				 "detail, facts FROM history WHERE vm_uuid = ?1 "
				 "ORDER BY id DESC LIMIT ?2) ORDER BY id",
				 error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, vm_uuid);
	sqlite3_bind_int64(stmt, 2, limit);
	return pae_store_collect_history(self, stmt, error);
}

gint64
pae_store_get_history_last_id(PaeStore *self, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt =
		pae_store_prepare(self, "SELECT MAX(id) FROM history", error);
	if (stmt == NULL || pae_store_step_row(self, stmt, error) != 1)
		return -1;
	return sqlite3_column_int64(stmt, 0);
}

/**
 * pae_store_get_cursor:
 * @position: (out): how far the reader named @name has read; 0 if never
 */
gboolean
pae_store_get_cursor(PaeStore *self, const gchar *name, gint64 *position, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	gint rc;

	stmt = pae_store_prepare(self, "SELECT position FROM cursors WHERE name = ?1", error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, name);
	rc = pae_store_step_row(self, stmt, error);
	if (rc < 0)
		return FALSE;
	*position = rc == 1 ? sqlite3_column_int64(stmt, 0) : 0;
	return TRUE;
}

gboolean
pae_store_set_cursor(PaeStore *self, const gchar *name, gint64 position, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "INSERT INTO cursors (name, position) VALUES (?1, ?2) "
				 "ON CONFLICT(name) DO UPDATE SET position = ?2",
				 error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, name);
	sqlite3_bind_int64(stmt, 2, position);
	return pae_store_step_done(self, stmt, error);
}

/**
 * pae_store_has_history_besides:
 * @vm_uuid: (nullable): one VM's records, or every record
 * @after_id: only records after this one
 * @has: (out): whether any such record came from elsewhere than @source
 */
gboolean
pae_store_has_history_besides(PaeStore *self,
			      const gchar *vm_uuid,
			      gint64 after_id,
			      PaeSource source,
			      gboolean *has,
			      GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "SELECT EXISTS (SELECT 1 FROM history WHERE source != ?1 "
				 "AND id > ?2 AND (?3 IS NULL OR vm_uuid = ?3))",
				 error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, pae_source_to_string(source));
	sqlite3_bind_int64(stmt, 2, after_id);
	pae_store_bind_text(stmt, 3, vm_uuid);
	if (pae_store_step_row(self, stmt, error) != 1)
		return FALSE;
	*has = sqlite3_column_int64(stmt, 0) != 0;
	return TRUE;
}

/*
 * pae-store-requests: requests from paectl, and when each pass last ran
 *
 * paectl never talks to the agent directly: it writes a request row, which
 * the agent handles within seconds and marks with its result. A request
 * written while the agent is stopped waits for it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeStore"

#include "config.h"

#include "pae-store-requests.h"

#include "pae-error.h"

void
pae_request_free(PaeRequest *request)
{
	if (request == NULL)
		return;
	g_free(request->kind);
	g_free(request->vm_uuid);
	g_free(request->argument);
	g_free(request->requester);
	g_free(request->result);
	g_free(request);
}

void
pae_pass_free(PaePass *pass)
{
	if (pass == NULL)
		return;
	g_free(pass->detail);
	g_free(pass);
}

gint64
pae_store_add_request(PaeStore *self,
		      const gchar *kind,
		      const gchar *vm_uuid,
		      const gchar *argument,
		      const gchar *requester,
		      PaeTime now,
		      GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "INSERT INTO requests (kind, vm_uuid, argument, requester, "
				 "requested_us) VALUES (?1, ?2, ?3, ?4, ?5)",
				 error);
	if (stmt == NULL)
		return 0;
	pae_store_bind_text(stmt, 1, kind);
	pae_store_bind_text(stmt, 2, vm_uuid);
	pae_store_bind_text(stmt, 3, argument);
	pae_store_bind_text(stmt, 4, requester);
	sqlite3_bind_int64(stmt, 5, now);
	if (!pae_store_step_done(self, stmt, error))
		return 0;
	return pae_store_last_insert_id(self);
}

/**
 * pae_store_list_requests:
 * @pending_only: only those not handled yet, oldest first; else the newest first
 */
GPtrArray *
pae_store_list_requests(PaeStore *self, gboolean pending_only, guint limit, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GPtrArray) requests =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_request_free);
	gint rc;

	stmt = pae_store_prepare(
		self,
		pending_only ? "SELECT id, kind, vm_uuid, argument, requester, requested_us, "
			       "handled_us, result FROM requests WHERE handled_us IS NULL "
			       "ORDER BY id LIMIT ?1"
			     : "SELECT id, kind, vm_uuid, argument, requester, requested_us, "
			       "handled_us, result FROM requests ORDER BY id DESC LIMIT ?1",
		error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int64(stmt, 1, limit);
	while ((rc = pae_store_step_row(self, stmt, error)) == 1) {
		PaeRequest *r = g_new0(PaeRequest, 1);
		r->id = sqlite3_column_int64(stmt, 0);
		r->kind = g_strdup(pae_store_column_text(stmt, 1));
		r->vm_uuid = g_strdup(pae_store_column_text(stmt, 2));
		r->argument = g_strdup(pae_store_column_text(stmt, 3));
		r->requester = g_strdup(pae_store_column_text(stmt, 4));
		r->requested = sqlite3_column_int64(stmt, 5);
		r->handled = sqlite3_column_int64(stmt, 6);
		r->result = g_strdup(pae_store_column_text(stmt, 7));
		g_ptr_array_add(requests, r);
	}
	if (rc < 0)
		return NULL;
	return g_steal_pointer(&requests);
}

gboolean
pae_store_finish_request(
	PaeStore *self, gint64 id, const gchar *result, PaeTime now, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self, "UPDATE requests SET handled_us = ?2, result = ?3 WHERE id = ?1", error);
	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, now);
	pae_store_bind_text(stmt, 3, result);
	return pae_store_step_done(self, stmt, error);
}

gboolean
pae_store_begin_pass(PaeStore *self, const gchar *name, PaeTime now, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"INSERT INTO passes (name, started_us, runs) VALUES (?1, ?2, 1) "
		"ON CONFLICT(name) DO UPDATE SET started_us = ?2, finished_us = NULL, "
		"runs = runs + 1",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, name);
	sqlite3_bind_int64(stmt, 2, now);
	return pae_store_step_done(self, stmt, error);
}

gboolean
pae_store_end_pass(PaeStore *self,
		   const gchar *name,
		   PaeTime now,
		   gboolean ok,
		   const gchar *detail,
		   GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "UPDATE passes SET finished_us = ?2, ok = ?3, detail = ?4 "
				 "WHERE name = ?1",
				 error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, name);
	sqlite3_bind_int64(stmt, 2, now);
	sqlite3_bind_int(stmt, 3, ok ? 1 : 0);
	pae_store_bind_text(stmt, 4, detail);
	return pae_store_step_done(self, stmt, error);
}

/**
 * pae_store_get_pass:
 *
 * Returns: (transfer full): the pass, or %NULL with %PAE_ERROR_NOT_FOUND when
 * it never ran
 */
PaePass *
pae_store_get_pass(PaeStore *self, const gchar *name, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	PaePass *pass;
	gint rc;

	stmt = pae_store_prepare(self,
				 "SELECT started_us, finished_us, ok, detail, runs FROM passes "
				 "WHERE name = ?1",
				 error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, name);
	rc = pae_store_step_row(self, stmt, error);
	if (rc < 0)
		return NULL;
	if (rc == 0) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_NOT_FOUND, "pass %s never ran", name);
		return NULL;
	}
	pass = g_new0(PaePass, 1);
	pass->started = sqlite3_column_int64(stmt, 0);
	pass->finished = sqlite3_column_int64(stmt, 1);
	pass->ok = sqlite3_column_int(stmt, 2) != 0;
	pass->detail = g_strdup(pae_store_column_text(stmt, 3));
	pass->runs = sqlite3_column_int64(stmt, 4);
	return pass;
}

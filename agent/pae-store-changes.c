/*
 * pae-store-changes: the builtin change records and their work notes
 *
 * The builtin change management keeps its changes here, shaped after
 * ServiceNow's change_request. The state rules live here too, so that the
 * backend and paectl agree: only a new change is approved or rejected, only
 * a new or approved one is cancelled, a change is closed once (again with the
 * same code is a no-op), and a change that never was approved can only be
 * closed as cancelled. Every update is conditional on the state it was read
 * in, so a change moved by another process meanwhile is refused, not
 * overwritten; callers still wrap a change and its note in one transaction.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeStore"

#include "config.h"

#include "pae-store-changes.h"

#include "pae-error.h"

#define PAE_STORE_CHANGE_COLUMNS                                                                   \
	"change_id, correlation_id, state, summary, description, tenant, category, "               \
	"window_start_us, window_end_us, vms, patches, close_code, close_notes, opened_us, "       \
	"approved_us, approved_by, closed_us"

/* the number in CHG0000042; newest first sorts by it */
#define PAE_STORE_CHANGE_NUMBER "CAST(SUBSTR(change_id, 4) AS INTEGER)"

G_STATIC_ASSERT(PAE_CHANGE_STATE_LAST == 5);

PaeChangeRecord *
pae_change_record_new(void)
{
	return g_new0(PaeChangeRecord, 1);
}

void
pae_change_record_free(PaeChangeRecord *record)
{
	if (record == NULL)
		return;
	g_free(record->change_id);
	g_free(record->correlation_id);
	g_free(record->summary);
	g_free(record->description);
	g_free(record->tenant);
	g_free(record->category);
	g_strfreev(record->vms);
	g_strfreev(record->patches);
	g_free(record->close_code);
	g_free(record->close_notes);
	g_free(record->approved_by);
	g_free(record);
}

void
pae_change_note_free(PaeChangeNote *note)
{
	if (note == NULL)
		return;
	g_free(note->note);
	g_free(note);
}

/* one line per element: a line break inside one would split it in two */
static gchar *
pae_store_changes_join_lines(GStrv lines)
{
	g_autoptr(GString) text = NULL;

	if (lines == NULL)
		return NULL;
	text = g_string_new(NULL);
	for (guint i = 0; lines[i] != NULL; i++) {
		gsize start;
		if (i > 0)
			g_string_append_c(text, '\n');
		start = text->len;
		g_string_append(text, lines[i]);
		for (gsize j = start; j < text->len; j++) {
			if (text->str[j] == '\n' || text->str[j] == '\r')
				text->str[j] = ' ';
		}
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

static GStrv
pae_store_changes_split_lines(const gchar *text)
{
	if (text == NULL || text[0] == '\0')
		return g_new0(gchar *, 1);
	return g_strsplit(text, "\n", -1);
}

/* 0 is "never" and stored as NULL */
static void
pae_store_changes_bind_time(sqlite3_stmt *stmt, gint index, PaeTime t)
{
	if (t == 0)
		sqlite3_bind_null(stmt, index);
	else
		sqlite3_bind_int64(stmt, index, t);
}

static PaeChangeRecord *
pae_store_change_from_row(sqlite3_stmt *stmt)
{
	PaeChangeRecord *record = pae_change_record_new();
	record->change_id = g_strdup(pae_store_column_text(stmt, 0));
	record->correlation_id = g_strdup(pae_store_column_text(stmt, 1));
	record->state = pae_change_state_from_string(pae_store_column_text(stmt, 2));
	record->summary = g_strdup(pae_store_column_text(stmt, 3));
	record->description = g_strdup(pae_store_column_text(stmt, 4));
	record->tenant = g_strdup(pae_store_column_text(stmt, 5));
	record->category = g_strdup(pae_store_column_text(stmt, 6));
	record->window_start = sqlite3_column_int64(stmt, 7);
	record->window_end = sqlite3_column_int64(stmt, 8);
	record->vms = pae_store_changes_split_lines(pae_store_column_text(stmt, 9));
	record->patches = pae_store_changes_split_lines(pae_store_column_text(stmt, 10));
	record->close_code = g_strdup(pae_store_column_text(stmt, 11));
	record->close_notes = g_strdup(pae_store_column_text(stmt, 12));
	record->opened = sqlite3_column_int64(stmt, 13);
	record->approved = sqlite3_column_int64(stmt, 14);
	record->approved_by = g_strdup(pae_store_column_text(stmt, 15));
	record->closed = sqlite3_column_int64(stmt, 16);
	return record;
}

/* @sql selects the columns and binds the value as ?1 */
static PaeChangeRecord *
pae_store_query_change(
	PaeStore *self, const gchar *sql, const gchar *value, const gchar *what, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = pae_store_prepare(self, sql, error);
	gint rc;

	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, value);
	rc = pae_store_step_row(self, stmt, error);
	if (rc < 0)
		return NULL;
	if (rc == 0) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_NOT_FOUND, "no change %s%s", what, value);
		return NULL;
	}
	return pae_store_change_from_row(stmt);
}

/**
 * pae_store_get_change:
 *
 * Returns: (transfer full): the change, or %NULL with %PAE_ERROR_NOT_FOUND
 */
PaeChangeRecord *
pae_store_get_change(PaeStore *self, const gchar *change_id, GError **error)
{
	return pae_store_query_change(self,
				      "SELECT " PAE_STORE_CHANGE_COLUMNS
				      " FROM changes WHERE change_id = ?1",
				      change_id,
				      "",
				      error);
}

/**
 * pae_store_find_change_by_correlation:
 *
 * Returns: (transfer full): the change, or %NULL with %PAE_ERROR_NOT_FOUND
 */
PaeChangeRecord *
pae_store_find_change_by_correlation(PaeStore *self, const gchar *correlation_id, GError **error)
{
	return pae_store_query_change(self,
				      "SELECT " PAE_STORE_CHANGE_COLUMNS
				      " FROM changes WHERE correlation_id = ?1",
				      correlation_id,
				      "with correlation id ",
				      error);
}

/* max + 1: only safe while the caller holds the write lock */
static gchar *
pae_store_next_change_id(PaeStore *self, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "SELECT COALESCE(MAX(" PAE_STORE_CHANGE_NUMBER "), 0) + 1 "
				 "FROM changes WHERE change_id GLOB 'CHG[0-9]*'",
				 error);
	if (stmt == NULL)
		return NULL;
	if (sqlite3_get_autocommit(sqlite3_db_handle(stmt))) {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_INTERNAL,
				    "change ids are allocated inside a transaction");
		return NULL;
	}
	if (pae_store_step_row(self, stmt, error) != 1)
		return NULL;
	return g_strdup_printf("CHG%07" G_GINT64_FORMAT, (gint64)sqlite3_column_int64(stmt, 0));
}

/**
 * pae_store_add_change:
 * @record: the change; its change_id is set
 *
 * Allocates the next change id and stores the change. Call it inside a
 * transaction (pae_store_transaction_begin()), which makes the id unique.
 *
 * Returns: %FALSE with %PAE_ERROR_EXISTS when a change has that correlation id
 */
gboolean
pae_store_add_change(PaeStore *self, PaeChangeRecord *record, GError **error)
{
	g_autoptr(PaeChangeRecord) existing = NULL;
	g_autoptr(GError) error_local = NULL;
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autofree gchar *change_id = NULL;
	g_autofree gchar *vms = pae_store_changes_join_lines(record->vms);
	g_autofree gchar *patches = pae_store_changes_join_lines(record->patches);

	g_return_val_if_fail(record->correlation_id != NULL, FALSE);
	g_return_val_if_fail(record->summary != NULL, FALSE);
	existing = pae_store_find_change_by_correlation(self, record->correlation_id, &error_local);
	if (existing != NULL) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_EXISTS,
			    "correlation id %s belongs to %s already",
			    record->correlation_id,
			    existing->change_id);
		return FALSE;
	}
	if (!g_error_matches(error_local, PAE_ERROR, PAE_ERROR_NOT_FOUND)) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	change_id = pae_store_next_change_id(self, error);
	if (change_id == NULL)
		return FALSE;
	stmt = pae_store_prepare(
		self,
		"INSERT INTO changes (" PAE_STORE_CHANGE_COLUMNS ") VALUES (?1, ?2, "
		"?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, change_id);
	pae_store_bind_text(stmt, 2, record->correlation_id);
	pae_store_bind_text(stmt, 3, pae_change_state_to_string(record->state));
	pae_store_bind_text(stmt, 4, record->summary);
	pae_store_bind_text(stmt, 5, record->description);
	pae_store_bind_text(stmt, 6, record->tenant);
	pae_store_bind_text(stmt, 7, record->category);
	pae_store_changes_bind_time(stmt, 8, record->window_start);
	pae_store_changes_bind_time(stmt, 9, record->window_end);
	pae_store_bind_text(stmt, 10, vms);
	pae_store_bind_text(stmt, 11, patches);
	pae_store_bind_text(stmt, 12, record->close_code);
	pae_store_bind_text(stmt, 13, record->close_notes);
	sqlite3_bind_int64(stmt, 14, record->opened);
	pae_store_changes_bind_time(stmt, 15, record->approved);
	pae_store_bind_text(stmt, 16, record->approved_by);
	pae_store_changes_bind_time(stmt, 17, record->closed);
	if (!pae_store_step_done(self, stmt, error))
		return FALSE;
	g_free(record->change_id);
	record->change_id = g_steal_pointer(&change_id);
	return TRUE;
}

/**
 * pae_store_list_changes:
 * @states: a mask of PAE_CHANGE_STATE_MASK() bits, e.g. %PAE_CHANGE_STATES_OPEN;
 * 0 for every state
 * @limit: at most this many, 0 for all
 *
 * Returns: (transfer container) (element-type PaeChangeRecord): the newest first
 */
GPtrArray *
pae_store_list_changes(PaeStore *self, guint states, guint limit, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GPtrArray) changes =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_change_record_free);
	gint rc;

	stmt = pae_store_prepare(self,
				 "SELECT " PAE_STORE_CHANGE_COLUMNS " FROM changes "
				 "WHERE ?1 = 0 OR state IN (?2, ?3, ?4, ?5, ?6) "
				 "ORDER BY " PAE_STORE_CHANGE_NUMBER " DESC LIMIT ?7",
				 error);
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int(stmt, 1, states != 0 ? 1 : 0);
	/* an unbound parameter is NULL and matches nothing */
	for (guint i = 0; i < PAE_CHANGE_STATE_LAST; i++) {
		if ((states & PAE_CHANGE_STATE_MASK(i)) != 0)
			pae_store_bind_text(stmt, 2 + i, pae_change_state_to_string(i));
	}
	sqlite3_bind_int64(stmt, 7, limit != 0 ? (gint64)limit : -1);
	while ((rc = pae_store_step_row(self, stmt, error)) == 1)
		g_ptr_array_add(changes, pae_store_change_from_row(stmt));
	if (rc < 0)
		return NULL;
	return g_steal_pointer(&changes);
}

/* writes what may change after opening, if the change is still in @was */
static gboolean
pae_store_update_change(PaeStore *self,
			const PaeChangeRecord *record,
			PaeChangeState was,
			GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"UPDATE changes SET state = ?2, close_code = ?3, close_notes = ?4, "
		"approved_us = ?5, approved_by = ?6, closed_us = ?7 "
		"WHERE change_id = ?1 AND state = ?8",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, record->change_id);
	pae_store_bind_text(stmt, 2, pae_change_state_to_string(record->state));
	pae_store_bind_text(stmt, 3, record->close_code);
	pae_store_bind_text(stmt, 4, record->close_notes);
	pae_store_changes_bind_time(stmt, 5, record->approved);
	pae_store_bind_text(stmt, 6, record->approved_by);
	pae_store_changes_bind_time(stmt, 7, record->closed);
	pae_store_bind_text(stmt, 8, pae_change_state_to_string(was));
	if (!pae_store_step_done(self, stmt, error))
		return FALSE;
	if (pae_store_changes(self) == 0) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_BUSY,
			    "%s changed meanwhile; try again",
			    record->change_id);
		return FALSE;
	}
	return TRUE;
}

static const gchar *
pae_store_change_verb(PaeChangeState state)
{
	switch (state) {
	case PAE_CHANGE_STATE_APPROVED:
		return "approved";
	case PAE_CHANGE_STATE_REJECTED:
		return "rejected";
	case PAE_CHANGE_STATE_CANCELLED:
		return "cancelled";
	default:
		return NULL;
	}
}

static gboolean
pae_store_check_transition(const PaeChangeRecord *record, PaeChangeState state, GError **error)
{
	const gchar *verb = pae_store_change_verb(state);

	if (verb == NULL) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INTERNAL,
			    "a change cannot be set %s (close it with pae_store_close_change)",
			    pae_change_state_to_string(state));
		return FALSE;
	}
	if (record->state == PAE_CHANGE_STATE_NEW)
		return TRUE;
	if (state == PAE_CHANGE_STATE_CANCELLED && record->state == PAE_CHANGE_STATE_APPROVED)
		return TRUE;
	g_set_error(error,
		    PAE_ERROR,
		    PAE_ERROR_FAILED,
		    "%s is %s: only a %s change can be %s",
		    record->change_id,
		    pae_change_state_to_string(record->state),
		    state == PAE_CHANGE_STATE_CANCELLED ? "new or approved" : "new",
		    verb);
	return FALSE;
}

/**
 * pae_store_set_change_state:
 * @state: %PAE_CHANGE_STATE_APPROVED or %PAE_CHANGE_STATE_REJECTED (from new),
 * or %PAE_CHANGE_STATE_CANCELLED (from new or approved)
 * @who: who decided; an approval keeps it in approved_by
 * @reason: (nullable): why, for the work note
 *
 * Moves the change and adds the work note "approved by WHO: REASON". A
 * rejected or cancelled change is over: its closed time is set, and a
 * cancelled one gets the close code "cancelled". Call it inside a transaction
 * so that the state and its note go together.
 */
gboolean
pae_store_set_change_state(PaeStore *self,
			   const gchar *change_id,
			   PaeChangeState state,
			   const gchar *who,
			   const gchar *reason,
			   PaeTime when,
			   GError **error)
{
	g_autoptr(PaeChangeRecord) record = pae_store_get_change(self, change_id, error);
	g_autofree gchar *note = NULL;
	PaeChangeState was;

	g_return_val_if_fail(who != NULL, FALSE);
	if (record == NULL)
		return FALSE;
	if (!pae_store_check_transition(record, state, error))
		return FALSE;
	was = record->state;
	record->state = state;
	if (state == PAE_CHANGE_STATE_APPROVED) {
		record->approved = when;
		g_free(record->approved_by);
		record->approved_by = g_strdup(who);
	} else {
		record->closed = when;
	}
	if (state == PAE_CHANGE_STATE_CANCELLED) {
		g_free(record->close_code);
		record->close_code =
			g_strdup(pae_change_close_code_to_string(PAE_CHANGE_CLOSE_CANCELLED));
	}
	if (!pae_store_update_change(self, record, was, error))
		return FALSE;
	note = reason != NULL && reason[0] != '\0'
		       ? g_strdup_printf("%s by %s: %s", pae_store_change_verb(state), who, reason)
		       : g_strdup_printf("%s by %s", pae_store_change_verb(state), who);
	return pae_store_add_change_note(self, change_id, note, when, error);
}

/* what closing with @code does to a change that has no close code yet */
static gboolean
pae_store_apply_close(PaeChangeRecord *record, PaeChangeCloseCode code, GError **error)
{
	const gchar *name = pae_change_close_code_to_string(code);

	switch (record->state) {
	case PAE_CHANGE_STATE_APPROVED:
		record->state = code == PAE_CHANGE_CLOSE_CANCELLED ? PAE_CHANGE_STATE_CANCELLED
								   : PAE_CHANGE_STATE_CLOSED;
		return TRUE;
	case PAE_CHANGE_STATE_NEW:
	case PAE_CHANGE_STATE_REJECTED:
		/* it never was allowed to run: anything but cancelled would be a false record */
		if (code != PAE_CHANGE_CLOSE_CANCELLED) {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_FAILED,
				    "%s is %s and cannot have run: close it as cancelled, not %s",
				    record->change_id,
				    pae_change_state_to_string(record->state),
				    name);
			return FALSE;
		}
		/* a rejection stays visible as such */
		if (record->state == PAE_CHANGE_STATE_NEW)
			record->state = PAE_CHANGE_STATE_CANCELLED;
		return TRUE;
	default:
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_FAILED,
			    "%s is %s already",
			    record->change_id,
			    pae_change_state_to_string(record->state));
		return FALSE;
	}
}

/**
 * pae_store_close_change:
 * @code: ServiceNow's close code; %PAE_CHANGE_CLOSE_CANCELLED makes the
 * change cancelled, the others closed
 * @close_notes: (nullable): the evidence
 *
 * Closing a change again with the same code changes nothing and succeeds;
 * with another code it fails. A change that was never approved (new or
 * rejected) can only be closed as cancelled. Call it inside a transaction.
 */
gboolean
pae_store_close_change(PaeStore *self,
		       const gchar *change_id,
		       PaeChangeCloseCode code,
		       const gchar *close_notes,
		       PaeTime when,
		       GError **error)
{
	g_autoptr(PaeChangeRecord) record = NULL;
	const gchar *name = pae_change_close_code_to_string(code);
	PaeChangeState was;

	if ((guint)code >= PAE_CHANGE_CLOSE_LAST) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_INTERNAL, "close code %d is unknown", code);
		return FALSE;
	}
	record = pae_store_get_change(self, change_id, error);
	if (record == NULL)
		return FALSE;
	if (record->close_code != NULL) {
		if (g_strcmp0(record->close_code, name) == 0)
			return TRUE;
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_FAILED,
			    "%s was closed as %s already, not %s",
			    change_id,
			    record->close_code,
			    name);
		return FALSE;
	}
	was = record->state;
	if (!pae_store_apply_close(record, code, error))
		return FALSE;
	record->close_code = g_strdup(name);
	record->close_notes = g_strdup(close_notes);
	if (record->closed == 0)
		record->closed = when;
	return pae_store_update_change(self, record, was, error);
}

/**
 * pae_store_add_change_note:
 *
 * Appends a work note.
 *
 * Returns: %FALSE with %PAE_ERROR_NOT_FOUND when there is no such change
 */
gboolean
pae_store_add_change_note(
	PaeStore *self, const gchar *change_id, const gchar *note, PaeTime at, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	g_return_val_if_fail(note != NULL, FALSE);
	stmt = pae_store_prepare(self,
				 "INSERT INTO change_notes (change_id, at_us, note) "
				 "SELECT ?1, ?2, ?3 WHERE EXISTS "
				 "(SELECT 1 FROM changes WHERE change_id = ?1)",
				 error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, change_id);
	sqlite3_bind_int64(stmt, 2, at);
	pae_store_bind_text(stmt, 3, note);
	if (!pae_store_step_done(self, stmt, error))
		return FALSE;
	if (pae_store_changes(self) == 0) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_NOT_FOUND, "no change %s", change_id);
		return FALSE;
	}
	return TRUE;
}

/**
 * pae_store_list_change_notes:
 *
 * Returns: (transfer container) (element-type PaeChangeNote): the oldest first
 */
GPtrArray *
pae_store_list_change_notes(PaeStore *self, const gchar *change_id, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GPtrArray) notes =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_change_note_free);
	gint rc;

	stmt = pae_store_prepare(self,
				 "SELECT id, at_us, note FROM change_notes WHERE change_id = ?1 "
				 "ORDER BY id",
				 error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, change_id);
	while ((rc = pae_store_step_row(self, stmt, error)) == 1) {
		PaeChangeNote *note = g_new0(PaeChangeNote, 1);
		note->id = sqlite3_column_int64(stmt, 0);
		note->at = sqlite3_column_int64(stmt, 1);
		note->note = g_strdup(pae_store_column_text(stmt, 2));
		g_ptr_array_add(notes, note);
	}
	if (rc < 0)
		return NULL;
	return g_steal_pointer(&notes);
}

/*
 * pae-changes-builtin: change management kept in the agent's own database
 *
 * Every change is a standard change, pre-approved when the customer signed
 * the contract, unless [changes] require_approval is set: then a change
 * opens as new and waits until an operator runs `paectl change approve`,
 * which the engine sees the next time it asks for the change's status.
 *
 * The backend opens its own connection to the database, lazily, on the
 * first slot called, because a PaeStore belongs to the thread that opened
 * it and new() runs where the configuration is loaded, not on the engine's
 * worker thread. A second connection next to the engine's is safe: the
 * engine calls every slot from its one worker thread and never while it
 * holds a transaction of its own, so the two never wait on each other, and
 * WAL mode lets paectl read meanwhile.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-backend.h"
#include "pae-changes.h"
#include "pae-error.h"
#include "pae-store-changes.h"

#define PAE_CHANGES_BUILTIN_GROUP    "changes"
#define PAE_CHANGES_BUILTIN_STANDARD "standard change"

static const gchar *const pae_changes_builtin_keys[] = {
	"require_approval",
	NULL,
};

typedef struct {
	PaeClock *clock;
	gchar *database;
	gboolean require_approval;
	PaeStore *store; /* opened by the first slot called, on its thread */
	GThread *thread; /* that thread */
} PaeChangesBuiltin;

static void
pae_changes_builtin_free(gpointer backend)
{
	PaeChangesBuiltin *self = backend;

	g_clear_object(&self->store);
	g_clear_object(&self->clock);
	g_free(self->database);
	g_free(self);
}

static gpointer
pae_changes_builtin_new(PaeConfigFile *config,
			PaeClock *clock,
			const gchar *database,
			GError **error)
{
	guint problems = pae_config_file_get_problem_count(config);
	PaeChangesBuiltin *self;
	gboolean require_approval;

	pae_config_file_expect_group(config, PAE_CHANGES_BUILTIN_GROUP, pae_changes_builtin_keys);
	require_approval = pae_config_file_get_boolean(
		config, PAE_CHANGES_BUILTIN_GROUP, "require_approval", FALSE);
	if (pae_config_file_get_problem_count(config) > problems) {
		pae_config_file_check(config, error);
		return NULL;
	}
	if (database == NULL || database[0] == '\0') {
		g_set_error_literal(
			error,
			PAE_ERROR,
			PAE_ERROR_INVALID_CONFIG,
			"changes: the builtin change management needs the agent's database");
		return NULL;
	}
	self = g_new0(PaeChangesBuiltin, 1);
	self->clock = g_object_ref(clock);
	self->database = g_strdup(database);
	self->require_approval = require_approval;
	return self;
}

static PaeStore *
pae_changes_builtin_ensure_store(PaeChangesBuiltin *self, GCancellable *cancellable, GError **error)
{
	if (g_cancellable_set_error_if_cancelled(cancellable, error)) {
		pae_error_convert(error);
		return NULL;
	}
	if (self->store != NULL) {
		/* sqlite connections here are opened without a mutex */
		if (self->thread != g_thread_self()) {
			g_set_error_literal(
				error,
				PAE_ERROR,
				PAE_ERROR_INTERNAL,
				"changes: called from another thread than the first time");
			return NULL;
		}
		return self->store;
	}
	self->store = pae_store_open(self->database, PAE_STORE_OPEN_DEFAULT, error);
	if (self->store == NULL) {
		g_prefix_error(error, "changes: ");
		return NULL;
	}
	self->thread = g_thread_self();
	return self->store;
}

static PaeChangeRecord *
pae_changes_builtin_record_new(PaeChangesBuiltin *self,
			       const PaeChangeRequest *request,
			       PaeTime now)
{
	PaeChangeRecord *record = pae_change_record_new();

	record->correlation_id = g_strdup(request->correlation_id);
	record->summary = g_strdup(request->summary);
	record->description = g_strdup(request->description);
	record->tenant = g_strdup(request->tenant);
	record->category = g_strdup(request->category);
	record->window_start = request->window_start;
	record->window_end = request->window_end;
	record->vms = g_strdupv(request->vms);
	record->patches = g_strdupv(request->patches);
	record->opened = now;
	if (self->require_approval) {
		record->state = PAE_CHANGE_STATE_NEW;
	} else {
		record->state = PAE_CHANGE_STATE_APPROVED;
		record->approved = now;
		record->approved_by = g_strdup(PAE_CHANGES_BUILTIN_STANDARD);
	}
	return record;
}

static gchar *
pae_changes_builtin_first_note(const PaeChangeRecord *record)
{
	g_autofree gchar *start = pae_time_to_iso8601(record->window_start);
	g_autofree gchar *end = pae_time_to_iso8601(record->window_end);
	g_autofree gchar *what =
		g_strdup_printf("%u VMs, %u patches, window %s to %s",
				record->vms != NULL ? g_strv_length(record->vms) : 0,
				record->patches != NULL ? g_strv_length(record->patches) : 0,
				start,
				end);

	if (record->state == PAE_CHANGE_STATE_APPROVED)
		return g_strdup_printf("opened by pae-agent as a pre-approved standard change: %s",
				       what);
	return g_strdup_printf("opened by pae-agent, waits for approval "
			       "(paectl change approve %s): %s",
			       record->change_id,
			       what);
}

static gchar *
pae_changes_builtin_open(gpointer backend,
			 const PaeChangeRequest *request,
			 GCancellable *cancellable,
			 GError **error)
{
	PaeChangesBuiltin *self = backend;
	PaeStore *store;
	PaeTime now = pae_clock_get_now(self->clock);
	g_autoptr(PaeChangeRecord) record = NULL;
	g_autoptr(PaeStoreTransaction) txn = NULL;
	g_autofree gchar *note = NULL;

	if (request->correlation_id == NULL || request->correlation_id[0] == '\0' ||
	    request->summary == NULL || request->summary[0] == '\0') {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "changes: a change needs a correlation id and a summary");
		return NULL;
	}
	store = pae_changes_builtin_ensure_store(self, cancellable, error);
	if (store == NULL)
		return NULL;
	record = pae_changes_builtin_record_new(self, request, now);
	txn = pae_store_transaction_begin(store, error);
	if (txn == NULL)
		return NULL;
	if (!pae_store_add_change(store, record, error)) {
		g_prefix_error(error, "changes: cannot open a change: ");
		return NULL;
	}
	note = pae_changes_builtin_first_note(record);
	if (!pae_store_add_change_note(store, record->change_id, note, now, error) ||
	    !pae_store_transaction_commit(txn, error)) {
		g_prefix_error(error, "changes: cannot open a change: ");
		return NULL;
	}
	g_info("%s opened (%s) for %s: %s",
	       record->change_id,
	       pae_change_state_to_string(record->state),
	       record->correlation_id,
	       record->summary);
	return g_strdup(record->change_id);
}

/* NULL without an error when there is none */
static gchar *
pae_changes_builtin_find(gpointer backend,
			 const gchar *correlation_id,
			 GCancellable *cancellable,
			 GError **error)
{
	PaeChangesBuiltin *self = backend;
	g_autoptr(PaeChangeRecord) record = NULL;
	g_autoptr(GError) error_local = NULL;
	PaeStore *store = pae_changes_builtin_ensure_store(self, cancellable, error);

	if (store == NULL)
		return NULL;
	record = pae_store_find_change_by_correlation(store, correlation_id, &error_local);
	if (record == NULL) {
		if (g_error_matches(error_local, PAE_ERROR, PAE_ERROR_NOT_FOUND))
			return NULL;
		g_propagate_prefixed_error(error, g_steal_pointer(&error_local), "changes: ");
		return NULL;
	}
	return g_steal_pointer(&record->change_id);
}

static PaeChangeStatus *
pae_changes_builtin_get_status(gpointer backend,
			       const gchar *change_id,
			       GCancellable *cancellable,
			       GError **error)
{
	PaeChangesBuiltin *self = backend;
	g_autoptr(PaeChangeRecord) record = NULL;
	PaeChangeStatus *status;
	PaeStore *store = pae_changes_builtin_ensure_store(self, cancellable, error);

	if (store == NULL)
		return NULL;
	record = pae_store_get_change(store, change_id, error);
	if (record == NULL) {
		g_prefix_error(error, "changes: ");
		return NULL;
	}
	status = pae_change_status_new(record->change_id, record->state);
	status->close_code = g_steal_pointer(&record->close_code);
	return status;
}

static gboolean
pae_changes_builtin_add_work_note(gpointer backend,
				  const gchar *change_id,
				  const gchar *note,
				  GCancellable *cancellable,
				  GError **error)
{
	PaeChangesBuiltin *self = backend;
	PaeStore *store = pae_changes_builtin_ensure_store(self, cancellable, error);

	if (store == NULL)
		return FALSE;
	if (!pae_store_add_change_note(
		    store, change_id, note, pae_clock_get_now(self->clock), error)) {
		g_prefix_error(error, "changes: cannot add a work note: ");
		return FALSE;
	}
	return TRUE;
}

static gboolean
pae_changes_builtin_close(gpointer backend,
			  const gchar *change_id,
			  PaeChangeCloseCode code,
			  const gchar *close_notes,
			  GCancellable *cancellable,
			  GError **error)
{
	PaeChangesBuiltin *self = backend;
	g_autoptr(PaeStoreTransaction) txn = NULL;
	PaeStore *store = pae_changes_builtin_ensure_store(self, cancellable, error);

	if (store == NULL)
		return FALSE;
	txn = pae_store_transaction_begin(store, error);
	if (txn == NULL)
		return FALSE;
	if (!pae_store_close_change(
		    store, change_id, code, close_notes, pae_clock_get_now(self->clock), error) ||
	    !pae_store_transaction_commit(txn, error)) {
		g_prefix_error(error, "changes: cannot close: ");
		return FALSE;
	}
	g_info("%s closed: %s", change_id, pae_change_close_code_to_string(code));
	return TRUE;
}

static const PaeChangesClass pae_changes_builtin_vtable = {
	.name = "builtin",
	.new = pae_changes_builtin_new,
	.free = pae_changes_builtin_free,
	.find = pae_changes_builtin_find,
	.open = pae_changes_builtin_open,
	.get_status = pae_changes_builtin_get_status,
	.add_work_note = pae_changes_builtin_add_work_note,
	.close = pae_changes_builtin_close,
};

const PaeBackendInfo pae_backend_changes_builtin = {
	PAE_BACKEND_KIND_CHANGES,
	"builtin",
	&pae_changes_builtin_vtable,
};

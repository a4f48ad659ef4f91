/*
 * pae-changes: the interface to change management
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeChanges"

#include "config.h"

#include "pae-changes.h"

#include "pae-backend.h"
#include "pae-error.h"

struct _PaeChanges {
	const PaeChangesClass *klass;
	gpointer backend;
};

static const gchar *const pae_change_state_names[] = {
	[PAE_CHANGE_STATE_NEW] = "new",
	[PAE_CHANGE_STATE_APPROVED] = "approved",
	[PAE_CHANGE_STATE_REJECTED] = "rejected",
	[PAE_CHANGE_STATE_CLOSED] = "closed",
	[PAE_CHANGE_STATE_CANCELLED] = "cancelled",
};

/* ServiceNow's close_code values */
static const gchar *const pae_change_close_code_names[] = {
	[PAE_CHANGE_CLOSE_SUCCESSFUL] = "successful",
	[PAE_CHANGE_CLOSE_SUCCESSFUL_ISSUES] = "successful_issues",
	[PAE_CHANGE_CLOSE_UNSUCCESSFUL] = "unsuccessful",
	[PAE_CHANGE_CLOSE_CANCELLED] = "cancelled",
};

const gchar *
pae_change_state_to_string(PaeChangeState state)
{
	if ((guint)state >= G_N_ELEMENTS(pae_change_state_names))
		return "new";
	return pae_change_state_names[state];
}

PaeChangeState
pae_change_state_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_change_state_names); i++) {
		if (g_strcmp0(pae_change_state_names[i], text) == 0)
			return (PaeChangeState)i;
	}
	return PAE_CHANGE_STATE_NEW;
}

const gchar *
pae_change_close_code_to_string(PaeChangeCloseCode code)
{
	if ((guint)code >= G_N_ELEMENTS(pae_change_close_code_names))
		return "unsuccessful";
	return pae_change_close_code_names[code];
}

PaeChangeCloseCode
pae_change_close_code_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_change_close_code_names); i++) {
		if (g_strcmp0(pae_change_close_code_names[i], text) == 0)
			return (PaeChangeCloseCode)i;
	}
	return PAE_CHANGE_CLOSE_LAST;
}

PaeChangeRequest *
pae_change_request_new(void)
{
	return g_new0(PaeChangeRequest, 1);
}

void
pae_change_request_free(PaeChangeRequest *request)
{
	if (request == NULL)
		return;
	g_free(request->correlation_id);
	g_free(request->summary);
	g_free(request->description);
	g_free(request->tenant);
	g_free(request->category);
	g_strfreev(request->vms);
	g_strfreev(request->patches);
	g_free(request);
}

PaeChangeStatus *
pae_change_status_new(const gchar *change_id, PaeChangeState state)
{
	PaeChangeStatus *status = g_new0(PaeChangeStatus, 1);
	status->change_id = g_strdup(change_id);
	status->state = state;
	return status;
}

void
pae_change_status_free(PaeChangeStatus *status)
{
	if (status == NULL)
		return;
	g_free(status->change_id);
	g_free(status->close_code);
	g_free(status);
}

PaeChanges *
pae_changes_new(const gchar *backend_name,
		PaeConfigFile *config,
		PaeClock *clock,
		const gchar *database,
		GError **error)
{
	const PaeBackendInfo *info = pae_backend_find(PAE_BACKEND_KIND_CHANGES, backend_name);
	g_autoptr(PaeChanges) self = NULL;

	if (info == NULL) {
		g_autofree gchar *names = pae_backend_list_names(PAE_BACKEND_KIND_CHANGES);
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "no change management backend '%s' (built: %s)",
			    backend_name,
			    names);
		return NULL;
	}
	self = g_new0(PaeChanges, 1);
	self->klass = info->vtable;
	self->backend = self->klass->new (config, clock, database, error);
	if (self->backend == NULL)
		return NULL;
	return g_steal_pointer(&self);
}

void
pae_changes_free(PaeChanges *self)
{
	if (self == NULL)
		return;
	if (self->backend != NULL && self->klass->free != NULL)
		self->klass->free(self->backend);
	g_free(self);
}

const gchar *
pae_changes_get_name(PaeChanges *self)
{
	return self->klass->name;
}

gchar *
pae_changes_find(PaeChanges *self,
		 const gchar *correlation_id,
		 GCancellable *cancellable,
		 GError **error)
{
	return self->klass->find(self->backend, correlation_id, cancellable, error);
}

gchar *
pae_changes_open(PaeChanges *self,
		 const PaeChangeRequest *request,
		 GCancellable *cancellable,
		 GError **error)
{
	return self->klass->open(self->backend, request, cancellable, error);
}

PaeChangeStatus *
pae_changes_get_status(PaeChanges *self,
		       const gchar *change_id,
		       GCancellable *cancellable,
		       GError **error)
{
	return self->klass->get_status(self->backend, change_id, cancellable, error);
}

gboolean
pae_changes_add_work_note(PaeChanges *self,
			  const gchar *change_id,
			  const gchar *note,
			  GCancellable *cancellable,
			  GError **error)
{
	if (self->klass->add_work_note == NULL)
		return TRUE;
	return self->klass->add_work_note(self->backend, change_id, note, cancellable, error);
}

gboolean
pae_changes_close(PaeChanges *self,
		  const gchar *change_id,
		  PaeChangeCloseCode code,
		  const gchar *close_notes,
		  GCancellable *cancellable,
		  GError **error)
{
	return self->klass->close(self->backend, change_id, code, close_notes, cancellable, error);
}

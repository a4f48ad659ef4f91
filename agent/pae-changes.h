/*
 * pae-changes: the interface to change management
 *
 * Every batch of patches the planner places in a window is a change record:
 * opened before the window with what, where and when, approved (the builtin
 * backend pre-approves standard changes, as the customer agreed at contract
 * time), given work notes as it goes, and closed with the evidence of each
 * VM's result. The interface is shaped after ServiceNow's change_request
 * (state, close_code, close_notes, work_notes, correlation_id) so that an
 * ITSM backend is one more folder under backends/.
 *
 * Slots are synchronous and run on the engine's worker thread, never inside
 * one of the engine's database transactions.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pae-clock.h"
#include "pae-config-file.h"

G_BEGIN_DECLS

typedef enum {
	PAE_CHANGE_STATE_NEW,	    /* opened, not yet approved */
	PAE_CHANGE_STATE_APPROVED,  /* may go ahead */
	PAE_CHANGE_STATE_REJECTED,  /* may not go ahead */
	PAE_CHANGE_STATE_CLOSED,    /* done, with a close code */
	PAE_CHANGE_STATE_CANCELLED, /* withdrawn before it ran */
	PAE_CHANGE_STATE_LAST
} PaeChangeState;

typedef enum {
	PAE_CHANGE_CLOSE_SUCCESSFUL,
	PAE_CHANGE_CLOSE_SUCCESSFUL_ISSUES,
	PAE_CHANGE_CLOSE_UNSUCCESSFUL,
	PAE_CHANGE_CLOSE_CANCELLED,
	PAE_CHANGE_CLOSE_LAST
} PaeChangeCloseCode;

typedef struct {
	gchar *correlation_id; /* the agent's idempotency key for this change */
	gchar *summary;	       /* one line */
	gchar *description;    /* what, where, when, why: VMs, patches, window */
	gchar *tenant;
	gchar *category;
	PaeTime window_start;
	PaeTime window_end;
	GStrv vms;     /* VM names and UUIDs, "name (uuid)" */
	GStrv patches; /* "site/fixlet: name" */
} PaeChangeRequest;

typedef struct {
	gchar *change_id;
	PaeChangeState state;
	gchar *close_code; /* nullable */
} PaeChangeStatus;

typedef struct {
	const gchar *name;
	/* reads and validates the backend's own [group]; problems go to @config */
	gpointer (*new)(PaeConfigFile *config,
			PaeClock *clock,
			const gchar *database,
			GError **error);
	void (*free)(gpointer backend);
	/* the change with this correlation id, if one exists (crash recovery) */
	gchar *(*find)(gpointer backend,
		       const gchar *correlation_id,
		       GCancellable *cancellable,
		       GError **error);
	/* returns the new change's id */
	gchar *(*open)(gpointer backend,
		       const PaeChangeRequest *request,
		       GCancellable *cancellable,
		       GError **error);
	PaeChangeStatus *(*get_status)(gpointer backend,
				       const gchar *change_id,
				       GCancellable *cancellable,
				       GError **error);
	gboolean (*add_work_note)(gpointer backend,
				  const gchar *change_id,
				  const gchar *note,
				  GCancellable *cancellable,
				  GError **error);
	gboolean (*close)(gpointer backend,
			  const gchar *change_id,
			  PaeChangeCloseCode code,
			  const gchar *close_notes,
			  GCancellable *cancellable,
			  GError **error);
} PaeChangesClass;

typedef struct _PaeChanges PaeChanges;

PaeChanges *
pae_changes_new(const gchar *backend_name,
		PaeConfigFile *config,
		PaeClock *clock,
		const gchar *database,
		GError **error);
void
pae_changes_free(PaeChanges *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeChanges, pae_changes_free)
const gchar *
pae_changes_get_name(PaeChanges *self);
gchar *
pae_changes_find(PaeChanges *self,
		 const gchar *correlation_id,
		 GCancellable *cancellable,
		 GError **error);
gchar *
pae_changes_open(PaeChanges *self,
		 const PaeChangeRequest *request,
		 GCancellable *cancellable,
		 GError **error);
PaeChangeStatus *
pae_changes_get_status(PaeChanges *self,
		       const gchar *change_id,
		       GCancellable *cancellable,
		       GError **error);
gboolean
pae_changes_add_work_note(PaeChanges *self,
			  const gchar *change_id,
			  const gchar *note,
			  GCancellable *cancellable,
			  GError **error);
gboolean
pae_changes_close(PaeChanges *self,
		  const gchar *change_id,
		  PaeChangeCloseCode code,
		  const gchar *close_notes,
		  GCancellable *cancellable,
		  GError **error);

PaeChangeRequest *
pae_change_request_new(void);
void
pae_change_request_free(PaeChangeRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeChangeRequest, pae_change_request_free)
PaeChangeStatus *
pae_change_status_new(const gchar *change_id, PaeChangeState state);
void
pae_change_status_free(PaeChangeStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeChangeStatus, pae_change_status_free)

const gchar *
pae_change_state_to_string(PaeChangeState state);
PaeChangeState
pae_change_state_from_string(const gchar *text);
const gchar *
pae_change_close_code_to_string(PaeChangeCloseCode code);
PaeChangeCloseCode
pae_change_close_code_from_string(const gchar *text);

G_END_DECLS

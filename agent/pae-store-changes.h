/*
 * pae-store-changes: the builtin change records and their work notes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-changes.h"
#include "pae-clock.h"
#include "pae-store.h"

G_BEGIN_DECLS

/* a mask of states for pae_store_list_changes(); 0 means every state */
#define PAE_CHANGE_STATE_MASK(state) (1u << (state))
#define PAE_CHANGE_STATES_OPEN                                                                     \
	(PAE_CHANGE_STATE_MASK(PAE_CHANGE_STATE_NEW) |                                             \
	 PAE_CHANGE_STATE_MASK(PAE_CHANGE_STATE_APPROVED))

/* one row of the changes table */
typedef struct {
	gchar *change_id; /* CHG and 7 digits, given by pae_store_add_change() */
	gchar *correlation_id;
	PaeChangeState state;
	gchar *summary;
	gchar *description;
	gchar *tenant;
	gchar *category;
	PaeTime window_start;
	PaeTime window_end;
	GStrv vms;	   /* never NULL once read */
	GStrv patches;	   /* never NULL once read */
	gchar *close_code; /* nullable; "cancelled" for a cancelled change */
	gchar *close_notes;
	PaeTime opened;
	PaeTime approved;
	gchar *approved_by;
	PaeTime closed; /* closed, cancelled or rejected */
} PaeChangeRecord;

typedef struct {
	gint64 id;
	PaeTime at;
	gchar *note;
} PaeChangeNote;

PaeChangeRecord *
pae_change_record_new(void);
void
pae_change_record_free(PaeChangeRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeChangeRecord, pae_change_record_free)
void
pae_change_note_free(PaeChangeNote *note);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeChangeNote, pae_change_note_free)

gboolean
pae_store_add_change(PaeStore *self, PaeChangeRecord *record, GError **error);
PaeChangeRecord *
pae_store_get_change(PaeStore *self, const gchar *change_id, GError **error);
PaeChangeRecord *
pae_store_find_change_by_correlation(PaeStore *self, const gchar *correlation_id, GError **error);
GPtrArray *
pae_store_list_changes(PaeStore *self, guint states, guint limit, GError **error);
gboolean
pae_store_set_change_state(PaeStore *self,
			   const gchar *change_id,
			   PaeChangeState state,
			   const gchar *who,
			   const gchar *reason,
			   PaeTime when,
			   GError **error);
gboolean
pae_store_close_change(PaeStore *self,
		       const gchar *change_id,
		       PaeChangeCloseCode code,
		       const gchar *close_notes,
		       PaeTime when,
		       GError **error);
gboolean
pae_store_add_change_note(
	PaeStore *self, const gchar *change_id, const gchar *note, PaeTime at, GError **error);
GPtrArray *
pae_store_list_change_notes(PaeStore *self, const gchar *change_id, GError **error);

G_END_DECLS

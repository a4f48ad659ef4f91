/*
 * pae-observation: what happened to a VM, whatever told us
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-vm.h"

G_BEGIN_DECLS

/* what an observation means for patching */
typedef enum {
	PAE_OBSERVATION_IGNORED, /* nothing to record */
	PAE_OBSERVATION_PROVISION,
	PAE_OBSERVATION_RESUME,
	PAE_OBSERVATION_REVERT,
	PAE_OBSERVATION_CATEGORY_CHANGE,
	PAE_OBSERVATION_DEPROVISION,
	PAE_OBSERVATION_RENAME,
	PAE_OBSERVATION_MIGRATION_IN,
	PAE_OBSERVATION_MIGRATION_OUT,
	PAE_OBSERVATION_START,
	PAE_OBSERVATION_STOP,
	PAE_OBSERVATION_SUSPEND,
	PAE_OBSERVATION_UPDATE,
	PAE_OBSERVATION_RESTART,  /* restarted while nobody listened */
	PAE_OBSERVATION_VANISHED, /* gone while nobody listened */
	PAE_OBSERVATION_LAST
} PaeObservationKind;

/* where a record in the history came from */
typedef enum {
	PAE_SOURCE_EVENT,
	PAE_SOURCE_RESYNC,
	PAE_SOURCE_HOOK,
	PAE_SOURCE_ENGINE,
	PAE_SOURCE_OPERATOR,
	PAE_SOURCE_LAST
} PaeSource;

typedef enum {
	PAE_TRIGGER_LIFECYCLE,
	PAE_TRIGGER_METADATA,
	PAE_TRIGGER_PM_WAKEUP,
	PAE_TRIGGER_PM_SUSPEND,
	PAE_TRIGGER_HOOK,
} PaeTriggerType;

/* one raw notification: a libvirt event or a hook record */
typedef struct {
	PaeTriggerType type;
	gint event;	      /* virDomainEventType for LIFECYCLE */
	gint detail;	      /* its detail */
	gchar *operation;     /* HOOK: e.g. "restore" */
	gchar *sub_operation; /* HOOK: e.g. "begin" */
	gchar *uuid;
	gchar *name;
	PaeTime at;
} PaeTrigger;

PaeTrigger *
pae_trigger_new(PaeTriggerType type, const gchar *uuid, const gchar *name, PaeTime at);
void
pae_trigger_free(PaeTrigger *trigger);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeTrigger, pae_trigger_free)
gchar *
pae_trigger_to_string(const PaeTrigger *trigger);

PaeObservationKind
pae_observation_classify(const PaeTrigger *trigger,
			 const PaeVm *previous,
			 const gchar *previous_event,
			 const PaeVm *current,
			 PaeVmState *state_after);

const gchar *
pae_observation_kind_to_string(PaeObservationKind kind);
PaeObservationKind
pae_observation_kind_from_string(const gchar *text);
gboolean
pae_observation_kind_retires(PaeObservationKind kind);
const gchar *
pae_source_to_string(PaeSource source);
PaeSource
pae_source_from_string(const gchar *text);

G_END_DECLS

/*
 * pae-vm: what the agent knows about one virtual machine
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-clock.h"

G_BEGIN_DECLS

/* the pae metadata namespaces in a domain's <metadata> */
#define PAE_VM_METADATA_URI	     "urn:x-pae:vm:1"
#define PAE_VM_METADATA_PREFIX	     "pae"
#define PAE_HANDOVER_METADATA_URI    "urn:x-pae:handover:1"
#define PAE_HANDOVER_METADATA_PREFIX "paeh"

typedef enum {
	PAE_VM_STATE_UNKNOWN,
	PAE_VM_STATE_RUNNING,
	PAE_VM_STATE_BLOCKED,
	PAE_VM_STATE_PAUSED,
	PAE_VM_STATE_SHUTDOWN,
	PAE_VM_STATE_SHUTOFF,
	PAE_VM_STATE_CRASHED,
	PAE_VM_STATE_PMSUSPENDED,
	PAE_VM_STATE_SAVED,	/* shut off with a saved memory image */
	PAE_VM_STATE_UNDEFINED, /* gone from this controller */
	PAE_VM_STATE_MIGRATED,	/* moved to another controller */
	PAE_VM_STATE_LAST
} PaeVmState;

typedef enum {
	PAE_TIMEZONE_SOURCE_DEFAULT,
	PAE_TIMEZONE_SOURCE_METADATA,
	PAE_TIMEZONE_SOURCE_CLOCK,
} PaeTimezoneSource;

typedef struct {
	gchar *uuid; /* lower case, canonical */
	gchar *name;
	gchar *tenant;
	gchar *category;
	gchar *timezone;
	PaeTimezoneSource timezone_source;
	PaeVmState state;
	gint domain_id; /* -1 when not running */
	gboolean persistent;
	gchar *current_snapshot; /* nullable */
	gchar *snapshot_parent;	 /* of current_snapshot; read from libvirt, not stored */
	gboolean in_transition;	 /* paused by libvirt itself mid-operation (starting up,
				  * saving, snapshotting, migrating); read, not stored */
	PaeTime first_seen;
	PaeTime last_seen;
	PaeTime retired; /* 0 while the VM lives on this controller */
} PaeVm;

PaeVm *
pae_vm_new(const gchar *uuid);
PaeVm *
pae_vm_copy(const PaeVm *vm);
void
pae_vm_free(PaeVm *vm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeVm, pae_vm_free)

const gchar *
pae_vm_state_to_string(PaeVmState state);
PaeVmState
pae_vm_state_from_string(const gchar *text);
gboolean
pae_vm_state_is_active(PaeVmState state);
const gchar *
pae_timezone_source_to_string(PaeTimezoneSource source);
PaeTimezoneSource
pae_timezone_source_from_string(const gchar *text);

gboolean
pae_vm_name_is_valid(const gchar *name);
gchar *
pae_vm_uuid_normalize(const gchar *uuid);

G_END_DECLS

/*
 * pae-incidents: the interface to incident reporting
 *
 * When automation cannot do its job — a patch failed, a stage halted, a VM
 * is unmanaged, a deadline cannot be met, a baseline timed out — a person
 * must know. The engine keeps one open incident per (VM, patch, kind) in its
 * database and tells the backend when one is raised and when it is
 * resolved; the backend delivers it (journald alerts today, an ITSM
 * incident table tomorrow).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pae-clock.h"
#include "pae-config-file.h"

G_BEGIN_DECLS

typedef enum {
	PAE_INCIDENT_PATCH_FAILED,
	PAE_INCIDENT_STAGE_HALTED,
	PAE_INCIDENT_VM_UNMANAGED,
	PAE_INCIDENT_DEADLINE_MISSED,
	PAE_INCIDENT_BASELINE_TIMEOUT,
	PAE_INCIDENT_KIND_LAST
} PaeIncidentKind;

typedef struct {
	gchar *incident_id; /* the engine's id, stable across raise and resolve */
	PaeIncidentKind kind;
	gchar *message;	  /* one sentence for people */
	gchar *vm_uuid;	  /* nullable: a stage halt concerns no single VM */
	gchar *vm_name;	  /* nullable */
	gchar *patch;	  /* nullable: "site/fixlet" */
	gchar *action_id; /* nullable: the patch server's action */
	gchar *change_id; /* nullable: the change record */
	gchar *tenant;	  /* nullable */
	PaeTime raised;
} PaeIncident;

typedef struct {
	const gchar *name;
	gpointer (*new)(PaeConfigFile *config, PaeClock *clock, GError **error);
	void (*free)(gpointer backend);
	gboolean (*raise)(gpointer backend, const PaeIncident *incident, GError **error);
	gboolean (*resolve)(gpointer backend,
			    const PaeIncident *incident,
			    const gchar *resolution,
			    GError **error);
} PaeIncidentsClass;

typedef struct _PaeIncidents PaeIncidents;

PaeIncidents *
pae_incidents_new(const gchar *backend_name,
		  PaeConfigFile *config,
		  PaeClock *clock,
		  GError **error);
void
pae_incidents_free(PaeIncidents *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeIncidents, pae_incidents_free)
const gchar *
pae_incidents_get_name(PaeIncidents *self);
gboolean
pae_incidents_raise(PaeIncidents *self, const PaeIncident *incident, GError **error);
gboolean
pae_incidents_resolve(PaeIncidents *self,
		      const PaeIncident *incident,
		      const gchar *resolution,
		      GError **error);

PaeIncident *
pae_incident_new(PaeIncidentKind kind);
void
pae_incident_free(PaeIncident *incident);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeIncident, pae_incident_free)
const gchar *
pae_incident_kind_to_string(PaeIncidentKind kind);
PaeIncidentKind
pae_incident_kind_from_string(const gchar *text);
const gchar *
pae_incident_kind_get_message_id(PaeIncidentKind kind);

/* the MESSAGE_ID of the record that closes an incident */
#define PAE_INCIDENT_RESOLVED_MESSAGE_ID "aefdeecee1864a05a15f147c489a9c29"

G_END_DECLS

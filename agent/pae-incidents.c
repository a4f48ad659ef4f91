/*
 * pae-incidents: the interface to incident reporting
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeIncidents"

#include "config.h"

#include "pae-incidents.h"

#include "pae-backend.h"
#include "pae-error.h"

struct _PaeIncidents {
	const PaeIncidentsClass *klass;
	gpointer backend;
};

/* one MESSAGE_ID per kind, for `journalctl MESSAGE_ID=…` and the catalog */
static const struct {
	const gchar *name;
	const gchar *message_id;
} pae_incident_kinds[] = {
	[PAE_INCIDENT_PATCH_FAILED] = {"patch-failed", "24a6618591e54599b37da36ee042492d"},
	[PAE_INCIDENT_STAGE_HALTED] = {"stage-halted", "4cf03d0b33374b42b8996fe670b8e84b"},
	[PAE_INCIDENT_VM_UNMANAGED] = {"vm-unmanaged", "9a1a6c9bca514325962d4c95b7e4031a"},
	[PAE_INCIDENT_DEADLINE_MISSED] = {"deadline-missed", "d6364219444540169f572018ea4806fd"},
	[PAE_INCIDENT_BASELINE_TIMEOUT] = {"baseline-timeout", "1d1b6f3a6575429ebd6ed7d46adbe214"},
};

const gchar *
pae_incident_kind_to_string(PaeIncidentKind kind)
{
	if ((guint)kind >= G_N_ELEMENTS(pae_incident_kinds))
		return "unknown";
	return pae_incident_kinds[kind].name;
}

PaeIncidentKind
pae_incident_kind_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_incident_kinds); i++) {
		if (g_strcmp0(pae_incident_kinds[i].name, text) == 0)
			return (PaeIncidentKind)i;
	}
	return PAE_INCIDENT_KIND_LAST;
}

const gchar *
pae_incident_kind_get_message_id(PaeIncidentKind kind)
{
	if ((guint)kind >= G_N_ELEMENTS(pae_incident_kinds))
		return NULL;
	return pae_incident_kinds[kind].message_id;
}

PaeIncident *
pae_incident_new(PaeIncidentKind kind)
{
	PaeIncident *incident = g_new0(PaeIncident, 1);
	incident->kind = kind;
	return incident;
}

void
pae_incident_free(PaeIncident *incident)
{
	if (incident == NULL)
		return;
	g_free(incident->incident_id);
	g_free(incident->message);
	g_free(incident->vm_uuid);
	g_free(incident->vm_name);
	g_free(incident->patch);
	g_free(incident->action_id);
	g_free(incident->change_id);
	g_free(incident->tenant);
	g_free(incident);
}

PaeIncidents *
pae_incidents_new(const gchar *backend_name, PaeConfigFile *config, PaeClock *clock, GError **error)
{
	const PaeBackendInfo *info = pae_backend_find(PAE_BACKEND_KIND_INCIDENTS, backend_name);
	g_autoptr(PaeIncidents) self = NULL;

	if (info == NULL) {
		g_autofree gchar *names = pae_backend_list_names(PAE_BACKEND_KIND_INCIDENTS);
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "no incidents backend '%s' (built: %s)",
			    backend_name,
			    names);
		return NULL;
	}
	self = g_new0(PaeIncidents, 1);
	self->klass = info->vtable;
	self->backend = self->klass->new (config, clock, error);
	if (self->backend == NULL)
		return NULL;
	return g_steal_pointer(&self);
}

void
pae_incidents_free(PaeIncidents *self)
{
	if (self == NULL)
		return;
	if (self->backend != NULL && self->klass->free != NULL)
		self->klass->free(self->backend);
	g_free(self);
}

const gchar *
pae_incidents_get_name(PaeIncidents *self)
{
	return self->klass->name;
}

gboolean
pae_incidents_raise(PaeIncidents *self, const PaeIncident *incident, GError **error)
{
	return self->klass->raise(self->backend, incident, error);
}

gboolean
pae_incidents_resolve(PaeIncidents *self,
		      const PaeIncident *incident,
		      const gchar *resolution,
		      GError **error)
{
	if (self->klass->resolve == NULL)
		return TRUE;
	return self->klass->resolve(self->backend, incident, resolution, error);
}

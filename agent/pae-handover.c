/*
 * pae-handover: the hand-over written into a domain's own metadata
 *
 * When a VM reaches its baseline, the agent says so in the domain itself, in
 * its own namespace beside the facts it reads:
 *
 *   <paeh:handover xmlns:paeh="urn:x-pae:handover:1">
 *     <state>ready</state><patch-level>…</patch-level>
 *     <time>2026-03-02T00:05:00Z</time><agent>ctl-1</agent>
 *   </paeh:handover>
 *
 * visible with `virsh metadata DOMAIN urn:x-pae:handover:1`. The engine's
 * worker thread writes it on a libvirt connection of its own, opened when
 * first needed and kept: the listener's connection belongs to the main loop.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeHandover"

#include "config.h"

#include "pae-handover.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "pae-cleanup.h"
#include "pae-error.h"
#include "pae-vm.h"

struct _PaeHandover {
	virConnect *conn;
	gchar *uri;
};

PaeHandover *
pae_handover_new(void)
{
	return g_new0(PaeHandover, 1);
}

void
pae_handover_free(PaeHandover *self)
{
	if (self == NULL)
		return;
	if (self->conn != NULL)
		virConnectClose(self->conn);
	g_free(self->uri);
	g_free(self);
}

/**
 * pae_handover_to_xml:
 *
 * Returns: the hand-over element, every value escaped
 */
gchar *
pae_handover_to_xml(const PaeLifecycle *lc, const gchar *agent_id)
{
	g_autofree gchar *time = pae_time_to_iso8601(lc->ready != 0 ? lc->ready : lc->since);
	return g_markup_printf_escaped("<handover><state>%s</state><patch-level>%s</patch-level>"
				       "<time>%s</time><agent>%s</agent></handover>",
				       pae_lifecycle_state_to_string(lc->state),
				       lc->patch_level != NULL ? lc->patch_level : "",
				       time,
				       agent_id);
}

static virConnect *
pae_handover_connection(PaeHandover *self, const gchar *uri, GError **error)
{
	if (self->conn != NULL && g_strcmp0(self->uri, uri) == 0 &&
	    virConnectIsAlive(self->conn) == 1)
		return self->conn;
	if (self->conn != NULL)
		virConnectClose(self->conn);
	g_free(self->uri);
	self->uri = g_strdup(uri);
	self->conn = virConnectOpen(uri);
	if (self->conn == NULL) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_NOT_REACHABLE,
			    "cannot connect to %s: %s",
			    uri,
			    virGetLastErrorMessage());
		virResetLastError();
	}
	return self->conn;
}

/**
 * pae_handover_write:
 *
 * Writes the hand-over into the domain's definition and, when it runs, its
 * live state. A domain that is gone is an error the caller may ignore.
 */
gboolean
pae_handover_write(PaeHandover *self,
		   const gchar *uri,
		   const PaeLifecycle *lc,
		   const gchar *agent_id,
		   GError **error)
{
	virConnect *conn = pae_handover_connection(self, uri, error);
	g_autoptr(virDomain) dom = NULL;
	g_autofree gchar *xml = NULL;
	guint flags = 0;

	if (conn == NULL)
		return FALSE;
	dom = virDomainLookupByUUIDString(conn, lc->vm_uuid);
	if (dom == NULL) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_NOT_FOUND,
			    "no domain %s: %s",
			    lc->vm_uuid,
			    virGetLastErrorMessage());
		virResetLastError();
		return FALSE;
	}
	if (virDomainIsActive(dom) == 1)
		flags |= VIR_DOMAIN_AFFECT_LIVE;
	if (virDomainIsPersistent(dom) == 1)
		flags |= VIR_DOMAIN_AFFECT_CONFIG;
	xml = pae_handover_to_xml(lc, agent_id);
	if (virDomainSetMetadata(dom,
				 VIR_DOMAIN_METADATA_ELEMENT,
				 xml,
				 PAE_HANDOVER_METADATA_PREFIX,
				 PAE_HANDOVER_METADATA_URI,
				 flags) < 0) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_NOT_REACHABLE,
			    "cannot write the hand-over of %s: %s",
			    lc->vm_uuid,
			    virGetLastErrorMessage());
		virResetLastError();
		return FALSE;
	}
	return TRUE;
}

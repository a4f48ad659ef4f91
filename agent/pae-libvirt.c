/*
 * pae-libvirt: reading VM facts from libvirt
 *
 * The I/O edge between libvirt and the pure fact parser. Called from the
 * ingest thread: libvirt connections may be used from any thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeLibvirt"

#include "config.h"

#include "pae-libvirt.h"

#include <libvirt-glib/libvirt-glib.h>
#include <libvirt/virterror.h>
#include <stdlib.h>

#include "pae-cleanup.h"
#include "pae-error.h"

static void
pae_libvirt_ignore_error(void *user_data, virErrorPtr error)
{
	/* every libvirt error is turned into a GError and reported by its caller */
}

/**
 * pae_libvirt_setup:
 *
 * Stops libvirt from printing its errors on stderr, and runs libvirt's
 * event loop on GLib's default main context. Call once, before connecting.
 */
void
pae_libvirt_setup(void)
{
	virSetErrorFunc(NULL, pae_libvirt_ignore_error);
	gvir_event_register();
}

void
pae_libvirt_set_error(GError **error, const gchar *what)
{
	virErrorPtr err = virGetLastError();
	gint code = PAE_ERROR_LIBVIRT;

	if (err != NULL && err->code == VIR_ERR_NO_DOMAIN)
		code = PAE_ERROR_NOT_FOUND;
	else if (err != NULL && (err->code == VIR_ERR_SYSTEM_ERROR || err->code == VIR_ERR_RPC ||
				 err->code == VIR_ERR_NO_CONNECT))
		code = PAE_ERROR_NOT_REACHABLE;
	g_set_error(error,
		    PAE_ERROR,
		    code,
		    "%s: %s",
		    what,
		    err != NULL && err->message != NULL ? err->message : "unknown libvirt error");
}

gboolean
pae_libvirt_last_error_is_no_domain(void)
{
	virErrorPtr err = virGetLastError();
	return err != NULL && err->code == VIR_ERR_NO_DOMAIN;
}

/**
 * pae_libvirt_state_from_libvirt:
 * @state: a virDomainState
 * @reason: its reason, as virDomainGetState() gives it
 */
PaeVmState
pae_libvirt_state_from_libvirt(gint state, gint reason)
{
	switch (state) {
	case VIR_DOMAIN_RUNNING:
		return PAE_VM_STATE_RUNNING;
	case VIR_DOMAIN_BLOCKED:
		return PAE_VM_STATE_BLOCKED;
	case VIR_DOMAIN_PAUSED:
		return PAE_VM_STATE_PAUSED;
	case VIR_DOMAIN_SHUTDOWN:
		return PAE_VM_STATE_SHUTDOWN;
	case VIR_DOMAIN_SHUTOFF:
		if (reason == VIR_DOMAIN_SHUTOFF_SAVED)
			return PAE_VM_STATE_SAVED;
		if (reason == VIR_DOMAIN_SHUTOFF_MIGRATED)
			return PAE_VM_STATE_MIGRATED;
		return PAE_VM_STATE_SHUTOFF;
	case VIR_DOMAIN_CRASHED:
		return PAE_VM_STATE_CRASHED;
	case VIR_DOMAIN_PMSUSPENDED:
		return PAE_VM_STATE_PMSUSPENDED;
	default:
		return PAE_VM_STATE_UNKNOWN;
	}
}

/**
 * pae_libvirt_state_is_transition:
 *
 * Whether libvirt paused the domain itself for an operation under way, whose
 * end its events will tell: a resync that meets it judges nothing.
 */
gboolean
pae_libvirt_state_is_transition(gint state, gint reason)
{
	if (state != VIR_DOMAIN_PAUSED)
		return FALSE;
	switch (reason) {
	case VIR_DOMAIN_PAUSED_STARTING_UP:
	case VIR_DOMAIN_PAUSED_SAVE:
	case VIR_DOMAIN_PAUSED_SNAPSHOT:
	case VIR_DOMAIN_PAUSED_MIGRATION:
	case VIR_DOMAIN_PAUSED_POSTCOPY:
	case VIR_DOMAIN_PAUSED_DUMP:
	case VIR_DOMAIN_PAUSED_FROM_SNAPSHOT:
		return TRUE;
	default:
		return FALSE;
	}
}

static void
pae_libvirt_read_snapshot(virDomain *dom, PaeVm *vm)
{
	g_autoptr(virDomainSnapshot) snap = NULL;
	g_autofree gchar *xml = NULL;
	const gchar *name;

	if (virDomainHasCurrentSnapshot(dom, 0) != 1)
		return;
	snap = virDomainSnapshotCurrent(dom, 0);
	if (snap == NULL)
		return;
	name = virDomainSnapshotGetName(snap);
	vm->current_snapshot = g_strdup(name);
	xml = virDomainSnapshotGetXMLDesc(snap, 0);
	if (xml != NULL)
		vm->snapshot_parent = pae_domain_xml_parse_snapshot_parent(xml);
}

/**
 * pae_libvirt_read_domain_facts:
 *
 * Returns: (transfer full): the domain's facts, state and current snapshot
 */
PaeVm *
pae_libvirt_read_domain_facts(virDomain *dom, const PaeVmDefaults *defaults, GError **error)
{
	g_autofree gchar *xml = NULL;
	g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(PaeVm) vm = NULL;
	gint state = VIR_DOMAIN_NOSTATE;
	gint reason = 0;
	gint persistent;

	xml = virDomainGetXMLDesc(dom, 0);
	if (xml == NULL) {
		pae_libvirt_set_error(error, "cannot read domain XML");
		return NULL;
	}
	vm = pae_domain_xml_parse(xml, defaults, warnings, error);
	if (vm == NULL)
		return NULL;
	for (guint i = 0; i < warnings->len; i++)
		g_warning("%s", (const gchar *)warnings->pdata[i]);
	if (virDomainGetState(dom, &state, &reason, 0) < 0) {
		pae_libvirt_set_error(error, "cannot read domain state");
		return NULL;
	}
	vm->state = pae_libvirt_state_from_libvirt(state, reason);
	vm->in_transition = pae_libvirt_state_is_transition(state, reason);
	if (vm->state == PAE_VM_STATE_SHUTOFF && virDomainHasManagedSaveImage(dom, 0) == 1)
		vm->state = PAE_VM_STATE_SAVED;
	if (!pae_vm_state_is_active(vm->state))
		vm->domain_id = -1;
	persistent = virDomainIsPersistent(dom);
	vm->persistent = persistent != 0;
	pae_libvirt_read_snapshot(dom, vm);
	return g_steal_pointer(&vm);
}

/**
 * pae_libvirt_read_facts:
 * @result: (out): whether the domain exists, and whether libvirt answered
 *
 * Returns: (transfer full) (nullable): the facts, when @result is OK
 */
PaeVm *
pae_libvirt_read_facts(virConnect *conn,
		       const gchar *uuid,
		       const PaeVmDefaults *defaults,
		       PaeFactsResult *result)
{
	g_autoptr(virDomain) dom = NULL;
	g_autoptr(GError) error = NULL;
	PaeVm *vm;

	dom = virDomainLookupByUUIDString(conn, uuid);
	if (dom == NULL) {
		*result = pae_libvirt_last_error_is_no_domain() ? PAE_FACTS_GONE
								: PAE_FACTS_UNAVAILABLE;
		return NULL;
	}
	vm = pae_libvirt_read_domain_facts(dom, defaults, &error);
	if (vm == NULL) {
		/* it may have gone between the lookup and the read */
		*result = g_error_matches(error, PAE_ERROR, PAE_ERROR_NOT_FOUND)
				  ? PAE_FACTS_GONE
				  : PAE_FACTS_UNAVAILABLE;
		g_debug("cannot read facts of %s: %s", uuid, error->message);
		return NULL;
	}
	*result = PAE_FACTS_OK;
	return vm;
}

/**
 * pae_libvirt_list_facts:
 *
 * Returns: (transfer container) (element-type PaeVm): every domain, persistent
 * and transient; domains that vanish while being read are left out
 */
GPtrArray *
pae_libvirt_list_facts(virConnect *conn, const PaeVmDefaults *defaults, GError **error)
{
	virDomainPtr *domains = NULL;
	g_autoptr(GPtrArray) vms = g_ptr_array_new_with_free_func((GDestroyNotify)pae_vm_free);
	gint n;

	n = virConnectListAllDomains(conn, &domains, 0);
	if (n < 0) {
		pae_libvirt_set_error(error, "cannot list domains");
		return NULL;
	}
	for (gint i = 0; i < n; i++) {
		g_autoptr(GError) error_local = NULL;
		PaeVm *vm = pae_libvirt_read_domain_facts(domains[i], defaults, &error_local);
		if (vm != NULL)
			g_ptr_array_add(vms, vm);
		else if (!g_error_matches(error_local, PAE_ERROR, PAE_ERROR_NOT_FOUND))
			g_warning("%s, skipping one domain", error_local->message);
		virDomainFree(domains[i]);
	}
	free(domains);
	return g_steal_pointer(&vms);
}

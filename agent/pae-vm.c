/*
 * pae-vm: what the agent knows about one virtual machine
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-vm.h"

#include <string.h>

static const gchar *const pae_vm_state_names[] = {
	[PAE_VM_STATE_UNKNOWN] = "unknown",
	[PAE_VM_STATE_RUNNING] = "running",
	[PAE_VM_STATE_BLOCKED] = "blocked",
	[PAE_VM_STATE_PAUSED] = "paused",
	[PAE_VM_STATE_SHUTDOWN] = "shutdown",
	[PAE_VM_STATE_SHUTOFF] = "shutoff",
	[PAE_VM_STATE_CRASHED] = "crashed",
	[PAE_VM_STATE_PMSUSPENDED] = "pmsuspended",
	[PAE_VM_STATE_SAVED] = "saved",
	[PAE_VM_STATE_UNDEFINED] = "undefined",
	[PAE_VM_STATE_MIGRATED] = "migrated",
};

PaeVm *
pae_vm_new(const gchar *uuid)
{
	PaeVm *vm = g_new0(PaeVm, 1);
	vm->uuid = g_strdup(uuid);
	vm->domain_id = -1;
	vm->persistent = TRUE;
	return vm;
}

PaeVm *
pae_vm_copy(const PaeVm *vm)
{
	PaeVm *copy = g_new0(PaeVm, 1);
	*copy = *vm;
	copy->uuid = g_strdup(vm->uuid);
	copy->name = g_strdup(vm->name);
	copy->tenant = g_strdup(vm->tenant);
	copy->category = g_strdup(vm->category);
	copy->timezone = g_strdup(vm->timezone);
	copy->current_snapshot = g_strdup(vm->current_snapshot);
	copy->snapshot_parent = g_strdup(vm->snapshot_parent);
	return copy;
}

void
pae_vm_free(PaeVm *vm)
{
	if (vm == NULL)
		return;
	g_free(vm->uuid);
	g_free(vm->name);
	g_free(vm->tenant);
	g_free(vm->category);
	g_free(vm->timezone);
	g_free(vm->current_snapshot);
	g_free(vm->snapshot_parent);
	g_free(vm);
}

const gchar *
pae_vm_state_to_string(PaeVmState state)
{
	if ((guint)state >= G_N_ELEMENTS(pae_vm_state_names))
		return "unknown";
	return pae_vm_state_names[state];
}

PaeVmState
pae_vm_state_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_vm_state_names); i++) {
		if (g_strcmp0(pae_vm_state_names[i], text) == 0)
			return (PaeVmState)i;
	}
	return PAE_VM_STATE_UNKNOWN;
}

/**
 * pae_vm_state_is_active:
 *
 * Returns: %TRUE when the guest has a running QEMU process (even if paused)
 */
gboolean
pae_vm_state_is_active(PaeVmState state)
{
	switch (state) {
	case PAE_VM_STATE_RUNNING:
	case PAE_VM_STATE_BLOCKED:
	case PAE_VM_STATE_PAUSED:
	case PAE_VM_STATE_SHUTDOWN:
	case PAE_VM_STATE_PMSUSPENDED:
		return TRUE;
	default:
		return FALSE;
	}
}

const gchar *
pae_timezone_source_to_string(PaeTimezoneSource source)
{
	switch (source) {
	case PAE_TIMEZONE_SOURCE_METADATA:
		return "metadata";
	case PAE_TIMEZONE_SOURCE_CLOCK:
		return "clock";
	case PAE_TIMEZONE_SOURCE_DEFAULT:
	default:
		return "default";
	}
}

PaeTimezoneSource
pae_timezone_source_from_string(const gchar *text)
{
	if (g_strcmp0(text, "metadata") == 0)
		return PAE_TIMEZONE_SOURCE_METADATA;
	if (g_strcmp0(text, "clock") == 0)
		return PAE_TIMEZONE_SOURCE_CLOCK;
	return PAE_TIMEZONE_SOURCE_DEFAULT;
}

/**
 * pae_vm_name_is_valid:
 *
 * Tenants and categories become parts of keys, titles and file names, so they
 * are kept to letters, digits, '.', '_' and '-', starting with a letter or
 * digit, at most 64 bytes.
 */
gboolean
pae_vm_name_is_valid(const gchar *name)
{
	gsize len;

	if (name == NULL || !g_ascii_isalnum(name[0]))
		return FALSE;
	len = strlen(name);
	if (len > 64)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		gchar c = name[i];
		if (!g_ascii_isalnum(c) && c != '.' && c != '_' && c != '-')
			return FALSE;
	}
	return TRUE;
}

/**
 * pae_vm_uuid_normalize:
 *
 * Returns: (nullable): the UUID in lower-case 8-4-4-4-12 form, or %NULL
 * when @uuid is not one
 */
gchar *
pae_vm_uuid_normalize(const gchar *uuid)
{
	if (uuid == NULL)
		return NULL;
	if (!g_uuid_string_is_valid(uuid))
		return NULL;
	return g_ascii_strdown(uuid, -1);
}

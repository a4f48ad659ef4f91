/*
 * pae-vm-json: a VM's facts as JSON
 *
 * The same members appear in the audit trail's facts column and in
 * `paectl --json vm`, documented in docs/paectl.1.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-vm-json.h"

/**
 * pae_vm_json_write_facts:
 *
 * Writes the members of a VM's facts into the object being written.
 */
void
pae_vm_json_write_facts(PaeJson *json, const PaeVm *vm)
{
	pae_json_member_string(json, "uuid", vm->uuid);
	pae_json_member_string(json, "name", vm->name);
	pae_json_member_string(json, "tenant", vm->tenant);
	pae_json_member_string(json, "category", vm->category);
	pae_json_member_string(json, "timezone", vm->timezone);
	pae_json_member_string(
		json, "timezone_source", pae_timezone_source_to_string(vm->timezone_source));
	pae_json_member_string(json, "state", pae_vm_state_to_string(vm->state));
	pae_json_member_int(json, "domain_id", vm->domain_id);
	pae_json_member_boolean(json, "persistent", vm->persistent);
	pae_json_member_string(json, "current_snapshot", vm->current_snapshot);
}

gchar *
pae_vm_json_facts(const PaeVm *vm)
{
	g_autoptr(PaeJson) json = pae_json_new(FALSE);
	pae_json_begin_object(json);
	pae_vm_json_write_facts(json, vm);
	pae_json_end_object(json);
	return pae_json_finish(json);
}

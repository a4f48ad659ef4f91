/*
 * pae-vm-json: a VM's facts as JSON
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-json.h"
#include "pae-vm.h"

G_BEGIN_DECLS

void
pae_vm_json_write_facts(PaeJson *json, const PaeVm *vm);
gchar *
pae_vm_json_facts(const PaeVm *vm);

G_END_DECLS

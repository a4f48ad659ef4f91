/*
 * pae-store-vms: VMs, their history and the history's readers in the database
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-history.h"
#include "pae-store.h"
#include "pae-vm.h"

G_BEGIN_DECLS

PaeVm *
pae_store_get_vm(PaeStore *self, const gchar *uuid, gchar **last_event, GError **error);
PaeVm *
pae_store_find_vm(PaeStore *self, const gchar *uuid_or_name, GError **error);
gboolean
pae_store_put_vm(PaeStore *self, const PaeVm *vm, const gchar *last_event, GError **error);
GPtrArray *
pae_store_list_vms(PaeStore *self, gboolean include_retired, GError **error);

gint64
pae_store_add_history(PaeStore *self, PaeHistoryEntry *entry, GError **error);
GPtrArray *
pae_store_list_history(
	PaeStore *self, const gchar *vm_uuid, gint64 after_id, guint limit, GError **error);
GPtrArray *
pae_store_list_history_recent(PaeStore *self, const gchar *vm_uuid, guint limit, GError **error);
gint64
pae_store_get_history_last_id(PaeStore *self, GError **error);

/* records before this position came from a new store's first resync */
#define PAE_STORE_CURSOR_FIRST_RESYNC "first-resync"
/* the last record the engine has acted on */
#define PAE_STORE_CURSOR_ENGINE "engine"

gboolean
pae_store_get_cursor(PaeStore *self, const gchar *name, gint64 *position, GError **error);
gboolean
pae_store_set_cursor(PaeStore *self, const gchar *name, gint64 position, GError **error);

gboolean
pae_store_has_history_besides(PaeStore *self,
			      const gchar *vm_uuid,
			      gint64 after_id,
			      PaeSource source,
			      gboolean *has,
			      GError **error);

G_END_DECLS

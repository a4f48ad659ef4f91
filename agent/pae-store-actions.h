/*
 * pae-store-actions: patch-server actions, their patches and targets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-action.h"
#include "pae-store.h"

G_BEGIN_DECLS

gboolean
pae_store_add_action(PaeStore *self, PaeAction *action, GError **error);
PaeAction *
pae_store_get_action(PaeStore *self, const gchar *key, GError **error);
GPtrArray *
pae_store_list_actions(PaeStore *self, PaeActionState state, GError **error);
GPtrArray *
pae_store_list_actions_for_vm(PaeStore *self, const gchar *vm_uuid, guint limit, GError **error);
GPtrArray *
pae_store_list_actions_for_plan(PaeStore *self, const gchar *plan_key, GError **error);
gboolean
pae_store_update_action(PaeStore *self, PaeAction *action, GError **error);
gboolean
pae_store_update_target(PaeStore *self, const gchar *key, PaeActionTarget *target, GError **error);
gint64
pae_store_count_actions(PaeStore *self, PaeActionState state, GError **error);

G_END_DECLS

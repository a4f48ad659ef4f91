/*
 * pae-store-lifecycle: each VM's lifecycle in the database
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-lifecycle.h"
#include "pae-store.h"

G_BEGIN_DECLS

PaeLifecycle *
pae_store_get_lifecycle(PaeStore *self, const gchar *vm_uuid, GError **error);
gboolean
pae_store_put_lifecycle(PaeStore *self, const PaeLifecycle *lifecycle, GError **error);
GPtrArray *
pae_store_list_lifecycle_work(PaeStore *self, GError **error);

G_END_DECLS

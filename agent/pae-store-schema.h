/*
 * pae-store-schema: the database schema, one step per version
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

const gchar *
pae_store_schema_get_step(gint version);
gint
pae_store_schema_get_latest(void);

G_END_DECLS

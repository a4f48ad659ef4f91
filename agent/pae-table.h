/*
 * pae-table: aligned text tables for paectl
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PaeTable PaeTable;

PaeTable *
pae_table_new(const gchar *first_header, ...) G_GNUC_NULL_TERMINATED;
void
pae_table_free(PaeTable *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeTable, pae_table_free)
void
pae_table_add_row(PaeTable *self, const gchar *first_value, ...);
gchar *
pae_table_to_string(PaeTable *self);

G_END_DECLS

/*
 * pae-store: the agent's SQLite database
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

#include "pae-cleanup.h"

G_BEGIN_DECLS

#define PAE_TYPE_STORE (pae_store_get_type())
G_DECLARE_FINAL_TYPE(PaeStore, pae_store, PAE, STORE, GObject)

typedef enum {
	PAE_STORE_OPEN_DEFAULT = 0,
	PAE_STORE_OPEN_READ_ONLY = 1 << 0, /* paectl: never write, never migrate */
} PaeStoreOpenFlags;

PaeStore *
pae_store_open(const gchar *path, PaeStoreOpenFlags flags, GError **error);
gint
pae_store_get_schema_version(PaeStore *self);
gint
pae_store_get_current_schema_version(void);
const gchar *
pae_store_get_path(PaeStore *self);

sqlite3_stmt *
pae_store_prepare(PaeStore *self, const gchar *sql, GError **error);
gboolean
pae_store_step_done(PaeStore *self, sqlite3_stmt *stmt, GError **error);
gint
pae_store_step_row(PaeStore *self, sqlite3_stmt *stmt, GError **error);
gboolean
pae_store_exec(PaeStore *self, const gchar *sql, GError **error);
gint64
pae_store_last_insert_id(PaeStore *self);
gint
pae_store_changes(PaeStore *self);
void
pae_store_set_error(PaeStore *self, GError **error, const gchar *what);

typedef struct _PaeStoreTransaction PaeStoreTransaction;
PaeStoreTransaction *
pae_store_transaction_begin(PaeStore *self, GError **error);
gboolean
pae_store_transaction_commit(PaeStoreTransaction *txn, GError **error);
void
pae_store_transaction_free(PaeStoreTransaction *txn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeStoreTransaction, pae_store_transaction_free)

/* bind helpers: NULL strings bind as SQL NULL */
void
pae_store_bind_text(sqlite3_stmt *stmt, gint index, const gchar *value);
const gchar *
pae_store_column_text(sqlite3_stmt *stmt, gint column);

/* for the store's own migration tests */
gboolean
pae_store_migrate_to(PaeStore *self, gint version, GError **error);
PaeStore *
pae_store_open_at_version(const gchar *path, gint version, GError **error);

G_END_DECLS

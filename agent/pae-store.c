/*
 * pae-store: the agent's SQLite database
 *
 * One file, in WAL mode so that paectl reads while the agent writes, with
 * synchronous=FULL because the intents in it must not be repeated after a
 * power cut, foreign keys on, and a busy timeout for the moments two writers
 * meet. Every statement is prepared with bound parameters.
 *
 * A PaeStore belongs to the thread that opened it; a thread that needs the
 * database opens its own.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeStore"

#include "config.h"

#include "pae-store.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "pae-error.h"
#include "pae-store-schema.h"

#define PAE_STORE_BUSY_TIMEOUT_MS 10000

struct _PaeStore {
	GObject parent_instance;
	sqlite3 *db;
	gchar *path;
	gboolean read_only;
	gboolean in_transaction;
	gint version;
};

struct _PaeStoreTransaction {
	PaeStore *store;
	gboolean done;
};

G_DEFINE_TYPE(PaeStore, pae_store, G_TYPE_OBJECT)

static void
pae_store_finalize(GObject *object)
{
	PaeStore *self = PAE_STORE(object);
	if (self->db != NULL)
		sqlite3_close_v2(self->db);
	g_free(self->path);
	G_OBJECT_CLASS(pae_store_parent_class)->finalize(object);
}

static void
pae_store_class_init(PaeStoreClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = pae_store_finalize;
}

static void
pae_store_init(PaeStore *self)
{
}

void
pae_store_set_error(PaeStore *self, GError **error, const gchar *what)
{
	gint code = sqlite3_errcode(self->db);
	g_set_error(error,
		    PAE_ERROR,
		    code == SQLITE_BUSY || code == SQLITE_LOCKED ? PAE_ERROR_BUSY : PAE_ERROR_STORE,
		    "%s: %s",
		    what,
		    sqlite3_errmsg(self->db));
}

/**
 * pae_store_prepare:
 *
 * Returns: (transfer full): a statement to bind, step and finalize
 */
sqlite3_stmt *
pae_store_prepare(PaeStore *self, const gchar *sql, GError **error)
{
	sqlite3_stmt *stmt = NULL;

	g_return_val_if_fail(PAE_IS_STORE(self), NULL);
	if (sqlite3_prepare_v2(self->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		pae_store_set_error(self, error, "cannot prepare statement");
		return NULL;
	}
	return stmt;
}

/**
 * pae_store_step_done:
 *
 * Runs a statement that returns no rows.
 */
gboolean
pae_store_step_done(PaeStore *self, sqlite3_stmt *stmt, GError **error)
{
	gint rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE) {
		pae_store_set_error(self, error, "cannot execute statement");
		sqlite3_reset(stmt);
		return FALSE;
	}
	sqlite3_reset(stmt);
	return TRUE;
}

/**
 * pae_store_step_row:
 *
 * Returns: 1 for a row, 0 at the end, -1 on error
 */
gint
pae_store_step_row(PaeStore *self, sqlite3_stmt *stmt, GError **error)
{
	gint rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	pae_store_set_error(self, error, "cannot read rows");
	return -1;
}

/**
 * pae_store_exec:
 * @sql: constant SQL without any value from outside the program
 */
gboolean
pae_store_exec(PaeStore *self, const gchar *sql, GError **error)
{
	g_autofree gchar *message = NULL;
	gchar *errmsg = NULL;

	if (sqlite3_exec(self->db, sql, NULL, NULL, &errmsg) != SQLITE_OK) {
		gint code = sqlite3_errcode(self->db);
		message = g_strdup(errmsg != NULL ? errmsg : sqlite3_errmsg(self->db));
		sqlite3_free(errmsg);
		g_set_error(error,
			    PAE_ERROR,
			    code == SQLITE_BUSY ? PAE_ERROR_BUSY : PAE_ERROR_STORE,
			    "%s",
			    message);
		return FALSE;
	}
	return TRUE;
}

gint64
pae_store_last_insert_id(PaeStore *self)
{
	return sqlite3_last_insert_rowid(self->db);
}

gint
pae_store_changes(PaeStore *self)
{
	return sqlite3_changes(self->db);
}

void
pae_store_bind_text(sqlite3_stmt *stmt, gint index, const gchar *value)
{
	if (value == NULL)
		sqlite3_bind_null(stmt, index);
	else
		sqlite3_bind_text(stmt, index, value, -1, SQLITE_TRANSIENT);
}

const gchar *
pae_store_column_text(sqlite3_stmt *stmt, gint column)
{
	return (const gchar *)sqlite3_column_text(stmt, column);
}

/**
 * pae_store_transaction_begin:
 *
 * Starts an immediate transaction (the write lock is taken now, not at the
 * first write, so it cannot fail half-way with SQLITE_BUSY). Freeing the
 * transaction without committing rolls it back.
 */
PaeStoreTransaction *
pae_store_transaction_begin(PaeStore *self, GError **error)
{
	PaeStoreTransaction *txn;

	g_return_val_if_fail(PAE_IS_STORE(self), NULL);
	g_return_val_if_fail(!self->in_transaction, NULL);
	if (!pae_store_exec(self, "BEGIN IMMEDIATE", error)) {
		g_prefix_error(error, "cannot begin transaction: ");
		return NULL;
	}
	self->in_transaction = TRUE;
	txn = g_new0(PaeStoreTransaction, 1);
	txn->store = g_object_ref(self);
	return txn;
}

gboolean
pae_store_transaction_commit(PaeStoreTransaction *txn, GError **error)
{
	g_return_val_if_fail(txn != NULL && !txn->done, FALSE);
	if (!pae_store_exec(txn->store, "COMMIT", error)) {
		g_prefix_error(error, "cannot commit: ");
		return FALSE;
	}
	txn->done = TRUE;
	txn->store->in_transaction = FALSE;
	return TRUE;
}

void
pae_store_transaction_free(PaeStoreTransaction *txn)
{
	if (txn == NULL)
		return;
	if (!txn->done) {
		g_autoptr(GError) error = NULL;
		if (!pae_store_exec(txn->store, "ROLLBACK", &error))
			g_warning("cannot roll back: %s", error->message);
		txn->store->in_transaction = FALSE;
	}
	g_object_unref(txn->store);
	g_free(txn);
}

static gboolean
pae_store_read_version(PaeStore *self, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = pae_store_prepare(self, "PRAGMA user_version", error);
	if (stmt == NULL)
		return FALSE;
	if (pae_store_step_row(self, stmt, error) != 1)
		return FALSE;
	self->version = sqlite3_column_int(stmt, 0);
	return TRUE;
}

static gboolean
pae_store_apply_step(PaeStore *self, gint version, GError **error)
{
	g_autoptr(PaeStoreTransaction) txn = NULL;
	g_autofree gchar *stamp = NULL;

	txn = pae_store_transaction_begin(self, error);
	if (txn == NULL)
		return FALSE;
	if (!pae_store_exec(self, pae_store_schema_get_step(version), error)) {
		g_prefix_error(error, "migration to schema v%d failed: ", version);
		return FALSE;
	}
	/* PRAGMA takes no bound parameters; the value is our own integer */
	stamp = g_strdup_printf("PRAGMA user_version = %d", version);
	if (!pae_store_exec(self, stamp, error))
		return FALSE;
	if (!pae_store_transaction_commit(txn, error))
		return FALSE;
	self->version = version;
	g_debug("database %s migrated to schema v%d", self->path, version);
	return TRUE;
}

/**
 * pae_store_migrate_to:
 *
 * Climbs the schema steps from the stored version to @version, each in its
 * own transaction; refuses a database newer than this program.
 */
gboolean
pae_store_migrate_to(PaeStore *self, gint version, GError **error)
{
	if (self->version > pae_store_schema_get_latest()) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_STORE,
			    "%s has schema v%d, newer than this program understands (v%d); "
			    "refusing to touch it",
			    self->path,
			    self->version,
			    pae_store_schema_get_latest());
		return FALSE;
	}
	for (gint v = self->version + 1; v <= version; v++) {
		if (!pae_store_apply_step(self, v, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
pae_store_configure(PaeStore *self, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	const gchar *mode;

	sqlite3_busy_timeout(self->db, PAE_STORE_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(self->db, 1);
	if (self->read_only)
		return pae_store_exec(self, "PRAGMA foreign_keys = ON", error);
	stmt = pae_store_prepare(self, "PRAGMA journal_mode = WAL", error);
	if (stmt == NULL || pae_store_step_row(self, stmt, error) != 1)
		return FALSE;
	mode = pae_store_column_text(stmt, 0);
	if (g_ascii_strcasecmp(mode, "wal") != 0) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_STORE,
			    "%s: cannot switch to WAL mode (got %s)",
			    self->path,
			    mode);
		return FALSE;
	}
	return pae_store_exec(self,
			      "PRAGMA synchronous = FULL;"
			      "PRAGMA foreign_keys = ON;",
			      error);
}

static PaeStore *
pae_store_open_raw(const gchar *path, PaeStoreOpenFlags flags, GError **error)
{
	g_autoptr(PaeStore) self = g_object_new(PAE_TYPE_STORE, NULL);
	gint open_flags;

	self->path = g_strdup(path);
	self->read_only = (flags & PAE_STORE_OPEN_READ_ONLY) != 0;
	if (self->read_only) {
		if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_NOT_FOUND,
				    "%s does not exist (has pae-agent run yet?)",
				    path);
			return NULL;
		}
		open_flags = SQLITE_OPEN_READONLY;
	} else {
		g_autofree gchar *dir = g_path_get_dirname(path);
		if (g_mkdir_with_parents(dir, 0750) != 0) {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_STORE,
				    "cannot create %s: %s",
				    dir,
				    g_strerror(errno));
			return NULL;
		}
		open_flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	}
	if (sqlite3_open_v2(path, &self->db, open_flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_STORE,
			    "cannot open %s: %s",
			    path,
			    self->db != NULL ? sqlite3_errmsg(self->db) : "out of memory");
		return NULL;
	}
	if (!pae_store_configure(self, error) || !pae_store_read_version(self, error)) {
		g_prefix_error(error, "%s: ", path);
		return NULL;
	}
	return g_steal_pointer(&self);
}

/**
 * pae_store_open:
 * @path: the database file; its directory is created if needed
 *
 * Opens and migrates to the current schema. Read-only opens migrate nothing
 * and refuse a schema other than the current one.
 */
PaeStore *
pae_store_open(const gchar *path, PaeStoreOpenFlags flags, GError **error)
{
	g_autoptr(PaeStore) self = pae_store_open_raw(path, flags, error);

	if (self == NULL)
		return NULL;
	if (self->read_only) {
		if (self->version != pae_store_schema_get_latest()) {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_STORE,
				    "%s has schema v%d, this program reads v%d%s",
				    path,
				    self->version,
				    pae_store_schema_get_latest(),
				    self->version < pae_store_schema_get_latest()
					    ? " (start pae-agent once to migrate it)"
					    : "");
			return NULL;
		}
		return g_steal_pointer(&self);
	}
	if (!pae_store_migrate_to(self, pae_store_schema_get_latest(), error))
		return NULL;
	return g_steal_pointer(&self);
}

/**
 * pae_store_open_at_version:
 *
 * Opens a database climbing only to @version, to build old schemas in tests.
 */
PaeStore *
pae_store_open_at_version(const gchar *path, gint version, GError **error)
{
	g_autoptr(PaeStore) self = pae_store_open_raw(path, PAE_STORE_OPEN_DEFAULT, error);
	if (self == NULL)
		return NULL;
	if (!pae_store_migrate_to(self, version, error))
		return NULL;
	return g_steal_pointer(&self);
}

gint
pae_store_get_schema_version(PaeStore *self)
{
	return self->version;
}

gint
pae_store_get_current_schema_version(void)
{
	return pae_store_schema_get_latest();
}

const gchar *
pae_store_get_path(PaeStore *self)
{
	return self->path;
}

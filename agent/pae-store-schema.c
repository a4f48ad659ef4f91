/*
 * pae-store-schema: the database schema, one step per version
 *
 * A new database climbs every step from version 1, exactly as an old one
 * does, so there is one path to test. Steps are never edited once released:
 * a change is a new step.
 *
 * Changelog:
 *   v1  vms, the append-only history (observations and decisions), cursors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-store-schema.h"

static const gchar pae_store_schema_v1[] =
    /* one row per VM ever seen on this controller, keyed by libvirt UUID */
    "CREATE TABLE vms ("
    "  uuid TEXT PRIMARY KEY NOT NULL,"
    "  name TEXT NOT NULL,"
    "  tenant TEXT NOT NULL,"
    "  category TEXT NOT NULL,"
    "  timezone TEXT NOT NULL,"
    "  timezone_source TEXT NOT NULL,"
    "  state TEXT NOT NULL,"
    "  domain_id INTEGER NOT NULL DEFAULT -1,"
    "  persistent INTEGER NOT NULL DEFAULT 1,"
    "  current_snapshot TEXT,"
    "  last_event TEXT,"
    "  first_seen_us INTEGER NOT NULL,"
    "  last_seen_us INTEGER NOT NULL,"
    "  retired_us INTEGER"
    ");"
    /* the audit trail: what was observed and what was decided, never changed */
    "CREATE TABLE history ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  vm_uuid TEXT NOT NULL REFERENCES vms(uuid),"
    "  at_us INTEGER NOT NULL,"
    "  source TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  event TEXT,"
    "  detail TEXT,"
    "  facts TEXT"
    ");"
    "CREATE INDEX history_by_vm ON history(vm_uuid, id);"
    "CREATE TRIGGER history_no_update BEFORE UPDATE ON history "
    "  BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;"
    "CREATE TRIGGER history_no_delete BEFORE DELETE ON history "
    "  BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;"
    /* how far each consumer of the history has read */
    "CREATE TABLE cursors ("
    "  name TEXT PRIMARY KEY NOT NULL,"
    "  position INTEGER NOT NULL"
    ");";

static const gchar *const pae_store_schema_steps[] = {
    NULL, /* version 0 is an empty file */
    pae_store_schema_v1,
};

gint
pae_store_schema_get_latest(void)
{
	return G_N_ELEMENTS(pae_store_schema_steps) - 1;
}

/**
 * pae_store_schema_get_step:
 * @version: 1 to the latest
 *
 * Returns: the SQL that takes a database from @version - 1 to @version
 */
const gchar *
pae_store_schema_get_step(gint version)
{
	if (version < 1 || version > pae_store_schema_get_latest())
		return NULL;
	return pae_store_schema_steps[version];
}

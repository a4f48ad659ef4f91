/*
 * pae-store-schema: the database schema, one step per version
 *
 * A new database climbs every step from version 1, exactly as an old one
 * does, so there is one path to test. Steps are never edited once released:
 * a change is a new step.
 *
 * Changelog:
 *   v1  vms, the append-only history (observations and decisions), cursors
 *   v2  the patch server's view: computers, compliance, the patch catalogue,
 *       missing patches; actions with their patches and targets (the
 *       outbox of patch-server actions); requests from paectl; passes
 *   v3  policy at work: plans (a batch of patches in one window, one change
 *       record) and their items; the builtin change management's records
 *       and work notes; exceptions; incidents; actions belong to a plan
 *   v4  lifecycle: each VM's activation, catch-up and re-baseline state, and
 *       the hand-over written into its domain
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

static const gchar pae_store_schema_v2[] =
	/* the patch server's computers as last listed */
	"CREATE TABLE computers ("
	"  computer_id TEXT PRIMARY KEY NOT NULL,"
	"  name TEXT,"
	"  vm_uuid TEXT,"
	"  last_report_us INTEGER,"
	"  first_seen_us INTEGER NOT NULL,"
	"  last_seen_us INTEGER NOT NULL,"
	"  gone_us INTEGER"
	");"
	"CREATE INDEX computers_by_vm ON computers(vm_uuid);"
	/* each VM's compliance as of the last reconcile */
	"CREATE TABLE compliance ("
	"  vm_uuid TEXT PRIMARY KEY NOT NULL REFERENCES vms(uuid),"
	"  state TEXT NOT NULL,"
	"  computer_id TEXT,"
	"  stale_computers TEXT,"
	"  mapped_us INTEGER,"
	"  report_us INTEGER,"
	"  trust_after_us INTEGER NOT NULL DEFAULT 0,"
	"  missing INTEGER NOT NULL DEFAULT 0,"
	"  checked_us INTEGER NOT NULL"
	");"
	/* what the patch server says about each patch */
	"CREATE TABLE patches ("
	"  site TEXT NOT NULL,"
	"  fixlet_id TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  source_severity TEXT,"
	"  category TEXT,"
	"  release_us INTEGER,"
	"  cves TEXT,"
	"  fetched_us INTEGER NOT NULL,"
	"  PRIMARY KEY (site, fixlet_id)"
	");"
	/* relevant (not installed) patches per VM, from the last trusted report */
	"CREATE TABLE missing_patches ("
	"  vm_uuid TEXT NOT NULL REFERENCES vms(uuid),"
	"  site TEXT NOT NULL,"
	"  fixlet_id TEXT NOT NULL,"
	"  first_seen_us INTEGER NOT NULL,"
	"  last_seen_us INTEGER NOT NULL,"
	"  PRIMARY KEY (vm_uuid, site, fixlet_id)"
	");"
	/* patch-server actions: an intent first, then the created object; the key
	 * is also in the action's title, so a crash never creates one twice */
	"CREATE TABLE actions ("
	"  key TEXT PRIMARY KEY NOT NULL,"
	"  purpose TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  action_id TEXT,"
	"  summary TEXT NOT NULL,"
	"  time_mode TEXT NOT NULL,"
	"  start_us INTEGER NOT NULL,"
	"  end_us INTEGER NOT NULL,"
	"  range_start INTEGER NOT NULL DEFAULT 0,"
	"  range_end INTEGER NOT NULL DEFAULT 0,"
	"  restart INTEGER NOT NULL DEFAULT 0,"
	"  server_state TEXT,"
	"  created_us INTEGER NOT NULL,"
	"  updated_us INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_us INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT"
	");"
	"CREATE INDEX actions_by_state ON actions(state);"
	"CREATE TABLE action_patches ("
	"  key TEXT NOT NULL REFERENCES actions(key),"
	"  site TEXT NOT NULL,"
	"  fixlet_id TEXT NOT NULL,"
	"  PRIMARY KEY (key, site, fixlet_id)"
	");"
	"CREATE TABLE action_targets ("
	"  key TEXT NOT NULL REFERENCES actions(key),"
	"  vm_uuid TEXT NOT NULL REFERENCES vms(uuid),"
	"  computer_id TEXT NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  status TEXT,"
	"  exit_code INTEGER,"
	"  apply_count INTEGER,"
	"  start_us INTEGER,"
	"  end_us INTEGER,"
	"  checked_us INTEGER,"
	"  PRIMARY KEY (key, vm_uuid)"
	");"
	"CREATE INDEX action_targets_by_vm ON action_targets(vm_uuid);"
	/* what paectl asks of the agent */
	"CREATE TABLE requests ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind TEXT NOT NULL,"
	"  vm_uuid TEXT,"
	"  argument TEXT,"
	"  requester TEXT,"
	"  requested_us INTEGER NOT NULL,"
	"  handled_us INTEGER,"
	"  result TEXT"
	");"
	/* when each periodic job last ran */
	"CREATE TABLE passes ("
	"  name TEXT PRIMARY KEY NOT NULL,"
	"  started_us INTEGER NOT NULL,"
	"  finished_us INTEGER,"
	"  ok INTEGER NOT NULL DEFAULT 0,"
	"  detail TEXT,"
	"  runs INTEGER NOT NULL DEFAULT 0"
	");";

static const gchar pae_store_schema_v3[] =
	/* a batch: the patches the planner placed in one window occurrence for one
	 * (tenant, category, time mode); its key is the change's correlation id */
	"CREATE TABLE plans ("
	"  key TEXT PRIMARY KEY NOT NULL,"
	"  tenant TEXT NOT NULL,"
	"  category TEXT NOT NULL,"
	"  stage INTEGER NOT NULL,"
	"  time_mode TEXT NOT NULL,"
	"  window_start_us INTEGER NOT NULL,"
	"  window_end_us INTEGER NOT NULL,"
	"  range_start INTEGER NOT NULL DEFAULT 0,"
	"  range_end INTEGER NOT NULL DEFAULT 0,"
	"  first_start_us INTEGER NOT NULL,"
	"  state TEXT NOT NULL,"
	"  change_id TEXT,"
	"  change_state TEXT,"
	"  close_code TEXT,"
	"  created_us INTEGER NOT NULL,"
	"  updated_us INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_us INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT"
	");"
	"CREATE INDEX plans_by_state ON plans(state);"
	/* one (VM, patch) in a batch, with the VM's own window instants */
	"CREATE TABLE plan_items ("
	"  plan_key TEXT NOT NULL REFERENCES plans(key),"
	"  vm_uuid TEXT NOT NULL REFERENCES vms(uuid),"
	"  site TEXT NOT NULL,"
	"  fixlet_id TEXT NOT NULL,"
	"  start_us INTEGER NOT NULL,"
	"  end_us INTEGER NOT NULL,"
	"  deadline_us INTEGER,"
	"  late INTEGER NOT NULL DEFAULT 0,"
	"  action_key TEXT,"
	"  PRIMARY KEY (plan_key, vm_uuid, site, fixlet_id)"
	");"
	"CREATE INDEX plan_items_by_vm ON plan_items(vm_uuid);"
	"ALTER TABLE actions ADD COLUMN plan_key TEXT REFERENCES plans(key);"
	/* the builtin change management: standard changes, pre-approved unless
	 * approval is required, kept here */
	"CREATE TABLE changes ("
	"  change_id TEXT PRIMARY KEY NOT NULL,"
	"  correlation_id TEXT NOT NULL UNIQUE,"
	"  state TEXT NOT NULL,"
	"  summary TEXT NOT NULL,"
	"  description TEXT,"
	"  tenant TEXT,"
	"  category TEXT,"
	"  window_start_us INTEGER,"
	"  window_end_us INTEGER,"
	"  vms TEXT,"
	"  patches TEXT,"
	"  close_code TEXT,"
	"  close_notes TEXT,"
	"  opened_us INTEGER NOT NULL,"
	"  approved_us INTEGER,"
	"  approved_by TEXT,"
	"  closed_us INTEGER"
	");"
	"CREATE TABLE change_notes ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  change_id TEXT NOT NULL REFERENCES changes(change_id),"
	"  at_us INTEGER NOT NULL,"
	"  note TEXT NOT NULL"
	");"
	/* what the customer asked for: exclude a patch from a VM, defer a VM's
	 * patch (or all of them) until a date, freeze a VM for a period */
	"CREATE TABLE exceptions ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind TEXT NOT NULL,"
	"  vm_uuid TEXT NOT NULL,"
	"  site TEXT,"
	"  fixlet_id TEXT,"
	"  starts_us INTEGER,"
	"  until_us INTEGER,"
	"  requester TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  expires_us INTEGER NOT NULL,"
	"  created_us INTEGER NOT NULL,"
	"  removed_us INTEGER,"
	"  removed_by TEXT"
	");"
	/* one open incident per subject: (kind, VM, patch) or (kind, tenant, patch, stage) */
	"CREATE TABLE incidents ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  vm_uuid TEXT,"
	"  patch TEXT,"
	"  tenant TEXT,"
	"  action_id TEXT,"
	"  change_id TEXT,"
	"  message TEXT NOT NULL,"
	"  raised_us INTEGER NOT NULL,"
	"  resolved_us INTEGER,"
	"  resolution TEXT,"
	"  delivered INTEGER NOT NULL DEFAULT 0,"
	"  resolve_delivered INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE UNIQUE INDEX incidents_open ON incidents(subject) WHERE resolved_us IS NULL;";

static const gchar pae_store_schema_v4[] =
	/* where each VM stands in its life: provisioning until its baseline is
	 * applied, then ready; catching up after a resume; re-baselining after a
	 * revert; adopted after a migration; retired */
	"CREATE TABLE lifecycle ("
	"  vm_uuid TEXT PRIMARY KEY NOT NULL REFERENCES vms(uuid),"
	"  state TEXT NOT NULL,"
	"  since_us INTEGER NOT NULL,"
	"  deadline_us INTEGER NOT NULL DEFAULT 0,"
	"  action_key TEXT,"
	"  ready_us INTEGER,"
	"  patch_level TEXT,"
	"  handover_us INTEGER,"
	"  handover_pending INTEGER NOT NULL DEFAULT 0,"
	"  reason TEXT"
	");"
	"CREATE INDEX lifecycle_by_state ON lifecycle(state);";

static const gchar *const pae_store_schema_steps[] = {
	NULL, /* version 0 is an empty file */
	pae_store_schema_v1,
	pae_store_schema_v2,
	pae_store_schema_v3,
	pae_store_schema_v4,
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

/*
 * pae-store-compliance: the patch server's view in the database
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeStore"

#include "config.h"

#include "pae-store-compliance.h"

#include "pae-error.h"

PaeComplianceRecord *
pae_compliance_record_new(const gchar *vm_uuid)
{
	PaeComplianceRecord *record = g_new0(PaeComplianceRecord, 1);
	record->vm_uuid = g_strdup(vm_uuid);
	return record;
}

void
pae_compliance_record_free(PaeComplianceRecord *record)
{
	if (record == NULL)
		return;
	g_free(record->vm_uuid);
	g_free(record->computer_id);
	g_free(record->stale_computers);
	g_free(record);
}

void
pae_missing_patch_free(PaeMissingPatch *missing)
{
	if (missing == NULL)
		return;
	pae_patch_info_free(missing->info);
	g_strfreev(missing->vm_uuids);
	g_free(missing);
}

/**
 * pae_store_put_computers:
 *
 * Records every computer the server listed at @now; those not listed any
 * more are marked gone.
 */
gboolean
pae_store_put_computers(PaeStore *self, GPtrArray *computers, PaeTime now, GError **error)
{
	g_autoptr(sqlite3_stmt) upsert = NULL;
	g_autoptr(sqlite3_stmt) gone = NULL;

	upsert = pae_store_prepare(
		self,
		"INSERT INTO computers (computer_id, name, vm_uuid, last_report_us, "
		"first_seen_us, last_seen_us, gone_us) VALUES (?1, ?2, ?3, ?4, ?5, "
		"?5, NULL) ON CONFLICT(computer_id) DO UPDATE SET name = ?2, "
		"vm_uuid = ?3, last_report_us = ?4, last_seen_us = ?5, gone_us = NULL",
		error);
	if (upsert == NULL)
		return FALSE;
	for (guint i = 0; i < computers->len; i++) {
		PaeComputer *computer = computers->pdata[i];
		pae_store_bind_text(upsert, 1, computer->computer_id);
		pae_store_bind_text(upsert, 2, computer->name);
		pae_store_bind_text(upsert, 3, computer->vm_uuid);
		sqlite3_bind_int64(upsert, 4, computer->last_report);
		sqlite3_bind_int64(upsert, 5, now);
		if (!pae_store_step_done(self, upsert, error))
			return FALSE;
	}
	gone = pae_store_prepare(self,
				 "UPDATE computers SET gone_us = ?1 "
				 "WHERE last_seen_us < ?1 AND gone_us IS NULL",
				 error);
	if (gone == NULL)
		return FALSE;
	sqlite3_bind_int64(gone, 1, now);
	return pae_store_step_done(self, gone, error);
}

#define PAE_STORE_COMPLIANCE_COLUMNS                                                               \
	"vm_uuid, state, computer_id, stale_computers, mapped_us, report_us, trust_after_us, "     \
	"missing, checked_us"

static PaeComplianceRecord *
pae_store_compliance_from_row(sqlite3_stmt *stmt)
{
	PaeComplianceRecord *record = pae_compliance_record_new(pae_store_column_text(stmt, 0));
	record->state = pae_compliance_state_from_string(pae_store_column_text(stmt, 1));
	record->computer_id = g_strdup(pae_store_column_text(stmt, 2));
	record->stale_computers = g_strdup(pae_store_column_text(stmt, 3));
	record->mapped = sqlite3_column_int64(stmt, 4);
	record->report = sqlite3_column_int64(stmt, 5);
	record->trust_after = sqlite3_column_int64(stmt, 6);
	record->missing = sqlite3_column_int(stmt, 7);
	record->checked = sqlite3_column_int64(stmt, 8);
	return record;
}

/**
 * pae_store_get_compliance:
 *
 * Returns: (transfer full): the record, or %NULL with %PAE_ERROR_NOT_FOUND
 */
PaeComplianceRecord *
pae_store_get_compliance(PaeStore *self, const gchar *vm_uuid, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	gint rc;

	stmt = pae_store_prepare(self,
				 "SELECT " PAE_STORE_COMPLIANCE_COLUMNS
				 " FROM compliance WHERE vm_uuid = ?1",
				 error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, vm_uuid);
	rc = pae_store_step_row(self, stmt, error);
	if (rc < 0)
		return NULL;
	if (rc == 0) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_NOT_FOUND, "no compliance for %s", vm_uuid);
		return NULL;
	}
	return pae_store_compliance_from_row(stmt);
}

gboolean
pae_store_put_compliance(PaeStore *self, const PaeComplianceRecord *record, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(self,
				 "INSERT OR REPLACE INTO compliance (" PAE_STORE_COMPLIANCE_COLUMNS
				 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
				 error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, record->vm_uuid);
	pae_store_bind_text(stmt, 2, pae_compliance_state_to_string(record->state));
	pae_store_bind_text(stmt, 3, record->computer_id);
	pae_store_bind_text(stmt, 4, record->stale_computers);
	sqlite3_bind_int64(stmt, 5, record->mapped);
	sqlite3_bind_int64(stmt, 6, record->report);
	sqlite3_bind_int64(stmt, 7, record->trust_after);
	sqlite3_bind_int(stmt, 8, record->missing);
	sqlite3_bind_int64(stmt, 9, record->checked);
	return pae_store_step_done(self, stmt, error);
}

/**
 * pae_store_distrust_reports:
 * @after: the instant of a revert or resume
 *
 * From now on, reports of the VM older than @after are stale.
 */
gboolean
pae_store_distrust_reports(PaeStore *self, const gchar *vm_uuid, PaeTime after, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;

	stmt = pae_store_prepare(
		self,
		"INSERT INTO compliance (vm_uuid, state, trust_after_us, checked_us) "
		"VALUES (?1, 'stale', ?2, ?2) ON CONFLICT(vm_uuid) DO UPDATE SET "
		"trust_after_us = MAX(trust_after_us, ?2), "
		"state = CASE WHEN state IN ('compliant', 'non-compliant') AND "
		"COALESCE(report_us, 0) <= ?2 THEN 'stale' ELSE state END",
		error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, vm_uuid);
	sqlite3_bind_int64(stmt, 2, after);
	return pae_store_step_done(self, stmt, error);
}

GPtrArray *
pae_store_list_compliance(PaeStore *self, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GPtrArray) records =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_compliance_record_free);
	gint rc;

	stmt = pae_store_prepare(self,
				 "SELECT " PAE_STORE_COMPLIANCE_COLUMNS
				 " FROM compliance ORDER BY vm_uuid",
				 error);
	if (stmt == NULL)
		return NULL;
	while ((rc = pae_store_step_row(self, stmt, error)) == 1)
		g_ptr_array_add(records, pae_store_compliance_from_row(stmt));
	if (rc < 0)
		return NULL;
	return g_steal_pointer(&records);
}

gchar *
pae_store_patch_key(const gchar *site, const gchar *fixlet_id)
{
	return g_strdup_printf("%s\x1f%s", site, fixlet_id);
}

gboolean
pae_store_put_patch_info(PaeStore *self, const PaePatchInfo *info, PaeTime now, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autofree gchar *cves = g_strjoinv(",", info->cves);

	stmt = pae_store_prepare(self,
				 "INSERT OR REPLACE INTO patches (site, fixlet_id, name, "
				 "source_severity, category, release_us, cves, fetched_us) "
				 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
				 error);
	if (stmt == NULL)
		return FALSE;
	pae_store_bind_text(stmt, 1, info->site);
	pae_store_bind_text(stmt, 2, info->fixlet_id);
	pae_store_bind_text(stmt, 3, info->name != NULL ? info->name : "");
	pae_store_bind_text(stmt, 4, info->source_severity);
	pae_store_bind_text(stmt, 5, info->category);
	sqlite3_bind_int64(stmt, 6, info->release_date);
	pae_store_bind_text(stmt, 7, cves);
	sqlite3_bind_int64(stmt, 8, now);
	return pae_store_step_done(self, stmt, error);
}

/**
 * pae_store_list_known_patches:
 *
 * Returns: (transfer container): the set of pae_store_patch_key() of every
 * patch whose metadata is cached
 */
GHashTable *
pae_store_list_known_patches(PaeStore *self, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GHashTable) known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	gint rc;

	stmt = pae_store_prepare(self, "SELECT site, fixlet_id FROM patches", error);
	if (stmt == NULL)
		return NULL;
	while ((rc = pae_store_step_row(self, stmt, error)) == 1)
		g_hash_table_add(known,
				 pae_store_patch_key(pae_store_column_text(stmt, 0),
						     pae_store_column_text(stmt, 1)));
	if (rc < 0)
		return NULL;
	return g_steal_pointer(&known);
}

/**
 * pae_store_replace_missing:
 * @refs: (element-type PaePatchRef): the patches relevant to the VM now
 *
 * Keeps when each patch was first seen missing; forgets the ones fixed.
 */
gboolean
pae_store_replace_missing(
	PaeStore *self, const gchar *vm_uuid, GPtrArray *refs, PaeTime now, GError **error)
{
	g_autoptr(sqlite3_stmt) upsert = NULL;
	g_autoptr(sqlite3_stmt) forget = NULL;

	upsert = pae_store_prepare(
		self,
		"INSERT INTO missing_patches (vm_uuid, site, fixlet_id, "
		"first_seen_us, last_seen_us) VALUES (?1, ?2, ?3, ?4, ?4) "
		"ON CONFLICT(vm_uuid, site, fixlet_id) DO UPDATE SET last_seen_us = ?4",
		error);
	if (upsert == NULL)
		return FALSE;
	for (guint i = 0; i < refs->len; i++) {
		PaePatchRef *ref = refs->pdata[i];
		pae_store_bind_text(upsert, 1, vm_uuid);
		pae_store_bind_text(upsert, 2, ref->site);
		pae_store_bind_text(upsert, 3, ref->fixlet_id);
		sqlite3_bind_int64(upsert, 4, now);
		if (!pae_store_step_done(self, upsert, error))
			return FALSE;
	}
	forget = pae_store_prepare(
		self,
		"DELETE FROM missing_patches WHERE vm_uuid = ?1 AND last_seen_us < ?2",
		error);
	if (forget == NULL)
		return FALSE;
	pae_store_bind_text(forget, 1, vm_uuid);
	sqlite3_bind_int64(forget, 2, now);
	return pae_store_step_done(self, forget, error);
}

static PaeMissingPatch *
pae_store_missing_from_row(sqlite3_stmt *stmt)
{
	PaeMissingPatch *m = g_new0(PaeMissingPatch, 1);
	const gchar *cves = pae_store_column_text(stmt, 6);

	m->info = pae_patch_info_new();
	m->info->site = g_strdup(pae_store_column_text(stmt, 0));
	m->info->fixlet_id = g_strdup(pae_store_column_text(stmt, 1));
	m->info->name = g_strdup(pae_store_column_text(stmt, 2));
	m->info->source_severity = g_strdup(pae_store_column_text(stmt, 3));
	m->info->category = g_strdup(pae_store_column_text(stmt, 4));
	m->info->release_date = sqlite3_column_int64(stmt, 5);
	if (cves != NULL && cves[0] != '\0') {
		g_strfreev(m->info->cves);
		m->info->cves = g_strsplit(cves, ",", -1);
	}
	m->first_seen = sqlite3_column_int64(stmt, 7);
	return m;
}

/**
 * pae_store_list_missing_by_patch:
 *
 * Returns: (transfer container) (element-type PaeMissingPatch): every patch
 * some VM on this controller misses, with those VMs, oldest release first
 */
GPtrArray *
pae_store_list_missing_by_patch(PaeStore *self, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GPtrArray) missing =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_missing_patch_free);
	gint rc;

	stmt = pae_store_prepare(
		self,
		"SELECT m.site, m.fixlet_id, p.name, p.source_severity, p.category, p.release_us, "
		"p.cves, MIN(m.first_seen_us), group_concat(m.vm_uuid, ',') FROM missing_patches m "
		"JOIN vms v ON v.uuid = m.vm_uuid AND v.retired_us IS NULL "
		"LEFT JOIN patches p ON p.site = m.site AND p.fixlet_id = m.fixlet_id "
		"GROUP BY m.site, m.fixlet_id ORDER BY p.release_us, m.site, m.fixlet_id",
		error);
	if (stmt == NULL)
		return NULL;
	while ((rc = pae_store_step_row(self, stmt, error)) == 1) {
		PaeMissingPatch *m = pae_store_missing_from_row(stmt);
		m->vm_uuids = g_strsplit(pae_store_column_text(stmt, 8), ",", -1);
		g_ptr_array_add(missing, m);
	}
	if (rc < 0)
		return NULL;
	return g_steal_pointer(&missing);
}

/**
 * pae_store_list_missing:
 * @vm_uuid: one VM
 *
 * Returns: (transfer container) (element-type PaeMissingPatch): with the
 * cached metadata of each patch, oldest release first
 */
GPtrArray *
pae_store_list_missing(PaeStore *self, const gchar *vm_uuid, GError **error)
{
	g_autoptr(sqlite3_stmt) stmt = NULL;
	g_autoptr(GPtrArray) missing =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_missing_patch_free);
	gint rc;

	stmt = pae_store_prepare(
		self,
		"SELECT m.site, m.fixlet_id, p.name, p.source_severity, p.category, "
		"p.release_us, p.cves, m.first_seen_us FROM missing_patches m "
		"LEFT JOIN patches p ON p.site = m.site AND p.fixlet_id = m.fixlet_id "
		"WHERE m.vm_uuid = ?1 ORDER BY p.release_us, m.site, m.fixlet_id",
		error);
	if (stmt == NULL)
		return NULL;
	pae_store_bind_text(stmt, 1, vm_uuid);
	while ((rc = pae_store_step_row(self, stmt, error)) == 1)
		g_ptr_array_add(missing, pae_store_missing_from_row(stmt));
	if (rc < 0)
		return NULL;
	return g_steal_pointer(&missing);
}

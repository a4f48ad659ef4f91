/*
 * pae-reconciler: every VM against the patch server, in one bulk pass
 *
 * A pass asks the patch server three things, each in one request whatever
 * the size of the fleet: every computer with its VM UUID property, every
 * relevant patch of every computer, and the metadata of patches not seen
 * before. It maps computers to VMs (the newest report wins), refuses to
 * trust a report older than the VM's last revert or resume, and records
 * each VM's missing patches and compliance in one transaction. Changes of
 * compliance and of mapping go into the VM's audit trail.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeReconciler"

#include "config.h"

#include "pae-reconciler.h"

#include <string.h>

#include "pae-alerts.h"
#include "pae-compliance.h"
#include "pae-error.h"
#include "pae-mapping.h"
#include "pae-store-compliance.h"
#include "pae-store-requests.h"
#include "pae-store-vms.h"

typedef struct {
	GPtrArray *computers;
	GPtrArray *relevant;
	GPtrArray *infos;
	GHashTable *mappings;	 /* vm uuid → PaeMapping */
	GHashTable *by_computer; /* computer id → GPtrArray of PaePatchRef */
} PaeReconcileFetch;

static void
pae_reconcile_fetch_clear(PaeReconcileFetch *fetch)
{
	g_clear_pointer(&fetch->computers, g_ptr_array_unref);
	g_clear_pointer(&fetch->relevant, g_ptr_array_unref);
	g_clear_pointer(&fetch->infos, g_ptr_array_unref);
	g_clear_pointer(&fetch->mappings, g_hash_table_unref);
	g_clear_pointer(&fetch->by_computer, g_hash_table_unref);
}

static void
pae_reconcile_index_relevance(PaeReconcileFetch *fetch)
{
	fetch->by_computer = g_hash_table_new_full(
		g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
	for (guint i = 0; i < fetch->relevant->len; i++) {
		PaeRelevance *r = fetch->relevant->pdata[i];
		GPtrArray *refs = g_hash_table_lookup(fetch->by_computer, r->computer_id);
		if (refs == NULL) {
			refs = g_ptr_array_new_with_free_func((GDestroyNotify)pae_patch_ref_free);
			g_hash_table_insert(fetch->by_computer, g_strdup(r->computer_id), refs);
		}
		g_ptr_array_add(refs, pae_patch_ref_new(r->site, r->fixlet_id));
	}
}

/* patches relevant somewhere whose metadata is not cached yet */
static GPtrArray *
pae_reconcile_find_unknown(PaeReconcileFetch *fetch, GHashTable *known)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *unknown = g_ptr_array_new_with_free_func((GDestroyNotify)pae_patch_ref_free);

	for (guint i = 0; i < fetch->relevant->len; i++) {
		PaeRelevance *r = fetch->relevant->pdata[i];
		g_autofree gchar *key = pae_store_patch_key(r->site, r->fixlet_id);
		if (g_hash_table_contains(known, key) || g_hash_table_contains(seen, key))
			continue;
		g_hash_table_add(seen, g_steal_pointer(&key));
		g_ptr_array_add(unknown, pae_patch_ref_new(r->site, r->fixlet_id));
	}
	return unknown;
}

static gboolean
pae_reconcile_fetch(PaeEngineContext *ctx, PaeReconcileFetch *fetch, GError **error)
{
	g_autoptr(GHashTable) known = NULL;
	g_autoptr(GPtrArray) unknown = NULL;
	g_autoptr(GError) error_local = NULL;

	fetch->computers =
		pae_patch_server_list_computers(ctx->patch_server, ctx->cancellable, error);
	if (fetch->computers == NULL)
		return FALSE;
	fetch->relevant =
		pae_patch_server_list_relevant(ctx->patch_server, ctx->cancellable, error);
	if (fetch->relevant == NULL)
		return FALSE;
	fetch->mappings = pae_mapping_build(fetch->computers);
	pae_reconcile_index_relevance(fetch);

	known = pae_store_list_known_patches(ctx->store, error);
	if (known == NULL)
		return FALSE;
	unknown = pae_reconcile_find_unknown(fetch, known);
	if (unknown->len == 0)
		return TRUE;
	fetch->infos = pae_patch_server_get_patch_info(
		ctx->patch_server, unknown, ctx->cancellable, &error_local);
	/* without metadata the pass is still worth recording; it is asked again next time */
	if (fetch->infos == NULL)
		g_warning("cannot read the metadata of %u patches: %s, continuing",
			  unknown->len,
			  error_local->message);
	return TRUE;
}

static gchar *
pae_reconcile_describe_state(PaeComplianceState state, gint missing)
{
	if (state == PAE_COMPLIANCE_NON_COMPLIANT)
		return g_strdup_printf(
			"non-compliant: %d patch%s missing", missing, missing == 1 ? "" : "es");
	if (state == PAE_COMPLIANCE_STALE)
		return g_strdup("stale: the last report predates the last revert or resume; "
				"waiting for a new report");
	if (state == PAE_COMPLIANCE_UNMANAGED)
		return g_strdup("unmanaged: no patch-server computer reports this VM's UUID");
	return g_strdup(pae_compliance_state_to_string(state));
}

/* mapping changes: a new computer speaks for the VM, or duplicates appeared */
static gboolean
pae_reconcile_record_mapping(PaeEngineContext *ctx,
			     const PaeComplianceRecord *old,
			     PaeComplianceRecord *record,
			     PaeMapping *mapping,
			     GError **error)
{
	g_autofree gchar *detail = NULL;

	if (mapping != NULL && g_strcmp0(old->computer_id, record->computer_id) != 0) {
		detail = g_strdup_printf("computer %s ('%s') reports for this VM%s%s",
					 record->computer_id,
					 mapping->computer->name != NULL ? mapping->computer->name
									 : "",
					 old->computer_id != NULL ? ", replacing " : "",
					 old->computer_id != NULL ? old->computer_id : "");
		if (!pae_engine_record(
			    ctx, record->vm_uuid, "mapped", record->computer_id, detail, error))
			return FALSE;
	}
	if (g_strcmp0(old->stale_computers, record->stale_computers) != 0 &&
	    record->stale_computers != NULL) {
		g_free(detail);
		detail = g_strdup_printf("stale duplicates reporting the same UUID, ignored: %s",
					 record->stale_computers);
		if (!pae_engine_record(
			    ctx, record->vm_uuid, "stale-duplicates", NULL, detail, error))
			return FALSE;
	}
	return TRUE;
}

/* nobody can patch a VM the patch server does not know: a person must look */
static gboolean
pae_reconcile_alert_unmanaged(PaeEngineContext *ctx,
			      const PaeVm *vm,
			      PaeComplianceState state,
			      GError **error)
{
	g_autoptr(PaeIncident) incident = NULL;

	if (state != PAE_COMPLIANCE_UNMANAGED)
		return pae_alerts_resolve(ctx,
					  PAE_INCIDENT_VM_UNMANAGED,
					  vm->uuid,
					  NULL,
					  "a patch-server computer reports for it",
					  error);
	incident = pae_incident_new(PAE_INCIDENT_VM_UNMANAGED);
	incident->vm_uuid = g_strdup(vm->uuid);
	incident->tenant = g_strdup(vm->tenant);
	incident->message = g_strdup_printf("%s (%s) is unmanaged: no patch-server computer has "
					    "reported its UUID within the grace period; is the "
					    "client installed and registered?",
					    vm->name,
					    vm->uuid);
	return pae_alerts_raise(ctx, incident, error);
}

static gboolean
pae_reconcile_vm(PaeEngineContext *ctx,
		 PaeReconcileFetch *fetch,
		 const PaeVm *vm,
		 PaeTime now,
		 PaeReconcileSummary *summary,
		 GError **error)
{
	g_autoptr(PaeComplianceRecord) old = pae_store_get_compliance(ctx->store, vm->uuid, NULL);
	g_autoptr(PaeComplianceRecord) record = pae_compliance_record_new(vm->uuid);
	PaeMapping *mapping = g_hash_table_lookup(fetch->mappings, vm->uuid);
	PaeComplianceInput input = {
		.first_seen = vm->first_seen,
		.grace = ctx->config->unmanaged_grace,
	};

	if (old == NULL)
		old = pae_compliance_record_new(vm->uuid);
	record->trust_after = old->trust_after;
	record->missing = old->missing;
	record->checked = now;
	if (mapping != NULL) {
		record->computer_id = g_strdup(mapping->computer->computer_id);
		record->stale_computers = pae_mapping_stale_ids(mapping);
		record->mapped =
			old->mapped != 0 && g_strcmp0(old->computer_id, record->computer_id) == 0
				? old->mapped
				: now;
		record->report = mapping->computer->last_report;
		input.mapped = TRUE;
		input.report = record->report;
		summary->mapped++;
	}
	input.trust_after = record->trust_after;
	/* only a report newer than the last revert or resume says what is missing */
	if (mapping != NULL &&
	    pae_compliance_report_is_trusted(record->report, record->trust_after)) {
		GPtrArray *refs = g_hash_table_lookup(fetch->by_computer, record->computer_id);
		g_autoptr(GPtrArray) none = g_ptr_array_new();
		if (!pae_store_replace_missing(
			    ctx->store, vm->uuid, refs != NULL ? refs : none, now, error))
			return FALSE;
		record->missing = refs != NULL ? (gint)refs->len : 0;
	}
	input.relevant = (guint)record->missing;
	record->state = pae_compliance_evaluate(&input, now);
	summary->states[record->state]++;
	if (!pae_reconcile_record_mapping(ctx, old, record, mapping, error))
		return FALSE;
	if (record->state != old->state ||
	    (record->state == PAE_COMPLIANCE_NON_COMPLIANT && record->missing != old->missing)) {
		g_autofree gchar *detail =
			pae_reconcile_describe_state(record->state, record->missing);
		if (!pae_engine_record(
			    ctx, vm->uuid, "compliance", record->computer_id, detail, error))
			return FALSE;
		if (!pae_reconcile_alert_unmanaged(ctx, vm, record->state, error))
			return FALSE;
	}
	return pae_store_put_compliance(ctx->store, record, error);
}

static gboolean
pae_reconcile_write(PaeEngineContext *ctx,
		    PaeReconcileFetch *fetch,
		    PaeTime now,
		    PaeReconcileSummary *summary,
		    GError **error)
{
	g_autoptr(PaeStoreTransaction) txn = NULL;
	g_autoptr(GPtrArray) vms = NULL;

	txn = pae_store_transaction_begin(ctx->store, error);
	if (txn == NULL)
		return FALSE;
	if (!pae_store_put_computers(ctx->store, fetch->computers, now, error))
		return FALSE;
	for (guint i = 0; fetch->infos != NULL && i < fetch->infos->len; i++) {
		if (!pae_store_put_patch_info(ctx->store, fetch->infos->pdata[i], now, error))
			return FALSE;
		summary->new_patches++;
	}
	vms = pae_store_list_vms(ctx->store, FALSE, error);
	if (vms == NULL)
		return FALSE;
	for (guint i = 0; i < vms->len; i++) {
		if (!pae_reconcile_vm(ctx, fetch, vms->pdata[i], now, summary, error))
			return FALSE;
	}
	summary->vms = vms->len;
	summary->computers = fetch->computers->len;
	return pae_store_transaction_commit(txn, error);
}

/**
 * pae_reconciler_run:
 *
 * One pass. On error nothing is written but the pass's failure.
 */
gboolean
pae_reconciler_run(PaeEngineContext *ctx, PaeReconcileSummary *summary, GError **error)
{
	PaeReconcileFetch fetch = {NULL};
	PaeTime now = pae_clock_get_now(ctx->clock);
	g_autoptr(GError) error_local = NULL;
	g_autofree gchar *detail = NULL;
	gboolean ok;

	memset(summary, 0, sizeof(*summary));
	if (!pae_store_begin_pass(ctx->store, "reconcile", now, error))
		return FALSE;
	ok = pae_reconcile_fetch(ctx, &fetch, &error_local) &&
	     pae_reconcile_write(ctx, &fetch, now, summary, &error_local);
	pae_reconcile_fetch_clear(&fetch);
	detail = ok ? pae_reconcile_summary_to_string(summary) : g_strdup(error_local->message);
	if (!pae_store_end_pass(
		    ctx->store, "reconcile", pae_clock_get_now(ctx->clock), ok, detail, error))
		return FALSE;
	if (!ok) {
		g_propagate_error(error, g_steal_pointer(&error_local));
		return FALSE;
	}
	g_info("reconcile: %s", detail);
	return TRUE;
}

gchar *
pae_reconcile_summary_to_string(const PaeReconcileSummary *summary)
{
	return g_strdup_printf("%u computers, %u VMs (%u mapped): %u compliant, %u non-compliant, "
			       "%u stale, %u pending, %u unmanaged; %u new patches described",
			       summary->computers,
			       summary->vms,
			       summary->mapped,
			       summary->states[PAE_COMPLIANCE_COMPLIANT],
			       summary->states[PAE_COMPLIANCE_NON_COMPLIANT],
			       summary->states[PAE_COMPLIANCE_STALE],
			       summary->states[PAE_COMPLIANCE_PENDING],
			       summary->states[PAE_COMPLIANCE_UNMANAGED],
			       summary->new_patches);
}

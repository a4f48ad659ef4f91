/*
 * pae-store-compliance: the patch server's view in the database
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-compliance.h"
#include "pae-patch-server.h"
#include "pae-store.h"

G_BEGIN_DECLS

typedef struct {
	gchar *vm_uuid;
	PaeComplianceState state;
	gchar *computer_id;
	gchar *stale_computers;
	PaeTime mapped;
	PaeTime report;
	PaeTime trust_after;
	gint missing;
	PaeTime checked;
} PaeComplianceRecord;

typedef struct {
	PaePatchInfo *info; /* site and fixlet_id always set; the rest when known */
	PaeTime first_seen;
	GStrv vm_uuids; /* the VMs missing it, for the fleet-wide list */
} PaeMissingPatch;

PaeComplianceRecord *
pae_compliance_record_new(const gchar *vm_uuid);
void
pae_compliance_record_free(PaeComplianceRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeComplianceRecord, pae_compliance_record_free)
void
pae_missing_patch_free(PaeMissingPatch *missing);

gboolean
pae_store_put_computers(PaeStore *self, GPtrArray *computers, PaeTime now, GError **error);
PaeComplianceRecord *
pae_store_get_compliance(PaeStore *self, const gchar *vm_uuid, GError **error);
gboolean
pae_store_put_compliance(PaeStore *self, const PaeComplianceRecord *record, GError **error);
gboolean
pae_store_distrust_reports(PaeStore *self, const gchar *vm_uuid, PaeTime after, GError **error);
GPtrArray *
pae_store_list_compliance(PaeStore *self, GError **error);

gboolean
pae_store_put_patch_info(PaeStore *self, const PaePatchInfo *info, PaeTime now, GError **error);
GHashTable *
pae_store_list_known_patches(PaeStore *self, GError **error);
gchar *
pae_store_patch_key(const gchar *site, const gchar *fixlet_id);

gboolean
pae_store_replace_missing(
	PaeStore *self, const gchar *vm_uuid, GPtrArray *refs, PaeTime now, GError **error);
GPtrArray *
pae_store_list_missing(PaeStore *self, const gchar *vm_uuid, GError **error);
GPtrArray *
pae_store_list_missing_by_patch(PaeStore *self, GError **error);

G_END_DECLS

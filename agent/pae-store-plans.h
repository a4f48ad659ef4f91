/*
 * pae-store-plans: plans, exceptions and incidents in the database
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-exception.h"
#include "pae-incidents.h"
#include "pae-plan.h"
#include "pae-store.h"

G_BEGIN_DECLS

gboolean
pae_store_add_plan(PaeStore *self, PaePlan *plan, GError **error);
gboolean
pae_store_add_plan_item(PaeStore *self, const gchar *plan_key, PaePlanItem *item, GError **error);
gboolean
pae_store_update_plan(PaeStore *self, PaePlan *plan, GError **error);
gboolean
pae_store_set_plan_item_action(PaeStore *self,
			       const gchar *plan_key,
			       PaePlanItem *item,
			       const gchar *action_key,
			       GError **error);
PaeTime
pae_store_get_rejected_until(PaeStore *self,
			     const gchar *vm_uuid,
			     const gchar *site,
			     const gchar *fixlet_id,
			     GError **error);
gboolean
pae_store_remove_plan_items(PaeStore *self,
			    const gchar *plan_key,
			    const gchar *vm_uuid,
			    GError **error);
PaePlan *
pae_store_get_plan(PaeStore *self, const gchar *key, GError **error);
GPtrArray *
pae_store_list_plans(PaeStore *self, gboolean active_only, guint limit, GError **error);
GPtrArray *
pae_store_list_plans_for_vm(PaeStore *self,
			    const gchar *vm_uuid,
			    gboolean active_only,
			    GError **error);
gboolean
pae_store_has_active_item(PaeStore *self,
			  const gchar *vm_uuid,
			  const gchar *site,
			  const gchar *fixlet_id,
			  GError **error);
GHashTable *
pae_store_list_plan_patch_names(PaeStore *self, GError **error);

gint64
pae_store_add_exception(PaeStore *self, PaeException *exception, GError **error);
GPtrArray *
pae_store_list_exceptions(
	PaeStore *self, const gchar *vm_uuid, gboolean active_only, PaeTime now, GError **error);
gboolean
pae_store_remove_exception(PaeStore *self, gint64 id, const gchar *by, PaeTime now, GError **error);

typedef struct {
	PaeIncident *incident;
	gchar *subject;
	PaeTime resolved;
	gchar *resolution;
	gboolean delivered;
	gboolean resolve_delivered;
} PaeIncidentRecord;

void
pae_incident_record_free(PaeIncidentRecord *record);

gint64
pae_store_raise_incident(PaeStore *self,
			 const gchar *subject,
			 const PaeIncident *incident,
			 GError **error);
gboolean
pae_store_resolve_incident(
	PaeStore *self, const gchar *subject, const gchar *resolution, PaeTime now, GError **error);
gint
pae_store_resolve_vm_incidents(
	PaeStore *self, const gchar *vm_uuid, const gchar *resolution, PaeTime now, GError **error);
GPtrArray *
pae_store_list_incidents(PaeStore *self, gboolean open_only, guint limit, GError **error);
GPtrArray *
pae_store_list_undelivered_incidents(PaeStore *self, GError **error);
gboolean
pae_store_mark_incident_delivered(PaeStore *self,
				  const gchar *incident_id,
				  gboolean resolved,
				  GError **error);
gchar *
pae_incident_subject(PaeIncidentKind kind, const gchar *a, const gchar *b, const gchar *c);

G_END_DECLS

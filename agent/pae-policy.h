/*
 * pae-policy: what the customer agreed to, per tenant
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-cadence.h"
#include "pae-config-file.h"
#include "pae-window.h"

G_BEGIN_DECLS

typedef enum {
	PAE_SEVERITY_CRITICAL,
	PAE_SEVERITY_HIGH,
	PAE_SEVERITY_MEDIUM,
	PAE_SEVERITY_LOW,
	PAE_SEVERITY_UNRATED,
	PAE_SEVERITY_LAST
} PaeSeverity;

typedef enum {
	PAE_CATCH_UP_IMMEDIATE,	  /* a resumed VM is caught up at once */
	PAE_CATCH_UP_NEXT_WINDOW, /* in its category's next window */
} PaeCatchUpMode;

typedef struct {
	PaeSeverity severity;
	GStrv vendor_severities; /* e.g. Important, High */
	PaeCadence cadence;
	GTimeSpan approve_after; /* counted from the release date */
	GTimeSpan deadline;	 /* from the release date */
	gboolean absolute;	 /* one instant across the fleet */
} PaeSeverityClass;

typedef struct {
	gchar *name; /* the category */
	PaeWindowSpec window;
	GTimeSpan soak;		   /* after the stage before it passed */
	gdouble failure_threshold; /* failed / applied above this halts later stages */
} PaeStage;

typedef struct {
	gchar *tenant;
	PaeSeverityClass classes[PAE_SEVERITY_LAST];
	GPtrArray *stages; /* PaeStage, in order */
	gchar *reference_timezone;
	GStrv absolute_patches; /* "site/fixlet_id" */
	GTimeSpan stage_settle;
	PaeCatchUpMode catch_up;
} PaeTenantPolicy;

typedef struct _PaePolicy PaePolicy;

PaePolicy *
pae_policy_load(PaeConfigFile *config);
void
pae_policy_free(PaePolicy *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaePolicy, pae_policy_free)
const PaeTenantPolicy *
pae_policy_get_tenant(const PaePolicy *self, const gchar *tenant);
GList *
pae_policy_get_tenants(const PaePolicy *self);
const gchar *const *
pae_policy_get_group_keys(const gchar *group);

PaeSeverity
pae_tenant_policy_classify(const PaeTenantPolicy *policy, const gchar *vendor_severity);
const PaeStage *
pae_tenant_policy_find_stage(const PaeTenantPolicy *policy, const gchar *category, guint *index);
gboolean
pae_tenant_policy_is_absolute(const PaeTenantPolicy *policy,
			      const gchar *site,
			      const gchar *fixlet_id,
			      PaeSeverity severity);

const gchar *
pae_severity_to_string(PaeSeverity severity);
PaeSeverity
pae_severity_from_string(const gchar *text);

G_END_DECLS

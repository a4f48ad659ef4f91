/*
 * pae-policy: what the customer agreed to, per tenant
 *
 * The policy is agreed at contract time and lives in the configuration:
 *
 *   [policy]                    the default tenant's policy; every tenant
 *   stages=test;dev;production  starts from it
 *   reference_timezone=UTC      absolute patches run at one instant computed here
 *   absolute_patches=Patches for RHEL 8/801002;
 *   catch_up=immediate
 *
 *   [severity:critical]         one group per class: critical, high, medium,
 *   vendor_severities=Critical  low, unrated (what no vendor word maps to)
 *   cadence=monthly second Saturday
 *   approve_after=0
 *   deadline=30d
 *   absolute=false
 *
 *   [stage:test]                one group per category, in the order of stages=
 *   days=Sat                    the change window, in each VM's own zone
 *   start=02:00
 *   length=4h
 *   soak=0                      after the stage before it passed
 *   failure_threshold=0.2       a larger share of failures halts later stages
 *
 * A tenant overrides any of these with the same groups prefixed by its name:
 * [acme/policy], [acme/severity:critical], [acme/stage:production]. Keys it
 * does not set come from the default tenant's, which come from the
 * built-in defaults below.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaePolicy"

#include "config.h"

#include "pae-policy.h"

#include <string.h>

#include "pae-duration.h"
#include "pae-error.h"
#include "pae-vm.h"

#define PAE_POLICY_DEFAULT_TENANT "default"

struct _PaePolicy {
	GHashTable *tenants; /* name → PaeTenantPolicy */
};

static const gchar *const pae_severity_names[] = {
	[PAE_SEVERITY_CRITICAL] = "critical",
	[PAE_SEVERITY_HIGH] = "high",
	[PAE_SEVERITY_MEDIUM] = "medium",
	[PAE_SEVERITY_LOW] = "low",
	[PAE_SEVERITY_UNRATED] = "unrated",
};

/* the built-in policy: critical and high monthly, medium and low quarterly */
static const struct {
	const gchar *vendor;
	const gchar *cadence;
	GTimeSpan approve_after;
	GTimeSpan deadline;
} pae_policy_class_defaults[] = {
	[PAE_SEVERITY_CRITICAL] = {"Critical", "monthly second Saturday", 0, 30 * G_TIME_SPAN_DAY},
	[PAE_SEVERITY_HIGH] = {"Important;High",
			       "monthly second Saturday",
			       3 * G_TIME_SPAN_DAY,
			       45 * G_TIME_SPAN_DAY},
	[PAE_SEVERITY_MEDIUM] = {"Moderate;Medium",
				 "quarterly second Saturday",
				 7 * G_TIME_SPAN_DAY,
				 120 * G_TIME_SPAN_DAY},
	[PAE_SEVERITY_LOW] = {"Low;Negligible",
			      "quarterly second Saturday",
			      7 * G_TIME_SPAN_DAY,
			      180 * G_TIME_SPAN_DAY},
	[PAE_SEVERITY_UNRATED] = {"",
				  "quarterly second Saturday",
				  7 * G_TIME_SPAN_DAY,
				  180 * G_TIME_SPAN_DAY},
};

static const struct {
	const gchar *name;
	const gchar *days;
	const gchar *start;
	const gchar *length;
	GTimeSpan soak;
	gdouble threshold;
} pae_policy_stage_defaults[] = {
	{"test", "Sat", "02:00", "4h", 0, 0.2},
	{"dev", "Sun", "02:00", "4h", G_TIME_SPAN_DAY / 2, 0.2},
	{"production", "Sat", "02:00", "4h", 2 * G_TIME_SPAN_DAY, 0.1},
};

static const gchar *const pae_policy_keys[] = {
	"stages",
	"reference_timezone",
	"absolute_patches",
	"stage_settle",
	"catch_up",
	NULL,
};
static const gchar *const pae_policy_severity_keys[] = {
	"vendor_severities",
	"cadence",
	"approve_after",
	"deadline",
	"absolute",
	NULL,
};
static const gchar *const pae_policy_stage_keys[] = {
	"days",
	"start",
	"length",
	"soak",
	"failure_threshold",
	NULL,
};

/**
 * pae_policy_get_group_keys:
 * @group: "policy", "severity:NAME" or "stage:NAME", without a tenant prefix
 *
 * Returns: (nullable): every key the group may hold, %NULL for any other group
 */
const gchar *const *
pae_policy_get_group_keys(const gchar *group)
{
	if (g_strcmp0(group, "policy") == 0)
		return pae_policy_keys;
	if (group != NULL && g_str_has_prefix(group, "severity:"))
		return pae_policy_severity_keys;
	if (group != NULL && g_str_has_prefix(group, "stage:"))
		return pae_policy_stage_keys;
	return NULL;
}

const gchar *
pae_severity_to_string(PaeSeverity severity)
{
	if ((guint)severity >= G_N_ELEMENTS(pae_severity_names))
		return "unrated";
	return pae_severity_names[severity];
}

PaeSeverity
pae_severity_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_severity_names); i++) {
		if (g_strcmp0(pae_severity_names[i], text) == 0)
			return (PaeSeverity)i;
	}
	return PAE_SEVERITY_LAST;
}

static void
pae_stage_free(PaeStage *stage)
{
	g_free(stage->name);
	g_free(stage);
}

static void
pae_tenant_policy_free(PaeTenantPolicy *policy)
{
	if (policy == NULL)
		return;
	g_free(policy->tenant);
	for (guint i = 0; i < PAE_SEVERITY_LAST; i++)
		g_strfreev(policy->classes[i].vendor_severities);
	g_ptr_array_unref(policy->stages);
	g_free(policy->reference_timezone);
	g_strfreev(policy->absolute_patches);
	g_free(policy);
}

void
pae_policy_free(PaePolicy *self)
{
	if (self == NULL)
		return;
	g_hash_table_unref(self->tenants);
	g_free(self);
}

/* the group a tenant's setting comes from: its own, else the default tenant's */
static gchar *
pae_policy_group(PaeConfigFile *cf, const gchar *tenant, const gchar *group, const gchar *key)
{
	g_autofree gchar *own = NULL;

	if (tenant != NULL) {
		own = g_strdup_printf("%s/%s", tenant, group);
		if (pae_config_file_has_key(cf, own, key))
			return g_steal_pointer(&own);
	}
	return g_strdup(group);
}

static gchar *
pae_policy_get_string(PaeConfigFile *cf,
		      const gchar *tenant,
		      const gchar *group,
		      const gchar *key,
		      const gchar *default_value)
{
	g_autofree gchar *from = pae_policy_group(cf, tenant, group, key);
	return pae_config_file_get_string(cf, from, key, default_value);
}

static GTimeSpan
pae_policy_get_duration(PaeConfigFile *cf,
			const gchar *tenant,
			const gchar *group,
			const gchar *key,
			GTimeSpan default_value,
			GTimeSpan max)
{
	g_autofree gchar *from = pae_policy_group(cf, tenant, group, key);
	return pae_config_file_get_duration(cf, from, key, default_value, 0, max);
}

static void
pae_policy_load_class(PaeConfigFile *cf, const gchar *tenant, PaeSeverityClass *klass)
{
	g_autofree gchar *group =
		g_strdup_printf("severity:%s", pae_severity_to_string(klass->severity));
	g_autofree gchar *vendor = NULL;
	g_autofree gchar *cadence = NULL;
	g_autofree gchar *from = NULL;
	g_autoptr(GError) error = NULL;

	vendor = pae_policy_get_string(cf,
				       tenant,
				       group,
				       "vendor_severities",
				       pae_policy_class_defaults[klass->severity].vendor);
	klass->vendor_severities = g_strsplit(vendor, ";", -1);
	for (guint i = 0; klass->vendor_severities[i] != NULL; i++)
		g_strstrip(klass->vendor_severities[i]);
	cadence = pae_policy_get_string(
		cf, tenant, group, "cadence", pae_policy_class_defaults[klass->severity].cadence);
	if (!pae_cadence_parse(cadence, &klass->cadence, &error)) {
		from = pae_policy_group(cf, tenant, group, "cadence");
		pae_config_file_add_problem(cf, from, "cadence", "%s", error->message);
	}
	klass->approve_after =
		pae_policy_get_duration(cf,
					tenant,
					group,
					"approve_after",
					pae_policy_class_defaults[klass->severity].approve_after,
					366 * G_TIME_SPAN_DAY);
	klass->deadline =
		pae_policy_get_duration(cf,
					tenant,
					group,
					"deadline",
					pae_policy_class_defaults[klass->severity].deadline,
					3 * 366 * G_TIME_SPAN_DAY);
	g_free(from);
	from = pae_policy_group(cf, tenant, group, "absolute");
	klass->absolute = pae_config_file_get_boolean(cf, from, "absolute", FALSE);
}

static guint
pae_policy_find_stage_default(const gchar *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_policy_stage_defaults); i++) {
		if (g_strcmp0(pae_policy_stage_defaults[i].name, name) == 0)
			return i;
	}
	/* a category without built-in defaults takes production's, the cautious ones */
	return G_N_ELEMENTS(pae_policy_stage_defaults) - 1;
}

static PaeStage *
pae_policy_load_stage(PaeConfigFile *cf, const gchar *tenant, const gchar *name)
{
	PaeStage *stage = g_new0(PaeStage, 1);
	g_autofree gchar *group = g_strdup_printf("stage:%s", name);
	guint d = pae_policy_find_stage_default(name);
	g_autofree gchar *days =
		pae_policy_get_string(cf, tenant, group, "days", pae_policy_stage_defaults[d].days);
	g_autofree gchar *start = pae_policy_get_string(
		cf, tenant, group, "start", pae_policy_stage_defaults[d].start);
	g_autofree gchar *length = pae_policy_get_string(
		cf, tenant, group, "length", pae_policy_stage_defaults[d].length);
	g_autofree gchar *from = NULL;
	g_autoptr(GError) error = NULL;

	stage->name = g_strdup(name);
	if (!pae_window_spec_parse_days(days, &stage->window.days, &error)) {
		from = pae_policy_group(cf, tenant, group, "days");
		pae_config_file_add_problem(cf, from, "days", "%s", error->message);
		g_clear_error(&error);
		g_clear_pointer(&from, g_free);
	}
	if (!pae_window_spec_parse_start(start, &stage->window.start, &error)) {
		from = pae_policy_group(cf, tenant, group, "start");
		pae_config_file_add_problem(cf, from, "start", "%s", error->message);
		g_clear_error(&error);
		g_clear_pointer(&from, g_free);
	}
	if (!pae_window_spec_parse_length(length, &stage->window.length, &error)) {
		from = pae_policy_group(cf, tenant, group, "length");
		pae_config_file_add_problem(cf, from, "length", "%s", error->message);
		g_clear_error(&error);
		g_clear_pointer(&from, g_free);
	}
	stage->soak = pae_policy_get_duration(cf,
					      tenant,
					      group,
					      "soak",
					      pae_policy_stage_defaults[d].soak,
					      366 * G_TIME_SPAN_DAY);
	from = pae_policy_group(cf, tenant, group, "failure_threshold");
	stage->failure_threshold = pae_config_file_get_double(
		cf, from, "failure_threshold", pae_policy_stage_defaults[d].threshold, 0.0, 1.0);
	return stage;
}

static void
pae_policy_load_stages(PaeConfigFile *cf, PaeTenantPolicy *policy, const gchar *override)
{
	g_autofree gchar *from = pae_policy_group(cf, override, "policy", "stages");
	g_auto(GStrv) names = NULL;
	const gchar *const defaults[] = {"test", "dev", "production", NULL};

	names = pae_config_file_get_string_list(cf, from, "stages", defaults);
	if (names[0] == NULL)
		pae_config_file_add_problem(cf, from, "stages", "must name at least one category");
	for (guint i = 0; names[i] != NULL; i++) {
		if (!pae_vm_name_is_valid(names[i])) {
			pae_config_file_add_problem(
				cf, from, "stages", "'%s' is not a valid category name", names[i]);
			continue;
		}
		for (guint j = 0; j < i; j++) {
			if (g_strcmp0(names[i], names[j]) == 0)
				pae_config_file_add_problem(
					cf, from, "stages", "'%s' is listed twice", names[i]);
		}
		g_ptr_array_add(policy->stages, pae_policy_load_stage(cf, override, names[i]));
	}
}

static PaeTenantPolicy *
pae_policy_load_tenant(PaeConfigFile *cf, const gchar *tenant)
{
	PaeTenantPolicy *policy = g_new0(PaeTenantPolicy, 1);
	const gchar *override = g_strcmp0(tenant, PAE_POLICY_DEFAULT_TENANT) == 0 ? NULL : tenant;
	static const gchar *const catch_up_modes[] = {"immediate", "next-window", NULL};
	g_autofree gchar *zone_group =
		pae_policy_group(cf, override, "policy", "reference_timezone");
	g_autofree gchar *absolute_group =
		pae_policy_group(cf, override, "policy", "absolute_patches");
	g_autofree gchar *catch_up_group = pae_policy_group(cf, override, "policy", "catch_up");

	policy->tenant = g_strdup(tenant);
	policy->stages = g_ptr_array_new_with_free_func((GDestroyNotify)pae_stage_free);
	for (guint i = 0; i < PAE_SEVERITY_LAST; i++) {
		policy->classes[i].severity = (PaeSeverity)i;
		pae_policy_load_class(cf, override, &policy->classes[i]);
	}
	pae_policy_load_stages(cf, policy, override);
	policy->reference_timezone =
		pae_config_file_get_timezone(cf, zone_group, "reference_timezone", "UTC");
	policy->absolute_patches =
		pae_config_file_get_string_list(cf, absolute_group, "absolute_patches", NULL);
	policy->stage_settle = pae_policy_get_duration(
		cf, override, "policy", "stage_settle", G_TIME_SPAN_DAY, 30 * G_TIME_SPAN_DAY);
	policy->catch_up = (PaeCatchUpMode)pae_config_file_get_choice(
		cf, catch_up_group, "catch_up", catch_up_modes, 0);
	return policy;
}

/* every group the policy may use, for the unknown-group check */
static void
pae_policy_expect_groups(PaeConfigFile *cf, const gchar *prefix)
{
	g_autofree gchar *policy = g_strdup_printf("%spolicy", prefix);
	g_auto(GStrv) groups = pae_config_file_get_groups(cf, NULL);

	pae_config_file_expect_group(cf, policy, pae_policy_keys);
	for (guint i = 0; groups[i] != NULL; i++) {
		const gchar *rest;
		if (!g_str_has_prefix(groups[i], prefix))
			continue;
		rest = groups[i] + strlen(prefix);
		if (g_str_has_prefix(rest, "severity:")) {
			if (pae_severity_from_string(rest + strlen("severity:")) ==
			    PAE_SEVERITY_LAST)
				pae_config_file_add_problem(
					cf,
					groups[i],
					NULL,
					"unknown severity class (critical, high, "
					"medium, low, unrated)");
			pae_config_file_expect_group(cf, groups[i], pae_policy_severity_keys);
		} else if (g_str_has_prefix(rest, "stage:")) {
			pae_config_file_expect_group(cf, groups[i], pae_policy_stage_keys);
		}
	}
}

/* tenants are named by the prefix of their groups: [acme/policy], [acme/stage:test] */
static GHashTable *
pae_policy_find_tenants(PaeConfigFile *cf)
{
	g_auto(GStrv) groups = pae_config_file_get_groups(cf, NULL);
	GHashTable *tenants = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	for (guint i = 0; groups[i] != NULL; i++) {
		const gchar *slash = strchr(groups[i], '/');
		g_autofree gchar *tenant = NULL;
		if (slash == NULL)
			continue;
		tenant = g_strndup(groups[i], (gsize)(slash - groups[i]));
		if (!pae_vm_name_is_valid(tenant)) {
			pae_config_file_add_problem(
				cf, groups[i], NULL, "'%s' is not a valid tenant name", tenant);
			continue;
		}
		g_hash_table_add(tenants, g_steal_pointer(&tenant));
	}
	return tenants;
}

/**
 * pae_policy_load:
 *
 * Returns: (transfer full): the policy of the default tenant and of every
 * tenant that overrides it; problems are recorded in @config
 */
PaePolicy *
pae_policy_load(PaeConfigFile *config)
{
	PaePolicy *self = g_new0(PaePolicy, 1);
	g_autoptr(GHashTable) tenants = pae_policy_find_tenants(config);
	GHashTableIter iter;
	gpointer tenant;

	self->tenants = g_hash_table_new_full(
		g_str_hash, g_str_equal, NULL, (GDestroyNotify)pae_tenant_policy_free);
	pae_policy_expect_groups(config, "");
	g_hash_table_insert(self->tenants,
			    (gpointer)PAE_POLICY_DEFAULT_TENANT,
			    pae_policy_load_tenant(config, PAE_POLICY_DEFAULT_TENANT));
	g_hash_table_iter_init(&iter, tenants);
	while (g_hash_table_iter_next(&iter, &tenant, NULL)) {
		g_autofree gchar *prefix = g_strdup_printf("%s/", (const gchar *)tenant);
		PaeTenantPolicy *policy;
		pae_policy_expect_groups(config, prefix);
		policy = pae_policy_load_tenant(config, tenant);
		g_hash_table_insert(self->tenants, policy->tenant, policy);
	}
	return self;
}

/**
 * pae_policy_get_tenant:
 *
 * Returns: the tenant's policy, or the default tenant's
 */
const PaeTenantPolicy *
pae_policy_get_tenant(const PaePolicy *self, const gchar *tenant)
{
	PaeTenantPolicy *policy = g_hash_table_lookup(self->tenants, tenant);
	if (policy == NULL)
		policy = g_hash_table_lookup(self->tenants, PAE_POLICY_DEFAULT_TENANT);
	return policy;
}

GList *
pae_policy_get_tenants(const PaePolicy *self)
{
	return g_hash_table_get_keys(self->tenants);
}

/**
 * pae_tenant_policy_classify:
 * @vendor_severity: (nullable): the vendor's word, e.g. "Important"
 */
PaeSeverity
pae_tenant_policy_classify(const PaeTenantPolicy *policy, const gchar *vendor_severity)
{
	if (vendor_severity == NULL || vendor_severity[0] == '\0')
		return PAE_SEVERITY_UNRATED;
	for (guint i = 0; i < PAE_SEVERITY_LAST; i++) {
		for (guint j = 0; policy->classes[i].vendor_severities[j] != NULL; j++) {
			if (g_ascii_strcasecmp(policy->classes[i].vendor_severities[j],
					       vendor_severity) == 0)
				return (PaeSeverity)i;
		}
	}
	return PAE_SEVERITY_UNRATED;
}

/**
 * pae_tenant_policy_find_stage:
 * @index: (out) (optional): the stage's place, 0 first
 *
 * Returns: (nullable): the stage of the category, %NULL when the policy has none
 */
const PaeStage *
pae_tenant_policy_find_stage(const PaeTenantPolicy *policy, const gchar *category, guint *index)
{
	for (guint i = 0; i < policy->stages->len; i++) {
		PaeStage *stage = policy->stages->pdata[i];
		if (g_strcmp0(stage->name, category) == 0) {
			if (index != NULL)
				*index = i;
			return stage;
		}
	}
	return NULL;
}

gboolean
pae_tenant_policy_is_absolute(const PaeTenantPolicy *policy,
			      const gchar *site,
			      const gchar *fixlet_id,
			      PaeSeverity severity)
{
	g_autofree gchar *patch = g_strdup_printf("%s/%s", site, fixlet_id);

	if (severity < PAE_SEVERITY_LAST && policy->classes[severity].absolute)
		return TRUE;
	return policy->absolute_patches != NULL &&
	       g_strv_contains((const gchar *const *)policy->absolute_patches, patch);
}

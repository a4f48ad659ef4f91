/*
 * The policy in the configuration: defaults, tenants, classification, and
 * a file:line:key problem for every bad value.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "pae-config-file.h"
#include "pae-policy.h"
#include "pae-test-util.h"

static PaePolicy *
load(const gchar *text, gchar **problems)
{
	g_autoptr(PaeConfigFile) cf = pae_config_file_new();
	g_autoptr(GError) error = NULL;
	PaePolicy *policy;

	assert_true(pae_config_file_load_data(cf, "pae.conf", text, &error));
	policy = pae_policy_load(cf);
	pae_config_file_expect_group(cf, "agent", (const gchar *const[]){NULL});
	pae_config_file_check_unexpected(cf);
	if (!pae_config_file_check(cf, &error))
		*problems = g_strdup(error->message);
	else
		*problems = NULL;
	return policy;
}

static void
test_policy_defaults_func(void **state)
{
	g_autofree gchar *problems = NULL;
	g_autoptr(PaePolicy) policy = load("", &problems);
	const PaeTenantPolicy *p = pae_policy_get_tenant(policy, "anyone");
	const PaeStage *stage;
	guint index = 99;

	assert_null(problems);
	assert_string_equal(p->tenant, "default");
	assert_int_equal(p->stages->len, 3);
	stage = pae_tenant_policy_find_stage(p, "production", &index);
	assert_non_null(stage);
	assert_int_equal(index, 2);
	assert_int_equal(stage->soak, 2 * G_TIME_SPAN_DAY);
	assert_null(pae_tenant_policy_find_stage(p, "staging", NULL));
	assert_int_equal(p->classes[PAE_SEVERITY_CRITICAL].cadence.kind, PAE_CADENCE_KIND_MONTHLY);
	assert_int_equal(p->classes[PAE_SEVERITY_MEDIUM].cadence.every_months, 3);
	assert_int_equal(p->catch_up, PAE_CATCH_UP_IMMEDIATE);
}

/* vendor words of Red Hat, Microsoft and Ubuntu */
static void
test_policy_classify_func(void **state)
{
	g_autofree gchar *problems = NULL;
	g_autoptr(PaePolicy) policy = load("", &problems);
	const PaeTenantPolicy *p = pae_policy_get_tenant(policy, "default");
	const struct {
		const gchar *vendor;
		PaeSeverity expect;
	} cases[] = {
		{"Critical", PAE_SEVERITY_CRITICAL},
		{"critical", PAE_SEVERITY_CRITICAL},
		{"Important", PAE_SEVERITY_HIGH},
		{"High", PAE_SEVERITY_HIGH},
		{"Moderate", PAE_SEVERITY_MEDIUM},
		{"Medium", PAE_SEVERITY_MEDIUM},
		{"Low", PAE_SEVERITY_LOW},
		{"Negligible", PAE_SEVERITY_LOW},
		{"", PAE_SEVERITY_UNRATED},
		{NULL, PAE_SEVERITY_UNRATED},
		{"Unspecified", PAE_SEVERITY_UNRATED},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
		assert_int_equal(pae_tenant_policy_classify(p, cases[i].vendor), cases[i].expect);
}

static void
test_policy_tenants_func(void **state)
{
	g_autofree gchar *problems = NULL;
	g_autoptr(PaePolicy) policy = load("[policy]\n"
					   "stages=test;production\n"
					   "reference_timezone=Europe/Paris\n"
					   "absolute_patches=Patches for RHEL 8/801002;\n"
					   "[stage:test]\n"
					   "days=Tue,Thu\n"
					   "start=22:30\n"
					   "length=3h\n"
					   "[stage:production]\n"
					   "days=Sat\n"
					   "start=01:00\n"
					   "length=5h\n"
					   "soak=3d\n"
					   "failure_threshold=0.05\n"
					   "[severity:medium]\n"
					   "cadence=monthly last Friday\n"
					   "absolute=true\n"
					   "[acme/policy]\n"
					   "catch_up=next-window\n"
					   "[acme/stage:production]\n"
					   "start=03:00\n",
					   &problems);
	const PaeTenantPolicy *d = pae_policy_get_tenant(policy, "default");
	const PaeTenantPolicy *acme = pae_policy_get_tenant(policy, "acme");
	const PaeStage *test_stage = pae_tenant_policy_find_stage(d, "test", NULL);
	const PaeStage *acme_prod = pae_tenant_policy_find_stage(acme, "production", NULL);

	assert_null(problems);
	assert_int_equal(d->stages->len, 2);
	assert_int_equal(test_stage->window.days, (1u << 1) | (1u << 3));
	assert_int_equal(test_stage->window.start, 22 * 60 + 30);
	assert_int_equal(test_stage->window.length, 3 * G_TIME_SPAN_HOUR);
	assert_string_equal(d->reference_timezone, "Europe/Paris");
	/* the tenant overrides one key and inherits the rest */
	assert_string_equal(acme->tenant, "acme");
	assert_int_equal(acme->catch_up, PAE_CATCH_UP_NEXT_WINDOW);
	assert_int_equal(d->catch_up, PAE_CATCH_UP_IMMEDIATE);
	assert_int_equal(acme_prod->window.start, 3 * 60);
	assert_int_equal(acme_prod->window.length, 5 * G_TIME_SPAN_HOUR);
	assert_int_equal(acme_prod->soak, 3 * G_TIME_SPAN_DAY);
	assert_true(acme_prod->failure_threshold > 0.049 && acme_prod->failure_threshold < 0.051);
	assert_string_equal(acme->reference_timezone, "Europe/Paris");
	/* absolute by patch, and by class */
	assert_true(pae_tenant_policy_is_absolute(
		d, "Patches for RHEL 8", "801002", PAE_SEVERITY_HIGH));
	assert_false(pae_tenant_policy_is_absolute(
		d, "Patches for RHEL 8", "801001", PAE_SEVERITY_HIGH));
	assert_true(pae_tenant_policy_is_absolute(d, "x", "1", PAE_SEVERITY_MEDIUM));
}

static void
test_policy_problems_func(void **state)
{
	const struct {
		const gchar *text;
		const gchar *expect;
	} cases[] = {
		{"[severity:critical]\ncadence=every full moon\n",
		 "pae.conf:2: [severity:critical] cadence:"},
		{"[severity:urgent]\ncadence=daily\n",
		 "pae.conf:1: [severity:urgent]: unknown severity class"},
		{"[stage:test]\ndays=Caturday\n", "pae.conf:2: [stage:test] days:"},
		{"[stage:test]\nstart=25:00\n", "pae.conf:2: [stage:test] start:"},
		{"[stage:test]\nlength=8d\n", "pae.conf:2: [stage:test] length:"},
		{"[stage:test]\nfailure_threshold=1.5\n",
		 "pae.conf:2: [stage:test] failure_threshold: '1.5'"},
		{"[stage:test]\nsoak=later\n", "pae.conf:2: [stage:test] soak: 'later'"},
		{"[stage:test]\nwindow=Sat\n", "pae.conf:2: [stage:test] window: unknown key"},
		{"[policy]\nstages=test;test\n",
		 "pae.conf:2: [policy] stages: 'test' is listed twice"},
		{"[policy]\nreference_timezone=Moon/Base\n",
		 "pae.conf:2: [policy] reference_timezone:"},
		{"[policy]\ncatch_up=someday\n",
		 "pae.conf:2: [policy] catch_up: 'someday' is not one of"},
		{"[acme/stage:test]\nstart=2am\n", "pae.conf:2: [acme/stage:test] start:"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *problems = NULL;
		g_autoptr(PaePolicy) policy = load(cases[i].text, &problems);
		if (problems == NULL || strstr(problems, cases[i].expect) == NULL)
			fail_msg("expected '%s' in: %s",
				 cases[i].expect,
				 problems ? problems : "(valid)");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_defaults_func),
		cmocka_unit_test(test_policy_classify_func),
		cmocka_unit_test(test_policy_tenants_func),
		cmocka_unit_test(test_policy_problems_func),
	};
	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}

/*
 * The planner's decisions, table-driven over a simulated "now". Every
 * expected instant is worked out by hand from the calendar and the zones'
 * rules (noted per row), never copied from the code's output.
 *
 * March 2026 starts on a Sunday: its Saturdays are the 7th, 14th, 21st and
 * 28th, so its second Saturday is the 14th. April 2026 starts on a
 * Wednesday: its second Saturday is the 11th. London is on GMT until 29
 * March, then BST (+1). New York moves to EDT at 02:00 on 8 March.
 * Kathmandu is +05:45 all year.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "pae-config-file.h"
#include "pae-planner.h"
#include "pae-test-util.h"

static const gchar *const policy_text =
	"[policy]\n"
	"stages=test;dev;production\n"
	"absolute_patches=Patches for RHEL 8/900001;\n"
	"[stage:test]\ndays=Sat\nstart=02:00\nlength=4h\nsoak=0\n"
	"failure_threshold=0.2\n"
	"[stage:dev]\ndays=Sun\nstart=02:00\nlength=4h\nsoak=12h\n"
	"[stage:production]\ndays=Sat\nstart=02:00\nlength=4h\nsoak=2d\n"
	"failure_threshold=0.1\n"
	"[severity:critical]\ncadence=monthly second Saturday\n"
	"approve_after=0\ndeadline=30d\n"
	"[severity:high]\ncadence=monthly second Saturday\n"
	"approve_after=3d\ndeadline=45d\n"
	"[severity:low]\ncadence=quarterly second Saturday\n"
	"approve_after=0\ndeadline=20d\n";

static PaePolicy *
load_policy(const gchar *text)
{
	g_autoptr(PaeConfigFile) cf = pae_config_file_new();
	g_autoptr(GError) error = NULL;
	PaePolicy *policy;

	assert_true(pae_config_file_load_data(cf, "pae.conf", text, &error));
	policy = pae_policy_load(cf);
	if (!pae_config_file_check(cf, &error))
		fail_msg("%s", error->message);
	return policy;
}

static PaeTime
at(const gchar *iso)
{
	PaeTime t = 0;
	assert_true(pae_time_from_iso8601(iso, &t));
	return t;
}

static PaeVm *
vm_new(const gchar *category, const gchar *tz)
{
	PaeVm *vm = pae_vm_new("aaaaaaaa-0000-4000-8000-000000000001");
	vm->name = g_strdup("vm");
	vm->tenant = g_strdup("default");
	vm->category = g_strdup(category);
	vm->timezone = g_strdup(tz);
	return vm;
}

static PaePatchInfo *
patch_new(const gchar *fixlet, const gchar *severity, const gchar *released)
{
	PaePatchInfo *p = pae_patch_info_new();
	p->site = g_strdup("Patches for RHEL 8");
	p->fixlet_id = g_strdup(fixlet);
	p->name = g_strdup("RHSA-2026:0001");
	p->source_severity = g_strdup(severity);
	p->release_date = released != NULL ? at(released) : 0;
	return p;
}

typedef struct {
	const gchar *why;
	const gchar *category;
	const gchar *tz;
	const gchar *fixlet;
	const gchar *severity;
	const gchar *released;
	PaeStageStatusKind previous; /* PAE_STAGE_STATUS_LAST: none given */
	const gchar *previous_since;
	const gchar *exception; /* "exclude", "defer:ISO", "freeze:ISO..ISO" or NULL */
	PaePlanVerdict verdict;
	const gchar *start; /* expected window start, for PLACE */
	gboolean late;
} PlanCase;

static GPtrArray *
exceptions_for(const gchar *spec)
{
	GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)pae_exception_free);
	PaeException *e;

	if (spec == NULL)
		return list;
	if (g_str_has_prefix(spec, "exclude")) {
		e = pae_exception_new(PAE_EXCEPTION_EXCLUDE,
				      "aaaaaaaa-0000-4000-8000-000000000001");
		e->site = g_strdup("Patches for RHEL 8");
		e->fixlet_id = g_strdup("801001");
		e->expires = at("2027-01-01T00:00:00Z");
	} else if (g_str_has_prefix(spec, "defer:")) {
		e = pae_exception_new(PAE_EXCEPTION_DEFER, "aaaaaaaa-0000-4000-8000-000000000001");
		e->until = at(spec + strlen("defer:"));
		e->expires = e->until;
	} else {
		g_auto(GStrv) range = g_strsplit(spec + strlen("freeze:"), "..", 2);
		e = pae_exception_new(PAE_EXCEPTION_FREEZE, "aaaaaaaa-0000-4000-8000-000000000001");
		e->starts = at(range[0]);
		e->until = at(range[1]);
		e->expires = e->until;
	}
	e->id = 7;
	e->reason = g_strdup("customer request");
	e->requester = g_strdup("ops");
	e->created = at("2026-03-01T00:00:00Z");
	g_ptr_array_add(list, e);
	return list;
}

static void
run_case(const PaeTenantPolicy *policy, const PlanCase *c, PaeTime now)
{
	g_autoptr(PaeVm) vm = vm_new(c->category, c->tz);
	g_autoptr(PaePatchInfo) patch = patch_new(c->fixlet, c->severity, c->released);
	g_autoptr(GPtrArray) exceptions = exceptions_for(c->exception);
	PaeStageStatus previous = {.kind = c->previous};
	PaePlanInput input = {
		.now = now,
		.policy = policy,
		.vm = vm,
		.patch = patch,
		.previous = c->previous == PAE_STAGE_STATUS_LAST ? NULL : &previous,
		.exceptions = exceptions,
	};
	PaePlanDecision decision;

	if (c->previous_since != NULL)
		previous.since = at(c->previous_since);
	if (c->previous == PAE_STAGE_STATUS_HALTED)
		previous.failure_ratio = 0.5;
	pae_planner_decide(&input, &decision);
	if (decision.verdict != c->verdict)
		fail_msg("%s: got %s (%s)",
			 c->why,
			 pae_plan_verdict_to_string(decision.verdict),
			 decision.reason);
	if (c->verdict == PAE_PLAN_PLACE) {
		g_autofree gchar *got = pae_time_to_iso8601(decision.window.start);
		if (g_strcmp0(got, c->start) != 0)
			fail_msg("%s: window starts %s, expected %s", c->why, got, c->start);
		if (decision.late != c->late)
			fail_msg("%s: late is %d", c->why, decision.late);
	}
	pae_plan_decision_clear(&decision);
}

#define NONE PAE_STAGE_STATUS_LAST

static void
test_planner_decisions_func(void **state)
{
	g_autoptr(PaePolicy) policy = load_policy(policy_text);
	const PaeTenantPolicy *p = pae_policy_get_tenant(policy, "default");
	const PlanCase cases[] = {
		{"critical, test stage, London: the second Saturday, 02:00 GMT",
		 "test",
		 "Europe/London",
		 "801001",
		 "Critical",
		 "2026-03-01T00:00:00Z",
		 NONE,
		 NULL,
		 NULL,
		 PAE_PLAN_PLACE,
		 "2026-03-14T02:00:00Z",
		 FALSE},
		{"Kathmandu keeps its own Saturday: 02:00 +05:45 is 20:15Z on Friday",
		 "test",
		 "Asia/Kathmandu",
		 "801001",
		 "Critical",
		 "2026-03-01T00:00:00Z",
		 NONE,
		 NULL,
		 NULL,
		 PAE_PLAN_PLACE,
		 "2026-03-13T20:15:00Z",
		 FALSE},
		{"an absolute patch runs at 02:00 in the reference zone (UTC) everywhere",
		 "test",
		 "Asia/Kathmandu",
		 "900001",
		 "Critical",
		 "2026-03-01T00:00:00Z",
		 NONE,
		 NULL,
		 NULL,
		 PAE_PLAN_PLACE,
		 "2026-03-14T02:00:00Z",
		 FALSE},
		{"dev waits while test has not passed",
		 "dev",
		 "Europe/London",
		 "801001",
		 "Critical",
		 "2026-03-01T00:00:00Z",
		 PAE_STAGE_STATUS_RUNNING,
		 NULL,
		 NULL,
		 PAE_PLAN_WAIT,
		 NULL,
		 FALSE},
		{"dev waits when test has not even started",
		 "dev",
		 "Europe/London",
		 "801001",
		 "Critical",
		 "2026-03-01T00:00:00Z",
		 PAE_STAGE_STATUS_NOT_STARTED,
		 NULL,
		 NULL,
		 PAE_PLAN_WAIT,
		 NULL,
		 FALSE},
		{"dev after test passed at 06:00Z and 12h of soak: Sunday 02:00",
		 "dev",
		 "Europe/London",
		 "801001",
		 "Critical",
		 "2026-03-01T00:00:00Z",
		 PAE_STAGE_STATUS_PASSED,
		 "2026-03-14T06:00:00Z",
		 NULL,
		 PAE_PLAN_PLACE,
		 "2026-03-15T02:00:00Z",
		 FALSE},
		{"a halted stage stops production",
		 "production",
		 "Europe/London",
		 "801001",
		 "Critical",
		 "2026-03-01T00:00:00Z",
		 PAE_STAGE_STATUS_HALTED,
		 "2026-03-15T06:00:00Z",
		 NULL,
		 PAE_PLAN_SKIP,
		 NULL,
		 FALSE},
		{"production after dev passed Sunday 06:00Z and 2 days of soak: next Saturday",
		 "production",
		 "Europe/London",
		 "801001",
		 "Critical",
		 "2026-03-01T00:00:00Z",
		 PAE_STAGE_STATUS_PASSED,
		 "2026-03-15T06:00:00Z",
		 NULL,
		 PAE_PLAN_PLACE,
		 "2026-03-21T02:00:00Z",
		 FALSE},
		{"excluded",
		 "test",
		 "Europe/London",
		 "801001",
		 "Critical",
		 "2026-03-01T00:00:00Z",
		 NONE,
		 NULL,
		 "exclude",
		 PAE_PLAN_SKIP,
		 NULL,
		 FALSE},
		{"deferred until the 16th: the Saturday after",
		 "test",
		 "Europe/London",
		 "801001",
		 "Critical",
		 "2026-03-01T00:00:00Z",
		 NONE,
		 NULL,
		 "defer:2026-03-16T00:00:00Z",
		 PAE_PLAN_PLACE,
		 "2026-03-21T02:00:00Z",
		 FALSE},
		{"frozen over the 14th: the Saturday after",
		 "test",
		 "Europe/London",
		 "801001",
		 "Critical",
		 "2026-03-01T00:00:00Z",
		 NONE,
		 NULL,
		 "freeze:2026-03-13T00:00:00Z..2026-03-16T00:00:00Z",
		 PAE_PLAN_PLACE,
		 "2026-03-21T02:00:00Z",
		 FALSE},
		{"high: released the 12th, approved after 3 days, so April's second Saturday (BST)",
		 "test",
		 "Europe/London",
		 "801001",
		 "Important",
		 "2026-03-12T00:00:00Z",
		 NONE,
		 NULL,
		 NULL,
		 PAE_PLAN_PLACE,
		 "2026-04-11T01:00:00Z",
		 FALSE},
		{"low: quarterly, April 11 is after its 20-day deadline",
		 "test",
		 "Europe/London",
		 "801001",
		 "Low",
		 "2026-03-01T00:00:00Z",
		 NONE,
		 NULL,
		 NULL,
		 PAE_PLAN_PLACE,
		 "2026-04-11T01:00:00Z",
		 TRUE},
		{"a category the policy does not know",
		 "staging",
		 "Europe/London",
		 "801001",
		 "Critical",
		 "2026-03-01T00:00:00Z",
		 NONE,
		 NULL,
		 NULL,
		 PAE_PLAN_SKIP,
		 NULL,
		 FALSE},
		{"no release date: counted from now",
		 "test",
		 "Europe/London",
		 "801001",
		 "Critical",
		 NULL,
		 NONE,
		 NULL,
		 NULL,
		 PAE_PLAN_PLACE,
		 "2026-03-14T02:00:00Z",
		 FALSE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
		run_case(p, &cases[i], at("2026-03-02T00:00:00Z"));
}

/* a window that starts in New York's spring-forward gap starts at 03:00 EDT */
static void
test_planner_dst_gap_func(void **state)
{
	g_autoptr(PaePolicy) policy = load_policy(
		"[policy]\nstages=test\n[stage:test]\ndays=Sun\nstart=02:30\nlength=2h\n"
		"[severity:critical]\ncadence=daily\napprove_after=0\n");
	const PlanCase c = {"the gap",
			    "test",
			    "America/New_York",
			    "801001",
			    "Critical",
			    "2026-03-01T00:00:00Z",
			    NONE,
			    NULL,
			    NULL,
			    PAE_PLAN_PLACE,
			    "2026-03-08T07:00:00Z",
			    FALSE};

	run_case(pae_policy_get_tenant(policy, "default"), &c, at("2026-03-02T00:00:00Z"));
}

static void
test_planner_stage_evaluate_func(void **state)
{
	const PaeStageTarget mixed[] = {
		{PAE_OUTCOME_DONE, 100},
		{PAE_OUTCOME_DONE, 300},
		{PAE_OUTCOME_FAILED, 200},
		{PAE_OUTCOME_MISSED, 50},
		{PAE_OUTCOME_DONE, 250},
	};
	const PaeStageTarget running[] = {{PAE_OUTCOME_DONE, 100}, {PAE_OUTCOME_WAITING, 0}};
	PaeStageStatus s;

	/* 1 failed of 4 applied: 25% passes at 0.3, halts at 0.2 */
	pae_stage_evaluate(mixed, G_N_ELEMENTS(mixed), 0.3, FALSE, 10, 1000, 5000, &s);
	assert_int_equal(s.kind, PAE_STAGE_STATUS_PASSED);
	assert_int_equal(s.since, 300);
	assert_int_equal(s.done, 3);
	assert_int_equal(s.failed, 1);
	pae_stage_evaluate(mixed, G_N_ELEMENTS(mixed), 0.2, FALSE, 10, 1000, 5000, &s);
	assert_int_equal(s.kind, PAE_STAGE_STATUS_HALTED);
	/* a target pending a restart is not finished */
	pae_stage_evaluate(running, G_N_ELEMENTS(running), 0.5, FALSE, 10, 1000, 5000, &s);
	assert_int_equal(s.kind, PAE_STAGE_STATUS_RUNNING);
	/* planned here but no action yet */
	pae_stage_evaluate(NULL, 0, 0.5, TRUE, 10, 1000, 5000, &s);
	assert_int_equal(s.kind, PAE_STAGE_STATUS_RUNNING);
	/* a retry of the failures planned here does not lift a halt ... */
	pae_stage_evaluate(mixed, G_N_ELEMENTS(mixed), 0.2, TRUE, 10, 1000, 5000, &s);
	assert_int_equal(s.kind, PAE_STAGE_STATUS_HALTED);
	assert_int_equal(s.since, 300);
	/* ... but holds a stage that passed so far */
	pae_stage_evaluate(mixed, G_N_ELEMENTS(mixed), 0.3, TRUE, 10, 1000, 5000, &s);
	assert_int_equal(s.kind, PAE_STAGE_STATUS_RUNNING);
	/* nothing anywhere: not started until the gate has been open for the settle time */
	pae_stage_evaluate(NULL, 0, 0.5, FALSE, 1000, 500, 1400, &s);
	assert_int_equal(s.kind, PAE_STAGE_STATUS_NOT_STARTED);
	pae_stage_evaluate(NULL, 0, 0.5, FALSE, 1000, 500, 1500, &s);
	assert_int_equal(s.kind, PAE_STAGE_STATUS_PASSED);
	assert_int_equal(s.since, 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_planner_decisions_func),
		cmocka_unit_test(test_planner_dst_gap_func),
		cmocka_unit_test(test_planner_stage_evaluate_func),
	};
	return cmocka_run_group_tests_name("planner", tests, NULL, NULL);
}

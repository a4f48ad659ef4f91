/*
 * The pure parts of the compliance loop: mapping computers to VMs,
 * compliance states, and what each patch-server status means.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-compliance.h"
#include "pae-mapping.h"
#include "pae-outcome.h"
#include "pae-test-util.h"

#define VM_A "aaaaaaaa-0000-4000-8000-000000000001"
#define VM_B "bbbbbbbb-0000-4000-8000-000000000002"

static PaeComputer *
computer(const gchar *id, const gchar *uuid, PaeTime report)
{
	PaeComputer *c = pae_computer_new();
	c->computer_id = g_strdup(id);
	c->name = g_strdup(id);
	c->vm_uuid = g_strdup(uuid);
	c->last_report = report;
	return c;
}

/* a client restored from a snapshot re-registers under a new id: newest wins */
static void
test_mapping_newest_report_wins_func(void **state)
{
	g_autoptr(GPtrArray) computers =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_computer_free);
	g_autoptr(GHashTable) mappings = NULL;
	PaeMapping *a;
	PaeMapping *b;
	g_autofree gchar *stale = NULL;

	g_ptr_array_add(computers, computer("100", VM_A, 1000));
	g_ptr_array_add(computers, computer("250", VM_A, 5000));
	g_ptr_array_add(computers, computer("90", VM_A, 3000));
	g_ptr_array_add(computers, computer("7", VM_B, 10));
	g_ptr_array_add(computers, computer("8", NULL, 10));
	mappings = pae_mapping_build(computers);

	assert_int_equal(g_hash_table_size(mappings), 2);
	a = g_hash_table_lookup(mappings, VM_A);
	assert_string_equal(a->computer->computer_id, "250");
	stale = pae_mapping_stale_ids(a);
	assert_string_equal(stale, "100,90");
	b = g_hash_table_lookup(mappings, VM_B);
	assert_string_equal(b->computer->computer_id, "7");
	assert_null(pae_mapping_stale_ids(b));
}

/* equal report times: the later registration (larger id) speaks */
static void
test_mapping_tie_func(void **state)
{
	g_autoptr(GPtrArray) computers =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_computer_free);
	g_autoptr(GHashTable) mappings = NULL;

	g_ptr_array_add(computers, computer("1000", VM_A, 50));
	g_ptr_array_add(computers, computer("999", VM_A, 50));
	mappings = pae_mapping_build(computers);
	assert_string_equal(
		((PaeMapping *)g_hash_table_lookup(mappings, VM_A))->computer->computer_id, "1000");
}

static void
test_compliance_states_func(void **state)
{
	const struct {
		const gchar *why;
		PaeComplianceInput input;
		PaeTime now;
		PaeComplianceState expect;
	} cases[] = {
		{"new VM, no computer yet",
		 {FALSE, 0, 0, 1000, 600, 0},
		 1500,
		 PAE_COMPLIANCE_PENDING},
		{"no computer after the grace",
		 {FALSE, 0, 0, 1000, 600, 0},
		 1600,
		 PAE_COMPLIANCE_UNMANAGED},
		{"a fresh report, nothing relevant",
		 {TRUE, 2000, 0, 1000, 600, 0},
		 2100,
		 PAE_COMPLIANCE_COMPLIANT},
		{"a fresh report with patches",
		 {TRUE, 2000, 0, 1000, 600, 3},
		 2100,
		 PAE_COMPLIANCE_NON_COMPLIANT},
		{"a report older than a revert",
		 {TRUE, 2000, 2500, 1000, 600, 0},
		 2600,
		 PAE_COMPLIANCE_STALE},
		{"a report at the revert instant is not newer",
		 {TRUE, 2500, 2500, 1000, 600, 0},
		 2600,
		 PAE_COMPLIANCE_STALE},
		{"a report after the revert",
		 {TRUE, 2501, 2500, 1000, 600, 2},
		 2600,
		 PAE_COMPLIANCE_NON_COMPLIANT},
		{"never reported", {TRUE, 0, 0, 1000, 600, 0}, 2600, PAE_COMPLIANCE_STALE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		PaeComplianceState got = pae_compliance_evaluate(&cases[i].input, cases[i].now);
		if (got != cases[i].expect)
			fail_msg("%s: got %s", cases[i].why, pae_compliance_state_to_string(got));
	}
	for (guint s = 0; s < PAE_COMPLIANCE_LAST; s++)
		assert_int_equal(
			pae_compliance_state_from_string(pae_compliance_state_to_string(s)), s);
}

/* every status the checker can meet maps as documented */
static void
test_outcome_statuses_func(void **state)
{
	const struct {
		const gchar *status;
		const gchar *action_state;
		PaeOutcome expect;
	} cases[] = {
		{"Fixed", "Open", PAE_OUTCOME_DONE},
		{"Not Relevant", "Open", PAE_OUTCOME_DONE},
		{"Not Relevant", "Expired", PAE_OUTCOME_DONE},
		{"Completed", "Open", PAE_OUTCOME_DONE},
		{"Failed", "Open", PAE_OUTCOME_FAILED},
		{"Download Failed", "Open", PAE_OUTCOME_FAILED},
		{"Hash Mismatch", "Open", PAE_OUTCOME_FAILED},
		{"Invalid Signature", "Open", PAE_OUTCOME_FAILED},
		{"Error", "Open", PAE_OUTCOME_FAILED},
		{"Pending Restart", "Open", PAE_OUTCOME_WAITING},
		{"Pending Client Restart", "Open", PAE_OUTCOME_WAITING},
		{"Pending Login", "Open", PAE_OUTCOME_WAITING},
		{"Running", "Open", PAE_OUTCOME_RUNNING},
		{"Evaluating", "Open", PAE_OUTCOME_RUNNING},
		{"Waiting", "Open", PAE_OUTCOME_RUNNING},
		{"Pending Downloads", "Open", PAE_OUTCOME_RUNNING},
		{"Constrained", "Open", PAE_OUTCOME_RUNNING},
		{"Something New In BigFix 12", "Open", PAE_OUTCOME_RUNNING},
		{"Expired", "Expired", PAE_OUTCOME_MISSED},
		{NULL, "Expired", PAE_OUTCOME_MISSED},
		{"Waiting", "Expired", PAE_OUTCOME_MISSED},
		{NULL, "Open", PAE_OUTCOME_PENDING},
		{NULL, "Stopped", PAE_OUTCOME_CANCELLED},
		{"Stopped", "Stopped", PAE_OUTCOME_CANCELLED},
		{"fixed", "Open", PAE_OUTCOME_DONE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		PaeOutcome got = pae_outcome_from_status(cases[i].status, cases[i].action_state);
		if (got != cases[i].expect)
			fail_msg("%s/%s: got %s, expected %s",
				 cases[i].status,
				 cases[i].action_state,
				 pae_outcome_to_string(got),
				 pae_outcome_to_string(cases[i].expect));
	}
	assert_true(pae_outcome_is_final(PAE_OUTCOME_DONE));
	assert_true(pae_outcome_is_final(PAE_OUTCOME_MISSED));
	assert_false(pae_outcome_is_final(PAE_OUTCOME_WAITING));
	assert_false(pae_outcome_is_final(PAE_OUTCOME_RUNNING));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping_newest_report_wins_func),
		cmocka_unit_test(test_mapping_tie_func),
		cmocka_unit_test(test_compliance_states_func),
		cmocka_unit_test(test_outcome_statuses_func),
	};
	return cmocka_run_group_tests_name("compliance", tests, NULL, NULL);
}

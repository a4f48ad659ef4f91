/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-resync.h"
#include "pae-test-util.h"

static PaeVm *
vm_new(const gchar *uuid, const gchar *name, PaeVmState state, gint id)
{
	PaeVm *vm = pae_vm_new(uuid);
	vm->name = g_strdup(name);
	vm->tenant = g_strdup("acme");
	vm->category = g_strdup("test");
	vm->timezone = g_strdup("UTC");
	vm->state = state;
	vm->domain_id = id;
	return vm;
}

static GPtrArray *
vm_list(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)pae_vm_free);
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* the findings as "kind:name" strings, sorted, for easy comparison */
static gchar *
summarize(GPtrArray *findings)
{
	g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < findings->len; i++) {
		PaeResyncFinding *f = findings->pdata[i];
		g_ptr_array_add(parts,
				g_strdup_printf("%s:%s",
						pae_observation_kind_to_string(f->kind),
						f->vm->name));
	}
	g_ptr_array_sort(parts, compare_strings);
	g_ptr_array_add(parts, NULL);
	return g_strjoinv(" ", (gchar **)parts->pdata);
}

static void
expect(GPtrArray *stored, GPtrArray *live, const gchar *expected)
{
	g_autoptr(GPtrArray) findings = pae_resync_compare(stored, live);
	g_autofree gchar *got = summarize(findings);
	if (g_strcmp0(got, expected) != 0)
		fail_msg("expected '%s', got '%s'", expected, got);
}

#define U1 "00000000-0000-4000-8000-000000000001"
#define U2 "00000000-0000-4000-8000-000000000002"
#define U3 "00000000-0000-4000-8000-000000000003"

static void
test_resync_nothing_changed_func(void **state)
{
	g_autoptr(GPtrArray) stored = vm_list();
	g_autoptr(GPtrArray) live = vm_list();
	g_ptr_array_add(stored, vm_new(U1, "a", PAE_VM_STATE_RUNNING, 3));
	g_ptr_array_add(live, vm_new(U1, "a", PAE_VM_STATE_RUNNING, 3));
	expect(stored, live, "");
}

static void
test_resync_new_and_gone_func(void **state)
{
	g_autoptr(GPtrArray) stored = vm_list();
	g_autoptr(GPtrArray) live = vm_list();
	PaeVm *retired = vm_new(U3, "back", PAE_VM_STATE_UNDEFINED, -1);
	PaeVm *moved = vm_new(U2, "moved", PAE_VM_STATE_MIGRATED, -1);

	retired->retired = 5;
	g_ptr_array_add(stored, vm_new(U1, "gone", PAE_VM_STATE_SHUTOFF, -1));
	g_ptr_array_add(stored, retired);
	g_ptr_array_add(stored, moved);
	g_ptr_array_add(live, vm_new(U3, "back", PAE_VM_STATE_SHUTOFF, -1));
	g_ptr_array_add(
		live,
		vm_new("00000000-0000-4000-8000-000000000009", "new", PAE_VM_STATE_RUNNING, 1));
	expect(stored, live, "migration-out:moved provision:back provision:new vanished:gone");
}

static void
test_resync_state_changes_func(void **state)
{
	const struct {
		PaeVmState before;
		gint before_id;
		PaeVmState after;
		gint after_id;
		const gchar *expected;
		gboolean in_transition; /* libvirt paused it mid-operation */
	} cases[] = {
		{PAE_VM_STATE_RUNNING, 3, PAE_VM_STATE_RUNNING, 8, "restart:x"},
		{PAE_VM_STATE_PAUSED, 3, PAE_VM_STATE_RUNNING, 3, "resume:x"},
		{PAE_VM_STATE_SAVED, -1, PAE_VM_STATE_RUNNING, 4, "resume:x"},
		{PAE_VM_STATE_PMSUSPENDED, 3, PAE_VM_STATE_RUNNING, 3, "resume:x"},
		{PAE_VM_STATE_SHUTOFF, -1, PAE_VM_STATE_RUNNING, 4, "start:x"},
		{PAE_VM_STATE_RUNNING, 3, PAE_VM_STATE_PAUSED, 3, "suspend:x"},
		{PAE_VM_STATE_RUNNING, 3, PAE_VM_STATE_SAVED, -1, "suspend:x"},
		{PAE_VM_STATE_RUNNING, 3, PAE_VM_STATE_SHUTOFF, -1, "stop:x"},
		{PAE_VM_STATE_SHUTOFF, -1, PAE_VM_STATE_SHUTOFF, -1, ""},
		/* met starting up, saving or snapshotting: its events tell the end */
		{PAE_VM_STATE_SHUTOFF, -1, PAE_VM_STATE_PAUSED, 4, "", TRUE},
		{PAE_VM_STATE_RUNNING, 3, PAE_VM_STATE_PAUSED, 3, "", TRUE},
		{PAE_VM_STATE_PAUSED, 3, PAE_VM_STATE_PAUSED, 3, "", TRUE},
		/* ... but a new domain id is a restart all the same */
		{PAE_VM_STATE_RUNNING, 3, PAE_VM_STATE_PAUSED, 9, "restart:x", TRUE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GPtrArray) stored = vm_list();
		g_autoptr(GPtrArray) live = vm_list();
		g_ptr_array_add(stored, vm_new(U1, "x", cases[i].before, cases[i].before_id));
		PaeVm *after = vm_new(U1, "x", cases[i].after, cases[i].after_id);
		after->in_transition = cases[i].in_transition;
		g_ptr_array_add(live, after);
		expect(stored, live, cases[i].expected);
	}
}

static void
test_resync_facts_changed_func(void **state)
{
	g_autoptr(GPtrArray) stored = vm_list();
	g_autoptr(GPtrArray) live = vm_list();
	PaeVm *after = vm_new(U1, "renamed", PAE_VM_STATE_RUNNING, 3);
	PaeVm *tz = vm_new(U2, "tz", PAE_VM_STATE_RUNNING, 4);

	g_free(after->category);
	after->category = g_strdup("production");
	g_free(tz->timezone);
	tz->timezone = g_strdup("Asia/Kathmandu");
	g_ptr_array_add(stored, vm_new(U1, "orig", PAE_VM_STATE_RUNNING, 3));
	g_ptr_array_add(stored, vm_new(U2, "tz", PAE_VM_STATE_RUNNING, 4));
	g_ptr_array_add(live, after);
	g_ptr_array_add(live, tz);
	expect(stored, live, "category-change:renamed rename:renamed update:tz");
}

static void
test_resync_snapshots_func(void **state)
{
	const struct {
		const gchar *before;
		const gchar *after;
		const gchar *parent;
		const gchar *expected;
		const gchar *why;
	} cases[] = {
		{"s1", "s1", NULL, "", "same snapshot"},
		{"s1", "s2", "s1", "", "a new snapshot on top of the current one"},
		{NULL, "s1", NULL, "", "the first snapshot"},
		{"s2", "s1", NULL, "revert:x", "back to an older snapshot"},
		{"s1", "s3", "s2", "revert:x", "a snapshot on another branch"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GPtrArray) stored = vm_list();
		g_autoptr(GPtrArray) live = vm_list();
		PaeVm *before = vm_new(U1, "x", PAE_VM_STATE_RUNNING, 3);
		PaeVm *after = vm_new(U1, "x", PAE_VM_STATE_RUNNING, 3);
		before->current_snapshot = g_strdup(cases[i].before);
		after->current_snapshot = g_strdup(cases[i].after);
		after->snapshot_parent = g_strdup(cases[i].parent);
		g_ptr_array_add(stored, before);
		g_ptr_array_add(live, after);
		expect(stored, live, cases[i].expected);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resync_nothing_changed_func),
		cmocka_unit_test(test_resync_new_and_gone_func),
		cmocka_unit_test(test_resync_state_changes_func),
		cmocka_unit_test(test_resync_facts_changed_func),
		cmocka_unit_test(test_resync_snapshots_func),
	};
	return cmocka_run_group_tests_name("resync", tests, NULL, NULL);
}

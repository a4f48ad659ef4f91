/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <libvirt/libvirt.h>

#include "pae-observation.h"
#include "pae-test-util.h"

static PaeVm *
vm_in_state(PaeVmState state, const gchar *category, gboolean persistent)
{
	PaeVm *vm = pae_vm_new("6695eb01-f6a4-8304-79aa-97f2502e193f");
	vm->name = g_strdup("vm");
	vm->tenant = g_strdup("acme");
	vm->category = g_strdup(category);
	vm->timezone = g_strdup("UTC");
	vm->state = state;
	vm->persistent = persistent;
	vm->domain_id = pae_vm_state_is_active(state) ? 4 : -1;
	vm->first_seen = 1;
	return vm;
}

/* previous/current states: UNKNOWN as "previous" means never seen; as
 * "current" it means the domain is gone */
#define NONE PAE_VM_STATE_LAST

typedef struct {
	const gchar *why;
	gint event;
	gint detail;
	PaeVmState previous;
	const gchar *previous_event;
	PaeVmState current;
	PaeObservationKind expect;
	PaeVmState state_after;
} LifecycleCase;

static void
test_observation_lifecycle_func(void **state)
{
	const LifecycleCase cases[] = {
		{"define a new VM",
		 VIR_DOMAIN_EVENT_DEFINED,
		 VIR_DOMAIN_EVENT_DEFINED_ADDED,
		 NONE,
		 NULL,
		 PAE_VM_STATE_SHUTOFF,
		 PAE_OBSERVATION_PROVISION,
		 PAE_VM_STATE_SHUTOFF},
		{"define again after it was undefined",
		 VIR_DOMAIN_EVENT_DEFINED,
		 VIR_DOMAIN_EVENT_DEFINED_ADDED,
		 PAE_VM_STATE_UNDEFINED,
		 NULL,
		 PAE_VM_STATE_SHUTOFF,
		 PAE_OBSERVATION_PROVISION,
		 PAE_VM_STATE_SHUTOFF},
		{"a migrated-in VM made persistent",
		 VIR_DOMAIN_EVENT_DEFINED,
		 VIR_DOMAIN_EVENT_DEFINED_ADDED,
		 PAE_VM_STATE_RUNNING,
		 "STARTED/MIGRATED",
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_UPDATE,
		 PAE_VM_STATE_RUNNING},
		{"redefined XML",
		 VIR_DOMAIN_EVENT_DEFINED,
		 VIR_DOMAIN_EVENT_DEFINED_UPDATED,
		 PAE_VM_STATE_SHUTOFF,
		 NULL,
		 PAE_VM_STATE_SHUTOFF,
		 PAE_OBSERVATION_UPDATE,
		 PAE_VM_STATE_SHUTOFF},
		{"rename, second half",
		 VIR_DOMAIN_EVENT_DEFINED,
		 VIR_DOMAIN_EVENT_DEFINED_RENAMED,
		 PAE_VM_STATE_SHUTOFF,
		 NULL,
		 PAE_VM_STATE_SHUTOFF,
		 PAE_OBSERVATION_RENAME,
		 PAE_VM_STATE_SHUTOFF},
		{"rename, first half",
		 VIR_DOMAIN_EVENT_UNDEFINED,
		 VIR_DOMAIN_EVENT_UNDEFINED_RENAMED,
		 PAE_VM_STATE_SHUTOFF,
		 NULL,
		 PAE_VM_STATE_SHUTOFF,
		 PAE_OBSERVATION_RENAME,
		 PAE_VM_STATE_SHUTOFF},
		{"revert redefines (QEMU)",
		 VIR_DOMAIN_EVENT_DEFINED,
		 VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT,
		 PAE_VM_STATE_RUNNING,
		 NULL,
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_REVERT,
		 PAE_VM_STATE_RUNNING},
		{"undefine a shut-off VM",
		 VIR_DOMAIN_EVENT_UNDEFINED,
		 VIR_DOMAIN_EVENT_UNDEFINED_REMOVED,
		 PAE_VM_STATE_SHUTOFF,
		 NULL,
		 NONE,
		 PAE_OBSERVATION_DEPROVISION,
		 PAE_VM_STATE_UNDEFINED},
		{"undefine a running VM: it goes on, transient",
		 VIR_DOMAIN_EVENT_UNDEFINED,
		 VIR_DOMAIN_EVENT_UNDEFINED_REMOVED,
		 PAE_VM_STATE_RUNNING,
		 NULL,
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_UPDATE,
		 PAE_VM_STATE_RUNNING},
		{"undefine after migrating away is no deprovision",
		 VIR_DOMAIN_EVENT_UNDEFINED,
		 VIR_DOMAIN_EVENT_UNDEFINED_REMOVED,
		 PAE_VM_STATE_MIGRATED,
		 NULL,
		 NONE,
		 PAE_OBSERVATION_MIGRATION_OUT,
		 PAE_VM_STATE_MIGRATED},
		{"boot",
		 VIR_DOMAIN_EVENT_STARTED,
		 VIR_DOMAIN_EVENT_STARTED_BOOTED,
		 PAE_VM_STATE_SHUTOFF,
		 NULL,
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_START,
		 PAE_VM_STATE_RUNNING},
		{"test driver restore: a boot of a saved VM",
		 VIR_DOMAIN_EVENT_STARTED,
		 VIR_DOMAIN_EVENT_STARTED_BOOTED,
		 PAE_VM_STATE_SAVED,
		 NULL,
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_RESUME,
		 PAE_VM_STATE_RUNNING},
		{"restore",
		 VIR_DOMAIN_EVENT_STARTED,
		 VIR_DOMAIN_EVENT_STARTED_RESTORED,
		 PAE_VM_STATE_SAVED,
		 NULL,
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_RESUME,
		 PAE_VM_STATE_RUNNING},
		{"QEMU's resume after a restore is no revert",
		 VIR_DOMAIN_EVENT_RESUMED,
		 VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT,
		 PAE_VM_STATE_RUNNING,
		 "STARTED/RESTORED",
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_RESUME,
		 PAE_VM_STATE_RUNNING},
		{"wake-up",
		 VIR_DOMAIN_EVENT_STARTED,
		 VIR_DOMAIN_EVENT_STARTED_WAKEUP,
		 PAE_VM_STATE_PMSUSPENDED,
		 NULL,
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_RESUME,
		 PAE_VM_STATE_RUNNING},
		{"revert start",
		 VIR_DOMAIN_EVENT_STARTED,
		 VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT,
		 PAE_VM_STATE_SHUTOFF,
		 NULL,
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_REVERT,
		 PAE_VM_STATE_RUNNING},
		{"revert stop",
		 VIR_DOMAIN_EVENT_STOPPED,
		 VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT,
		 PAE_VM_STATE_RUNNING,
		 NULL,
		 PAE_VM_STATE_SHUTOFF,
		 PAE_OBSERVATION_REVERT,
		 PAE_VM_STATE_SHUTOFF},
		{"revert resume",
		 VIR_DOMAIN_EVENT_RESUMED,
		 VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT,
		 PAE_VM_STATE_RUNNING,
		 "STARTED/FROM_SNAPSHOT",
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_REVERT,
		 PAE_VM_STATE_RUNNING},
		{"revert into a paused state",
		 VIR_DOMAIN_EVENT_SUSPENDED,
		 VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT,
		 PAE_VM_STATE_RUNNING,
		 NULL,
		 PAE_VM_STATE_PAUSED,
		 PAE_OBSERVATION_REVERT,
		 PAE_VM_STATE_PAUSED},
		{"incoming migration",
		 VIR_DOMAIN_EVENT_STARTED,
		 VIR_DOMAIN_EVENT_STARTED_MIGRATED,
		 NONE,
		 NULL,
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_MIGRATION_IN,
		 PAE_VM_STATE_RUNNING},
		{"incoming migration resumes",
		 VIR_DOMAIN_EVENT_RESUMED,
		 VIR_DOMAIN_EVENT_RESUMED_MIGRATED,
		 PAE_VM_STATE_PAUSED,
		 NULL,
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_MIGRATION_IN,
		 PAE_VM_STATE_RUNNING},
		{"outgoing migration pauses",
		 VIR_DOMAIN_EVENT_SUSPENDED,
		 VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED,
		 PAE_VM_STATE_RUNNING,
		 NULL,
		 PAE_VM_STATE_PAUSED,
		 PAE_OBSERVATION_MIGRATION_OUT,
		 PAE_VM_STATE_PAUSED},
		{"outgoing migration stops: moved, never a deprovision",
		 VIR_DOMAIN_EVENT_STOPPED,
		 VIR_DOMAIN_EVENT_STOPPED_MIGRATED,
		 PAE_VM_STATE_PAUSED,
		 NULL,
		 PAE_VM_STATE_SHUTOFF,
		 PAE_OBSERVATION_MIGRATION_OUT,
		 PAE_VM_STATE_MIGRATED},
		{"pause",
		 VIR_DOMAIN_EVENT_SUSPENDED,
		 VIR_DOMAIN_EVENT_SUSPENDED_PAUSED,
		 PAE_VM_STATE_RUNNING,
		 NULL,
		 PAE_VM_STATE_PAUSED,
		 PAE_OBSERVATION_SUSPEND,
		 PAE_VM_STATE_PAUSED},
		{"resume after a pause",
		 VIR_DOMAIN_EVENT_RESUMED,
		 VIR_DOMAIN_EVENT_RESUMED_UNPAUSED,
		 PAE_VM_STATE_PAUSED,
		 NULL,
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_RESUME,
		 PAE_VM_STATE_RUNNING},
		{"QEMU unpauses a guest it starts: a start, not a resume",
		 VIR_DOMAIN_EVENT_RESUMED,
		 VIR_DOMAIN_EVENT_RESUMED_UNPAUSED,
		 PAE_VM_STATE_SHUTOFF,
		 NULL,
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_START,
		 PAE_VM_STATE_RUNNING},
		{"save",
		 VIR_DOMAIN_EVENT_STOPPED,
		 VIR_DOMAIN_EVENT_STOPPED_SAVED,
		 PAE_VM_STATE_RUNNING,
		 NULL,
		 PAE_VM_STATE_SAVED,
		 PAE_OBSERVATION_SUSPEND,
		 PAE_VM_STATE_SAVED},
		{"destroy",
		 VIR_DOMAIN_EVENT_STOPPED,
		 VIR_DOMAIN_EVENT_STOPPED_DESTROYED,
		 PAE_VM_STATE_RUNNING,
		 NULL,
		 PAE_VM_STATE_SHUTOFF,
		 PAE_OBSERVATION_STOP,
		 PAE_VM_STATE_SHUTOFF},
		{"guest shutdown in progress",
		 VIR_DOMAIN_EVENT_SHUTDOWN,
		 VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED,
		 PAE_VM_STATE_RUNNING,
		 NULL,
		 PAE_VM_STATE_SHUTDOWN,
		 PAE_OBSERVATION_IGNORED,
		 PAE_VM_STATE_SHUTDOWN},
		{"PM suspend",
		 VIR_DOMAIN_EVENT_PMSUSPENDED,
		 VIR_DOMAIN_EVENT_PMSUSPENDED_MEMORY,
		 PAE_VM_STATE_RUNNING,
		 NULL,
		 PAE_VM_STATE_PMSUSPENDED,
		 PAE_OBSERVATION_SUSPEND,
		 PAE_VM_STATE_PMSUSPENDED},
		{"crash",
		 VIR_DOMAIN_EVENT_CRASHED,
		 VIR_DOMAIN_EVENT_CRASHED_PANICKED,
		 PAE_VM_STATE_RUNNING,
		 NULL,
		 PAE_VM_STATE_CRASHED,
		 PAE_OBSERVATION_STOP,
		 PAE_VM_STATE_CRASHED},
		{"a new transient VM, created and started at once",
		 VIR_DOMAIN_EVENT_STARTED,
		 VIR_DOMAIN_EVENT_STARTED_BOOTED,
		 NONE,
		 NULL,
		 PAE_VM_STATE_RUNNING,
		 PAE_OBSERVATION_PROVISION,
		 PAE_VM_STATE_RUNNING},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		const LifecycleCase *c = &cases[i];
		g_autoptr(PaeTrigger) trigger = pae_trigger_new(
			PAE_TRIGGER_LIFECYCLE, "6695eb01-f6a4-8304-79aa-97f2502e193f", "vm", 10);
		g_autoptr(PaeVm) previous = NULL;
		g_autoptr(PaeVm) current = NULL;
		PaeVmState after = PAE_VM_STATE_LAST;
		PaeObservationKind kind;

		trigger->event = c->event;
		trigger->detail = c->detail;
		if (c->previous != NONE)
			previous = vm_in_state(c->previous, "test", TRUE);
		if (c->current != NONE)
			current = vm_in_state(c->current, "test", TRUE);
		kind = pae_observation_classify(
			trigger, previous, c->previous_event, current, &after);
		if (kind != c->expect || after != c->state_after)
			fail_msg("%s: got %s/%s, expected %s/%s",
				 c->why,
				 pae_observation_kind_to_string(kind),
				 pae_vm_state_to_string(after),
				 pae_observation_kind_to_string(c->expect),
				 pae_vm_state_to_string(c->state_after));
	}
}

static void
test_observation_transient_stop_func(void **state)
{
	g_autoptr(PaeTrigger) trigger = pae_trigger_new(
		PAE_TRIGGER_LIFECYCLE, "6695eb01-f6a4-8304-79aa-97f2502e193f", "t", 1);
	g_autoptr(PaeVm) previous = vm_in_state(PAE_VM_STATE_RUNNING, "test", FALSE);
	PaeVmState after;

	/* a transient domain that stops is gone, without an UNDEFINED event */
	trigger->event = VIR_DOMAIN_EVENT_STOPPED;
	trigger->detail = VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN;
	assert_int_equal(pae_observation_classify(trigger, previous, NULL, NULL, &after),
			 PAE_OBSERVATION_DEPROVISION);
	assert_int_equal(after, PAE_VM_STATE_UNDEFINED);
}

static void
test_observation_metadata_func(void **state)
{
	g_autoptr(PaeTrigger) trigger = pae_trigger_new(
		PAE_TRIGGER_METADATA, "6695eb01-f6a4-8304-79aa-97f2502e193f", "m", 1);
	g_autoptr(PaeVm) before = vm_in_state(PAE_VM_STATE_RUNNING, "test", TRUE);
	g_autoptr(PaeVm) same = vm_in_state(PAE_VM_STATE_RUNNING, "test", TRUE);
	g_autoptr(PaeVm) moved = vm_in_state(PAE_VM_STATE_RUNNING, "production", TRUE);
	g_autoptr(PaeTrigger) redefined = pae_trigger_new(
		PAE_TRIGGER_LIFECYCLE, "6695eb01-f6a4-8304-79aa-97f2502e193f", "m", 1);
	PaeVmState after;

	assert_int_equal(pae_observation_classify(trigger, before, NULL, same, &after),
			 PAE_OBSERVATION_UPDATE);
	assert_int_equal(pae_observation_classify(trigger, before, NULL, moved, &after),
			 PAE_OBSERVATION_CATEGORY_CHANGE);
	/* redefining the XML emits only DEFINED/UPDATED: it must see the move too */
	redefined->event = VIR_DOMAIN_EVENT_DEFINED;
	redefined->detail = VIR_DOMAIN_EVENT_DEFINED_UPDATED;
	assert_int_equal(pae_observation_classify(redefined, before, NULL, moved, &after),
			 PAE_OBSERVATION_CATEGORY_CHANGE);
}

static void
test_observation_pm_and_hooks_func(void **state)
{
	const struct {
		PaeTriggerType type;
		const gchar *operation;
		PaeObservationKind expect;
	} cases[] = {
		{PAE_TRIGGER_PM_WAKEUP, NULL, PAE_OBSERVATION_RESUME},
		{PAE_TRIGGER_PM_SUSPEND, NULL, PAE_OBSERVATION_SUSPEND},
		{PAE_TRIGGER_HOOK, "restore", PAE_OBSERVATION_RESUME},
		{PAE_TRIGGER_HOOK, "migrate", PAE_OBSERVATION_MIGRATION_IN},
		{PAE_TRIGGER_HOOK, "started", PAE_OBSERVATION_START},
		{PAE_TRIGGER_HOOK, "stopped", PAE_OBSERVATION_STOP},
		{PAE_TRIGGER_HOOK, "prepare", PAE_OBSERVATION_IGNORED},
		{PAE_TRIGGER_HOOK, "reconnect", PAE_OBSERVATION_IGNORED},
	};
	g_autoptr(PaeVm) previous = vm_in_state(PAE_VM_STATE_PAUSED, "test", TRUE);

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(PaeTrigger) trigger = pae_trigger_new(
			cases[i].type, "6695eb01-f6a4-8304-79aa-97f2502e193f", "p", 1);
		PaeVmState after;
		trigger->operation = g_strdup(cases[i].operation);
		trigger->sub_operation = g_strdup("begin");
		assert_int_equal(
			pae_observation_classify(trigger, previous, NULL, previous, &after),
			cases[i].expect);
	}
}

static void
test_observation_trigger_names_func(void **state)
{
	g_autoptr(PaeTrigger) lifecycle = pae_trigger_new(
		PAE_TRIGGER_LIFECYCLE, "6695eb01-f6a4-8304-79aa-97f2502e193f", "n", 1);
	g_autoptr(PaeTrigger) hook =
		pae_trigger_new(PAE_TRIGGER_HOOK, "6695eb01-f6a4-8304-79aa-97f2502e193f", "n", 1);
	g_autofree gchar *a = NULL;
	g_autofree gchar *b = NULL;
	g_autofree gchar *c = NULL;

	lifecycle->event = VIR_DOMAIN_EVENT_STARTED;
	lifecycle->detail = VIR_DOMAIN_EVENT_STARTED_RESTORED;
	a = pae_trigger_to_string(lifecycle);
	assert_string_equal(a, "STARTED/RESTORED");
	lifecycle->detail = 99;
	b = pae_trigger_to_string(lifecycle);
	assert_string_equal(b, "STARTED/99");
	hook->operation = g_strdup("restore");
	hook->sub_operation = g_strdup("begin");
	c = pae_trigger_to_string(hook);
	assert_string_equal(c, "hook:restore/begin");
	for (guint k = 0; k < PAE_OBSERVATION_LAST; k++)
		assert_int_equal(
			pae_observation_kind_from_string(pae_observation_kind_to_string(k)), k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_observation_lifecycle_func),
		cmocka_unit_test(test_observation_transient_stop_func),
		cmocka_unit_test(test_observation_metadata_func),
		cmocka_unit_test(test_observation_pm_and_hooks_func),
		cmocka_unit_test(test_observation_trigger_names_func),
	};
	return cmocka_run_group_tests_name("observation", tests, NULL, NULL);
}

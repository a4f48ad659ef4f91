/*
 * pae-observation: what happened to a VM, whatever told us
 *
 * pae_observation_classify() is the one place that turns libvirt's events
 * and the hook's records into meaning. It is pure: the caller passes what was
 * stored before (previous), the facts read from libvirt after the event
 * (current, NULL when the domain no longer exists) and the last event seen.
 *
 * Measured facts it relies on (see the test table in tests/test-observation.c):
 * - a rename is UNDEFINED/RENAMED then DEFINED/RENAMED with the same UUID;
 * - QEMU starts a guest with RESUMED/UNPAUSED then STARTED/BOOTED;
 * - QEMU restores a saved guest with STARTED/RESTORED then
 *   RESUMED/FROM_SNAPSHOT: that FROM_SNAPSHOT is part of the restore, not a
 *   revert, although every other FROM_SNAPSHOT detail is one;
 * - the test driver restores with STARTED/BOOTED, so a start of a guest that
 *   was saved counts as a resume;
 * - a transient domain that stops is gone without an UNDEFINED event;
 * - undefining a running domain leaves it running, as a transient domain.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-observation.h"

#include <libvirt/libvirt.h>

static const gchar *const pae_observation_kind_names[] = {
	[PAE_OBSERVATION_IGNORED] = "ignored",
	[PAE_OBSERVATION_PROVISION] = "provision",
	[PAE_OBSERVATION_RESUME] = "resume",
	[PAE_OBSERVATION_REVERT] = "revert",
	[PAE_OBSERVATION_CATEGORY_CHANGE] = "category-change",
	[PAE_OBSERVATION_DEPROVISION] = "deprovision",
	[PAE_OBSERVATION_RENAME] = "rename",
	[PAE_OBSERVATION_MIGRATION_IN] = "migration-in",
	[PAE_OBSERVATION_MIGRATION_OUT] = "migration-out",
	[PAE_OBSERVATION_START] = "start",
	[PAE_OBSERVATION_STOP] = "stop",
	[PAE_OBSERVATION_SUSPEND] = "suspend",
	[PAE_OBSERVATION_UPDATE] = "update",
	[PAE_OBSERVATION_RESTART] = "restart",
	[PAE_OBSERVATION_VANISHED] = "vanished",
};

static const gchar *const pae_source_names[] = {
	[PAE_SOURCE_EVENT] = "event",
	[PAE_SOURCE_RESYNC] = "resync",
	[PAE_SOURCE_HOOK] = "hook",
	[PAE_SOURCE_ENGINE] = "engine",
	[PAE_SOURCE_OPERATOR] = "operator",
};

const gchar *
pae_observation_kind_to_string(PaeObservationKind kind)
{
	if ((guint)kind >= G_N_ELEMENTS(pae_observation_kind_names))
		return "ignored";
	return pae_observation_kind_names[kind];
}

PaeObservationKind
pae_observation_kind_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_observation_kind_names); i++) {
		if (g_strcmp0(pae_observation_kind_names[i], text) == 0)
			return (PaeObservationKind)i;
	}
	return PAE_OBSERVATION_IGNORED;
}

/**
 * pae_observation_kind_retires:
 *
 * Returns: %TRUE when the VM no longer lives on this controller afterwards
 */
gboolean
pae_observation_kind_retires(PaeObservationKind kind)
{
	return kind == PAE_OBSERVATION_DEPROVISION || kind == PAE_OBSERVATION_VANISHED;
}

const gchar *
pae_source_to_string(PaeSource source)
{
	if ((guint)source >= G_N_ELEMENTS(pae_source_names))
		return "event";
	return pae_source_names[source];
}

PaeSource
pae_source_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_source_names); i++) {
		if (g_strcmp0(pae_source_names[i], text) == 0)
			return (PaeSource)i;
	}
	return PAE_SOURCE_EVENT;
}

PaeTrigger *
pae_trigger_new(PaeTriggerType type, const gchar *uuid, const gchar *name, PaeTime at)
{
	PaeTrigger *trigger = g_new0(PaeTrigger, 1);
	trigger->type = type;
	trigger->event = -1;
	trigger->detail = -1;
	trigger->uuid = g_strdup(uuid);
	trigger->name = g_strdup(name);
	trigger->at = at;
	return trigger;
}

void
pae_trigger_free(PaeTrigger *trigger)
{
	if (trigger == NULL)
		return;
	g_free(trigger->operation);
	g_free(trigger->sub_operation);
	g_free(trigger->uuid);
	g_free(trigger->name);
	g_free(trigger);
}

static const gchar *
pae_trigger_event_name(gint event)
{
	static const gchar *const names[] = {
		[VIR_DOMAIN_EVENT_DEFINED] = "DEFINED",
		[VIR_DOMAIN_EVENT_UNDEFINED] = "UNDEFINED",
		[VIR_DOMAIN_EVENT_STARTED] = "STARTED",
		[VIR_DOMAIN_EVENT_SUSPENDED] = "SUSPENDED",
		[VIR_DOMAIN_EVENT_RESUMED] = "RESUMED",
		[VIR_DOMAIN_EVENT_STOPPED] = "STOPPED",
		[VIR_DOMAIN_EVENT_SHUTDOWN] = "SHUTDOWN",
		[VIR_DOMAIN_EVENT_PMSUSPENDED] = "PMSUSPENDED",
		[VIR_DOMAIN_EVENT_CRASHED] = "CRASHED",
	};
	if (event < 0 || (guint)event >= G_N_ELEMENTS(names))
		return NULL;
	return names[event];
}

static const gchar *
pae_trigger_detail_name(gint event, gint detail)
{
	static const gchar *const defined[] = {"ADDED", "UPDATED", "RENAMED", "FROM_SNAPSHOT"};
	static const gchar *const undefined[] = {"REMOVED", "RENAMED"};
	static const gchar *const started[] = {
		"BOOTED", "MIGRATED", "RESTORED", "FROM_SNAPSHOT", "WAKEUP"};
	static const gchar *const suspended[] = {"PAUSED",
						 "MIGRATED",
						 "IOERROR",
						 "WATCHDOG",
						 "RESTORED",
						 "FROM_SNAPSHOT",
						 "API_ERROR",
						 "POSTCOPY",
						 "POSTCOPY_FAILED"};
	static const gchar *const resumed[] = {
		"UNPAUSED", "MIGRATED", "FROM_SNAPSHOT", "POSTCOPY", "POSTCOPY_FAILED"};
	static const gchar *const stopped[] = {
		"SHUTDOWN", "DESTROYED", "CRASHED", "MIGRATED", "SAVED", "FAILED", "FROM_SNAPSHOT"};
	static const gchar *const shutdown[] = {"FINISHED", "GUEST", "HOST"};
	static const gchar *const pmsuspended[] = {"MEMORY", "DISK"};
	static const gchar *const crashed[] = {"PANICKED", "CRASHLOADED"};
	const gchar *const *names = NULL;
	gsize n = 0;

#define PAE_TRIGGER_PICK(table)                                                                    \
	do {                                                                                       \
		names = table;                                                                     \
		n = G_N_ELEMENTS(table);                                                           \
	} while (0)
	switch (event) {
	case VIR_DOMAIN_EVENT_DEFINED:
		PAE_TRIGGER_PICK(defined);
		break;
	case VIR_DOMAIN_EVENT_UNDEFINED:
		PAE_TRIGGER_PICK(undefined);
		break;
	case VIR_DOMAIN_EVENT_STARTED:
		PAE_TRIGGER_PICK(started);
		break;
	case VIR_DOMAIN_EVENT_SUSPENDED:
		PAE_TRIGGER_PICK(suspended);
		break;
	case VIR_DOMAIN_EVENT_RESUMED:
		PAE_TRIGGER_PICK(resumed);
		break;
	case VIR_DOMAIN_EVENT_STOPPED:
		PAE_TRIGGER_PICK(stopped);
		break;
	case VIR_DOMAIN_EVENT_SHUTDOWN:
		PAE_TRIGGER_PICK(shutdown);
		break;
	case VIR_DOMAIN_EVENT_PMSUSPENDED:
		PAE_TRIGGER_PICK(pmsuspended);
		break;
	case VIR_DOMAIN_EVENT_CRASHED:
		PAE_TRIGGER_PICK(crashed);
		break;
	default:
		break;
	}
#undef PAE_TRIGGER_PICK
	if (names == NULL || detail < 0 || (gsize)detail >= n)
		return NULL;
	return names[detail];
}

/**
 * pae_trigger_to_string:
 *
 * Returns: e.g. "STARTED/BOOTED", "METADATA_CHANGE", "hook:restore/begin"
 */
gchar *
pae_trigger_to_string(const PaeTrigger *trigger)
{
	const gchar *event_name;
	const gchar *detail_name;

	switch (trigger->type) {
	case PAE_TRIGGER_METADATA:
		return g_strdup("METADATA_CHANGE");
	case PAE_TRIGGER_PM_WAKEUP:
		return g_strdup("PMWAKEUP");
	case PAE_TRIGGER_PM_SUSPEND:
		return g_strdup("PMSUSPEND");
	case PAE_TRIGGER_HOOK:
		return g_strdup_printf("hook:%s/%s",
				       trigger->operation != NULL ? trigger->operation : "-",
				       trigger->sub_operation != NULL ? trigger->sub_operation
								      : "-");
	case PAE_TRIGGER_LIFECYCLE:
	default:
		break;
	}
	event_name = pae_trigger_event_name(trigger->event);
	detail_name = pae_trigger_detail_name(trigger->event, trigger->detail);
	if (event_name == NULL)
		return g_strdup_printf("EVENT%d/%d", trigger->event, trigger->detail);
	if (detail_name == NULL)
		return g_strdup_printf("%s/%d", event_name, trigger->detail);
	return g_strdup_printf("%s/%s", event_name, detail_name);
}

static gboolean
pae_observation_category_changed(const PaeVm *previous, const PaeVm *current)
{
	return previous != NULL && current != NULL &&
	       g_strcmp0(previous->category, current->category) != 0;
}

static PaeObservationKind
pae_observation_classify_hook(const PaeTrigger *trigger)
{
	if (g_strcmp0(trigger->operation, "restore") == 0)
		return PAE_OBSERVATION_RESUME;
	if (g_strcmp0(trigger->operation, "migrate") == 0)
		return PAE_OBSERVATION_MIGRATION_IN;
	if (g_strcmp0(trigger->operation, "started") == 0)
		return PAE_OBSERVATION_START;
	if (g_strcmp0(trigger->operation, "stopped") == 0)
		return PAE_OBSERVATION_STOP;
	/* prepare, start, release, reconnect, attach: nothing new for patching */
	return PAE_OBSERVATION_IGNORED;
}

static PaeObservationKind
pae_observation_classify_defined(gint detail, const PaeVm *previous, const PaeVm *current)
{
	switch (detail) {
	case VIR_DOMAIN_EVENT_DEFINED_ADDED:
		/* a VM that arrived by migration becomes persistent after it started */
		if (previous != NULL && previous->retired == 0 &&
		    previous->state != PAE_VM_STATE_UNDEFINED)
			return PAE_OBSERVATION_UPDATE;
		return PAE_OBSERVATION_PROVISION;
	case VIR_DOMAIN_EVENT_DEFINED_RENAMED:
		return PAE_OBSERVATION_RENAME;
	case VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT:
		return PAE_OBSERVATION_REVERT;
	case VIR_DOMAIN_EVENT_DEFINED_UPDATED:
	default:
		if (pae_observation_category_changed(previous, current))
			return PAE_OBSERVATION_CATEGORY_CHANGE;
		return PAE_OBSERVATION_UPDATE;
	}
}

static PaeObservationKind
pae_observation_classify_undefined(gint detail, const PaeVm *previous, const PaeVm *current)
{
	if (detail == VIR_DOMAIN_EVENT_UNDEFINED_RENAMED)
		return PAE_OBSERVATION_RENAME;
	if (previous != NULL && previous->state == PAE_VM_STATE_MIGRATED)
		return PAE_OBSERVATION_MIGRATION_OUT;
	/* undefining a running domain only makes it transient */
	if (current != NULL && pae_vm_state_is_active(current->state))
		return PAE_OBSERVATION_UPDATE;
	return PAE_OBSERVATION_DEPROVISION;
}

static PaeObservationKind
pae_observation_classify_started(gint detail, const PaeVm *previous)
{
	switch (detail) {
	case VIR_DOMAIN_EVENT_STARTED_MIGRATED:
		return PAE_OBSERVATION_MIGRATION_IN;
	case VIR_DOMAIN_EVENT_STARTED_RESTORED:
	case VIR_DOMAIN_EVENT_STARTED_WAKEUP:
		return PAE_OBSERVATION_RESUME;
	case VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT:
		return PAE_OBSERVATION_REVERT;
	case VIR_DOMAIN_EVENT_STARTED_BOOTED:
	default:
		/* the test driver reports a restore as a boot */
		if (previous != NULL && previous->state == PAE_VM_STATE_SAVED)
			return PAE_OBSERVATION_RESUME;
		return PAE_OBSERVATION_START;
	}
}

static PaeObservationKind
pae_observation_classify_resumed(gint detail, const PaeVm *previous, const gchar *previous_event)
{
	switch (detail) {
	case VIR_DOMAIN_EVENT_RESUMED_MIGRATED:
	case VIR_DOMAIN_EVENT_RESUMED_POSTCOPY:
		return PAE_OBSERVATION_MIGRATION_IN;
	case VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT:
		/* QEMU ends every restore with this detail */
		if (g_strcmp0(previous_event, "STARTED/RESTORED") == 0)
			return PAE_OBSERVATION_RESUME;
		return PAE_OBSERVATION_REVERT;
	case VIR_DOMAIN_EVENT_RESUMED_UNPAUSED:
	case VIR_DOMAIN_EVENT_RESUMED_POSTCOPY_FAILED:
	default:
		if (previous != NULL && (previous->state == PAE_VM_STATE_PAUSED ||
					 previous->state == PAE_VM_STATE_PMSUSPENDED))
			return PAE_OBSERVATION_RESUME;
		/* QEMU unpauses a guest it is starting */
		if (previous == NULL || !pae_vm_state_is_active(previous->state))
			return PAE_OBSERVATION_START;
		return PAE_OBSERVATION_IGNORED;
	}
}

static PaeObservationKind
pae_observation_classify_suspended(gint detail)
{
	switch (detail) {
	case VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT:
		return PAE_OBSERVATION_REVERT;
	case VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED:
	case VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY:
		return PAE_OBSERVATION_MIGRATION_OUT;
	default:
		return PAE_OBSERVATION_SUSPEND;
	}
}

static PaeObservationKind
pae_observation_classify_stopped(gint detail, const PaeVm *previous, const PaeVm *current)
{
	switch (detail) {
	case VIR_DOMAIN_EVENT_STOPPED_MIGRATED:
		return PAE_OBSERVATION_MIGRATION_OUT;
	case VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT:
		return PAE_OBSERVATION_REVERT;
	case VIR_DOMAIN_EVENT_STOPPED_SAVED:
		return PAE_OBSERVATION_SUSPEND;
	default:
		/* a transient domain is gone once it stops */
		if (current == NULL && previous != NULL && !previous->persistent)
			return PAE_OBSERVATION_DEPROVISION;
		return PAE_OBSERVATION_STOP;
	}
}

static PaeObservationKind
pae_observation_classify_lifecycle(const PaeTrigger *trigger,
				   const PaeVm *previous,
				   const gchar *previous_event,
				   const PaeVm *current)
{
	switch (trigger->event) {
	case VIR_DOMAIN_EVENT_DEFINED:
		return pae_observation_classify_defined(trigger->detail, previous, current);
	case VIR_DOMAIN_EVENT_UNDEFINED:
		return pae_observation_classify_undefined(trigger->detail, previous, current);
	case VIR_DOMAIN_EVENT_STARTED:
		return pae_observation_classify_started(trigger->detail, previous);
	case VIR_DOMAIN_EVENT_SUSPENDED:
		return pae_observation_classify_suspended(trigger->detail);
	case VIR_DOMAIN_EVENT_RESUMED:
		return pae_observation_classify_resumed(trigger->detail, previous, previous_event);
	case VIR_DOMAIN_EVENT_STOPPED:
		return pae_observation_classify_stopped(trigger->detail, previous, current);
	case VIR_DOMAIN_EVENT_PMSUSPENDED:
		return PAE_OBSERVATION_SUSPEND;
	case VIR_DOMAIN_EVENT_CRASHED:
		return PAE_OBSERVATION_STOP;
	case VIR_DOMAIN_EVENT_SHUTDOWN:
	default:
		/* a shutdown in progress: STOPPED follows */
		return PAE_OBSERVATION_IGNORED;
	}
}

/* the state to store when libvirt could not be asked (the domain is gone) */
static PaeVmState
pae_observation_state_without_facts(PaeObservationKind kind, const PaeVm *previous)
{
	switch (kind) {
	case PAE_OBSERVATION_DEPROVISION:
		return PAE_VM_STATE_UNDEFINED;
	case PAE_OBSERVATION_MIGRATION_OUT:
		return PAE_VM_STATE_MIGRATED;
	default:
		return previous != NULL ? previous->state : PAE_VM_STATE_UNKNOWN;
	}
}

/**
 * pae_observation_classify:
 * @trigger: the event or hook record
 * @previous: (nullable): the VM as stored before it
 * @previous_event: (nullable): the last event stored for the VM, e.g. "STARTED/RESTORED"
 * @current: (nullable): the VM as libvirt describes it now, %NULL if gone
 * @state_after: (out): the state to store
 *
 * Returns: what the trigger means for patching
 */
PaeObservationKind
pae_observation_classify(const PaeTrigger *trigger,
			 const PaeVm *previous,
			 const gchar *previous_event,
			 const PaeVm *current,
			 PaeVmState *state_after)
{
	PaeObservationKind kind;

	switch (trigger->type) {
	case PAE_TRIGGER_METADATA:
		kind = pae_observation_category_changed(previous, current)
			       ? PAE_OBSERVATION_CATEGORY_CHANGE
			       : PAE_OBSERVATION_UPDATE;
		break;
	case PAE_TRIGGER_PM_WAKEUP:
		kind = PAE_OBSERVATION_RESUME;
		break;
	case PAE_TRIGGER_PM_SUSPEND:
		kind = PAE_OBSERVATION_SUSPEND;
		break;
	case PAE_TRIGGER_HOOK:
		kind = pae_observation_classify_hook(trigger);
		break;
	case PAE_TRIGGER_LIFECYCLE:
	default:
		kind = pae_observation_classify_lifecycle(
			trigger, previous, previous_event, current);
		break;
	}

	/* a VM never seen before, e.g. a transient one created and started at once */
	if ((previous == NULL || previous->retired != 0) && current != NULL &&
	    kind != PAE_OBSERVATION_IGNORED && kind != PAE_OBSERVATION_MIGRATION_IN &&
	    kind != PAE_OBSERVATION_DEPROVISION && kind != PAE_OBSERVATION_MIGRATION_OUT)
		kind = PAE_OBSERVATION_PROVISION;

	/* the source of a migration keeps a shut-off definition: mark it moved */
	if (kind == PAE_OBSERVATION_MIGRATION_OUT && trigger->type == PAE_TRIGGER_LIFECYCLE &&
	    trigger->event == VIR_DOMAIN_EVENT_STOPPED)
		*state_after = PAE_VM_STATE_MIGRATED;
	else if (current != NULL)
		*state_after = current->state;
	else
		*state_after = pae_observation_state_without_facts(kind, previous);
	return kind;
}

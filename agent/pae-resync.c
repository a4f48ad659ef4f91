/*
 * pae-resync: what changed while nobody listened
 *
 * libvirt keeps no event log: events sent while the agent was disconnected
 * are lost. After every (re)connect the agent lists every domain and compares
 * it with what it stored; this file is that comparison, pure, so every case
 * is a table row in tests/test-resync.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-resync.h"

void
pae_resync_finding_free(PaeResyncFinding *finding)
{
	if (finding == NULL)
		return;
	pae_vm_free(finding->vm);
	g_free(finding->detail);
	g_free(finding);
}

static void
pae_resync_add(GPtrArray *findings, PaeObservationKind kind, const PaeVm *vm, gchar *detail)
{
	PaeResyncFinding *finding = g_new0(PaeResyncFinding, 1);
	finding->kind = kind;
	finding->vm = pae_vm_copy(vm);
	finding->detail = detail;
	g_ptr_array_add(findings, finding);
}

static gboolean
pae_resync_is_up(PaeVmState state)
{
	return state == PAE_VM_STATE_RUNNING || state == PAE_VM_STATE_BLOCKED;
}

static gboolean
pae_resync_is_suspended(PaeVmState state)
{
	return state == PAE_VM_STATE_PAUSED || state == PAE_VM_STATE_PMSUSPENDED ||
	       state == PAE_VM_STATE_SAVED;
}

/* the one state observation that explains before → after, if any */
static PaeObservationKind
pae_resync_state_change(const PaeVm *before, const PaeVm *after)
{
	if (pae_vm_state_is_active(before->state) && pae_vm_state_is_active(after->state) &&
	    before->domain_id >= 0 && after->domain_id >= 0 &&
	    before->domain_id != after->domain_id)
		return PAE_OBSERVATION_RESTART;
	if (before->state == after->state)
		return PAE_OBSERVATION_IGNORED;
	if (pae_resync_is_up(after->state)) {
		if (pae_resync_is_suspended(before->state))
			return PAE_OBSERVATION_RESUME;
		if (pae_resync_is_up(before->state))
			return PAE_OBSERVATION_IGNORED;
		return PAE_OBSERVATION_START;
	}
	if (pae_resync_is_suspended(after->state))
		return PAE_OBSERVATION_SUSPEND;
	if (!pae_vm_state_is_active(after->state) && pae_vm_state_is_active(before->state))
		return PAE_OBSERVATION_STOP;
	return PAE_OBSERVATION_IGNORED;
}

/* a new current snapshot that is not a child of the old one means a revert */
static gboolean
pae_resync_reverted(const PaeVm *before, const PaeVm *after)
{
	if (after->current_snapshot == NULL)
		return FALSE;
	if (g_strcmp0(before->current_snapshot, after->current_snapshot) == 0)
		return FALSE;
	if (before->current_snapshot == NULL)
		return FALSE;
	return g_strcmp0(after->snapshot_parent, before->current_snapshot) != 0;
}

/**
 * pae_resync_describe_changes:
 *
 * Returns: (nullable): e.g. "category test → production, state running → paused"
 */
gchar *
pae_resync_describe_changes(const PaeVm *before, const PaeVm *after)
{
	GString *text = g_string_new(NULL);

#define PAE_RESYNC_DESCRIBE(field, label)                                                          \
	if (g_strcmp0(before->field, after->field) != 0)                                           \
		g_string_append_printf(text,                                                       \
				       "%s%s %s → %s",                                             \
				       text->len > 0 ? ", " : "",                                  \
				       label,                                                      \
				       before->field != NULL ? before->field : "none",             \
				       after->field != NULL ? after->field : "none");
	PAE_RESYNC_DESCRIBE(name, "name")
	PAE_RESYNC_DESCRIBE(tenant, "tenant")
	PAE_RESYNC_DESCRIBE(category, "category")
	PAE_RESYNC_DESCRIBE(timezone, "time zone")
	PAE_RESYNC_DESCRIBE(current_snapshot, "snapshot")
#undef PAE_RESYNC_DESCRIBE
	if (before->state != after->state)
		g_string_append_printf(text,
				       "%sstate %s → %s",
				       text->len > 0 ? ", " : "",
				       pae_vm_state_to_string(before->state),
				       pae_vm_state_to_string(after->state));
	if (before->domain_id != after->domain_id && before->domain_id >= 0 &&
	    after->domain_id >= 0)
		g_string_append_printf(text,
				       "%sdomain id %d → %d",
				       text->len > 0 ? ", " : "",
				       before->domain_id,
				       after->domain_id);
	if (text->len == 0) {
		g_string_free(text, TRUE);
		return NULL;
	}
	return g_string_free(text, FALSE);
}

/**
 * pae_resync_settled_state:
 * @before: (nullable): the VM as stored
 *
 * The state to record for a domain a resync found: one met mid-operation
 * (starting up, saving, snapshotting, migrating) keeps its stored state,
 * its events tell how the operation ends and the passing pause is no change.
 */
PaeVmState
pae_resync_settled_state(const PaeVm *before, const PaeVm *after)
{
	return after->in_transition && before != NULL ? before->state : after->state;
}

static void
pae_resync_compare_one(GPtrArray *findings, const PaeVm *before, const PaeVm *after)
{
	PaeObservationKind state_kind;
	g_autoptr(PaeVm) settled = NULL;

	if (after->in_transition) {
		settled = pae_vm_copy(after);
		settled->state = pae_resync_settled_state(before, after);
		after = settled;
	}

	if (g_strcmp0(before->name, after->name) != 0)
		pae_resync_add(findings,
			       PAE_OBSERVATION_RENAME,
			       after,
			       g_strdup_printf("renamed from '%s' to '%s' without an event",
					       before->name,
					       after->name));
	if (g_strcmp0(before->category, after->category) != 0)
		pae_resync_add(findings,
			       PAE_OBSERVATION_CATEGORY_CHANGE,
			       after,
			       g_strdup_printf("category %s → %s without an event",
					       before->category,
					       after->category));
	if (g_strcmp0(before->tenant, after->tenant) != 0 ||
	    g_strcmp0(before->timezone, after->timezone) != 0)
		pae_resync_add(findings,
			       PAE_OBSERVATION_UPDATE,
			       after,
			       pae_resync_describe_changes(before, after));
	if (pae_resync_reverted(before, after))
		pae_resync_add(findings,
			       PAE_OBSERVATION_REVERT,
			       after,
			       g_strdup_printf("reverted to snapshot '%s' without an event",
					       after->current_snapshot));
	state_kind = pae_resync_state_change(before, after);
	if (state_kind != PAE_OBSERVATION_IGNORED) {
		g_autofree gchar *changes = pae_resync_describe_changes(before, after);
		pae_resync_add(findings,
			       state_kind,
			       after,
			       g_strdup_printf("%s without an event",
					       changes != NULL ? changes : "state changed"));
	}
}

/**
 * pae_resync_compare:
 * @stored: (element-type PaeVm): every VM in the database, retired ones too
 * @live: (element-type PaeVm): every domain libvirt lists now
 *
 * Returns: (transfer container) (element-type PaeResyncFinding): the
 * observations that explain the difference, in a stable order
 */
GPtrArray *
pae_resync_compare(GPtrArray *stored, GPtrArray *live)
{
	g_autoptr(GHashTable) by_uuid = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *findings =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_resync_finding_free);

	for (guint i = 0; i < stored->len; i++) {
		PaeVm *vm = stored->pdata[i];
		g_hash_table_insert(by_uuid, vm->uuid, vm);
	}
	for (guint i = 0; i < live->len; i++) {
		PaeVm *after = live->pdata[i];
		PaeVm *before = g_hash_table_lookup(by_uuid, after->uuid);

		g_hash_table_add(seen, after->uuid);
		if (before == NULL || before->retired != 0) {
			pae_resync_add(findings,
				       PAE_OBSERVATION_PROVISION,
				       after,
				       g_strdup("defined without an event"));
			continue;
		}
		pae_resync_compare_one(findings, before, after);
	}
	for (guint i = 0; i < stored->len; i++) {
		PaeVm *before = stored->pdata[i];
		if (before->retired != 0 || g_hash_table_contains(seen, before->uuid))
			continue;
		if (before->state == PAE_VM_STATE_MIGRATED)
			pae_resync_add(findings,
				       PAE_OBSERVATION_MIGRATION_OUT,
				       before,
				       g_strdup("removed after migrating away"));
		else
			pae_resync_add(findings,
				       PAE_OBSERVATION_VANISHED,
				       before,
				       g_strdup("gone without an event"));
	}
	return findings;
}

/*
 * pae-ingest: observations into the database, off the main loop
 *
 * libvirt callbacks on the main loop only wrap what happened in a PaeTrigger
 * and queue it here. One worker thread owns its own database connection; it
 * takes what is queued in batches (waiting batch_delay for a burst to
 * gather, at most batch_max items), asks libvirt for each VM's facts,
 * classifies, and writes every observation of the batch, with the VMs' new
 * rows, in one transaction. Only then is the main loop told (the "stored"
 * signal), so nothing acts on an observation that is not on disk. A slow
 * disk slows the worker, never the loop.
 *
 * A resync goes through the same queue, so it is ordered with the events
 * around it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeIngest"

#include "config.h"

#include "pae-ingest.h"

#include "pae-error.h"
#include "pae-history.h"
#include "pae-libvirt.h"
#include "pae-resync.h"
#include "pae-store-vms.h"
#include "pae-vm-json.h"

typedef enum {
	PAE_INGEST_ITEM_TRIGGER,
	PAE_INGEST_ITEM_RESYNC,
	PAE_INGEST_ITEM_FLUSH,
	PAE_INGEST_ITEM_STOP,
} PaeIngestItemType;

typedef struct {
	PaeIngestItemType type;
	virConnect *conn; /* a reference, or NULL */
	PaeTrigger *trigger;
	/* filled by the worker before the transaction */
	PaeVm *current;
	PaeFactsResult facts;
	GPtrArray *live; /* RESYNC: PaeVm, or NULL when listing failed */
	PaeTime at;
} PaeIngestItem;

struct _PaeIngest {
	GObject parent_instance;
	gchar *database;
	PaeClock *clock;
	gchar *default_tenant;
	gchar *default_category;
	gchar *default_timezone;
	PaeVmDefaults defaults;
	GTimeSpan batch_delay;
	guint batch_max;
	GAsyncQueue *queue;
	GThread *thread;
	GMainContext *context; /* where "stored" is emitted */
	GMutex mutex;
	GCond cond;
	gboolean started;
	gchar *start_error;
	guint64 flushes_requested;
	guint64 flushes_done;
	gint batches;	 /* atomic */
	PaeStore *store; /* the worker's own */
	gboolean first_resync_seen;
};

G_DEFINE_TYPE(PaeIngest, pae_ingest, G_TYPE_OBJECT)

enum { SIGNAL_STORED, SIGNAL_LAST };
static guint signals[SIGNAL_LAST] = {0};

static void
pae_ingest_item_free(PaeIngestItem *item)
{
	if (item->conn != NULL)
		virConnectClose(item->conn);
	pae_trigger_free(item->trigger);
	pae_vm_free(item->current);
	if (item->live != NULL)
		g_ptr_array_unref(item->live);
	g_free(item);
}

static PaeIngestItem *
pae_ingest_item_new(PaeIngestItemType type, virConnect *conn)
{
	PaeIngestItem *item = g_new0(PaeIngestItem, 1);
	item->type = type;
	if (conn != NULL) {
		virConnectRef(conn);
		item->conn = conn;
	}
	return item;
}

/* the state of one batch being written */
typedef struct {
	PaeIngest *self;
	GHashTable *vms;	 /* uuid → PaeVm, as written at the end */
	GHashTable *last_events; /* uuid → gchar* */
	GHashTable *dirty;	 /* uuid set of VMs to write */
	GPtrArray *entries;	 /* PaeHistoryEntry, in order */
	GHashTable *last_entry;	 /* uuid → PaeHistoryEntry* in entries */
	gint first_resync_end;	 /* the agent's first resync ended here: entries before it
				  * came from a new store's; -1 when not in this batch */
} PaeIngestBatch;

static void
pae_ingest_batch_clear(PaeIngestBatch *batch)
{
	g_hash_table_unref(batch->vms);
	g_hash_table_unref(batch->last_events);
	g_hash_table_unref(batch->dirty);
	g_ptr_array_unref(batch->entries);
	g_hash_table_unref(batch->last_entry);
}

static void
pae_ingest_batch_init(PaeIngestBatch *batch, PaeIngest *self)
{
	batch->self = self;
	batch->vms =
		g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)pae_vm_free);
	batch->last_events = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	batch->dirty = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	batch->entries = g_ptr_array_new_with_free_func((GDestroyNotify)pae_history_entry_free);
	batch->last_entry = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	batch->first_resync_end = -1;
}

/* the VM as stored before this batch or as changed by it; NULL if never seen */
static const PaeVm *
pae_ingest_batch_get_vm(PaeIngestBatch *batch, const gchar *uuid, const gchar **last_event)
{
	g_autoptr(GError) error = NULL;
	g_autofree gchar *stored_event = NULL;
	PaeVm *vm;

	vm = g_hash_table_lookup(batch->vms, uuid);
	if (vm == NULL && !g_hash_table_contains(batch->vms, uuid)) {
		vm = pae_store_get_vm(batch->self->store, uuid, &stored_event, &error);
		if (vm == NULL && !g_error_matches(error, PAE_ERROR, PAE_ERROR_NOT_FOUND))
			g_warning("cannot read VM %s: %s", uuid, error->message);
		g_hash_table_insert(batch->vms, g_strdup(uuid), vm);
		g_hash_table_insert(
			batch->last_events, g_strdup(uuid), g_steal_pointer(&stored_event));
	}
	if (last_event != NULL)
		*last_event = g_hash_table_lookup(batch->last_events, uuid);
	return vm;
}

static void
pae_ingest_batch_set_vm(PaeIngestBatch *batch, PaeVm *vm, const gchar *last_event)
{
	g_hash_table_add(batch->dirty, g_strdup(vm->uuid));
	if (last_event != NULL)
		g_hash_table_insert(batch->last_events, g_strdup(vm->uuid), g_strdup(last_event));
	g_hash_table_insert(batch->vms, g_strdup(vm->uuid), vm);
}

/* the row to store after an observation */
static PaeVm *
pae_ingest_build_row(PaeIngest *self,
		     const PaeVm *previous,
		     const PaeVm *current,
		     const gchar *uuid,
		     const gchar *name,
		     PaeVmState state_after,
		     PaeObservationKind kind,
		     PaeTime at)
{
	PaeVm *row;

	if (current != NULL) {
		row = pae_vm_copy(current);
	} else if (previous != NULL) {
		row = pae_vm_copy(previous);
	} else {
		row = pae_vm_new(uuid);
		row->name = g_strdup(name != NULL ? name : "");
		row->tenant = g_strdup(self->defaults.tenant);
		row->category = g_strdup(self->defaults.category);
		row->timezone = g_strdup(self->defaults.timezone);
	}
	row->state = state_after;
	if (!pae_vm_state_is_active(row->state))
		row->domain_id = -1;
	row->first_seen = previous != NULL && previous->first_seen != 0 ? previous->first_seen : at;
	row->last_seen = at;
	row->retired = current != NULL ? 0 : (previous != NULL ? previous->retired : 0);
	if (pae_observation_kind_retires(kind) ||
	    (kind == PAE_OBSERVATION_MIGRATION_OUT && current == NULL))
		row->retired = at;
	return row;
}

static gchar *
pae_ingest_describe(PaeObservationKind kind, const PaeVm *previous, const PaeVm *row)
{
	if (previous == NULL)
		return g_strdup_printf("first seen as '%s' (%s, %s, %s)",
				       row->name,
				       row->tenant,
				       row->category,
				       row->timezone);
	if (kind == PAE_OBSERVATION_RENAME && g_strcmp0(previous->name, row->name) != 0)
		return g_strdup_printf("renamed from '%s' to '%s'", previous->name, row->name);
	return pae_resync_describe_changes(previous, row);
}

/*
 * Bursts of one meaning collapse into one record: QEMU's start is
 * RESUMED/UNPAUSED + STARTED/BOOTED, a revert up to four FROM_SNAPSHOT
 * events, a rename an UNDEFINED + DEFINED pair.
 */
static void
pae_ingest_batch_add_entry(PaeIngestBatch *batch, PaeHistoryEntry *entry, const PaeVm *row)
{
	PaeHistoryEntry *last = g_hash_table_lookup(batch->last_entry, entry->vm_uuid);

	if (last != NULL && last->source == entry->source &&
	    g_strcmp0(last->kind, entry->kind) == 0 && entry->source != PAE_SOURCE_RESYNC) {
		g_autofree gchar *events = g_strdup_printf("%s+%s", last->event, entry->event);
		g_free(last->event);
		last->event = g_steal_pointer(&events);
		g_free(last->facts);
		last->facts = pae_vm_json_facts(row);
		if (entry->detail != NULL) {
			g_free(last->detail);
			last->detail = g_strdup(entry->detail);
		}
		pae_history_entry_free(entry);
		return;
	}
	g_ptr_array_add(batch->entries, entry);
	g_hash_table_insert(batch->last_entry, g_strdup(entry->vm_uuid), entry);
}

static void
pae_ingest_apply_trigger(PaeIngestBatch *batch, PaeIngestItem *item)
{
	PaeIngest *self = batch->self;
	PaeTrigger *trigger = item->trigger;
	const gchar *previous_event = NULL;
	const PaeVm *previous = pae_ingest_batch_get_vm(batch, trigger->uuid, &previous_event);
	g_autofree gchar *event = pae_trigger_to_string(trigger);
	const PaeVm *current = item->facts == PAE_FACTS_OK ? item->current : NULL;
	PaeVmState state_after;
	PaeObservationKind kind;
	PaeHistoryEntry *entry;
	PaeVm *row;
	PaeSource source = trigger->type == PAE_TRIGGER_HOOK ? PAE_SOURCE_HOOK : PAE_SOURCE_EVENT;

	/* when libvirt could not be asked, current is NULL: the event is judged by
	 * what was stored, and the resync after the reconnect corrects the rest */
	kind = pae_observation_classify(trigger, previous, previous_event, current, &state_after);
	/* a hook record read before the connection (no facts) of a VM never
	 * stored: new all the same, as classify says when it has facts */
	if (item->facts == PAE_FACTS_UNAVAILABLE && trigger->type == PAE_TRIGGER_HOOK &&
	    (previous == NULL || previous->retired != 0) && kind != PAE_OBSERVATION_IGNORED &&
	    kind != PAE_OBSERVATION_MIGRATION_IN && kind != PAE_OBSERVATION_DEPROVISION &&
	    kind != PAE_OBSERVATION_MIGRATION_OUT)
		kind = PAE_OBSERVATION_PROVISION;
	if (kind == PAE_OBSERVATION_IGNORED && previous == NULL)
		return;
	row = pae_ingest_build_row(self,
				   previous,
				   current,
				   trigger->uuid,
				   trigger->name,
				   state_after,
				   kind,
				   trigger->at);
	if (kind != PAE_OBSERVATION_IGNORED) {
		entry = pae_history_entry_new(
			trigger->uuid, trigger->at, source, pae_observation_kind_to_string(kind));
		entry->event = g_strdup(event);
		entry->detail = pae_ingest_describe(kind, previous, row);
		entry->facts = pae_vm_json_facts(row);
		pae_ingest_batch_add_entry(batch, entry, row);
		g_debug("%s %s: %s (%s)",
			trigger->uuid,
			row->name,
			pae_observation_kind_to_string(kind),
			event);
	}
	pae_ingest_batch_set_vm(batch, row, source == PAE_SOURCE_HOOK ? NULL : event);
}

static void
pae_ingest_apply_finding(PaeIngestBatch *batch, PaeResyncFinding *finding, PaeTime at)
{
	const PaeVm *previous = pae_ingest_batch_get_vm(batch, finding->vm->uuid, NULL);
	gboolean gone = finding->kind == PAE_OBSERVATION_VANISHED ||
			(finding->kind == PAE_OBSERVATION_MIGRATION_OUT);
	PaeVmState state_after = finding->vm->state;
	PaeHistoryEntry *entry;
	PaeVm *row;

	if (finding->kind == PAE_OBSERVATION_VANISHED)
		state_after = PAE_VM_STATE_UNDEFINED;
	else if (finding->kind == PAE_OBSERVATION_MIGRATION_OUT)
		state_after = PAE_VM_STATE_MIGRATED;
	row = pae_ingest_build_row(batch->self,
				   previous,
				   gone ? NULL : finding->vm,
				   finding->vm->uuid,
				   finding->vm->name,
				   state_after,
				   finding->kind,
				   at);
	entry = pae_history_entry_new(
		row->uuid, at, PAE_SOURCE_RESYNC, pae_observation_kind_to_string(finding->kind));
	entry->event = g_strdup("resync");
	entry->detail = g_strdup(finding->detail);
	entry->facts = pae_vm_json_facts(row);
	pae_ingest_batch_add_entry(batch, entry, row);
	pae_ingest_batch_set_vm(batch, row, NULL);
}

/* The first resync of a new store meets a fleet in service: what it found
 * is adopted, not activated (the engine reads the cursor). A store that has
 * observed anything but the hook before is not new. */
static void
pae_ingest_mark_first_resync(PaeIngestBatch *batch)
{
	PaeIngest *self = batch->self;
	g_autoptr(GError) error = NULL;
	gint64 position = 0;
	gboolean observed = FALSE;

	if (self->first_resync_seen)
		return;
	if (!pae_store_get_cursor(self->store, PAE_STORE_CURSOR_FIRST_RESYNC, &position, &error) ||
	    (position == 0 && !pae_store_has_history_besides(
				      self->store, NULL, 0, PAE_SOURCE_HOOK, &observed, &error))) {
		g_warning("first resync: %s", error->message);
		return;
	}
	self->first_resync_seen = TRUE;
	if (position == 0)
		batch->first_resync_end = observed ? 0 : (gint)batch->entries->len;
}

static void
pae_ingest_apply_resync(PaeIngestBatch *batch, PaeIngestItem *item)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) stored = NULL;
	g_autoptr(GPtrArray) findings = NULL;
	g_autoptr(GHashTable) found = g_hash_table_new(g_str_hash, g_str_equal);

	if (item->live == NULL)
		return;
	stored = pae_store_list_vms(batch->self->store, TRUE, &error);
	if (stored == NULL) {
		g_warning("resync: cannot read stored VMs: %s", error->message);
		return;
	}
	/* what this batch already changed counts as stored */
	for (guint i = 0; i < stored->len; i++) {
		PaeVm *vm = stored->pdata[i];
		PaeVm *newer = g_hash_table_lookup(batch->vms, vm->uuid);
		if (newer != NULL) {
			pae_vm_free(vm);
			stored->pdata[i] = pae_vm_copy(newer);
		}
	}
	findings = pae_resync_compare(stored, item->live);
	for (guint i = 0; i < findings->len; i++) {
		PaeResyncFinding *finding = findings->pdata[i];
		pae_ingest_apply_finding(batch, finding, item->at);
		g_hash_table_add(found, finding->vm->uuid);
	}
	/* every VM still there was seen now */
	for (guint i = 0; i < item->live->len; i++) {
		PaeVm *live = item->live->pdata[i];
		const PaeVm *previous;
		if (g_hash_table_contains(found, live->uuid))
			continue;
		previous = pae_ingest_batch_get_vm(batch, live->uuid, NULL);
		pae_ingest_batch_set_vm(
			batch,
			pae_ingest_build_row(batch->self,
					     previous,
					     live,
					     live->uuid,
					     live->name,
					     pae_resync_settled_state(previous, live),
					     PAE_OBSERVATION_IGNORED,
					     item->at),
			NULL);
	}
	g_info("resync: %u domains, %u changes found", item->live->len, findings->len);
	pae_ingest_mark_first_resync(batch);
}

/* libvirt is asked before the transaction, so the write lock is held briefly */
static void
pae_ingest_prepare_item(PaeIngest *self, PaeIngestItem *item)
{
	g_autoptr(GError) error = NULL;

	if (item->type == PAE_INGEST_ITEM_TRIGGER) {
		/* every trigger re-reads the facts: redefining a domain's XML changes
		 * its metadata with no METADATA_CHANGE event */
		item->facts = PAE_FACTS_UNAVAILABLE;
		if (item->conn != NULL)
			item->current = pae_libvirt_read_facts(
				item->conn, item->trigger->uuid, &self->defaults, &item->facts);
		if (item->current != NULL && item->trigger->name == NULL)
			item->trigger->name = g_strdup(item->current->name);
	} else if (item->type == PAE_INGEST_ITEM_RESYNC) {
		item->at = pae_clock_get_now(self->clock);
		item->live = pae_libvirt_list_facts(item->conn, &self->defaults, &error);
		if (item->live == NULL)
			g_warning("resync failed: %s", error->message);
	}
}

static gboolean
pae_ingest_write_batch(PaeIngestBatch *batch, GError **error)
{
	g_autoptr(PaeStoreTransaction) txn = NULL;
	GHashTableIter iter;
	gpointer uuid;
	gint64 first_resync_last = 0;

	txn = pae_store_transaction_begin(batch->self->store, error);
	if (txn == NULL)
		return FALSE;
	if (batch->first_resync_end >= 0) {
		first_resync_last = pae_store_get_history_last_id(batch->self->store, error);
		if (first_resync_last < 0)
			return FALSE;
	}
	g_hash_table_iter_init(&iter, batch->dirty);
	while (g_hash_table_iter_next(&iter, &uuid, NULL)) {
		PaeVm *vm = g_hash_table_lookup(batch->vms, uuid);
		if (!pae_store_put_vm(batch->self->store,
				      vm,
				      g_hash_table_lookup(batch->last_events, uuid),
				      error))
			return FALSE;
	}
	for (guint i = 0; i < batch->entries->len; i++) {
		gint64 id =
			pae_store_add_history(batch->self->store, batch->entries->pdata[i], error);
		if (id == 0)
			return FALSE;
		if ((gint)i < batch->first_resync_end)
			first_resync_last = id;
	}
	/* the records up to here are the new store's first resync */
	if (batch->first_resync_end >= 0 && !pae_store_set_cursor(batch->self->store,
								  PAE_STORE_CURSOR_FIRST_RESYNC,
								  first_resync_last + 1,
								  error))
		return FALSE;
	return pae_store_transaction_commit(txn, error);
}

typedef struct {
	PaeIngest *self;
	gint64 last_id;
} PaeIngestStored;

static gboolean
pae_ingest_emit_stored_cb(gpointer user_data)
{
	PaeIngestStored *stored = user_data;
	g_signal_emit(stored->self, signals[SIGNAL_STORED], 0, stored->last_id);
	return G_SOURCE_REMOVE;
}

static void
pae_ingest_stored_free(gpointer user_data)
{
	PaeIngestStored *stored = user_data;
	g_object_unref(stored->self);
	g_free(stored);
}

static void
pae_ingest_process(PaeIngest *self, GPtrArray *items)
{
	PaeIngestBatch batch;
	guint attempt = 0;

	for (guint i = 0; i < items->len; i++)
		pae_ingest_prepare_item(self, items->pdata[i]);
	pae_ingest_batch_init(&batch, self);
	for (guint i = 0; i < items->len; i++) {
		PaeIngestItem *item = items->pdata[i];
		if (item->type == PAE_INGEST_ITEM_TRIGGER)
			pae_ingest_apply_trigger(&batch, item);
		else if (item->type == PAE_INGEST_ITEM_RESYNC)
			pae_ingest_apply_resync(&batch, item);
	}
	if (g_hash_table_size(batch.dirty) > 0 || batch.entries->len > 0 ||
	    batch.first_resync_end >= 0) {
		/* observations are never dropped: a failing disk is retried until it works */
		for (;;) {
			g_autoptr(GError) error = NULL;
			if (pae_ingest_write_batch(&batch, &error))
				break;
			g_warning("cannot store %u observations (attempt %u): %s, retrying",
				  batch.entries->len,
				  ++attempt,
				  error->message);
			g_usleep(MIN(attempt, 10) * G_USEC_PER_SEC / 2);
		}
		if (batch.entries->len > 0) {
			PaeIngestStored *stored = g_new0(PaeIngestStored, 1);
			PaeHistoryEntry *last =
				g_ptr_array_index(batch.entries, batch.entries->len - 1);
			stored->self = g_object_ref(self);
			stored->last_id = last->id;
			g_main_context_invoke_full(self->context,
						   G_PRIORITY_DEFAULT,
						   pae_ingest_emit_stored_cb,
						   stored,
						   pae_ingest_stored_free);
		}
	}
	g_atomic_int_inc(&self->batches);
	pae_ingest_batch_clear(&batch);
}

/* one batch: the first item, then whatever arrives within batch_delay */
static GPtrArray *
pae_ingest_collect(PaeIngest *self, gboolean *stop, guint *flushes)
{
	GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)pae_ingest_item_free);
	gint64 deadline;
	PaeIngestItem *item = g_async_queue_pop(self->queue);

	deadline = g_get_monotonic_time() + self->batch_delay;
	for (;;) {
		gint64 remaining;
		if (item->type == PAE_INGEST_ITEM_STOP) {
			*stop = TRUE;
			pae_ingest_item_free(item);
		} else if (item->type == PAE_INGEST_ITEM_FLUSH) {
			(*flushes)++;
			pae_ingest_item_free(item);
		} else {
			g_ptr_array_add(items, item);
		}
		if (*stop || *flushes > 0 || items->len >= self->batch_max)
			break;
		remaining = deadline - g_get_monotonic_time();
		item = remaining > 0 ? g_async_queue_timeout_pop(self->queue, (guint64)remaining)
				     : g_async_queue_try_pop(self->queue);
		if (item == NULL)
			break;
	}
	return items;
}

static gpointer
pae_ingest_thread(gpointer user_data)
{
	PaeIngest *self = user_data;
	g_autoptr(GError) error = NULL;
	gboolean stop = FALSE;

	self->store = pae_store_open(self->database, PAE_STORE_OPEN_DEFAULT, &error);
	g_mutex_lock(&self->mutex);
	self->started = TRUE;
	if (self->store == NULL)
		self->start_error = g_strdup(error->message);
	g_cond_broadcast(&self->cond);
	g_mutex_unlock(&self->mutex);
	if (self->store == NULL)
		return NULL;

	while (!stop) {
		guint flushes = 0;
		g_autoptr(GPtrArray) items = pae_ingest_collect(self, &stop, &flushes);
		if (items->len > 0)
			pae_ingest_process(self, items);
		if (flushes > 0) {
			g_mutex_lock(&self->mutex);
			self->flushes_done += flushes;
			g_cond_broadcast(&self->cond);
			g_mutex_unlock(&self->mutex);
		}
	}
	g_clear_object(&self->store);
	return NULL;
}

static void
pae_ingest_finalize(GObject *object)
{
	PaeIngest *self = PAE_INGEST(object);

	pae_ingest_stop(self);
	g_async_queue_unref(self->queue);
	g_main_context_unref(self->context);
	g_object_unref(self->clock);
	g_free(self->database);
	g_free(self->default_tenant);
	g_free(self->default_category);
	g_free(self->default_timezone);
	g_free(self->start_error);
	g_mutex_clear(&self->mutex);
	g_cond_clear(&self->cond);
	G_OBJECT_CLASS(pae_ingest_parent_class)->finalize(object);
}

static void
pae_ingest_class_init(PaeIngestClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = pae_ingest_finalize;
	/**
	 * PaeIngest::stored:
	 * @last_id: the id of the last history entry now on disk
	 *
	 * Emitted on the main context after a batch of observations was committed.
	 */
	signals[SIGNAL_STORED] = g_signal_new("stored",
					      G_TYPE_FROM_CLASS(klass),
					      G_SIGNAL_RUN_LAST,
					      0,
					      NULL,
					      NULL,
					      NULL,
					      G_TYPE_NONE,
					      1,
					      G_TYPE_INT64);
}

static void
pae_ingest_init(PaeIngest *self)
{
	self->queue = g_async_queue_new_full((GDestroyNotify)pae_ingest_item_free);
	self->context = g_main_context_ref_thread_default();
	g_mutex_init(&self->mutex);
	g_cond_init(&self->cond);
}

PaeIngest *
pae_ingest_new(const gchar *database,
	       PaeClock *clock,
	       const PaeVmDefaults *defaults,
	       GTimeSpan batch_delay,
	       guint batch_max)
{
	PaeIngest *self = g_object_new(PAE_TYPE_INGEST, NULL);
	self->database = g_strdup(database);
	self->clock = g_object_ref(clock);
	self->default_tenant = g_strdup(defaults->tenant);
	self->default_category = g_strdup(defaults->category);
	self->default_timezone = g_strdup(defaults->timezone);
	self->defaults.tenant = self->default_tenant;
	self->defaults.category = self->default_category;
	self->defaults.timezone = self->default_timezone;
	self->batch_delay = batch_delay;
	self->batch_max = MAX(batch_max, 1);
	return self;
}

/**
 * pae_ingest_start:
 *
 * Starts the worker and waits until it has opened the database.
 */
gboolean
pae_ingest_start(PaeIngest *self, GError **error)
{
	g_return_val_if_fail(self->thread == NULL, FALSE);
	self->thread = g_thread_new("pae-ingest", pae_ingest_thread, self);
	g_mutex_lock(&self->mutex);
	while (!self->started)
		g_cond_wait(&self->cond, &self->mutex);
	g_mutex_unlock(&self->mutex);
	if (self->start_error != NULL) {
		g_thread_join(g_steal_pointer(&self->thread));
		g_set_error(error, PAE_ERROR, PAE_ERROR_STORE, "%s", self->start_error);
		return FALSE;
	}
	return TRUE;
}

/**
 * pae_ingest_push_trigger:
 * @conn: (nullable): the connection to read facts through
 * @trigger: (transfer full): what happened
 */
void
pae_ingest_push_trigger(PaeIngest *self, virConnect *conn, PaeTrigger *trigger)
{
	PaeIngestItem *item = pae_ingest_item_new(PAE_INGEST_ITEM_TRIGGER, conn);
	item->trigger = trigger;
	g_async_queue_push(self->queue, item);
}

void
pae_ingest_push_resync(PaeIngest *self, virConnect *conn)
{
	g_async_queue_push(self->queue, pae_ingest_item_new(PAE_INGEST_ITEM_RESYNC, conn));
}

/**
 * pae_ingest_flush:
 *
 * Blocks until everything queued before the call is on disk.
 */
void
pae_ingest_flush(PaeIngest *self)
{
	guint64 target;

	if (self->thread == NULL)
		return;
	g_mutex_lock(&self->mutex);
	target = ++self->flushes_requested;
	g_async_queue_push(self->queue, pae_ingest_item_new(PAE_INGEST_ITEM_FLUSH, NULL));
	while (self->flushes_done < target)
		g_cond_wait(&self->cond, &self->mutex);
	g_mutex_unlock(&self->mutex);
}

/**
 * pae_ingest_stop:
 *
 * Writes what is queued, closes the database and ends the worker.
 */
void
pae_ingest_stop(PaeIngest *self)
{
	if (self->thread == NULL)
		return;
	g_async_queue_push(self->queue, pae_ingest_item_new(PAE_INGEST_ITEM_STOP, NULL));
	g_thread_join(g_steal_pointer(&self->thread));
}

guint64
pae_ingest_get_batch_count(PaeIngest *self)
{
	return (guint64)g_atomic_int_get(&self->batches);
}

/*
 * pae-listener: the libvirt connection and its events
 *
 * libvirt's event loop runs on GLib's default main context (libvirt-glib's
 * gvir_event_register(), called once by the program before any connection),
 * so every callback here runs on the main loop. Each one only wraps what
 * happened in a PaeTrigger and hands it on; reading facts and storing them
 * is the ingest thread's job.
 *
 * Opening a connection may block, so it happens in a worker thread. A closed
 * connection (libvirtd restarted, keepalive timeout) is dropped and opened
 * again after a capped exponential backoff with jitter; after every
 * (re)connect the owner is told, so that it can resync what was missed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeListener"

#include "config.h"

#include "pae-listener.h"

#include <gio/gio.h>
#include <libvirt/virterror.h>

#include "pae-backoff.h"
#include "pae-cleanup.h"
#include "pae-error.h"
#include "pae-libvirt.h"

struct _PaeListener {
	GObject parent_instance;
	gchar *uri;
	gint keepalive_interval;
	gint keepalive_count;
	GTimeSpan reconnect_min;
	GTimeSpan reconnect_max;
	PaeClock *clock;
	PaeListenerCallbacks callbacks;
	gpointer user_data;

	virConnect *conn;
	GArray *callback_ids;
	GSource *reconnect_source;
	GCancellable *connecting;
	guint attempt;
	guint connect_count;
	gboolean running;
	gboolean close_pending;
	gboolean close_callback_registered;
};

G_DEFINE_TYPE(PaeListener, pae_listener, G_TYPE_OBJECT)

static void
pae_listener_schedule_connect(PaeListener *self);
static void
pae_listener_close_cb(virConnectPtr conn, int reason, void *opaque);

static void
pae_listener_emit(PaeListener *self, PaeTrigger *trigger)
{
	if (self->callbacks.trigger != NULL)
		self->callbacks.trigger(trigger, self->conn, self->user_data);
	else
		pae_trigger_free(trigger);
}

static PaeTrigger *
pae_listener_trigger_new(PaeListener *self, virDomainPtr dom, PaeTriggerType type)
{
	gchar uuid[VIR_UUID_STRING_BUFLEN] = "";

	if (virDomainGetUUIDString(dom, uuid) < 0)
		return NULL;
	return pae_trigger_new(type, uuid, virDomainGetName(dom), pae_clock_get_now(self->clock));
}

static int
pae_listener_lifecycle_cb(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
	PaeListener *self = PAE_LISTENER(opaque);
	PaeTrigger *trigger = pae_listener_trigger_new(self, dom, PAE_TRIGGER_LIFECYCLE);

	if (trigger == NULL)
		return 0;
	trigger->event = event;
	trigger->detail = detail;
	pae_listener_emit(self, trigger);
	return 0;
}

static void
pae_listener_metadata_cb(
	virConnectPtr conn, virDomainPtr dom, int type, const char *nsuri, void *opaque)
{
	PaeListener *self = PAE_LISTENER(opaque);
	PaeTrigger *trigger = pae_listener_trigger_new(self, dom, PAE_TRIGGER_METADATA);

	if (trigger != NULL)
		pae_listener_emit(self, trigger);
}

static void
pae_listener_pmwakeup_cb(virConnectPtr conn, virDomainPtr dom, int reason, void *opaque)
{
	PaeListener *self = PAE_LISTENER(opaque);
	PaeTrigger *trigger = pae_listener_trigger_new(self, dom, PAE_TRIGGER_PM_WAKEUP);

	if (trigger != NULL)
		pae_listener_emit(self, trigger);
}

static void
pae_listener_pmsuspend_cb(virConnectPtr conn, virDomainPtr dom, int reason, void *opaque)
{
	PaeListener *self = PAE_LISTENER(opaque);
	PaeTrigger *trigger = pae_listener_trigger_new(self, dom, PAE_TRIGGER_PM_SUSPEND);

	if (trigger != NULL)
		pae_listener_emit(self, trigger);
}

static void
pae_listener_register_events(PaeListener *self)
{
	const struct {
		gint id;
		virConnectDomainEventGenericCallback cb;
		const gchar *name;
	} events[] = {
		{VIR_DOMAIN_EVENT_ID_LIFECYCLE,
		 VIR_DOMAIN_EVENT_CALLBACK(pae_listener_lifecycle_cb),
		 "lifecycle"},
		{VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
		 VIR_DOMAIN_EVENT_CALLBACK(pae_listener_metadata_cb),
		 "metadata-change"},
		{VIR_DOMAIN_EVENT_ID_PMWAKEUP,
		 VIR_DOMAIN_EVENT_CALLBACK(pae_listener_pmwakeup_cb),
		 "pm-wakeup"},
		{VIR_DOMAIN_EVENT_ID_PMSUSPEND,
		 VIR_DOMAIN_EVENT_CALLBACK(pae_listener_pmsuspend_cb),
		 "pm-suspend"},
		{VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK,
		 VIR_DOMAIN_EVENT_CALLBACK(pae_listener_pmsuspend_cb),
		 "pm-suspend-disk"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(events); i++) {
		gint id = virConnectDomainEventRegisterAny(
			self->conn, NULL, events[i].id, events[i].cb, self, NULL);
		if (id < 0) {
			/* lifecycle events are essential; the others only help */
			if (events[i].id == VIR_DOMAIN_EVENT_ID_LIFECYCLE)
				g_warning("cannot register %s events: %s",
					  events[i].name,
					  virGetLastErrorMessage());
			else
				g_debug("no %s events on %s", events[i].name, self->uri);
			continue;
		}
		g_array_append_val(self->callback_ids, id);
	}
}

static void
pae_listener_deregister_events(PaeListener *self)
{
	for (guint i = 0; i < self->callback_ids->len; i++)
		virConnectDomainEventDeregisterAny(self->conn,
						   g_array_index(self->callback_ids, gint, i));
	g_array_set_size(self->callback_ids, 0);
}

static void
pae_listener_drop_connection(PaeListener *self)
{
	if (self->conn == NULL)
		return;
	pae_listener_deregister_events(self);
	if (self->close_callback_registered)
		virConnectUnregisterCloseCallback(self->conn, pae_listener_close_cb);
	self->close_callback_registered = FALSE;
	virConnectClose(self->conn);
	self->conn = NULL;
	/* errors of a dead connection are expected; do not leave them lying around */
	virResetLastError();
}

static gboolean
pae_listener_handle_close_cb(gpointer user_data)
{
	PaeListener *self = PAE_LISTENER(user_data);

	self->close_pending = FALSE;
	if (self->conn == NULL)
		return G_SOURCE_REMOVE;
	g_warning("lost the connection to %s, reconnecting", self->uri);
	pae_listener_drop_connection(self);
	if (self->callbacks.disconnected != NULL)
		self->callbacks.disconnected(self->user_data);
	if (self->running)
		pae_listener_schedule_connect(self);
	return G_SOURCE_REMOVE;
}

/* libvirt calls this from its event loop; no libvirt calls are made here */
static void
pae_listener_close_cb(virConnectPtr conn, int reason, void *opaque)
{
	PaeListener *self = PAE_LISTENER(opaque);

	g_debug("connection closed, reason %d", reason);
	if (self->close_pending)
		return;
	self->close_pending = TRUE;
	g_idle_add_full(
		G_PRIORITY_HIGH, pae_listener_handle_close_cb, g_object_ref(self), g_object_unref);
}

static void
pae_listener_open_thread(GTask *task,
			 gpointer source_object,
			 gpointer task_data,
			 GCancellable *cancellable)
{
	const gchar *uri = task_data;
	virConnect *conn = virConnectOpen(uri);

	if (conn == NULL) {
		g_task_return_new_error(task,
					PAE_ERROR,
					PAE_ERROR_NOT_REACHABLE,
					"cannot connect to %s: %s",
					uri,
					virGetLastErrorMessage());
		return;
	}
	g_task_return_pointer(task, conn, (GDestroyNotify)pae_virconnect_unref);
}

static void
pae_listener_adopt_connection(PaeListener *self, virConnect *conn)
{
	self->conn = conn;
	self->attempt = 0;
	self->connect_count++;
	if (self->keepalive_interval > 0 &&
	    virConnectSetKeepAlive(conn, self->keepalive_interval, self->keepalive_count) < 0) {
		/* the in-process test driver has no keepalive */
		g_debug("no keepalive on %s: %s", self->uri, virGetLastErrorMessage());
		virResetLastError();
	}
	if (virConnectRegisterCloseCallback(conn, pae_listener_close_cb, self, NULL) < 0) {
		g_debug("no close callback on %s: %s", self->uri, virGetLastErrorMessage());
		virResetLastError();
	} else {
		self->close_callback_registered = TRUE;
	}
	pae_listener_register_events(self);
	g_info("connected to %s", self->uri);
	if (self->callbacks.connected != NULL)
		self->callbacks.connected(conn, self->user_data);
}

static void
pae_listener_open_done_cb(GObject *source, GAsyncResult *res, gpointer user_data)
{
	PaeListener *self = PAE_LISTENER(source);
	g_autoptr(GError) error = NULL;
	virConnect *conn = g_task_propagate_pointer(G_TASK(res), &error);

	g_clear_object(&self->connecting);
	if (conn == NULL) {
		if (!self->running)
			return;
		g_warning("%s", error->message);
		pae_listener_schedule_connect(self);
		return;
	}
	if (!self->running) {
		virConnectClose(conn);
		return;
	}
	pae_listener_adopt_connection(self, conn);
}

static void
pae_listener_open(PaeListener *self)
{
	g_autoptr(GTask) task = NULL;

	self->connecting = g_cancellable_new();
	task = g_task_new(self, self->connecting, pae_listener_open_done_cb, NULL);
	g_task_set_task_data(task, g_strdup(self->uri), g_free);
	g_task_run_in_thread(task, pae_listener_open_thread);
}

static gboolean
pae_listener_reconnect_cb(gpointer user_data)
{
	PaeListener *self = PAE_LISTENER(user_data);
	g_clear_pointer(&self->reconnect_source, g_source_unref);
	if (self->running && self->conn == NULL && self->connecting == NULL)
		pae_listener_open(self);
	return G_SOURCE_REMOVE;
}

/* backoff is in real time: it is about a daemon coming back, not the policy's clock */
static void
pae_listener_schedule_connect(PaeListener *self)
{
	GTimeSpan delay = pae_backoff_delay(
		self->attempt++, self->reconnect_min, self->reconnect_max, g_random_double());

	if (self->reconnect_source != NULL)
		return;
	g_debug("reconnecting to %s in %.1fs", self->uri, (gdouble)delay / G_USEC_PER_SEC);
	self->reconnect_source = g_timeout_source_new((guint)(delay / 1000));
	g_source_set_name(self->reconnect_source, "[PaeListener] reconnect");
	g_source_set_callback(self->reconnect_source, pae_listener_reconnect_cb, self, NULL);
	g_source_attach(self->reconnect_source, NULL);
}

void
pae_listener_start(PaeListener *self)
{
	g_return_if_fail(PAE_IS_LISTENER(self));
	if (self->running)
		return;
	self->running = TRUE;
	pae_listener_open(self);
}

void
pae_listener_stop(PaeListener *self)
{
	g_return_if_fail(PAE_IS_LISTENER(self));
	self->running = FALSE;
	if (self->reconnect_source != NULL) {
		g_source_destroy(self->reconnect_source);
		g_clear_pointer(&self->reconnect_source, g_source_unref);
	}
	if (self->connecting != NULL)
		g_cancellable_cancel(self->connecting);
	pae_listener_drop_connection(self);
}

gboolean
pae_listener_is_connected(PaeListener *self)
{
	return self->conn != NULL;
}

virConnect *
pae_listener_get_connection(PaeListener *self)
{
	return self->conn;
}

guint
pae_listener_get_connect_count(PaeListener *self)
{
	return self->connect_count;
}

static void
pae_listener_dispose(GObject *object)
{
	PaeListener *self = PAE_LISTENER(object);
	pae_listener_stop(self);
	G_OBJECT_CLASS(pae_listener_parent_class)->dispose(object);
}

static void
pae_listener_finalize(GObject *object)
{
	PaeListener *self = PAE_LISTENER(object);
	g_free(self->uri);
	g_array_unref(self->callback_ids);
	g_clear_object(&self->clock);
	G_OBJECT_CLASS(pae_listener_parent_class)->finalize(object);
}

static void
pae_listener_class_init(PaeListenerClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	object_class->dispose = pae_listener_dispose;
	object_class->finalize = pae_listener_finalize;
}

static void
pae_listener_init(PaeListener *self)
{
	self->callback_ids = g_array_new(FALSE, FALSE, sizeof(gint));
}

PaeListener *
pae_listener_new(const PaeListenerOptions *options,
		 PaeClock *clock,
		 const PaeListenerCallbacks *callbacks,
		 gpointer user_data)
{
	PaeListener *self = g_object_new(PAE_TYPE_LISTENER, NULL);
	self->uri = g_strdup(options->uri);
	self->keepalive_interval = options->keepalive_interval;
	self->keepalive_count = options->keepalive_count;
	self->reconnect_min = options->reconnect_min;
	self->reconnect_max = options->reconnect_max;
	self->clock = g_object_ref(clock);
	self->callbacks = *callbacks;
	self->user_data = user_data;
	return self;
}

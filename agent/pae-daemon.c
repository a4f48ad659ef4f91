/*
 * pae-daemon: the agent's parts, wired together on one main loop
 *
 *   libvirt ──events──> PaeListener ──triggers──> PaeIngest (thread) ──> state.db
 *                          │ connected                 │ "stored"
 *                          └──────resync──────────────>┘──────────> the engine
 *   hook spool ──records──> PaeSpool ──triggers──────>┘
 *
 * The spool is drained once at setup, before the listener connects, so the
 * hooks' records of the time the agent was down are stored before the
 * resync that follows the connection; then whenever the hook writes.
 *
 * The loop itself only dispatches libvirt events, timers and signals.
 * SIGTERM and SIGINT stop the listener, let the ingest thread write what is
 * queued and close the database, then leave the loop; SIGHUP reloads the
 * configuration, keeping the old one if the new one is wrong; SIGUSR1
 * toggles debug output.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeDaemon"

#include "config.h"

#include "pae-daemon.h"

#include <glib-unix.h>
#include <signal.h>

#include "pae-clock.h"
#include "pae-engine.h"
#include "pae-error.h"
#include "pae-ingest.h"
#include "pae-listener.h"
#include "pae-log.h"
#include "pae-notify.h"
#include "pae-spool.h"

struct _PaeDaemon {
	GObject parent_instance;
	gchar *config_path;
	PaeConfig *config;
	PaeClock *clock;
	GMainLoop *loop;
	PaeListener *listener;
	PaeIngest *ingest;
	PaeEngine *engine;
	PaeSpool *spool;
	GSource *watchdog_source;
	guint resync_id;
	GTimeSpan resync_interval;
	GArray *signal_ids;
	gint exit_code;
	gboolean stopping;
};

G_DEFINE_TYPE(PaeDaemon, pae_daemon, G_TYPE_OBJECT)

static void
pae_daemon_notify(const gchar *state)
{
	g_autoptr(GError) error = NULL;
	if (!pae_notify_send(state, &error))
		g_warning("%s", error->message);
}

static void
pae_daemon_trigger_cb(PaeTrigger *trigger, virConnect *conn, gpointer user_data)
{
	PaeDaemon *self = PAE_DAEMON(user_data);
	pae_ingest_push_trigger(self->ingest, conn, trigger);
}

/* with no connection yet, the ingest judges the record by what it stored */
static gboolean
pae_daemon_spool_record_cb(PaeTrigger *trigger, gpointer user_data)
{
	PaeDaemon *self = PAE_DAEMON(user_data);

	if (self->stopping) {
		pae_trigger_free(trigger);
		return FALSE;
	}
	pae_ingest_push_trigger(self->ingest, pae_listener_get_connection(self->listener), trigger);
	return TRUE;
}

/* a spool file is deleted only once its record is on disk */
static void
pae_daemon_spool_commit_cb(gpointer user_data)
{
	PaeDaemon *self = PAE_DAEMON(user_data);
	pae_ingest_flush(self->ingest);
}

static void
pae_daemon_setup_spool(PaeDaemon *self)
{
	const PaeSpoolCallbacks callbacks = {
		.record = pae_daemon_spool_record_cb,
		.commit = pae_daemon_spool_commit_cb,
	};
	g_autoptr(GError) error = NULL;

	self->spool = pae_spool_new(self->config->spool_directory, self->clock, &callbacks, self);
	if (!pae_spool_start(self->spool, &error))
		g_warning("no hook records: %s", error->message);
}

static void
pae_daemon_connected_cb(virConnect *conn, gpointer user_data)
{
	PaeDaemon *self = PAE_DAEMON(user_data);
	/* events were lost while nobody listened: compare everything */
	pae_ingest_push_resync(self->ingest, conn);
}

/* libvirt does not promise every event: the QEMU driver drops the
 * RESUMED that ends an internal snapshot when the monitor's RESUME comes
 * after it set the domain running itself. A resync now and then catches
 * what was lost while connected too. */
static gboolean
pae_daemon_resync_cb(gpointer user_data)
{
	PaeDaemon *self = PAE_DAEMON(user_data);
	virConnect *conn = pae_listener_get_connection(self->listener);

	if (conn != NULL && !self->stopping)
		pae_ingest_push_resync(self->ingest, conn);
	return G_SOURCE_CONTINUE;
}

static void
pae_daemon_setup_resync(PaeDaemon *self)
{
	if (self->resync_id != 0 && self->resync_interval == self->config->resync_interval)
		return;
	if (self->resync_id != 0)
		g_source_remove(self->resync_id);
	self->resync_id = 0;
	self->resync_interval = self->config->resync_interval;
	if (self->resync_interval == 0)
		return;
	self->resync_id = g_timeout_add_seconds(
		(guint)(self->resync_interval / G_TIME_SPAN_SECOND), pae_daemon_resync_cb, self);
}

static void
pae_daemon_disconnected_cb(gpointer user_data)
{
	g_debug("libvirt disconnected; observations wait for the resync");
}

static void
pae_daemon_stored_cb(PaeIngest *ingest, gint64 last_id, gpointer user_data)
{
	PaeDaemon *self = PAE_DAEMON(user_data);
	g_debug("observations stored up to #%" G_GINT64_FORMAT, last_id);
	pae_engine_kick(self->engine);
}

static gboolean
pae_daemon_watchdog_cb(gpointer user_data)
{
	pae_daemon_notify("WATCHDOG=1");
	return G_SOURCE_CONTINUE;
}

static void
pae_daemon_setup_watchdog(PaeDaemon *self)
{
	guint64 usec = pae_notify_get_watchdog_usec();

	if (usec == 0)
		return;
	/* systemd recommends pinging at half the interval */
	self->watchdog_source = g_timeout_source_new((guint)MAX(usec / 2000, 1));
	g_source_set_name(self->watchdog_source, "[PaeDaemon] watchdog");
	g_source_set_callback(self->watchdog_source, pae_daemon_watchdog_cb, self, NULL);
	g_source_attach(self->watchdog_source, NULL);
}

static gboolean
pae_daemon_sigterm_cb(gpointer user_data)
{
	PaeDaemon *self = PAE_DAEMON(user_data);
	g_message("stopping on signal");
	pae_daemon_stop(self);
	return G_SOURCE_CONTINUE;
}

static gboolean
pae_daemon_sighup_cb(gpointer user_data)
{
	PaeDaemon *self = PAE_DAEMON(user_data);
	g_autoptr(GError) error = NULL;

	pae_daemon_notify("RELOADING=1");
	if (!pae_daemon_reload(self, &error))
		g_warning("keeping the previous configuration: %s", error->message);
	else
		g_message("configuration reloaded from %s", self->config_path);
	pae_daemon_notify("READY=1");
	return G_SOURCE_CONTINUE;
}

static gboolean
pae_daemon_sigusr1_cb(gpointer user_data)
{
	pae_log_toggle_debug();
	g_message("debug output %s", pae_log_get_debug_enabled(NULL) ? "on" : "off");
	return G_SOURCE_CONTINUE;
}

static void
pae_daemon_add_signal(PaeDaemon *self, gint signum, GSourceFunc func)
{
	guint id = g_unix_signal_add(signum, func, self);
	g_array_append_val(self->signal_ids, id);
}

static void
pae_daemon_setup_clock(PaeDaemon *self)
{
	/* the configuration made the clock, so that backends share it */
	self->clock = g_object_ref(self->config->clock);
	if (self->config->clock_file != NULL)
		g_message("using the simulated clock in %s (%.0fx)",
			  self->config->clock_file,
			  pae_clock_get_rate(self->clock));
}

static PaeListener *
pae_daemon_create_listener(PaeDaemon *self)
{
	const PaeListenerOptions options = {
		.uri = self->config->libvirt_uri,
		.keepalive_interval = self->config->keepalive_interval,
		.keepalive_count = self->config->keepalive_count,
		.reconnect_min = self->config->reconnect_min,
		.reconnect_max = self->config->reconnect_max,
	};
	const PaeListenerCallbacks callbacks = {
		.trigger = pae_daemon_trigger_cb,
		.connected = pae_daemon_connected_cb,
		.disconnected = pae_daemon_disconnected_cb,
	};
	return pae_listener_new(&options, self->clock, &callbacks, self);
}

/**
 * pae_daemon_setup:
 *
 * Opens (and migrates) the database, starts the ingest thread, creates the
 * libvirt listener and drains the hook spool. Nothing is connected until
 * pae_daemon_run().
 */
gboolean
pae_daemon_setup(PaeDaemon *self, GError **error)
{
	const PaeVmDefaults defaults = {
		.tenant = self->config->default_tenant,
		.category = self->config->default_category,
		.timezone = self->config->default_timezone,
	};

	pae_daemon_setup_clock(self);
	self->ingest = pae_ingest_new(self->config->database,
				      self->clock,
				      &defaults,
				      self->config->batch_delay,
				      self->config->batch_max);
	if (!pae_ingest_start(self->ingest, error)) {
		g_prefix_error(error, "cannot open the database: ");
		return FALSE;
	}
	g_signal_connect(self->ingest, "stored", G_CALLBACK(pae_daemon_stored_cb), self);
	self->engine = pae_engine_new(self->config);
	self->listener = pae_daemon_create_listener(self);
	pae_daemon_setup_spool(self);
	return TRUE;
}

/**
 * pae_daemon_run:
 *
 * Returns: the process exit code
 */
gint
pae_daemon_run(PaeDaemon *self)
{
	g_autoptr(GError) error = NULL;

	pae_daemon_add_signal(self, SIGTERM, pae_daemon_sigterm_cb);
	pae_daemon_add_signal(self, SIGINT, pae_daemon_sigterm_cb);
	pae_daemon_add_signal(self, SIGHUP, pae_daemon_sighup_cb);
	pae_daemon_add_signal(self, SIGUSR1, pae_daemon_sigusr1_cb);
	pae_listener_start(self->listener);
	if (!pae_engine_start(self->engine, &error)) {
		g_critical("cannot start the engine: %s", error->message);
		return 1;
	}
	pae_daemon_setup_watchdog(self);
	pae_daemon_setup_resync(self);
	pae_daemon_notify("READY=1");
	g_message("pae-agent %s watching %s, database %s",
		  PACKAGE_VERSION,
		  self->config->libvirt_uri,
		  self->config->database);
	g_main_loop_run(self->loop);
	pae_daemon_notify("STOPPING=1");
	return self->exit_code;
}

/**
 * pae_daemon_stop:
 *
 * Stops listening, writes every queued observation, closes the database and
 * leaves the main loop.
 */
void
pae_daemon_stop(PaeDaemon *self)
{
	if (self->stopping)
		return;
	self->stopping = TRUE;
	pae_daemon_notify("STOPPING=1");
	if (self->spool != NULL)
		pae_spool_stop(self->spool);
	if (self->listener != NULL)
		pae_listener_stop(self->listener);
	if (self->ingest != NULL)
		pae_ingest_stop(self->ingest);
	if (self->engine != NULL)
		pae_engine_stop(self->engine);
	g_main_loop_quit(self->loop);
}

/**
 * pae_daemon_reload:
 *
 * Reads the configuration again. Log settings apply at once; a changed
 * libvirt URI reconnects; a changed database or clock needs a restart.
 */
gboolean
pae_daemon_reload(PaeDaemon *self, GError **error)
{
	g_autoptr(PaeConfig) config =
		pae_config_load(self->config_path, PAE_CONFIG_LOAD_FULL, error);
	gboolean reconnect;

	if (config == NULL)
		return FALSE;
	if (g_strcmp0(config->database, self->config->database) != 0) {
		g_warning("database changed to %s: takes effect after a restart, ignoring",
			  config->database);
		g_free(config->database);
		config->database = g_strdup(self->config->database);
	}
	reconnect = g_strcmp0(config->libvirt_uri, self->config->libvirt_uri) != 0;
	pae_log_setup(config->log_target);
	pae_log_set_debug_domains(config->debug_domains);
	pae_config_unref(self->config);
	self->config = g_steal_pointer(&config);
	pae_engine_set_config(self->engine, self->config);
	pae_engine_kick(self->engine);
	pae_daemon_setup_resync(self);
	if (reconnect) {
		g_message("libvirt URI changed to %s, reconnecting", self->config->libvirt_uri);
		pae_listener_stop(self->listener);
		g_clear_object(&self->listener);
		self->listener = pae_daemon_create_listener(self);
		pae_listener_start(self->listener);
	}
	return TRUE;
}

static void
pae_daemon_finalize(GObject *object)
{
	PaeDaemon *self = PAE_DAEMON(object);

	for (guint i = 0; i < self->signal_ids->len; i++)
		g_source_remove(g_array_index(self->signal_ids, guint, i));
	g_array_unref(self->signal_ids);
	if (self->resync_id != 0)
		g_source_remove(self->resync_id);
	if (self->watchdog_source != NULL) {
		g_source_destroy(self->watchdog_source);
		g_source_unref(self->watchdog_source);
	}
	g_clear_object(&self->spool);
	g_clear_object(&self->listener);
	g_clear_object(&self->ingest);
	g_clear_object(&self->engine);
	g_clear_object(&self->clock);
	g_main_loop_unref(self->loop);
	pae_config_unref(self->config);
	g_free(self->config_path);
	G_OBJECT_CLASS(pae_daemon_parent_class)->finalize(object);
}

static void
pae_daemon_class_init(PaeDaemonClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = pae_daemon_finalize;
}

static void
pae_daemon_init(PaeDaemon *self)
{
	self->loop = g_main_loop_new(NULL, FALSE);
	self->signal_ids = g_array_new(FALSE, FALSE, sizeof(guint));
}

/**
 * pae_daemon_new:
 * @config: (transfer full): the loaded configuration
 */
PaeDaemon *
pae_daemon_new(const gchar *config_path, PaeConfig *config)
{
	PaeDaemon *self = g_object_new(PAE_TYPE_DAEMON, NULL);
	self->config_path = g_strdup(config_path);
	self->config = config;
	return self;
}

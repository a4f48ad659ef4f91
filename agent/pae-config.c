/*
 * pae-config: the agent's typed and validated configuration
 *
 * Defaults live here and in conf/pae.conf, which documents every key; the
 * test suite parses that sample so the two cannot drift apart.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeConfig"

#include "config.h"

#include "pae-config.h"

#include <string.h>

#include "pae-error.h"
#include "pae-vm.h"

static const gchar *const pae_config_agent_keys[] = {
	"libvirt_uri",	      "state_directory",    "database",
	"spool_directory",    "default_timezone",   "reconcile_interval",
	"resync_interval",    "reconnect_min",	    "reconnect_max",
	"keepalive_interval", "keepalive_count",    "batch_delay",
	"batch_max",	      "tick_interval",	    "log_target",
	"debug_domains",      "clock_file",	    "metrics_file",
	"default_tenant",     "default_category",   "agent_id",
	"patch_server",	      "check_interval",	    "unmanaged_grace",
	"action_lifetime",    "change_management",  "incidents",
	"baseline_timeout",   "revert_report_wait", NULL,
};

const gchar *const *
pae_config_get_agent_keys(void)
{
	return pae_config_agent_keys;
}

static void
pae_config_clear(gpointer data)
{
	PaeConfig *self = data;

	g_clear_object(&self->file);
	g_free(self->libvirt_uri);
	g_free(self->state_directory);
	g_free(self->database);
	g_free(self->spool_directory);
	g_free(self->default_timezone);
	g_free(self->default_tenant);
	g_free(self->default_category);
	g_free(self->debug_domains);
	g_free(self->clock_file);
	g_free(self->metrics_file);
	g_free(self->agent_id);
	g_free(self->patch_server_name);
	g_free(self->changes_name);
	g_free(self->incidents_name);
	g_clear_object(&self->clock);
	pae_patch_server_free(self->patch_server);
	pae_changes_free(self->changes);
	pae_incidents_free(self->incidents);
	pae_policy_free(self->policy);
}

PaeConfig *
pae_config_ref(PaeConfig *self)
{
	return g_atomic_rc_box_acquire(self);
}

/**
 * pae_config_unref:
 *
 * A configuration is shared by the threads that read it; a reload replaces
 * it, and the old one goes when its last reader lets go.
 */
void
pae_config_unref(PaeConfig *self)
{
	if (self == NULL)
		return;
	g_atomic_rc_box_release_full(self, pae_config_clear);
}

/* systemd's StateDirectory= hands the directory over in the environment */
static gchar *
pae_config_default_state_directory(void)
{
	const gchar *dirs = g_getenv("STATE_DIRECTORY");
	if (dirs != NULL && dirs[0] == '/') {
		const gchar *colon = strchr(dirs, ':');
		return colon != NULL ? g_strndup(dirs, (gsize)(colon - dirs)) : g_strdup(dirs);
	}
	return g_strdup(PAE_STATE_DIR);
}

static gchar *
pae_config_resolve_path(const gchar *base, gchar *path)
{
	gchar *resolved;
	if (path == NULL || g_path_is_absolute(path))
		return path;
	resolved = g_build_filename(base, path, NULL);
	g_free(path);
	return resolved;
}

static void
pae_config_load_paths(PaeConfig *self, PaeConfigFile *cf)
{
	g_autofree gchar *default_state = pae_config_default_state_directory();

	self->state_directory =
		pae_config_file_get_string(cf, "agent", "state_directory", default_state);
	if (!g_path_is_absolute(self->state_directory)) {
		pae_config_file_add_problem(cf,
					    "agent",
					    "state_directory",
					    "'%s' must be an absolute path",
					    self->state_directory);
	}
	self->database = pae_config_resolve_path(
		self->state_directory,
		pae_config_file_get_string(cf, "agent", "database", "state.db"));
	self->spool_directory = pae_config_resolve_path(
		self->state_directory,
		pae_config_file_get_string(cf, "agent", "spool_directory", "spool"));
	self->clock_file = pae_config_file_get_string(cf, "agent", "clock_file", NULL);
	if (self->clock_file != NULL && self->clock_file[0] == '\0')
		g_clear_pointer(&self->clock_file, g_free);
	self->clock_file = pae_config_resolve_path(self->state_directory, self->clock_file);
	self->metrics_file = pae_config_file_get_string(cf, "agent", "metrics_file", NULL);
	if (self->metrics_file != NULL && self->metrics_file[0] == '\0')
		g_clear_pointer(&self->metrics_file, g_free);
	self->metrics_file = pae_config_resolve_path(self->state_directory, self->metrics_file);
}

/* an agent id names this controller in action keys on the shared patch server */
static gboolean
pae_config_agent_id_is_valid(const gchar *id)
{
	if (id == NULL || id[0] == '\0' || strlen(id) > 64)
		return FALSE;
	for (const gchar *p = id; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.' && *p != '_')
			return FALSE;
	}
	return TRUE;
}

static void
pae_config_load_engine(PaeConfig *self, PaeConfigFile *cf)
{
	self->agent_id = pae_config_file_get_string(cf, "agent", "agent_id", "");
	if (self->agent_id[0] == '\0') {
		g_free(self->agent_id);
		self->agent_id = g_strdup(g_get_host_name());
	}
	if (!pae_config_agent_id_is_valid(self->agent_id))
		pae_config_file_add_problem(
			cf,
			"agent",
			"agent_id",
			"'%s' is not a valid agent id (letters, digits, '.', '_', "
			"'-'; at most 64)",
			self->agent_id);
	self->patch_server_name = pae_config_file_get_string(cf, "agent", "patch_server", "none");
	self->check_interval = pae_config_file_get_duration(cf,
							    "agent",
							    "check_interval",
							    5 * G_TIME_SPAN_MINUTE,
							    G_TIME_SPAN_SECOND,
							    G_TIME_SPAN_DAY);
	self->unmanaged_grace = pae_config_file_get_duration(
		cf, "agent", "unmanaged_grace", G_TIME_SPAN_HOUR, 0, 30 * G_TIME_SPAN_DAY);
	self->action_lifetime = pae_config_file_get_duration(cf,
							     "agent",
							     "action_lifetime",
							     G_TIME_SPAN_DAY,
							     10 * G_TIME_SPAN_MINUTE,
							     30 * G_TIME_SPAN_DAY);
	self->baseline_timeout = pae_config_file_get_duration(cf,
							      "agent",
							      "baseline_timeout",
							      4 * G_TIME_SPAN_HOUR,
							      G_TIME_SPAN_MINUTE,
							      30 * G_TIME_SPAN_DAY);
	self->revert_report_wait = pae_config_file_get_duration(cf,
								"agent",
								"revert_report_wait",
								G_TIME_SPAN_HOUR,
								G_TIME_SPAN_MINUTE,
								7 * G_TIME_SPAN_DAY);
	self->changes_name =
		pae_config_file_get_string(cf, "agent", "change_management", "builtin");
	self->incidents_name = pae_config_file_get_string(cf, "agent", "incidents", "journald");
}

static void
pae_config_load_clock(PaeConfig *self, PaeConfigFile *cf)
{
	g_autoptr(GError) error = NULL;

	if (self->clock_file == NULL) {
		self->clock = pae_clock_new_system();
		return;
	}
	self->clock = pae_clock_new_file(self->clock_file, &error);
	if (self->clock == NULL) {
		pae_config_file_add_problem(cf, "agent", "clock_file", "%s", error->message);
		self->clock = pae_clock_new_system();
	}
}

/* the backend validates its own group; its problems land in @cf */
static void
pae_config_load_patch_server(PaeConfig *self, PaeConfigFile *cf)
{
	g_autoptr(GError) error = NULL;
	guint problems = pae_config_file_get_problem_count(cf);

	if (g_strcmp0(self->patch_server_name, "none") == 0)
		return;
	self->patch_server = pae_patch_server_new(self->patch_server_name, cf, self->clock, &error);
	if (self->patch_server == NULL && pae_config_file_get_problem_count(cf) == problems)
		pae_config_file_add_problem(cf, "agent", "patch_server", "%s", error->message);
}

/* change management and incidents: "none" turns either off */
static void
pae_config_load_itsm(PaeConfig *self, PaeConfigFile *cf)
{
	g_autoptr(GError) error = NULL;
	guint problems = pae_config_file_get_problem_count(cf);

	if (g_strcmp0(self->changes_name, "none") != 0) {
		self->changes = pae_changes_new(
			self->changes_name, cf, self->clock, self->database, &error);
		if (self->changes == NULL && pae_config_file_get_problem_count(cf) == problems)
			pae_config_file_add_problem(
				cf, "agent", "change_management", "%s", error->message);
		g_clear_error(&error);
	}
	problems = pae_config_file_get_problem_count(cf);
	if (g_strcmp0(self->incidents_name, "none") != 0) {
		self->incidents = pae_incidents_new(self->incidents_name, cf, self->clock, &error);
		if (self->incidents == NULL && pae_config_file_get_problem_count(cf) == problems)
			pae_config_file_add_problem(cf, "agent", "incidents", "%s", error->message);
	}
}

static void
pae_config_load_agent(PaeConfig *self, PaeConfigFile *cf)
{
	static const gchar *const log_targets[] = {"auto", "journal", "stderr", NULL};

	pae_config_file_expect_group(cf, "agent", pae_config_agent_keys);
	self->libvirt_uri =
		pae_config_file_get_string(cf, "agent", "libvirt_uri", "qemu:///system");
	if (self->libvirt_uri[0] == '\0')
		pae_config_file_add_problem(cf, "agent", "libvirt_uri", "must not be empty");
	pae_config_load_paths(self, cf);
	self->default_timezone =
		pae_config_file_get_timezone(cf, "agent", "default_timezone", "UTC");
	self->default_tenant = pae_config_file_get_string(cf, "agent", "default_tenant", "default");
	if (!pae_vm_name_is_valid(self->default_tenant))
		pae_config_file_add_problem(
			cf,
			"agent",
			"default_tenant",
			"'%s' is not a valid tenant name (letters, digits, '.', "
			"'_', '-'; at most 64)",
			self->default_tenant);
	self->default_category =
		pae_config_file_get_string(cf, "agent", "default_category", "production");
	if (!pae_vm_name_is_valid(self->default_category))
		pae_config_file_add_problem(
			cf,
			"agent",
			"default_category",
			"'%s' is not a valid category name (letters, digits, '.', "
			"'_', '-'; at most 64)",
			self->default_category);
	self->reconcile_interval = pae_config_file_get_duration(cf,
								"agent",
								"reconcile_interval",
								15 * G_TIME_SPAN_MINUTE,
								10 * G_TIME_SPAN_SECOND,
								7 * G_TIME_SPAN_DAY);
	self->resync_interval = pae_config_file_get_duration(
		cf, "agent", "resync_interval", 10 * G_TIME_SPAN_MINUTE, 0, G_TIME_SPAN_DAY);
	if (self->resync_interval != 0 && self->resync_interval < 10 * G_TIME_SPAN_SECOND)
		pae_config_file_add_problem(cf,
					    "agent",
					    "resync_interval",
					    "must be 0 (only after a reconnect) or at least 10s");
	self->reconnect_min = pae_config_file_get_duration(cf,
							   "agent",
							   "reconnect_min",
							   1 * G_TIME_SPAN_SECOND,
							   1 * G_TIME_SPAN_SECOND / 10,
							   G_TIME_SPAN_HOUR);
	self->reconnect_max = pae_config_file_get_duration(cf,
							   "agent",
							   "reconnect_max",
							   5 * G_TIME_SPAN_MINUTE,
							   1 * G_TIME_SPAN_SECOND,
							   G_TIME_SPAN_DAY);
	if (self->reconnect_max < self->reconnect_min)
		pae_config_file_add_problem(
			cf, "agent", "reconnect_max", "must not be shorter than reconnect_min");
	self->keepalive_interval =
		(gint)pae_config_file_get_integer(cf, "agent", "keepalive_interval", 5, 0, 3600);
	self->keepalive_count =
		(gint)pae_config_file_get_integer(cf, "agent", "keepalive_count", 5, 1, 100);
	self->batch_delay = pae_config_file_get_duration(cf,
							 "agent",
							 "batch_delay",
							 G_TIME_SPAN_MILLISECOND * 50,
							 0,
							 10 * G_TIME_SPAN_SECOND);
	self->batch_max =
		(guint)pae_config_file_get_integer(cf, "agent", "batch_max", 500, 1, 100000);
	self->tick_interval = pae_config_file_get_duration(cf,
							   "agent",
							   "tick_interval",
							   G_TIME_SPAN_MINUTE,
							   G_TIME_SPAN_SECOND,
							   G_TIME_SPAN_HOUR);
	self->log_target = (PaeLogTarget)pae_config_file_get_choice(
		cf, "agent", "log_target", log_targets, PAE_LOG_TARGET_AUTO);
	self->debug_domains = pae_config_file_get_string(cf, "agent", "debug_domains", "");
	pae_config_load_engine(self, cf);
}

/**
 * pae_config_new_from_file:
 * @file: loaded key files
 *
 * Returns: (transfer full): the typed configuration, or %NULL with every
 * problem found, one per line, each naming file, line and key
 */
PaeConfig *
pae_config_new_from_file(PaeConfigFile *file, PaeConfigLoadFlags flags, GError **error)
{
	g_autoptr(PaeConfig) self = g_atomic_rc_box_new0(PaeConfig);

	self->file = g_object_ref(file);
	pae_config_load_agent(self, file);
	pae_config_load_clock(self, file);
	self->policy = pae_policy_load(file);
	if ((flags & PAE_CONFIG_LOAD_FULL) != 0) {
		pae_config_load_patch_server(self, file);
		pae_config_load_itsm(self, file);
		pae_config_file_check_unexpected(file);
	}
	if (!pae_config_file_check(file, error))
		return NULL;
	return g_steal_pointer(&self);
}

/**
 * pae_config_load:
 * @path: the main file; drop-ins are read from "@path.d/ *.conf"
 */
PaeConfig *
pae_config_load(const gchar *path, PaeConfigLoadFlags flags, GError **error)
{
	g_autoptr(PaeConfigFile) file = pae_config_file_new();

	if (!pae_config_file_load(file, path, error))
		return NULL;
	return pae_config_new_from_file(file, flags, error);
}

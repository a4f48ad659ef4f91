/*
 * pae-incidents-journald: incidents as journald entries with a MESSAGE_ID
 *
 * Each raise or resolve is one entry sent straight to journald's native
 * socket with g_log_writer_journald(), bypassing the process's own log
 * writer, so an incident reaches the journal even when the agent logs to
 * standard error. The entry carries its own PRIORITY (GLib has no level for
 * crit), a MESSAGE_ID per kind for `journalctl MESSAGE_ID=...` and the
 * catalog, and PAE_* fields naming the VM, patch, action and change.
 *
 * When journald cannot take the entry, the same record goes to standard
 * error as one line and the call fails with a transient error: the engine
 * keeps the incident and delivers it again later.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pae-backend.h"
#include "pae-error.h"
#include "pae-incidents.h"

#define PAE_INCIDENTS_JOURNALD_GROUP	  "incidents"
#define PAE_INCIDENTS_JOURNALD_SOCKET	  "/run/systemd/journal/socket"
#define PAE_INCIDENTS_JOURNALD_NOTICE	  5
#define PAE_INCIDENTS_JOURNALD_FIELDS_MAX 16
#define PAE_INCIDENTS_JOURNALD_IDENT_MAX  64

typedef struct {
	gint priority;	   /* 0 (emerg) to 3 (err) */
	gchar *identifier; /* SYSLOG_IDENTIFIER */
	gchar *socket_path;
} PaeIncidentsJournald;

typedef struct {
	GLogField fields[PAE_INCIDENTS_JOURNALD_FIELDS_MAX];
	gsize n_fields;
	gint priority;
} PaeIncidentsJournaldEntry;

static const gchar *const pae_incidents_journald_keys[] = {
	"priority",
	"identifier",
	NULL,
};

/* syslog's names for the priorities an incident may have */
static const gchar *const pae_incidents_journald_priorities[] = {
	"emerg",
	"alert",
	"crit",
	"err",
	NULL,
};

static void
pae_incidents_journald_free(gpointer backend)
{
	PaeIncidentsJournald *self = backend;

	if (self == NULL)
		return;
	g_free(self->identifier);
	g_free(self->socket_path);
	g_free(self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeIncidentsJournald, pae_incidents_journald_free)

static gint
pae_incidents_journald_parse_priority(const gchar *text)
{
	for (gint i = 0; pae_incidents_journald_priorities[i] != NULL; i++) {
		if (g_ascii_strcasecmp(text, pae_incidents_journald_priorities[i]) == 0)
			return i;
	}
	if (text[0] >= '0' && text[0] <= '3' && text[1] == '\0')
		return text[0] - '0';
	return -1;
}

static void
pae_incidents_journald_load_priority(PaeIncidentsJournald *self, PaeConfigFile *config)
{
	g_autofree gchar *text = pae_config_file_get_string(
		config, PAE_INCIDENTS_JOURNALD_GROUP, "priority", "crit");

	self->priority = pae_incidents_journald_parse_priority(text);
	if (self->priority < 0) {
		pae_config_file_add_problem(
			config,
			PAE_INCIDENTS_JOURNALD_GROUP,
			"priority",
			"'%s' is not one of: emerg, alert, crit, err (or 0 to 3)",
			text);
		self->priority = 2;
	}
}

static gboolean
pae_incidents_journald_identifier_is_valid(const gchar *text)
{
	gsize len = strlen(text);

	if (len == 0 || len > PAE_INCIDENTS_JOURNALD_IDENT_MAX)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		/* syslog and `journalctl -t` take it as one printable word */
		if (!g_ascii_isgraph(text[i]) || text[i] == ':' || text[i] == '[')
			return FALSE;
	}
	return TRUE;
}

static void
pae_incidents_journald_load_identifier(PaeIncidentsJournald *self, PaeConfigFile *config)
{
	g_autofree gchar *text = pae_config_file_get_string(
		config, PAE_INCIDENTS_JOURNALD_GROUP, "identifier", "pae-agent");

	if (!pae_incidents_journald_identifier_is_valid(text)) {
		pae_config_file_add_problem(config,
					    PAE_INCIDENTS_JOURNALD_GROUP,
					    "identifier",
					    "'%s' is not a syslog identifier (1 to %d printable "
					    "ASCII characters, no space, ':' or '[')",
					    text,
					    PAE_INCIDENTS_JOURNALD_IDENT_MAX);
		return;
	}
	self->identifier = g_steal_pointer(&text);
}

static gpointer
pae_incidents_journald_new(PaeConfigFile *config, PaeClock *clock, GError **error)
{
	g_autoptr(PaeIncidentsJournald) self = g_new0(PaeIncidentsJournald, 1);
	guint problems = pae_config_file_get_problem_count(config);
	const gchar *socket_path = g_getenv("PAE_JOURNAL_SOCKET");

	pae_config_file_expect_group(
		config, PAE_INCIDENTS_JOURNALD_GROUP, pae_incidents_journald_keys);
	pae_incidents_journald_load_priority(self, config);
	pae_incidents_journald_load_identifier(self, config);
	if (pae_config_file_get_problem_count(config) > problems) {
		pae_config_file_check(config, error);
		return NULL;
	}

	/* for tests only: GLib's writer always sends to the standard socket, so a
	 * different path can only make journald look absent */
	if (socket_path == NULL || socket_path[0] == '\0')
		socket_path = PAE_INCIDENTS_JOURNALD_SOCKET;
	self->socket_path = g_strdup(socket_path);
	return g_steal_pointer(&self);
}

static void
pae_incidents_journald_entry_add(PaeIncidentsJournaldEntry *entry,
				 const gchar *key,
				 const gchar *value)
{
	/* absent fields are left out rather than sent empty */
	if (value == NULL || value[0] == '\0')
		return;
	g_return_if_fail(entry->n_fields < PAE_INCIDENTS_JOURNALD_FIELDS_MAX);
	entry->fields[entry->n_fields].key = key;
	entry->fields[entry->n_fields].value = value;
	entry->fields[entry->n_fields].length = -1;
	entry->n_fields++;
}

/* PRIORITY first and MESSAGE last, so that the standard error line reads well;
 * every string must outlive @entry */
static void
pae_incidents_journald_entry_init(PaeIncidentsJournaldEntry *entry,
				  PaeIncidentsJournald *self,
				  const PaeIncident *incident,
				  const gchar *priority,
				  const gchar *message_id,
				  const gchar *raised)
{
	entry->n_fields = 0;
	pae_incidents_journald_entry_add(entry, "PRIORITY", priority);
	pae_incidents_journald_entry_add(entry, "MESSAGE_ID", message_id);
	pae_incidents_journald_entry_add(entry, "SYSLOG_IDENTIFIER", self->identifier);
	pae_incidents_journald_entry_add(entry, "PAE_INCIDENT", incident->incident_id);
	pae_incidents_journald_entry_add(
		entry, "PAE_INCIDENT_KIND", pae_incident_kind_to_string(incident->kind));
	pae_incidents_journald_entry_add(entry, "PAE_VM_UUID", incident->vm_uuid);
	pae_incidents_journald_entry_add(entry, "PAE_VM_NAME", incident->vm_name);
	pae_incidents_journald_entry_add(entry, "PAE_PATCH", incident->patch);
	pae_incidents_journald_entry_add(entry, "PAE_ACTION", incident->action_id);
	pae_incidents_journald_entry_add(entry, "PAE_CHANGE", incident->change_id);
	pae_incidents_journald_entry_add(entry, "PAE_TENANT", incident->tenant);
	pae_incidents_journald_entry_add(entry, "PAE_RAISED", raised);
}

/* a value as it is when it is one plain word, else quoted with C escapes */
static void
pae_incidents_journald_append_value(GString *line, const gchar *value)
{
	gboolean plain = value[0] != '\0';

	for (const gchar *p = value; *p != '\0' && plain; p++) {
		guchar c = (guchar)*p;
		plain = c > ' ' && c != 0x7f && c != '"' && c != '\\';
	}
	if (plain) {
		g_string_append(line, value);
		return;
	}
	g_string_append_c(line, '"');
	for (const gchar *p = value; *p != '\0'; p++) {
		guchar c = (guchar)*p;
		if (c == '"' || c == '\\')
			g_string_append_printf(line, "\\%c", c);
		else if (c == '\n')
			g_string_append(line, "\\n");
		else if (c == '\t')
			g_string_append(line, "\\t");
		else if (c < ' ' || c == 0x7f)
			g_string_append_printf(line, "\\x%02x", c);
		else
			g_string_append_c(line, (gchar)c);
	}
	g_string_append_c(line, '"');
}

/* "<2>PRIORITY=2 MESSAGE_ID=... MESSAGE=\"...\"\n": the "<N>" prefix lets a
 * journal reading our standard error keep the priority */
static gchar *
pae_incidents_journald_entry_to_line(const PaeIncidentsJournaldEntry *entry)
{
	GString *line = g_string_new(NULL);

	g_string_append_printf(line, "<%d>", entry->priority);
	for (gsize i = 0; i < entry->n_fields; i++) {
		if (i > 0)
			g_string_append_c(line, ' ');
		g_string_append_printf(line, "%s=", entry->fields[i].key);
		pae_incidents_journald_append_value(line, entry->fields[i].value);
	}
	g_string_append_c(line, '\n');
	return g_string_free(line, FALSE);
}

/* one write(2), so that concurrent writers cannot split the line */
static void
pae_incidents_journald_write_stderr(const PaeIncidentsJournaldEntry *entry)
{
	g_autofree gchar *line = pae_incidents_journald_entry_to_line(entry);
	gsize len = strlen(line);
	gsize done = 0;

	fflush(stderr);
	while (done < len) {
		gssize n = write(STDERR_FILENO, line + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		done += (gsize)n;
	}
}

static gboolean
pae_incidents_journald_send(PaeIncidentsJournald *self,
			    PaeIncidentsJournaldEntry *entry,
			    GError **error)
{
	GLogLevelFlags level = entry->priority <= 3 ? G_LOG_LEVEL_CRITICAL : G_LOG_LEVEL_MESSAGE;
	GStatBuf st;

	/* a missing socket is journald not running; say so rather than "refused" */
	if (g_lstat(self->socket_path, &st) != 0 || !S_ISSOCK(st.st_mode)) {
		pae_incidents_journald_write_stderr(entry);
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_NOT_REACHABLE,
			    "journald is not running (no socket %s)",
			    self->socket_path);
		return FALSE;
	}
	if (g_log_writer_journald(level, entry->fields, entry->n_fields, NULL) !=
	    G_LOG_WRITER_HANDLED) {
		pae_incidents_journald_write_stderr(entry);
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_NOT_REACHABLE,
			    "journald did not take the entry (socket %s)",
			    self->socket_path);
		return FALSE;
	}
	return TRUE;
}

static gboolean
pae_incidents_journald_check_incident(const PaeIncident *incident, GError **error)
{
	if (incident->incident_id == NULL || incident->incident_id[0] == '\0') {
		g_set_error_literal(error, PAE_ERROR, PAE_ERROR_INTERNAL, "incident has no id");
		return FALSE;
	}
	if (pae_incident_kind_get_message_id(incident->kind) == NULL) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INTERNAL,
			    "incident %s has no valid kind (%d)",
			    incident->incident_id,
			    (gint)incident->kind);
		return FALSE;
	}
	return TRUE;
}

static gchar *
pae_incidents_journald_format_raised(const PaeIncident *incident)
{
	if (incident->raised <= 0)
		return NULL;
	return pae_time_to_iso8601(incident->raised);
}

static gboolean
pae_incidents_journald_raise(gpointer backend, const PaeIncident *incident, GError **error)
{
	PaeIncidentsJournald *self = backend;
	PaeIncidentsJournaldEntry entry = {.priority = self->priority};
	g_autofree gchar *priority = g_strdup_printf("%d", self->priority);
	g_autofree gchar *raised = NULL;
	const gchar *message;

	g_return_val_if_fail(incident != NULL, FALSE);

	if (!pae_incidents_journald_check_incident(incident, error)) {
		g_prefix_error(error, "journald: raise: ");
		return FALSE;
	}
	raised = pae_incidents_journald_format_raised(incident);
	message = incident->message != NULL && incident->message[0] != '\0'
			  ? incident->message
			  : pae_incident_kind_to_string(incident->kind);
	pae_incidents_journald_entry_init(&entry,
					  self,
					  incident,
					  priority,
					  pae_incident_kind_get_message_id(incident->kind),
					  raised);
	pae_incidents_journald_entry_add(&entry, "MESSAGE", message);
	if (!pae_incidents_journald_send(self, &entry, error)) {
		g_prefix_error(error, "journald: raise incident %s: ", incident->incident_id);
		return FALSE;
	}
	g_debug("incident %s raised", incident->incident_id);
	return TRUE;
}

static gboolean
pae_incidents_journald_resolve(gpointer backend,
			       const PaeIncident *incident,
			       const gchar *resolution,
			       GError **error)
{
	PaeIncidentsJournald *self = backend;
	PaeIncidentsJournaldEntry entry = {.priority = PAE_INCIDENTS_JOURNALD_NOTICE};
	g_autofree gchar *priority = g_strdup_printf("%d", PAE_INCIDENTS_JOURNALD_NOTICE);
	g_autofree gchar *raised = NULL;
	g_autofree gchar *message = NULL;

	g_return_val_if_fail(incident != NULL, FALSE);

	if (!pae_incidents_journald_check_incident(incident, error)) {
		g_prefix_error(error, "journald: resolve: ");
		return FALSE;
	}
	raised = pae_incidents_journald_format_raised(incident);
	message = resolution != NULL && resolution[0] != '\0'
			  ? g_strdup_printf("resolved: %s", resolution)
			  : g_strdup("resolved");
	pae_incidents_journald_entry_init(
		&entry, self, incident, priority, PAE_INCIDENT_RESOLVED_MESSAGE_ID, raised);
	pae_incidents_journald_entry_add(&entry, "MESSAGE", message);
	if (!pae_incidents_journald_send(self, &entry, error)) {
		g_prefix_error(error, "journald: resolve incident %s: ", incident->incident_id);
		return FALSE;
	}
	g_debug("incident %s resolved", incident->incident_id);
	return TRUE;
}

static const PaeIncidentsClass pae_incidents_journald_vtable = {
	.name = "journald",
	.new = pae_incidents_journald_new,
	.free = pae_incidents_journald_free,
	.raise = pae_incidents_journald_raise,
	.resolve = pae_incidents_journald_resolve,
};

const PaeBackendInfo pae_backend_incidents_journald = {
	PAE_BACKEND_KIND_INCIDENTS,
	"journald",
	&pae_incidents_journald_vtable,
};

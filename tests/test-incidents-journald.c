/*
 * The journald incidents backend against a real systemd-journald: every kind
 * raised with every field and read back with journalctl, a resolve, the
 * [incidents] keys, journald absent or stopped (standard error and a
 * transient error), and the catalog.
 *
 * journald listens on the global /run/systemd/journal/socket. When nothing
 * answers there, the group starts /lib/systemd/systemd-journald itself and
 * at the end stops it by its PID and removes the sockets it leaves; a journald
 * that already answers (the host's, another test's) is used and left alone.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pae-error.h"
#include "pae-incidents.h"
#include "pae-test-emulator.h"
#include "pae-test-util.h"

#define JOURNAL_DIR    "/run/systemd/journal"
#define JOURNAL_SOCKET JOURNAL_DIR "/socket"
#define JOURNALD       "/lib/systemd/systemd-journald"
#define RAISED_ISO     "2026-03-01T00:00:00Z"
#define RAISED	       ((PaeTime)1772323200 * G_USEC_PER_SEC)

#define assert_no_error(error)                                                                     \
	do {                                                                                       \
		if ((error) != NULL)                                                               \
			fail_msg("unexpected error: %s", (error)->message);                        \
	} while (0)

/* what journald leaves behind in JOURNAL_DIR when it is stopped */
static const gchar *const journald_leftovers[] = {
	JOURNAL_DIR "/socket",
	JOURNAL_DIR "/stdout",
	JOURNAL_DIR "/dev-log",
	JOURNAL_DIR "/io.systemd.journal",
	JOURNAL_DIR "/syslog",
	JOURNAL_DIR "/kernel-seqnum",
	NULL,
};

static GPid journald_pid = 0;		/* ours to stop, or 0 */
static gboolean journald_owned = FALSE; /* we started one */
static gboolean journal_dir_created = FALSE;
static GPtrArray *journal_dir_before = NULL; /* entries that were there before us */
static gchar *run_id = NULL;		     /* makes incident ids unique per run */

/* ---- journald: find or start, stop, clean up ---- */

static gboolean
journal_socket_answers(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	gboolean ok;

	if (fd < 0)
		return FALSE;
	/* a socket file nobody listens on refuses the connection */
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

/* async-signal-safe: for a test killed by a timeout */
static void
journald_signal_cb(int signum)
{
	const struct timespec tick = {0, 20 * 1000 * 1000};

	if (journald_owned && journald_pid > 0) {
		gboolean reaped = FALSE;
		kill(journald_pid, SIGTERM);
		for (guint i = 0; i < 100 && !reaped; i++) {
			reaped = waitpid(journald_pid, NULL, WNOHANG) == journald_pid;
			if (!reaped)
				nanosleep(&tick, NULL);
		}
		if (!reaped) {
			kill(journald_pid, SIGKILL);
			waitpid(journald_pid, NULL, 0);
		}
	}
	if (journald_owned) {
		for (guint i = 0; journald_leftovers[i] != NULL; i++)
			unlink(journald_leftovers[i]);
		if (journal_dir_created)
			rmdir(JOURNAL_DIR);
	}
	_exit(128 + signum);
}

static void
journald_child_setup_cb(gpointer user_data)
{
	/* if this test dies in a way no handler sees, journald goes too */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static GPtrArray *
journal_dir_list(void)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GDir) dir = g_dir_open(JOURNAL_DIR, 0, NULL);
	const gchar *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL)
		g_ptr_array_add(names, g_build_filename(JOURNAL_DIR, name, NULL));
	return names;
}

static gboolean
journald_start(void)
{
	const gchar *argv[] = {JOURNALD, NULL};
	g_autoptr(GError) error = NULL;

	if (!g_file_test(JOURNAL_DIR, G_FILE_TEST_IS_DIR)) {
		if (g_mkdir_with_parents(JOURNAL_DIR, 0755) != 0) {
			g_printerr("cannot make %s: %s\n", JOURNAL_DIR, g_strerror(errno));
			return FALSE;
		}
		journal_dir_created = TRUE;
	}
	/* a restart keeps what the first start saw */
	if (journal_dir_before == NULL)
		journal_dir_before = journal_dir_list();
	signal(SIGTERM, journald_signal_cb);
	signal(SIGINT, journald_signal_cb);
	if (!g_spawn_async(NULL,
			   (gchar **)argv,
			   NULL,
			   G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
			   journald_child_setup_cb,
			   NULL,
			   &journald_pid,
			   &error)) {
		g_printerr("cannot start %s: %s\n", JOURNALD, error->message);
		return FALSE;
	}
	journald_owned = TRUE;
	for (guint i = 0; i < 500; i++) {
		if (journal_socket_answers())
			return TRUE;
		if (waitpid(journald_pid, NULL, WNOHANG) == journald_pid) {
			journald_pid = 0;
			g_printerr("%s exited at start\n", JOURNALD);
			return FALSE;
		}
		g_usleep(20 * G_TIME_SPAN_MILLISECOND);
	}
	g_printerr("%s did not open %s within 10 s\n", JOURNALD, JOURNAL_SOCKET);
	return FALSE;
}

/* by PID: SIGTERM, then SIGKILL after 5 s; its sockets stay behind */
static void
journald_stop(void)
{
	if (journald_pid <= 0)
		return;
	kill(journald_pid, SIGTERM);
	for (guint i = 0; i < 250; i++) {
		if (waitpid(journald_pid, NULL, WNOHANG) == journald_pid) {
			journald_pid = 0;
			return;
		}
		g_usleep(20 * G_TIME_SPAN_MILLISECOND);
	}
	kill(journald_pid, SIGKILL);
	waitpid(journald_pid, NULL, 0);
	journald_pid = 0;
}

static gboolean
journal_dir_had(const gchar *path)
{
	for (guint i = 0; journal_dir_before != NULL && i < journal_dir_before->len; i++) {
		if (g_strcmp0(journal_dir_before->pdata[i], path) == 0)
			return TRUE;
	}
	return FALSE;
}

/* what journald made, and its sockets even if a dead one left them before us */
static void
journald_clean_up(void)
{
	g_autoptr(GPtrArray) now = journal_dir_list();

	for (guint i = 0; journald_leftovers[i] != NULL; i++)
		g_unlink(journald_leftovers[i]);
	for (guint i = 0; i < now->len; i++) {
		const gchar *path = now->pdata[i];
		if (!journal_dir_had(path))
			pae_test_remove_tree(path);
	}
	if (journal_dir_created)
		g_rmdir(JOURNAL_DIR);
	g_clear_pointer(&journal_dir_before, g_ptr_array_unref);
}

static int
group_setup(void **state)
{
	run_id = g_uuid_string_random();
	pae_test_expect_warnings();
	g_unsetenv("PAE_JOURNAL_SOCKET");
	if (journal_socket_answers())
		return 0;
	if (!journald_start()) {
		journald_stop();
		if (journald_owned)
			journald_clean_up();
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	if (journald_owned) {
		journald_stop();
		journald_clean_up();
	}
	g_clear_pointer(&run_id, g_free);
	return 0;
}

/* ---- the backend and incidents ---- */

static PaeIncidents *
incidents_new(const gchar *config_text, GError **error)
{
	g_autoptr(PaeConfigFile) config = pae_config_file_new();
	g_autoptr(PaeClock) clock = pae_clock_new_manual(RAISED);

	if (!pae_config_file_load_data(config, "test.conf", config_text, error))
		return NULL;
	return pae_incidents_new("journald", config, clock, error);
}

static PaeIncidents *
incidents_new_default(void)
{
	g_autoptr(GError) error = NULL;
	PaeIncidents *incidents = incidents_new("", &error);

	assert_no_error(error);
	assert_non_null(incidents);
	return incidents;
}

/* @what makes the id unique within the run */
static PaeIncident *
incident_new_full(PaeIncidentKind kind, const gchar *what)
{
	PaeIncident *incident = pae_incident_new(kind);

	incident->incident_id = g_strdup_printf("%s-%s", run_id, what);
	incident->message =
		g_strdup_printf("VM wéb-01: patch \"RHEL-8 1234\" failed (%s = %d)", what, kind);
	incident->vm_uuid = g_strdup("6695eb01-f6a4-8304-79aa-97f2502e193f");
	incident->vm_name = g_strdup("wéb-01");
	incident->patch = g_strdup("Patches for RHEL 8/1234");
	incident->action_id = g_strdup("4711");
	incident->change_id = g_strdup("CHG0012345");
	incident->tenant = g_strdup("acme");
	incident->raised = RAISED;
	return incident;
}

/* ---- reading the journal back ---- */

static GHashTable *
journal_entry_parse(const gchar *json)
{
	/* one python call turns the entry into KEY=VALUE records split by 0x1e */
	const gchar *expression =
		"'\\x1e'.join(k + '=' + (v if isinstance(v, str) else json.dumps(v)) "
		"for k, v in d.items())";
	g_autofree gchar *text = pae_test_json_eval(json, expression);
	g_auto(GStrv) records = g_strsplit(text, "\x1e", -1);
	GHashTable *entry = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	for (guint i = 0; records[i] != NULL; i++) {
		gchar *eq = strchr(records[i], '=');
		if (eq == NULL)
			continue;
		g_hash_table_insert(
			entry, g_strndup(records[i], eq - records[i]), g_strdup(eq + 1));
	}
	return entry;
}

static gchar *
journal_query(const gchar *message_id, const gchar *incident_id)
{
	g_autofree gchar *match_id = g_strdup_printf("MESSAGE_ID=%s", message_id);
	g_autofree gchar *match_incident = g_strdup_printf("PAE_INCIDENT=%s", incident_id);
	const gchar *argv[] = {
		"journalctl", "--no-pager", "-o", "json", match_id, match_incident, NULL};
	g_autoptr(GError) error = NULL;
	g_autofree gchar *err = NULL;
	gchar *out = NULL;
	gint status = 0;

	if (!g_spawn_sync(NULL,
			  (gchar **)argv,
			  NULL,
			  G_SPAWN_SEARCH_PATH,
			  NULL,
			  NULL,
			  &out,
			  &err,
			  &status,
			  &error))
		fail_msg("cannot run journalctl: %s", error->message);
	if (!g_spawn_check_wait_status(status, NULL))
		fail_msg("journalctl failed: %s", err);
	return out;
}

/* journald stores asynchronously: poll for up to 5 s; exactly one entry */
static GHashTable *
journal_read(const gchar *message_id, const gchar *incident_id)
{
	for (guint i = 0; i < 100; i++) {
		g_autofree gchar *out = journal_query(message_id, incident_id);
		g_auto(GStrv) lines = NULL;

		if (out[0] == '\0') {
			g_usleep(50 * G_TIME_SPAN_MILLISECOND);
			continue;
		}
		lines = g_strsplit(g_strchomp(out), "\n", -1);
		if (g_strv_length(lines) != 1)
			fail_msg("%u entries for %s %s, expected one",
				 g_strv_length(lines),
				 message_id,
				 incident_id);
		return journal_entry_parse(lines[0]);
	}
	fail_msg("no journal entry MESSAGE_ID=%s PAE_INCIDENT=%s after 5 s",
		 message_id,
		 incident_id);
	return NULL;
}

static void
assert_field(GHashTable *entry, const gchar *key, const gchar *expected)
{
	const gchar *value = g_hash_table_lookup(entry, key);

	if (expected == NULL && value != NULL)
		fail_msg("%s=%s should not be there", key, value);
	if (expected != NULL && g_strcmp0(value, expected) != 0)
		fail_msg("%s is '%s', expected '%s'",
			 key,
			 value != NULL ? value : "(absent)",
			 expected);
}

/* every PAE_* field of @incident, absent ones absent */
static void
assert_incident_fields(GHashTable *entry, const PaeIncident *incident)
{
	assert_field(entry, "PAE_INCIDENT", incident->incident_id);
	assert_field(entry, "PAE_INCIDENT_KIND", pae_incident_kind_to_string(incident->kind));
	assert_field(entry, "PAE_VM_UUID", incident->vm_uuid);
	assert_field(entry, "PAE_VM_NAME", incident->vm_name);
	assert_field(entry, "PAE_PATCH", incident->patch);
	assert_field(entry, "PAE_ACTION", incident->action_id);
	assert_field(entry, "PAE_CHANGE", incident->change_id);
	assert_field(entry, "PAE_TENANT", incident->tenant);
	assert_field(entry, "PAE_RAISED", incident->raised != 0 ? RAISED_ISO : NULL);
	/* sent as it is, not through the process's log writer */
	assert_field(entry, "GLIB_DOMAIN", NULL);
	assert_field(entry, "CODE_FILE", NULL);
}

/* ---- standard error ---- */

typedef struct {
	gint saved;
	gchar *path;
} StderrCapture;

static void
stderr_capture_begin(StderrCapture *capture)
{
	g_autoptr(GError) error = NULL;
	gint fd = g_file_open_tmp("pae-test-stderr-XXXXXX", &capture->path, &error);

	if (fd < 0)
		fail_msg("cannot make a temporary file: %s", error->message);
	fflush(stderr);
	capture->saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static gchar *
stderr_capture_end(StderrCapture *capture)
{
	g_autoptr(GError) error = NULL;
	gchar *text = NULL;

	fflush(stderr);
	dup2(capture->saved, STDERR_FILENO);
	close(capture->saved);
	if (!g_file_get_contents(capture->path, &text, NULL, &error))
		fail_msg("cannot read %s: %s", capture->path, error->message);
	g_unlink(capture->path);
	g_clear_pointer(&capture->path, g_free);
	return text;
}

/* the standard error line of a raise with incident_new_full() */
static gchar *
expected_stderr_line(const PaeIncident *incident, gint priority, const gchar *identifier)
{
	g_autoptr(GString) message = g_string_new(NULL);

	for (const gchar *p = incident->message; *p != '\0'; p++) {
		if (*p == '"')
			g_string_append_c(message, '\\');
		g_string_append_c(message, *p);
	}
	return g_strdup_printf("<%d>PRIORITY=%d MESSAGE_ID=%s SYSLOG_IDENTIFIER=%s "
			       "PAE_INCIDENT=%s PAE_INCIDENT_KIND=%s "
			       "PAE_VM_UUID=6695eb01-f6a4-8304-79aa-97f2502e193f "
			       "PAE_VM_NAME=wéb-01 PAE_PATCH=\"Patches for RHEL 8/1234\" "
			       "PAE_ACTION=4711 PAE_CHANGE=CHG0012345 PAE_TENANT=acme "
			       "PAE_RAISED=" RAISED_ISO " MESSAGE=\"%s\"\n",
			       priority,
			       priority,
			       pae_incident_kind_get_message_id(incident->kind),
			       identifier,
			       incident->incident_id,
			       pae_incident_kind_to_string(incident->kind),
			       message->str);
}

static void
assert_not_reachable(GError *error)
{
	if (error == NULL)
		fail_msg("expected an error");
	if (error->domain != PAE_ERROR || error->code != PAE_ERROR_NOT_REACHABLE)
		fail_msg("expected PAE_ERROR_NOT_REACHABLE, got %s", error->message);
	assert_true(pae_error_is_transient(error));
}

/* ---- tests ---- */

static void
test_incidents_journald_raise_func(void **state)
{
	g_autoptr(PaeIncidents) incidents = incidents_new_default();
	guint warnings = pae_test_get_warning_count();

	assert_string_equal(pae_incidents_get_name(incidents), "journald");
	for (gint kind = 0; kind < PAE_INCIDENT_KIND_LAST; kind++) {
		g_autofree gchar *what = g_strdup_printf("raise-%d", kind);
		g_autoptr(PaeIncident) incident = incident_new_full(kind, what);
		g_autoptr(GError) error = NULL;
		g_autoptr(GHashTable) entry = NULL;

		assert_true(pae_incidents_raise(incidents, incident, &error));
		assert_no_error(error);
		entry = journal_read(pae_incident_kind_get_message_id(kind), incident->incident_id);
		assert_field(entry, "PRIORITY", "2");
		assert_field(entry, "MESSAGE", incident->message);
		assert_field(entry, "SYSLOG_IDENTIFIER", "pae-agent");
		assert_incident_fields(entry, incident);
	}
	assert_int_equal(pae_test_get_warning_count(), warnings);
}

static void
test_incidents_journald_raise_partial_func(void **state)
{
	g_autoptr(PaeIncidents) incidents = incidents_new_default();
	g_autoptr(PaeIncident) incident = pae_incident_new(PAE_INCIDENT_STAGE_HALTED);
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) entry = NULL;

	/* a stage halt names no VM; a message of two lines is sent length-prefixed */
	incident->incident_id = g_strdup_printf("%s-partial", run_id);
	incident->message = g_strdup("stage 'canary' halted\n3 of 4 VMs failed");
	incident->patch = g_strdup("Patches for RHEL 8/1234");
	incident->tenant = g_strdup("acme");
	incident->vm_name = g_strdup("");
	assert_true(pae_incidents_raise(incidents, incident, &error));
	assert_no_error(error);
	entry = journal_read(pae_incident_kind_get_message_id(PAE_INCIDENT_STAGE_HALTED),
			     incident->incident_id);
	assert_field(entry, "PRIORITY", "2");
	assert_field(entry, "MESSAGE", incident->message);
	g_clear_pointer(&incident->vm_name, g_free);
	assert_incident_fields(entry, incident);
}

static void
test_incidents_journald_resolve_func(void **state)
{
	g_autoptr(PaeIncidents) incidents = incidents_new_default();
	g_autoptr(PaeIncident) incident = incident_new_full(PAE_INCIDENT_PATCH_FAILED, "resolve");
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) raised = NULL;
	g_autoptr(GHashTable) resolved = NULL;

	assert_true(pae_incidents_raise(incidents, incident, &error));
	assert_no_error(error);
	assert_true(pae_incidents_resolve(incidents, incident, "patch installed", &error));
	assert_no_error(error);
	raised = journal_read(pae_incident_kind_get_message_id(incident->kind),
			      incident->incident_id);
	assert_field(raised, "PRIORITY", "2");
	resolved = journal_read(PAE_INCIDENT_RESOLVED_MESSAGE_ID, incident->incident_id);
	assert_field(resolved, "PRIORITY", "5");
	assert_field(resolved, "MESSAGE", "resolved: patch installed");
	assert_field(resolved, "SYSLOG_IDENTIFIER", "pae-agent");
	assert_incident_fields(resolved, incident);
}

static void
test_incidents_journald_config_func(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeIncidents) incidents =
		incidents_new("[incidents]\npriority = alert\nidentifier = pae-test\n", &error);
	g_autoptr(PaeIncident) incident = incident_new_full(PAE_INCIDENT_VM_UNMANAGED, "config");
	g_autoptr(GHashTable) entry = NULL;

	assert_no_error(error);
	assert_true(pae_incidents_raise(incidents, incident, &error));
	assert_no_error(error);
	entry = journal_read(pae_incident_kind_get_message_id(incident->kind),
			     incident->incident_id);
	assert_field(entry, "PRIORITY", "1");
	assert_field(entry, "SYSLOG_IDENTIFIER", "pae-test");
}

/* each accepted spelling, seen through the standard error line */
static void
test_incidents_journald_config_priority_func(void **state)
{
	const struct {
		const gchar *text;
		gint priority;
	} cases[] = {
		{"emerg", 0},
		{"alert", 1},
		{"crit", 2},
		{"err", 3},
		{"0", 0},
		{"1", 1},
		{"2", 2},
		{"3", 3},
		{"CRIT", 2},
	};

	g_setenv("PAE_JOURNAL_SOCKET", "/nonexistent/pae-test/socket", TRUE);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *text =
			g_strdup_printf("[incidents]\npriority=%s\n", cases[i].text);
		g_autoptr(GError) error = NULL;
		g_autoptr(PaeIncidents) incidents = incidents_new(text, &error);
		g_autoptr(PaeIncident) incident =
			incident_new_full(PAE_INCIDENT_PATCH_FAILED, "priority");
		g_autofree gchar *expected = NULL;
		g_autofree gchar *line = NULL;
		StderrCapture capture = {0};

		assert_no_error(error);
		stderr_capture_begin(&capture);
		assert_false(pae_incidents_raise(incidents, incident, &error));
		line = stderr_capture_end(&capture);
		assert_not_reachable(error);
		expected = expected_stderr_line(incident, cases[i].priority, "pae-agent");
		assert_string_equal(line, expected);
	}
	g_unsetenv("PAE_JOURNAL_SOCKET");
}

static void
test_incidents_journald_config_invalid_func(void **state)
{
	const struct {
		const gchar *text;
		const gchar *problem;
	} cases[] = {
		{"priority=warning", "test.conf:2: [incidents] priority: 'warning' is not one of"},
		{"priority=4", "[incidents] priority: '4' is not one of"},
		{"priority=-1", "[incidents] priority: '-1' is not one of"},
		{"priority=", "[incidents] priority: '' is not one of"},
		{"priority=2 ", NULL}, /* GKeyFile trims: accepted */
		{"identifier=", "[incidents] identifier: '' is not a syslog identifier"},
		{"identifier=pae agent", "[incidents] identifier: 'pae agent' is not"},
		{"identifier=pae:agent", "[incidents] identifier: 'pae:agent' is not"},
		{"identifier=pae[1]", "[incidents] identifier: 'pae[1]' is not"},
		{"identifier=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 "is not a syslog identifier (1 to 64"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *text = g_strdup_printf("[incidents]\n%s\n", cases[i].text);
		g_autoptr(GError) error = NULL;
		g_autoptr(PaeIncidents) incidents = incidents_new(text, &error);

		if (cases[i].problem == NULL) {
			assert_no_error(error);
			assert_non_null(incidents);
			continue;
		}
		assert_null(incidents);
		if (error == NULL || !g_error_matches(error, PAE_ERROR, PAE_ERROR_INVALID_CONFIG))
			fail_msg("'%s': expected an invalid configuration", cases[i].text);
		if (strstr(error->message, cases[i].problem) == NULL)
			fail_msg("'%s': '%s' does not say '%s'",
				 cases[i].text,
				 error->message,
				 cases[i].problem);
	}
}

/* the core's check_unexpected() sees the group and rejects unknown keys */
static void
test_incidents_journald_config_unknown_key_func(void **state)
{
	g_autoptr(PaeConfigFile) config = pae_config_file_new();
	g_autoptr(PaeClock) clock = pae_clock_new_manual(RAISED);
	g_autoptr(PaeIncidents) incidents = NULL;
	g_autoptr(GError) error = NULL;

	assert_true(pae_config_file_load_data(
		config, "test.conf", "[incidents]\nidentifier=pae-agent\nprio=crit\n", &error));
	incidents = pae_incidents_new("journald", config, clock, &error);
	assert_no_error(error);
	assert_non_null(incidents);
	pae_config_file_check_unexpected(config);
	assert_false(pae_config_file_check(config, &error));
	assert_non_null(strstr(error->message, "test.conf:3: [incidents] prio: unknown key"));
}

/* nothing reaches the journal: a later entry arrives, the earlier one does not */
static void
assert_not_in_journal(PaeIncidentKind kind, const gchar *incident_id)
{
	g_autoptr(PaeIncidents) incidents = incidents_new_default();
	g_autoptr(PaeIncident) marker = incident_new_full(kind, "marker");
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) entry = NULL;
	g_autofree gchar *out = NULL;

	g_free(marker->incident_id);
	marker->incident_id = g_strdup_printf("%s-marker", incident_id);
	assert_true(pae_incidents_raise(incidents, marker, &error));
	assert_no_error(error);
	entry = journal_read(pae_incident_kind_get_message_id(kind), marker->incident_id);
	out = journal_query(pae_incident_kind_get_message_id(kind), incident_id);
	assert_string_equal(out, "");
}

static void
test_incidents_journald_absent_func(void **state)
{
	g_autoptr(PaeIncidents) incidents = NULL;
	g_autoptr(PaeIncident) incident = incident_new_full(PAE_INCIDENT_DEADLINE_MISSED, "absent");
	g_autoptr(GError) error = NULL;
	g_autofree gchar *line = NULL;
	g_autofree gchar *expected = NULL;
	StderrCapture capture = {0};

	g_setenv("PAE_JOURNAL_SOCKET", "/nonexistent/pae-test/socket", TRUE);
	incidents = incidents_new_default();
	g_unsetenv("PAE_JOURNAL_SOCKET");

	stderr_capture_begin(&capture);
	assert_false(pae_incidents_raise(incidents, incident, &error));
	line = stderr_capture_end(&capture);
	assert_not_reachable(error);
	assert_non_null(strstr(error->message, "journald is not running"));
	expected = expected_stderr_line(incident, 2, "pae-agent");
	assert_string_equal(line, expected);
	g_clear_error(&error);
	g_clear_pointer(&line, g_free);

	stderr_capture_begin(&capture);
	assert_false(pae_incidents_resolve(incidents, incident, "gone", &error));
	line = stderr_capture_end(&capture);
	assert_not_reachable(error);
	assert_true(g_str_has_prefix(line,
				     "<5>PRIORITY=5 MESSAGE_ID=" PAE_INCIDENT_RESOLVED_MESSAGE_ID
				     " SYSLOG_IDENTIFIER=pae-agent PAE_INCIDENT="));
	assert_true(g_str_has_suffix(line, " MESSAGE=\"resolved: gone\"\n"));

	assert_not_in_journal(incident->kind, incident->incident_id);
}

/* the real case: journald stopped, its socket left behind; then back, and the retry lands */
static void
test_incidents_journald_stopped_func(void **state)
{
	g_autoptr(PaeIncidents) incidents = NULL;
	g_autoptr(PaeIncident) incident =
		incident_new_full(PAE_INCIDENT_BASELINE_TIMEOUT, "stopped");
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) entry = NULL;
	g_autofree gchar *line = NULL;
	g_autofree gchar *expected = NULL;
	StderrCapture capture = {0};

	/* never stop a journald we did not start (main() leaves this case out then) */
	if (!journald_owned) {
		g_printerr("a journald appeared after the start: not stopping it\n");
		return;
	}
	incidents = incidents_new_default();
	journald_stop();
	assert_true(g_file_test(JOURNAL_SOCKET, G_FILE_TEST_EXISTS));
	stderr_capture_begin(&capture);
	assert_false(pae_incidents_raise(incidents, incident, &error));
	line = stderr_capture_end(&capture);
	assert_not_reachable(error);
	assert_non_null(strstr(error->message, "journald did not take the entry"));
	expected = expected_stderr_line(incident, 2, "pae-agent");
	assert_string_equal(line, expected);
	g_clear_error(&error);

	if (!journald_start())
		fail_msg("cannot start journald again");
	assert_true(pae_incidents_raise(incidents, incident, &error));
	assert_no_error(error);
	entry = journal_read(pae_incident_kind_get_message_id(incident->kind),
			     incident->incident_id);
	assert_incident_fields(entry, incident);
}

/* ---- the catalog ---- */

typedef struct {
	gchar *id;
	gboolean subject;
	gboolean defined_by;
	guint body_lines;
} CatalogEntry;

static void
catalog_entry_free(CatalogEntry *entry)
{
	g_free(entry->id);
	g_free(entry);
}

/* systemd's rules: "-- <32 hex>" after an empty line starts an entry; '#' lines are comments */
static GPtrArray *
catalog_parse(const gchar *text)
{
	GPtrArray *entries = g_ptr_array_new_with_free_func((GDestroyNotify)catalog_entry_free);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	CatalogEntry *entry = NULL;
	gboolean after_empty = TRUE;

	for (guint i = 0; lines[i] != NULL; i++) {
		const gchar *line = lines[i];
		if (line[0] == '\0') {
			after_empty = TRUE;
			continue;
		}
		if (line[0] == '#')
			continue;
		if (after_empty && g_str_has_prefix(line, "-- ")) {
			entry = g_new0(CatalogEntry, 1);
			entry->id = g_strdup(line + 3);
			g_ptr_array_add(entries, entry);
		} else if (entry == NULL) {
			fail_msg("catalog line %u: text before the first entry", i + 1);
		} else if (g_str_has_prefix(line, "Subject: ")) {
			entry->subject = TRUE;
		} else if (g_str_has_prefix(line, "Defined-By: pae")) {
			entry->defined_by = TRUE;
		} else {
			entry->body_lines++;
		}
		after_empty = FALSE;
	}
	return entries;
}

static guint
catalog_count(GPtrArray *entries, const gchar *id)
{
	guint count = 0;

	for (guint i = 0; i < entries->len; i++) {
		CatalogEntry *entry = entries->pdata[i];
		if (g_strcmp0(entry->id, id) == 0)
			count++;
	}
	return count;
}

static void
catalog_check_entries(GPtrArray *entries)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new();

	for (gint kind = 0; kind < PAE_INCIDENT_KIND_LAST; kind++)
		g_ptr_array_add(ids, (gpointer)pae_incident_kind_get_message_id(kind));
	g_ptr_array_add(ids, (gpointer)PAE_INCIDENT_RESOLVED_MESSAGE_ID);
	for (guint i = 0; i < ids->len; i++) {
		if (catalog_count(entries, ids->pdata[i]) != 1)
			fail_msg("MESSAGE_ID %s is in the catalog %u times",
				 (const gchar *)ids->pdata[i],
				 catalog_count(entries, ids->pdata[i]));
	}
	assert_int_equal(entries->len, ids->len);
	for (guint i = 0; i < entries->len; i++) {
		CatalogEntry *entry = entries->pdata[i];
		if (!entry->subject || !entry->defined_by || entry->body_lines == 0)
			fail_msg("catalog entry %s lacks Subject:, Defined-By: pae or a body",
				 entry->id);
	}
}

/* journalctl --root imports catalogs offline and fails on a malformed one */
static void
catalog_check_with_journalctl(const gchar *catalog_path)
{
	g_autofree gchar *root = pae_test_make_tmpdir();
	g_autofree gchar *dir = g_build_filename(root, "usr/lib/systemd/catalog", NULL);
	g_autofree gchar *text = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *err = NULL;
	g_autoptr(GError) error = NULL;
	gint status = 0;

	assert_true(g_file_get_contents(catalog_path, &text, NULL, &error));
	g_mkdir_with_parents(dir, 0755);
	g_free(pae_test_write_file(dir, "pae.catalog", text));
	for (guint step = 0; step < 2; step++) {
		const gchar *argv[] = {"journalctl",
				       "--root",
				       root,
				       step == 0 ? "--update-catalog" : "--list-catalog",
				       NULL};
		g_clear_pointer(&out, g_free);
		g_clear_pointer(&err, g_free);
		if (!g_spawn_sync(NULL,
				  (gchar **)argv,
				  NULL,
				  G_SPAWN_SEARCH_PATH,
				  NULL,
				  NULL,
				  &out,
				  &err,
				  &status,
				  &error))
			fail_msg("cannot run journalctl: %s", error->message);
		if (!g_spawn_check_wait_status(status, NULL) || err[0] != '\0')
			fail_msg("journalctl %s: %s", argv[3], err);
	}
	pae_test_remove_tree(root);
	for (gint kind = 0; kind < PAE_INCIDENT_KIND_LAST; kind++)
		assert_non_null(strstr(out, pae_incident_kind_get_message_id(kind)));
	assert_non_null(strstr(out, PAE_INCIDENT_RESOLVED_MESSAGE_ID " pae: "));
}

static void
test_incidents_journald_catalog_func(void **state)
{
	const gchar *root = g_getenv("PAE_SOURCE_ROOT");
	g_autofree gchar *path = NULL;
	g_autofree gchar *text = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) entries = NULL;

	assert_non_null(root);
	path = g_build_filename(root, "systemd", "pae.catalog", NULL);
	if (!g_file_get_contents(path, &text, NULL, &error))
		fail_msg("cannot read the catalog: %s", error->message);
	entries = catalog_parse(text);
	catalog_check_entries(entries);
	catalog_check_with_journalctl(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_incidents_journald_catalog_func),
		cmocka_unit_test(test_incidents_journald_raise_func),
		cmocka_unit_test(test_incidents_journald_raise_partial_func),
		cmocka_unit_test(test_incidents_journald_resolve_func),
		cmocka_unit_test(test_incidents_journald_config_func),
		cmocka_unit_test(test_incidents_journald_config_priority_func),
		cmocka_unit_test(test_incidents_journald_config_invalid_func),
		cmocka_unit_test(test_incidents_journald_config_unknown_key_func),
		cmocka_unit_test(test_incidents_journald_absent_func),
		/* last: only when the group starts its own journald */
		cmocka_unit_test(test_incidents_journald_stopped_func),
	};
	gsize n_tests = G_N_ELEMENTS(tests);

	/* cmocka 1.1.5 reports skip() as "not ok # SKIP", a failure to meson */
	if (journal_socket_answers()) {
		g_printerr("journald already runs: the stopped-journald case is left out\n");
		n_tests--;
	}
	return _cmocka_run_group_tests(
		"incidents-journald", tests, n_tests, group_setup, group_teardown);
}

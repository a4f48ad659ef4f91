/*
 * pae-test-emulator: the BigFix emulator as a subprocess of a test
 *
 * tests/bigfix-emulator/bigfix-emulator runs under /usr/bin/python3 (the
 * interpreter with python3-lxml) on a free port of 127.0.0.1 with its own
 * temporary directory, a 0600 password file and, optionally, a frozen clock
 * file. It is found through $PAE_TEST_SRCDIR, waited for through its ready
 * file, and killed by its PID. Its /admin/ API is JSON: tests read values out
 * of it with a Python expression rather than a JSON parser of our own.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-test-emulator.h"

#include <curl/curl.h>
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pae-test-util.h"

#define PAE_TEST_EMULATOR_PYTHON   "/usr/bin/python3"
#define PAE_TEST_EMULATOR_PASSWORD "pae-test-secret"
#define PAE_TEST_EMULATOR_START_MS 30000

static gboolean
pae_test_emulator_read_ready(PaeTestEmulator *self, const gchar *ready_file)
{
	g_autofree gchar *text = NULL;
	g_autoptr(GRegex) port_re = g_regex_new("\"port\": *([0-9]+)", 0, 0, NULL);
	g_autoptr(GRegex) ca_re = g_regex_new("\"ca_file\": *\"([^\"]+)\"", 0, 0, NULL);
	g_autoptr(GMatchInfo) port_match = NULL;
	g_autoptr(GMatchInfo) ca_match = NULL;
	g_autofree gchar *port = NULL;

	if (!g_file_get_contents(ready_file, &text, NULL, NULL))
		return FALSE;
	if (!g_regex_match(port_re, text, 0, &port_match) ||
	    !g_regex_match(ca_re, text, 0, &ca_match))
		return FALSE;
	port = g_match_info_fetch(port_match, 1);
	self->port = (guint)g_ascii_strtoull(port, NULL, 10);
	self->ca_file = g_match_info_fetch(ca_match, 1);
	self->base_url = g_strdup_printf("https://127.0.0.1:%u", self->port);
	return TRUE;
}

static void
pae_test_emulator_write_clock(PaeTestEmulator *self, const gchar *clock_start)
{
	g_autofree gchar *text = NULL;
	gchar anchor[G_ASCII_DTOSTR_BUF_SIZE];

	g_ascii_dtostr(anchor, sizeof(anchor), (gdouble)g_get_real_time() / G_USEC_PER_SEC);
	/* rate 0: the emulator's clock only moves through /admin/clock */
	text = g_strdup_printf("[clock]\nstart=%s\nanchor=%s\nrate=0\n", clock_start, anchor);
	self->clock_file = pae_test_write_file(self->dir, "clock.ini", text);
}

/**
 * pae_test_emulator_start:
 * @scenario: (nullable): a scenario file name under bigfix-emulator/scenarios/
 * @clock_start: (nullable): an ISO 8601 instant to freeze the clock at, or
 * %NULL for real time
 * @extra_args: (nullable): more command line options
 *
 * Returns: (transfer full): the running emulator; the test fails if it does
 * not come up
 */
PaeTestEmulator *
pae_test_emulator_start(const gchar *scenario,
			const gchar *clock_start,
			const gchar *const *extra_args)
{
	PaeTestEmulator *self = g_new0(PaeTestEmulator, 1);
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *ready_file = NULL;
	g_autofree gchar *state_dir = NULL;
	gint64 deadline;

	self->dir = pae_test_make_tmpdir();
	ready_file = g_build_filename(self->dir, "ready.json", NULL);
	state_dir = g_build_filename(self->dir, "state", NULL);
	self->password_file =
		pae_test_write_file(self->dir, "password", PAE_TEST_EMULATOR_PASSWORD "\n");
	g_chmod(self->password_file, 0600);

	g_ptr_array_add(argv, g_strdup(PAE_TEST_EMULATOR_PYTHON));
	g_ptr_array_add(
		argv,
		g_build_filename(pae_test_srcdir(), "bigfix-emulator", "bigfix-emulator", NULL));
	g_ptr_array_add(argv, g_strdup("--port=0"));
	g_ptr_array_add(argv, g_strdup_printf("--state-dir=%s", state_dir));
	g_ptr_array_add(argv, g_strdup_printf("--ready-file=%s", ready_file));
	g_ptr_array_add(argv, g_strdup_printf("--password-file=%s", self->password_file));
	if (clock_start != NULL) {
		pae_test_emulator_write_clock(self, clock_start);
		g_ptr_array_add(argv, g_strdup_printf("--clock-file=%s", self->clock_file));
	}
	if (scenario != NULL)
		g_ptr_array_add(argv,
				g_strdup_printf("--scenario=%s/bigfix-emulator/scenarios/%s",
						pae_test_srcdir(),
						scenario));
	for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
		g_ptr_array_add(argv, g_strdup(extra_args[i]));
	g_ptr_array_add(argv, NULL);

	if (!g_spawn_async(NULL,
			   (gchar **)argv->pdata,
			   NULL,
			   G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
			   NULL,
			   NULL,
			   &self->pid,
			   &error))
		fail_msg("cannot start the BigFix emulator: %s", error->message);

	deadline = g_get_monotonic_time() + PAE_TEST_EMULATOR_START_MS * G_TIME_SPAN_MILLISECOND;
	while (!pae_test_emulator_read_ready(self, ready_file)) {
		int status;
		if (waitpid(self->pid, &status, WNOHANG) == self->pid) {
			self->pid = 0;
			fail_msg("the BigFix emulator exited during start-up (status %d)", status);
		}
		if (g_get_monotonic_time() > deadline)
			fail_msg("the BigFix emulator did not become ready");
		g_usleep(20 * G_TIME_SPAN_MILLISECOND);
	}
	return self;
}

void
pae_test_emulator_stop(PaeTestEmulator *self)
{
	if (self == NULL)
		return;
	if (self->pid > 0) {
		gint64 deadline = g_get_monotonic_time() + 5 * G_TIME_SPAN_SECOND;
		int status;

		kill(self->pid, SIGTERM);
		while (waitpid(self->pid, &status, WNOHANG) == 0) {
			if (g_get_monotonic_time() > deadline) {
				kill(self->pid, SIGKILL);
				waitpid(self->pid, &status, 0);
				break;
			}
			g_usleep(10 * G_TIME_SPAN_MILLISECOND);
		}
	}
	pae_test_remove_tree(self->dir);
	g_free(self->dir);
	g_free(self->password_file);
	g_free(self->clock_file);
	g_free(self->ca_file);
	g_free(self->base_url);
	g_free(self);
}

static size_t
pae_test_emulator_write_cb(char *ptr, size_t size, size_t nmemb, void *user_data)
{
	g_string_append_len(user_data, ptr, (gssize)(size * nmemb));
	return size * nmemb;
}

/**
 * pae_test_emulator_admin:
 * @method: GET, POST or DELETE
 * @path: e.g. "/admin/faults"
 * @json_body: (nullable): what to send
 *
 * Returns: (transfer full): the JSON reply; the test fails on anything but 200
 */
gchar *
pae_test_emulator_admin(PaeTestEmulator *self,
			const gchar *method,
			const gchar *path,
			const gchar *json_body)
{
	g_autofree gchar *url = g_strconcat(self->base_url, path, NULL);
	GString *reply = g_string_new(NULL);
	struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
	CURL *curl = curl_easy_init();
	long status = 0;
	CURLcode rc;

	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CAINFO, self->ca_file);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, pae_test_emulator_write_cb);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, reply);
	if (json_body != NULL)
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json_body);
	rc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(curl);
	curl_slist_free_all(headers);
	if (rc != CURLE_OK || status != 200)
		fail_msg("%s %s: %s, HTTP %ld: %s",
			 method,
			 path,
			 curl_easy_strerror(rc),
			 status,
			 reply->str);
	return g_string_free(reply, FALSE);
}

/**
 * pae_test_json_eval:
 * @expression: Python, with the parsed document as `d`, e.g. "len(d)"
 *
 * Returns: (transfer full): the value, a string as it is and anything else
 * as JSON
 */
gchar *
pae_test_json_eval(const gchar *json, const gchar *expression)
{
	const gchar *script = "import json, sys\n"
			      "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
			      "r = eval(sys.argv[2])\n"
			      "sys.stdout.write(r if isinstance(r, str) else json.dumps(r))\n";
	g_autoptr(GError) error = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *err = NULL;
	gint status = 0;
	gint fd;

	/* a file, not a pipe: g_spawn_sync() starts no helper threads (valgrind stays quiet) */
	fd = g_file_open_tmp("pae-test-json-XXXXXX", &path, &error);
	if (fd < 0)
		fail_msg("cannot make a temporary file: %s", error->message);
	close(fd);
	if (!g_file_set_contents(path, json, -1, &error))
		fail_msg("cannot write %s: %s", path, error->message);
	{
		const gchar *argv[] = {
			PAE_TEST_EMULATOR_PYTHON, "-c", script, path, expression, NULL};
		if (!g_spawn_sync(NULL,
				  (gchar **)argv,
				  NULL,
				  G_SPAWN_DEFAULT,
				  NULL,
				  NULL,
				  &out,
				  &err,
				  &status,
				  &error))
			fail_msg("cannot run python: %s", error->message);
	}
	g_unlink(path);
	if (!g_spawn_check_wait_status(status, NULL))
		fail_msg("python could not evaluate %s: %s", expression, err);
	return g_steal_pointer(&out);
}

gchar *
pae_test_emulator_admin_eval(PaeTestEmulator *self, const gchar *path, const gchar *expression)
{
	g_autofree gchar *json = pae_test_emulator_admin(self, "GET", path, NULL);
	return pae_test_json_eval(json, expression);
}

/* /api requests in the emulator's log whose path starts with @path_prefix (plain text) */
guint
pae_test_emulator_count_requests(PaeTestEmulator *self, const gchar *path_prefix)
{
	g_autofree gchar *expression =
		g_strdup_printf("len([r for r in d['requests'] if r['path'].startswith('%s')])",
				path_prefix != NULL ? path_prefix : "");
	g_autofree gchar *count = pae_test_emulator_admin_eval(self, "/admin/requests", expression);
	return (guint)g_ascii_strtoull(count, NULL, 10);
}

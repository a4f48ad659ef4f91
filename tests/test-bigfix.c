/*
 * The BigFix backend against the BigFix emulator over real HTTPS: every slot,
 * action time settings as the emulator schedules them, each transport fault,
 * authentication and TLS, the circuit breaker, configuration problems.
 *
 * The emulator's clock is frozen at T0 and the backend's PaeClock is a manual
 * one at the same instant, so offsets and schedules are exact.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "../backends/bigfix/pae-bigfix-private.h"
#include "pae-error.h"
#include "pae-patch-server.h"
#include "pae-test-emulator.h"
#include "pae-test-util.h"

#define T0_ISO "2026-03-01T00:00:00Z"
#define T0     ((PaeTime)1772323200 * G_USEC_PER_SEC)
#define SITE   "Patches for RHEL 8"

#define assert_no_error(error)                                                                     \
	do {                                                                                       \
		if ((error) != NULL)                                                               \
			fail_msg("unexpected error: %s", (error)->message);                        \
	} while (0)

typedef struct {
	PaeTestEmulator *emu;
	PaeClock *clock;
	gchar *dir;
} Fixture;

/* one emulator for the whole group; tests that need another start their own */
static PaeTestEmulator *primary = NULL;
static GString *log_text = NULL;
static guint log_warnings = 0;

static GLogWriterOutput
log_writer_cb(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
	const gchar *domain = "";
	const gchar *message = "";

	for (gsize i = 0; i < n_fields; i++) {
		if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0)
			domain = fields[i].value;
		if (g_strcmp0(fields[i].key, "MESSAGE") == 0)
			message = fields[i].value;
	}
	/* everything, debug included, so that no secret can hide in a level */
	g_string_append_printf(log_text, "%s: %s\n", domain, message);
	if ((level & G_LOG_LEVEL_WARNING) != 0)
		log_warnings++;
	/* stderr only: stdout carries TAP */
	if (g_getenv("PAE_TEST_VERBOSE") != NULL ||
	    (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) != 0)
		g_printerr("%s: %s\n", domain, message);
	return G_LOG_WRITER_HANDLED;
}

static gchar *
read_scenario(const gchar *name)
{
	g_autofree gchar *path =
		g_build_filename(pae_test_srcdir(), "bigfix-emulator", "scenarios", name, NULL);
	gchar *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		fail_msg("cannot read %s", path);
	return text;
}

/* back to T0, the demo fleet, no actions, no faults, an empty request log */
static void
reset_emulator(PaeTestEmulator *emu)
{
	g_autofree gchar *scenario = read_scenario("demo.json");
	g_autofree gchar *r1 = pae_test_emulator_admin(emu, "DELETE", "/admin/faults", NULL);
	g_autofree gchar *r2 =
		pae_test_emulator_admin(emu, "POST", "/admin/clock", "{\"set\": \"" T0_ISO "\"}");
	g_autofree gchar *r3 = pae_test_emulator_admin(emu, "POST", "/admin/scenario", scenario);
	g_autofree gchar *r4 =
		pae_test_emulator_admin(emu, "POST", "/admin/config", "{\"target_limit\": 10000}");
	g_autofree gchar *r5 = pae_test_emulator_admin(emu, "DELETE", "/admin/requests", NULL);
}

static int
group_setup(void **state)
{
	log_text = g_string_new(NULL);
	g_log_set_writer_func(log_writer_cb, NULL, NULL);
	primary = pae_test_emulator_start("demo.json", T0_ISO, NULL);
	return 0;
}

static int
group_teardown(void **state)
{
	pae_test_emulator_stop(primary);
	primary = NULL;
	return 0;
}

/* the emulator should outlive the group; if something killed it, say so and go on */
static void
ensure_primary(void)
{
	int status = 0;

	if (primary != NULL && waitpid(primary->pid, &status, WNOHANG) == 0)
		return;
	g_printerr("# the BigFix emulator (pid %d) is gone: %s %d; starting another\n",
		   primary->pid,
		   WIFSIGNALED(status) ? "signal" : "exit status",
		   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	primary->pid = 0;
	pae_test_emulator_stop(primary);
	primary = pae_test_emulator_start("demo.json", T0_ISO, NULL);
}

static int
fixture_setup(void **state)
{
	Fixture *f;

	ensure_primary();
	reset_emulator(primary);
	f = g_new0(Fixture, 1);
	f->emu = primary;
	f->clock = pae_clock_new_manual(T0);
	f->dir = pae_test_make_tmpdir();
	*state = f;
	return 0;
}

static int
fixture_teardown(void **state)
{
	Fixture *f = *state;
	g_object_unref(f->clock);
	pae_test_remove_tree(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/* a [bigfix] group for @emu; @overrides ("key=value") replace or add keys */
static gchar *
make_config_text(PaeTestEmulator *emu, const gchar *const *overrides)
{
	g_autofree gchar *url = g_strdup_printf("url=%s", emu->base_url);
	g_autofree gchar *password = g_strdup_printf("password_file=%s", emu->password_file);
	g_autofree gchar *ca = g_strdup_printf("ca_file=%s", emu->ca_file);
	const gchar *defaults[] = {
		url,
		"user=pae",
		password,
		ca,
		"patch_sites=" SITE ";",
		"retries=2",
		"retry_min=10ms",
		"retry_max=50ms",
		"connect_timeout=2s",
		"timeout=10s",
		"breaker_threshold=50",
		NULL,
	};
	GString *text = g_string_new("# written by test-bigfix\n[bigfix]\n");

	for (guint i = 0; defaults[i] != NULL; i++) {
		g_autofree gchar *key = g_strndup(defaults[i], strcspn(defaults[i], "="));
		g_autofree gchar *prefix = g_strconcat(key, "=", NULL);
		gboolean overridden = FALSE;
		for (guint j = 0; overrides != NULL && overrides[j] != NULL; j++)
			overridden |= g_str_has_prefix(overrides[j], prefix);
		if (!overridden)
			g_string_append_printf(text, "%s\n", defaults[i]);
	}
	for (guint j = 0; overrides != NULL && overrides[j] != NULL; j++)
		g_string_append_printf(text, "%s\n", overrides[j]);
	return g_string_free(text, FALSE);
}

static PaePatchServer *
try_make_server(Fixture *f, PaeTestEmulator *emu, const gchar *const *overrides, GError **error)
{
	g_autoptr(PaeConfigFile) config = pae_config_file_new();
	g_autofree gchar *text = make_config_text(emu, overrides);

	if (!pae_config_file_load_data(config, "test.conf", text, error))
		return NULL;
	return pae_patch_server_new("bigfix", config, f->clock, error);
}

static PaePatchServer *
make_server(Fixture *f, const gchar *const *overrides)
{
	g_autoptr(GError) error = NULL;
	PaePatchServer *server = try_make_server(f, f->emu, overrides, &error);
	assert_no_error(error);
	assert_non_null(server);
	return server;
}

static void
assert_error_code(GError *error, gint code)
{
	if (error == NULL)
		fail_msg("expected error %s, got success", pae_error_to_string(code));
	if (error->domain != PAE_ERROR || error->code != code)
		fail_msg("expected error %s, got %s: %s",
			 pae_error_to_string(code),
			 pae_error_to_string(error->code),
			 error->message);
}

static void
add_fault(PaeTestEmulator *emu, const gchar *json)
{
	g_autofree gchar *reply = pae_test_emulator_admin(emu, "POST", "/admin/faults", json);
}

static void
clear_faults(PaeTestEmulator *emu)
{
	g_autofree gchar *reply = pae_test_emulator_admin(emu, "DELETE", "/admin/faults", NULL);
}

static void
clear_requests(PaeTestEmulator *emu)
{
	g_autofree gchar *reply = pae_test_emulator_admin(emu, "DELETE", "/admin/requests", NULL);
}

static void
advance_emulator(PaeTestEmulator *emu, guint seconds)
{
	g_autofree gchar *body = g_strdup_printf("{\"advance\": %u}", seconds);
	g_autofree gchar *reply = pae_test_emulator_admin(emu, "POST", "/admin/clock", body);
}

static gpointer
lookup_by_id(GPtrArray *items, gsize id_offset, const gchar *id)
{
	for (guint i = 0; i < items->len; i++) {
		gpointer item = g_ptr_array_index(items, i);
		if (g_strcmp0(G_STRUCT_MEMBER(gchar *, item, id_offset), id) == 0)
			return item;
	}
	return NULL;
}

/* the item whose id member is @id; the test fails if there is none */
static gpointer
find_by_id(GPtrArray *items, gsize id_offset, const gchar *id)
{
	gpointer item = lookup_by_id(items, id_offset, id);
	if (item == NULL) {
		fail_msg("no item with id %s", id);
		abort(); /* not reached: cmocka jumps out */
	}
	return item;
}

static PaeActionRequest *
make_request(const gchar *key, PaeActionTimeMode mode)
{
	PaeActionRequest *request = pae_action_request_new();
	request->idempotency_key = g_strdup(key);
	request->summary = g_strdup("test action");
	request->time_mode = mode;
	request->start = T0 + G_TIME_SPAN_HOUR;
	request->end = T0 + 2 * G_TIME_SPAN_DAY;
	return request;
}

static gchar *
create_action(PaePatchServer *server, PaeActionRequest *request)
{
	g_autoptr(GError) error = NULL;
	gchar *id = pae_patch_server_create_action(server, request, NULL, &error);
	assert_no_error(error);
	assert_non_null(id);
	return id;
}

static gchar *
create_simple_action(PaePatchServer *server, const gchar *key)
{
	g_autoptr(PaeActionRequest) request = make_request(key, PAE_ACTION_TIME_UTC);
	g_ptr_array_add(request->patches, pae_patch_ref_new(SITE, "801001"));
	g_ptr_array_add(request->computer_ids, g_strdup("1001"));
	return create_action(server, request);
}

static gchar *
action_eval(PaeTestEmulator *emu, const gchar *id, const gchar *expression)
{
	g_autofree gchar *path = g_strdup_printf("/admin/actions?id=%s", id);
	return pae_test_emulator_admin_eval(emu, path, expression);
}

static void
assert_action_eval(PaeTestEmulator *emu,
		   const gchar *id,
		   const gchar *expression,
		   const gchar *expected)
{
	g_autofree gchar *value = action_eval(emu, id, expression);
	if (g_strcmp0(value, expected) != 0)
		fail_msg("action %s: %s is %s, expected %s", id, expression, value, expected);
}

static void
test_bigfix_list_computers_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(PaePatchServer) server = make_server(f, NULL);
	g_autoptr(GPtrArray) computers = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *added =
		pae_test_emulator_admin(f->emu,
					"POST",
					"/admin/computers",
					"[{\"id\": 1006, \"name\": \"vm-upper\", \"uuid\": "
					"\"ABCDEF01-2345-6789-ABCD-EF0123456789\"}, {\"id\": 1007, "
					"\"name\": \"vm-odd\", \"uuid\": "
					"\"not a uuid\"}]");
	g_autofree gchar *relevance = NULL;
	PaeComputer *computer;

	clear_requests(f->emu);
	computers = pae_patch_server_list_computers(server, NULL, &error);
	assert_no_error(error);
	/* bare-metal-1 has no UUID property, so no row */
	assert_int_equal(computers->len, 6);
	computer = find_by_id(computers, G_STRUCT_OFFSET(PaeComputer, computer_id), "1001");
	assert_non_null(computer);
	assert_string_equal(computer->name, "vm-lon-1");
	assert_string_equal(computer->vm_uuid, "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f01");
	assert_true(computer->last_report > T0 - G_TIME_SPAN_DAY && computer->last_report <= T0);
	computer = find_by_id(computers, G_STRUCT_OFFSET(PaeComputer, computer_id), "1006");
	assert_string_equal(computer->vm_uuid, "abcdef01-2345-6789-abcd-ef0123456789");
	computer = find_by_id(computers, G_STRUCT_OFFSET(PaeComputer, computer_id), "1007");
	assert_string_equal(computer->name, "vm-odd");
	assert_null(computer->vm_uuid);
	assert_null(lookup_by_id(computers, G_STRUCT_OFFSET(PaeComputer, computer_id), "1005"));

	/* one request, exactly Q1 */
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 1);
	relevance = pae_test_emulator_admin_eval(
		f->emu, "/admin/requests", "d['requests'][0]['relevance']");
	assert_string_equal(
		relevance,
		"(id of computer of it, name of computer of it | \"\", value of it | \"\", "
		"(last report time of computer of it as string) | \"\") of results of bes "
		"properties whose (name of it = \"VM UUID\")");
}

static void
test_bigfix_list_relevant_func(void **state)
{
	Fixture *f = *state;
	const gchar *const overrides[] = {"patch_sites=" SITE ";Other Site;", NULL};
	g_autoptr(PaePatchServer) server = make_server(f, overrides);
	g_autoptr(GPtrArray) relevant = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const gchar *expected[] = {"1001/801001",
				   "1001/801002",
				   "1001/801003",
				   "1002/801001",
				   "1002/801003",
				   "1003/801002",
				   "1003/801004",
				   "1004/801001",
				   "1004/801002",
				   "1004/801004",
				   "1005/801001"};

	relevant = pae_patch_server_list_relevant(server, NULL, &error);
	assert_no_error(error);
	for (guint i = 0; i < relevant->len; i++) {
		PaeRelevance *item = g_ptr_array_index(relevant, i);
		assert_string_equal(item->site, SITE);
		g_hash_table_add(pairs,
				 g_strdup_printf("%s/%s", item->computer_id, item->fixlet_id));
	}
	assert_int_equal(relevant->len, G_N_ELEMENTS(expected));
	for (guint i = 0; i < G_N_ELEMENTS(expected); i++)
		assert_true(g_hash_table_contains(pairs, expected[i]));
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 1);
}

static void
test_bigfix_patch_info_func(void **state)
{
	Fixture *f = *state;
	const gchar *const overrides[] = {"ids_per_query=2", NULL};
	g_autoptr(PaePatchServer) server = make_server(f, NULL);
	g_autoptr(PaePatchServer) chunked = make_server(f, overrides);
	g_autoptr(GPtrArray) patches =
		g_ptr_array_new_with_free_func((GDestroyNotify)pae_patch_ref_free);
	g_autoptr(GPtrArray) none = g_ptr_array_new();
	g_autoptr(GPtrArray) infos = NULL;
	g_autoptr(GPtrArray) infos_chunked = NULL;
	g_autoptr(GPtrArray) infos_none = NULL;
	g_autoptr(GError) error = NULL;
	PaePatchInfo *info;

	g_ptr_array_add(patches, pae_patch_ref_new(SITE, "801001"));
	g_ptr_array_add(patches, pae_patch_ref_new(SITE, "801004"));
	g_ptr_array_add(patches, pae_patch_ref_new(SITE, "801005"));
	g_ptr_array_add(patches, pae_patch_ref_new("No Such Site", "801001"));
	infos = pae_patch_server_get_patch_info(server, patches, NULL, &error);
	assert_no_error(error);
	assert_int_equal(infos->len, 3);
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 1);
	info = find_by_id(infos, G_STRUCT_OFFSET(PaePatchInfo, fixlet_id), "801001");
	assert_string_equal(info->site, SITE);
	assert_string_equal(info->name, "RHSA-2026:0101: kernel security update (Important)");
	assert_string_equal(info->source_severity, "Important");
	assert_string_equal(info->category, "Security Advisory");
	/* 2026-02-10 */
	assert_int_equal(info->release_date, T0 - 19 * G_TIME_SPAN_DAY);
	assert_int_equal(g_strv_length(info->cves), 2);
	assert_string_equal(info->cves[0], "CVE-2026-0001");
	assert_string_equal(info->cves[1], "CVE-2026-0002");
	info = find_by_id(infos, G_STRUCT_OFFSET(PaePatchInfo, fixlet_id), "801004");
	assert_string_equal(info->source_severity, "Low");
	assert_int_equal(g_strv_length(info->cves), 0);

	/* ids_per_query=2: four patches in two queries, the same answer */
	clear_requests(f->emu);
	infos_chunked = pae_patch_server_get_patch_info(chunked, patches, NULL, &error);
	assert_no_error(error);
	assert_int_equal(infos_chunked->len, 3);
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 2);

	/* nothing asked, nothing sent */
	clear_requests(f->emu);
	infos_none = pae_patch_server_get_patch_info(server, none, NULL, &error);
	assert_no_error(error);
	assert_int_equal(infos_none->len, 0);
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 0);
}

/* the number of requests per pass does not grow with the fleet */
static void
test_bigfix_fleet_scale_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(PaePatchServer) server = make_server(f, NULL);
	g_autoptr(GPtrArray) computers = NULL;
	g_autoptr(GPtrArray) relevant = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *reply =
		pae_test_emulator_admin(f->emu,
					"POST",
					"/admin/scenario",
					"{\"generate\": {\"computers\": 3000, \"fixlets\": 20, "
					"\"relevant_per_computer\": 5, "
					"\"seed\": 1}}");

	clear_requests(f->emu);
	computers = pae_patch_server_list_computers(server, NULL, &error);
	assert_no_error(error);
	assert_int_equal(computers->len, 3000);
	relevant = pae_patch_server_list_relevant(server, NULL, &error);
	assert_no_error(error);
	assert_int_equal(relevant->len, 3000 * 5);
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 2);
}

static void
test_bigfix_action_utc_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(PaePatchServer) server = make_server(f, NULL);
	g_autoptr(PaeActionRequest) request = make_request("utc-1", PAE_ACTION_TIME_UTC);
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) results = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *id = NULL;
	PaeActionResult *result;

	g_ptr_array_add(request->patches, pae_patch_ref_new(SITE, "801001"));
	g_ptr_array_add(request->computer_ids, g_strdup("1001"));
	g_ptr_array_add(request->computer_ids, g_strdup("1004"));
	request->restart_after = TRUE;
	id = create_action(server, request);

	assert_action_eval(f->emu, id, "d[0]['kind']", "SourcedFixletAction");
	assert_action_eval(f->emu, id, "d[0]['title']", "[utc-1] test action");
	assert_action_eval(f->emu, id, "d[0]['settings']['use_utc']", "true");
	assert_action_eval(
		f->emu, id, "d[0]['settings']['start']['element']", "StartDateTimeOffset");
	assert_action_eval(f->emu, id, "d[0]['settings']['start']['value']", "PT1H");
	assert_action_eval(f->emu, id, "d[0]['settings']['end']['element']", "EndDateTimeOffset");
	assert_action_eval(f->emu, id, "d[0]['settings']['end']['value']", "P2D");
	assert_action_eval(f->emu, id, "d[0]['settings']['time_range']", "null");
	assert_action_eval(f->emu, id, "d[0]['expires']", "2026-03-03T00:00:00Z");

	/* one instant for London and Sydney alike */
	advance_emulator(f->emu, 6 * 3600);
	g_ptr_array_add(ids, g_strdup(id));
	results = pae_patch_server_get_action_results(server, ids, NULL, &error);
	assert_no_error(error);
	assert_int_equal(results->len, 2);
	result = find_by_id(results, G_STRUCT_OFFSET(PaeActionResult, computer_id), "1001");
	assert_string_equal(result->action_id, id);
	assert_string_equal(result->status, "Fixed");
	assert_int_equal(result->exit_code, 0);
	assert_int_equal(result->apply_count, 1);
	assert_int_equal(result->start, T0 + G_TIME_SPAN_HOUR);
	assert_int_equal(result->end, T0 + G_TIME_SPAN_HOUR + G_TIME_SPAN_MINUTE);
	result = find_by_id(results, G_STRUCT_OFFSET(PaeActionResult, computer_id), "1004");
	assert_string_equal(result->status, "Pending Restart");
	assert_int_equal(result->start, T0 + G_TIME_SPAN_HOUR);
}

static void
test_bigfix_action_local_group_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(PaePatchServer) server = make_server(f, NULL);
	g_autoptr(PaeActionRequest) request = make_request("local-1", PAE_ACTION_TIME_LOCAL);
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) results = NULL;
	g_autoptr(GPtrArray) states = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *id = NULL;
	PaeActionResult *result;
	PaeActionInfo *info;

	g_ptr_array_add(request->patches, pae_patch_ref_new(SITE, "801001"));
	g_ptr_array_add(request->patches, pae_patch_ref_new(SITE, "801003"));
	g_ptr_array_add(request->computer_ids, g_strdup("1001"));
	g_ptr_array_add(request->computer_ids, g_strdup("1002"));
	/* 02:00-04:00 on each computer's own clock, from the wall clock T0 on */
	request->start = T0;
	request->time_range_start = 2 * 3600;
	request->time_range_end = 4 * 3600;
	id = create_action(server, request);

	assert_action_eval(f->emu, id, "d[0]['kind']", "MultipleActionGroup");
	assert_action_eval(f->emu, id, "len(d[0]['members'])", "2");
	assert_action_eval(f->emu, id, "d[0]['settings']['use_utc']", "false");
	assert_action_eval(
		f->emu, id, "d[0]['settings']['start']['element']", "StartDateTimeLocalOffset");
	assert_action_eval(f->emu, id, "d[0]['settings']['start']['value']", "PT0S");
	assert_action_eval(
		f->emu, id, "d[0]['settings']['end']['element']", "EndDateTimeLocalOffset");
	assert_action_eval(
		f->emu, id, "d[0]['settings']['time_range']", "[\"02:00:00\", \"04:00:00\"]");

	/* London runs at 02:00Z, New York at 02:00 EST = 07:00Z */
	advance_emulator(f->emu, 86400);
	g_ptr_array_add(ids, g_strdup(id));
	results = pae_patch_server_get_action_results(server, ids, NULL, &error);
	assert_no_error(error);
	assert_int_equal(results->len, 2);
	result = find_by_id(results, G_STRUCT_OFFSET(PaeActionResult, computer_id), "1001");
	assert_string_equal(result->status, "Fixed");
	assert_int_equal(result->start, T0 + 2 * G_TIME_SPAN_HOUR);
	result = find_by_id(results, G_STRUCT_OFFSET(PaeActionResult, computer_id), "1002");
	assert_string_equal(result->status, "Failed");
	assert_int_equal(result->exit_code, 1);
	assert_int_equal(result->start, T0 + 7 * G_TIME_SPAN_HOUR);

	states = pae_patch_server_get_action_states(server, ids, NULL, &error);
	assert_no_error(error);
	assert_int_equal(states->len, 1);
	info = g_ptr_array_index(states, 0);
	assert_string_equal(info->action_id, id);
	assert_string_equal(info->title, "[local-1] test action");
	assert_string_equal(info->state, "Open");
	assert_int_equal(info->issued, T0);
}

/* local offsets count from the server's wall clock, in server_timezone */
static void
test_bigfix_action_server_timezone_func(void **state)
{
	Fixture *f = *state;
	const gchar *const args[] = {"--server-timezone=America/New_York", NULL};
	const gchar *const overrides[] = {"server_timezone=America/New_York", NULL};
	PaeTestEmulator *emu = pae_test_emulator_start("demo.json", T0_ISO, args);
	g_autoptr(PaePatchServer) server = NULL;
	g_autoptr(PaeActionRequest) request = make_request("tz-1", PAE_ACTION_TIME_LOCAL);
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) results = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *id = NULL;
	PaeActionResult *result;

	server = try_make_server(f, emu, overrides, &error);
	assert_no_error(error);
	g_ptr_array_add(request->patches, pae_patch_ref_new(SITE, "801002"));
	g_ptr_array_add(request->computer_ids, g_strdup("1001"));
	g_ptr_array_add(request->computer_ids, g_strdup("1003"));
	/* 02:00 on 1 March on each computer's clock; it is 19:00 on 28 February in New York */
	request->start = T0 + 2 * G_TIME_SPAN_HOUR;
	id = create_action(server, request);
	assert_action_eval(emu, id, "d[0]['settings']['start']['value']", "PT7H");
	assert_action_eval(emu, id, "d[0]['settings']['end']['value']", "P2DT5H");

	advance_emulator(emu, 86400);
	g_ptr_array_add(ids, g_strdup(id));
	results = pae_patch_server_get_action_results(server, ids, NULL, &error);
	assert_no_error(error);
	assert_int_equal(results->len, 2);
	result = find_by_id(results, G_STRUCT_OFFSET(PaeActionResult, computer_id), "1001");
	assert_int_equal(result->start, T0 + 2 * G_TIME_SPAN_HOUR);
	/* Kathmandu, +05:45: 02:00 local is 20:15Z the day before, before the issue time */
	result = find_by_id(results, G_STRUCT_OFFSET(PaeActionResult, computer_id), "1003");
	assert_string_equal(result->status, "Fixed");
	assert_int_equal(result->start, T0 + 20 * G_TIME_SPAN_SECOND);

	g_clear_pointer(&server, pae_patch_server_free);
	pae_test_emulator_stop(emu);
}

static void
test_bigfix_find_actions_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(PaePatchServer) server = make_server(f, NULL);
	g_autofree gchar *a1 = create_simple_action(server, "agentA:1");
	g_autofree gchar *a2 = create_simple_action(server, "agentA:2");
	g_autofree gchar *b1 = create_simple_action(server, "agentB:1");
	g_autofree gchar *odd = create_simple_action(server, "agentC:\"100%\"");
	const struct {
		const gchar *prefix;
		guint count;
	} cases[] = {
		{"agentA:", 2},
		{"agentA:2", 1},
		{"agentB", 1},
		{"agent", 4},
		{"agentC:\"100%", 1},
		{"agentC:\"100%25", 0},
		{"agentD", 0},
		{"", 4},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) infos =
			pae_patch_server_find_actions(server, cases[i].prefix, NULL, &error);
		assert_no_error(error);
		if (infos->len != cases[i].count)
			fail_msg("prefix '%s': %u actions", cases[i].prefix, infos->len);
		for (guint j = 0; j < infos->len; j++) {
			PaeActionInfo *info = g_ptr_array_index(infos, j);
			g_autofree gchar *key = pae_action_title_get_key(info->title);
			assert_true(g_str_has_prefix(key, cases[i].prefix));
			assert_string_equal(info->state, "Open");
		}
	}
	{
		g_autoptr(GError) error = NULL;
		g_autoptr(GPtrArray) infos =
			pae_patch_server_find_actions(server, "agentC", NULL, &error);
		PaeActionInfo *info = g_ptr_array_index(infos, 0);
		assert_string_equal(info->action_id, odd);
		assert_string_equal(info->title, "[agentC:\"100%\"] test action");
	}
}

static void
test_bigfix_stop_delete_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(PaePatchServer) server = make_server(f, NULL);
	g_autofree gchar *id = create_simple_action(server, "stop-1");
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) states = NULL;
	g_autoptr(GPtrArray) gone = NULL;
	g_autoptr(GPtrArray) bad_ids = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) bad = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) missing_stop = NULL;
	g_autoptr(GError) missing_delete = NULL;
	g_autoptr(GError) bad_error = NULL;
	g_autoptr(GError) bad_stop = NULL;

	g_ptr_array_add(ids, g_strdup(id));
	assert_true(pae_patch_server_stop_action(server, id, NULL, &error));
	assert_no_error(error);
	states = pae_patch_server_get_action_states(server, ids, NULL, &error);
	assert_no_error(error);
	assert_int_equal(states->len, 1);
	assert_string_equal(((PaeActionInfo *)g_ptr_array_index(states, 0))->state, "Stopped");

	assert_true(pae_patch_server_delete_action(server, id, NULL, &error));
	assert_no_error(error);
	gone = pae_patch_server_get_action_states(server, ids, NULL, &error);
	assert_no_error(error);
	assert_int_equal(gone->len, 0);

	/* 404 with an empty body, not retried */
	clear_requests(f->emu);
	assert_false(pae_patch_server_stop_action(server, id, NULL, &missing_stop));
	assert_error_code(missing_stop, PAE_ERROR_NOT_FOUND);
	assert_false(pae_patch_server_delete_action(server, "999999", NULL, &missing_delete));
	assert_error_code(missing_delete, PAE_ERROR_NOT_FOUND);
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 2);

	/* ids that are not ids never reach the server */
	g_ptr_array_add(bad_ids, g_strdup("1) or (true"));
	bad = pae_patch_server_get_action_results(server, bad_ids, NULL, &bad_error);
	assert_null(bad);
	assert_error_code(bad_error, PAE_ERROR_INVALID_DATA);
	assert_false(pae_patch_server_stop_action(server, "../computers", NULL, &bad_stop));
	assert_error_code(bad_stop, PAE_ERROR_INVALID_DATA);
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 2);
}

/* the server refuses the action: its text is in the error, nothing is retried */
static void
test_bigfix_action_refused_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(PaePatchServer) server = make_server(f, NULL);
	g_autoptr(PaeActionRequest) unknown = make_request("refused-1", PAE_ACTION_TIME_UTC);
	g_autoptr(PaeActionRequest) many = make_request("refused-2", PAE_ACTION_TIME_UTC);
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) too_many = NULL;
	g_autofree gchar *id = NULL;
	g_autofree gchar *id2 = NULL;
	g_autofree gchar *limit = NULL;

	g_ptr_array_add(unknown->patches, pae_patch_ref_new("No Such Site", "1"));
	g_ptr_array_add(unknown->computer_ids, g_strdup("1001"));
	id = pae_patch_server_create_action(server, unknown, NULL, &error);
	assert_null(id);
	assert_error_code(error, PAE_ERROR_BAD_REQUEST);
	assert_non_null(strstr(error->message, "HTTP 400: "));
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/actions"), 1);

	limit = pae_test_emulator_admin(f->emu, "POST", "/admin/config", "{\"target_limit\": 1}");
	g_ptr_array_add(many->patches, pae_patch_ref_new(SITE, "801001"));
	g_ptr_array_add(many->computer_ids, g_strdup("1001"));
	g_ptr_array_add(many->computer_ids, g_strdup("1002"));
	id2 = pae_patch_server_create_action(server, many, NULL, &too_many);
	assert_null(id2);
	assert_error_code(too_many, PAE_ERROR_TOO_LARGE);
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/actions"), 2);
}

/* the reply to POST /api/actions is lost after the action was made: no duplicate */
static void
test_bigfix_action_lost_reply_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(PaePatchServer) server = make_server(f, NULL);
	g_autofree gchar *id = NULL;
	g_autofree gchar *count = NULL;
	g_autofree gchar *existing = NULL;

	add_fault(f->emu,
		  "{\"kind\": \"reset\", \"phase\": \"after\", \"method\": \"POST\", \"path\": "
		  "\"/api/actions\"}");
	id = create_simple_action(server, "lost-1");
	count = pae_test_emulator_admin_eval(
		f->emu,
		"/admin/actions",
		"len([a for a in d if a['title'].startswith('[lost-1]')])");
	assert_string_equal(count, "1");
	assert_action_eval(f->emu, id, "d[0]['title']", "[lost-1] test action");
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/actions"), 1);

	/* a fresh key is posted again when the lookup finds nothing */
	add_fault(f->emu, "{\"kind\": \"status\", \"status\": 503, \"path\": \"/api/actions\"}");
	existing = create_simple_action(server, "lost-2");
	assert_string_not_equal(existing, id);
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/actions"), 3);
}

typedef struct {
	const gchar *name;
	const gchar *fault;
	const gchar *const *overrides;
	gint code; /* -1: succeeds after the retry */
	guint requests;
	guint settle_ms; /* the emulator logs a slow request when it answers */
} FaultCase;

static void
test_bigfix_faults_func(void **state)
{
	Fixture *f = *state;
	const gchar *const short_timeout[] = {"timeout=1s", NULL};
	const gchar *const small_cap[] = {"max_reply_size=1048576", NULL};
	const FaultCase cases[] = {
		{"500 then success",
		 "{\"kind\": \"status\", \"status\": 500, \"count\": 2}",
		 NULL,
		 -1,
		 3},
		{"500 thrice",
		 "{\"kind\": \"status\", \"status\": 500, \"count\": 3}",
		 NULL,
		 PAE_ERROR_SERVER_ERROR,
		 3},
		{"502 thrice",
		 "{\"kind\": \"status\", \"status\": 502, \"count\": 3}",
		 NULL,
		 PAE_ERROR_SERVER_ERROR,
		 3},
		{"503 thrice",
		 "{\"kind\": \"status\", \"status\": 503, \"count\": 3}",
		 NULL,
		 PAE_ERROR_BUSY,
		 3},
		{"429 thrice",
		 "{\"kind\": \"status\", \"status\": 429, \"count\": 3}",
		 NULL,
		 PAE_ERROR_BUSY,
		 3},
		{"403",
		 "{\"kind\": \"status\", \"status\": 403}",
		 NULL,
		 PAE_ERROR_PERMISSION_DENIED,
		 1},
		{"latency once",
		 "{\"kind\": \"latency\", \"ms\": 1500}",
		 short_timeout,
		 -1,
		 2,
		 800},
		{"latency thrice",
		 "{\"kind\": \"latency\", \"ms\": 1500, \"count\": 3}",
		 short_timeout,
		 PAE_ERROR_TIMED_OUT,
		 3,
		 800},
		{"reset once", "{\"kind\": \"reset\"}", NULL, -1, 2},
		{"reset thrice",
		 "{\"kind\": \"reset\", \"count\": 3}",
		 NULL,
		 PAE_ERROR_NOT_REACHABLE,
		 3},
		{"truncated", "{\"kind\": \"truncated\"}", NULL, PAE_ERROR_INVALID_DATA, 1},
		{"malformed", "{\"kind\": \"malformed\"}", NULL, PAE_ERROR_INVALID_DATA, 1},
		{"oversized",
		 "{\"kind\": \"oversized\", \"bytes\": 8388608}",
		 small_cap,
		 PAE_ERROR_TOO_LARGE,
		 1},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(PaePatchServer) server = make_server(f, cases[i].overrides);
		g_autoptr(GPtrArray) computers = NULL;
		g_autoptr(GPtrArray) after = NULL;
		g_autoptr(GError) error = NULL;
		guint requests;

		clear_requests(f->emu);
		add_fault(f->emu, cases[i].fault);
		computers = pae_patch_server_list_computers(server, NULL, &error);
		if (cases[i].code < 0) {
			if (error != NULL)
				fail_msg("%s: %s", cases[i].name, error->message);
			assert_int_equal(computers->len, 4);
		} else {
			if (error == NULL)
				fail_msg("%s: no error", cases[i].name);
			if (error->code != cases[i].code)
				fail_msg("%s: expected %s, got %s: %s",
					 cases[i].name,
					 pae_error_to_string(cases[i].code),
					 pae_error_to_string(error->code),
					 error->message);
			assert_true(g_str_has_prefix(error->message, "bigfix: list computers: "));
			g_debug("%s: %s", cases[i].name, error->message);
		}
		g_usleep(cases[i].settle_ms * G_TIME_SPAN_MILLISECOND);
		requests = pae_test_emulator_count_requests(f->emu, "/api/");
		if (requests != cases[i].requests)
			fail_msg("%s: %u requests, expected %u",
				 cases[i].name,
				 requests,
				 cases[i].requests);

		/* and the next call works */
		clear_faults(f->emu);
		after = pae_patch_server_list_computers(server, NULL, &error);
		assert_non_null(after);
		g_clear_error(&error);
	}
}

static void
test_bigfix_wrong_password_func(void **state)
{
	Fixture *f = *state;
	g_autofree gchar *path =
		pae_test_write_file(f->dir, "wrong-password", "not-the-password\n");
	g_autofree gchar *override = g_strdup_printf("password_file=%s", path);
	const gchar *const overrides[] = {override, NULL};
	g_autoptr(PaePatchServer) server = NULL;
	g_autoptr(GPtrArray) computers = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *status = NULL;

	g_chmod(path, 0600);
	server = make_server(f, overrides);
	computers = pae_patch_server_list_computers(server, NULL, &error);
	assert_null(computers);
	assert_error_code(error, PAE_ERROR_AUTH_FAILED);
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 1);
	status = pae_test_emulator_admin_eval(
		f->emu, "/admin/requests", "d['requests'][0]['status']");
	assert_string_equal(status, "401");
	assert_null(strstr(log_text->str, "not-the-password"));
}

static void
test_bigfix_tls_func(void **state)
{
	Fixture *f = *state;
	const gchar *const no_ca[] = {"ca_file=", NULL};
	const gchar *const insecure[] = {"ca_file=", "insecure_skip_verify=true", NULL};
	g_autoptr(PaePatchServer) strict = make_server(f, no_ca);
	g_autoptr(PaePatchServer) lax = NULL;
	g_autoptr(GPtrArray) refused = NULL;
	g_autoptr(GPtrArray) accepted = NULL;
	g_autoptr(GError) error = NULL;
	guint warnings;

	/* a self-signed certificate without ca_file: refused, not retried */
	refused = pae_patch_server_list_computers(strict, NULL, &error);
	assert_null(refused);
	assert_error_code(error, PAE_ERROR_AUTH_FAILED);
	assert_non_null(strstr(error->message, "ca_file"));
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 0);
	g_clear_error(&error);

	/* the explicit escape hatch works, and says so at every start */
	warnings = log_warnings;
	lax = make_server(f, insecure);
	assert_int_equal(log_warnings, warnings + 1);
	assert_non_null(strstr(log_text->str, "insecure_skip_verify"));
	accepted = pae_patch_server_list_computers(lax, NULL, &error);
	assert_no_error(error);
	assert_int_equal(accepted->len, 4);
}

static void
test_bigfix_breaker_func(void **state)
{
	Fixture *f = *state;
	const gchar *const overrides[] = {
		"retries=0", "breaker_threshold=3", "breaker_cooldown=60s", NULL};
	g_autoptr(PaePatchServer) server = make_server(f, overrides);
	g_autoptr(GPtrArray) works = NULL;
	g_autoptr(GError) error = NULL;

	add_fault(f->emu, "{\"kind\": \"status\", \"status\": 503, \"rate\": 1.0}");
	for (guint i = 0; i < 3; i++) {
		g_autoptr(GPtrArray) computers =
			pae_patch_server_list_computers(server, NULL, &error);
		assert_null(computers);
		assert_error_code(error, PAE_ERROR_BUSY);
		g_clear_error(&error);
	}
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 3);

	/* open: every slot fails at once, and nothing reaches the server */
	for (guint i = 0; i < 5; i++) {
		g_autoptr(GPtrArray) relevant =
			pae_patch_server_list_relevant(server, NULL, &error);
		assert_null(relevant);
		assert_error_code(error, PAE_ERROR_CIRCUIT_OPEN);
		assert_true(pae_error_is_transient(error));
		g_clear_error(&error);
		pae_clock_advance(f->clock, 10 * G_TIME_SPAN_SECOND);
	}
	assert_false(pae_patch_server_stop_action(server, "2001", NULL, &error));
	assert_error_code(error, PAE_ERROR_CIRCUIT_OPEN);
	g_clear_error(&error);
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 3);

	/* after the cooldown one probe goes out; it fails, so the circuit opens again */
	pae_clock_advance(f->clock, 11 * G_TIME_SPAN_SECOND);
	assert_null(pae_patch_server_list_computers(server, NULL, &error));
	assert_error_code(error, PAE_ERROR_BUSY);
	g_clear_error(&error);
	assert_null(pae_patch_server_list_computers(server, NULL, &error));
	assert_error_code(error, PAE_ERROR_CIRCUIT_OPEN);
	g_clear_error(&error);
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 4);

	/* the server is back: the probe succeeds and the circuit closes */
	clear_faults(f->emu);
	pae_clock_advance(f->clock, 61 * G_TIME_SPAN_SECOND);
	works = pae_patch_server_list_computers(server, NULL, &error);
	assert_no_error(error);
	for (guint i = 0; i < 3; i++) {
		g_autoptr(GPtrArray) again = pae_patch_server_list_relevant(server, NULL, &error);
		assert_no_error(error);
	}
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 8);
}

/* a relevance Error comes with HTTP 200: the reply says it, not the status */
static void
test_bigfix_relevance_error_func(void **state)
{
	Fixture *f = *state;
	PaeBigfixTransport transport = {
		.base_url = f->emu->base_url,
		.user = (gchar *)"pae",
		.password = (gchar *)"pae-test-secret",
		.ca_file = f->emu->ca_file,
		.connect_timeout = 2 * G_TIME_SPAN_SECOND,
		.timeout = 10 * G_TIME_SPAN_SECOND,
		.low_speed_time = 10 * G_TIME_SPAN_SECOND,
		.max_reply_size = 1024 * 1024,
	};
	g_autoptr(PaeBigfixClient) client = pae_bigfix_client_new(&transport);
	g_autofree gchar *body = pae_bigfix_relevance_form_body("names of bes wizards");
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) reply = pae_bigfix_client_perform(client,
							    "POST",
							    "/api/query",
							    "application/x-www-form-urlencoded",
							    body,
							    NULL,
							    &error);
	g_autoptr(GPtrArray) rows = NULL;
	gsize len = 0;
	const gchar *data;

	assert_no_error(error);
	data = g_bytes_get_data(reply, &len);
	rows = pae_bigfix_reply_parse_query(data, len, 1024 * 1024, "s", &error);
	assert_null(rows);
	assert_error_code(error, PAE_ERROR_INVALID_DATA);
	assert_non_null(strstr(error->message, "relevance error: The operator \""));
}

static gpointer
cancel_later_cb(gpointer user_data)
{
	g_usleep(300 * G_TIME_SPAN_MILLISECOND);
	g_cancellable_cancel(user_data);
	return NULL;
}

static void
test_bigfix_cancel_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(PaePatchServer) server = make_server(f, NULL);
	g_autoptr(GCancellable) cancellable = g_cancellable_new();
	g_autoptr(GCancellable) later = g_cancellable_new();
	g_autoptr(GPtrArray) computers = NULL;
	g_autoptr(GPtrArray) slow = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) slow_error = NULL;
	GThread *thread;
	gint64 started;

	g_cancellable_cancel(cancellable);
	computers = pae_patch_server_list_computers(server, cancellable, &error);
	assert_null(computers);
	assert_error_code(error, PAE_ERROR_CANCELLED);
	assert_int_equal(pae_test_emulator_count_requests(f->emu, "/api/"), 0);

	/* cancelled while waiting for a slow server */
	add_fault(f->emu, "{\"kind\": \"latency\", \"ms\": 5000}");
	started = g_get_monotonic_time();
	thread = g_thread_new("cancel", cancel_later_cb, later);
	slow = pae_patch_server_list_computers(server, later, &slow_error);
	g_thread_join(thread);
	assert_null(slow);
	assert_error_code(slow_error, PAE_ERROR_CANCELLED);
	assert_true(g_get_monotonic_time() - started < 3 * G_TIME_SPAN_SECOND);
}

static void
test_bigfix_config_problems_func(void **state)
{
	Fixture *f = *state;
	g_autofree gchar *open_password =
		pae_test_write_file(f->dir, "open-password", "pae-test-secret\n");
	g_autofree gchar *password_override = g_strdup_printf("password_file=%s", open_password);
	const gchar *const overrides[] = {"url=http://127.0.0.1:52311",
					  password_override,
					  "patch_sites=",
					  "retry_min=1m",
					  "retry_max=1s",
					  "insecure_skip_verify=maybe",
					  "server_timezone=Mars/Olympus",
					  NULL};
	const gchar *expected[] = {
		"test.conf:[0-9]+: \\[bigfix\\] url: 'http://127.0.0.1:52311' is not an https:// "
		"URL",
		"test.conf:[0-9]+: \\[bigfix\\] password_file: .*open-password is readable by "
		"group or "
		"others \\(mode 0644\\)",
		"test.conf:[0-9]+: \\[bigfix\\] patch_sites: must list at least one site",
		"test.conf:[0-9]+: \\[bigfix\\] retry_max: must not be shorter than retry_min",
		"test.conf:[0-9]+: \\[bigfix\\] insecure_skip_verify: 'maybe' is not a boolean",
		"test.conf:[0-9]+: \\[bigfix\\] server_timezone: 'Mars/Olympus' is not a time zone",
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(PaePatchServer) server = NULL;

	g_chmod(open_password, 0644);
	server = try_make_server(f, f->emu, overrides, &error);
	assert_null(server);
	assert_error_code(error, PAE_ERROR_INVALID_CONFIG);
	for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
		if (!g_regex_match_simple(expected[i], error->message, G_REGEX_MULTILINE, 0))
			fail_msg("no '%s' in:\n%s", expected[i], error->message);
	}
	assert_null(strstr(error->message, "pae-test-secret"));
}

static void
test_bigfix_credentials_directory_func(void **state)
{
	Fixture *f = *state;
	const gchar *const overrides[] = {"password_file=", NULL};
	g_autofree gchar *credentials = g_build_filename(f->dir, "credentials", NULL);
	g_autofree gchar *path = NULL;
	g_autoptr(PaePatchServer) server = NULL;
	g_autoptr(PaePatchServer) missing = NULL;
	g_autoptr(GPtrArray) computers = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) missing_error = NULL;

	/* systemd's LoadCredential=bigfix-password:... */
	g_mkdir_with_parents(credentials, 0700);
	path = pae_test_write_file(credentials, "bigfix-password", "pae-test-secret");
	g_chmod(path, 0400);
	g_setenv("CREDENTIALS_DIRECTORY", credentials, TRUE);
	server = make_server(f, overrides);
	computers = pae_patch_server_list_computers(server, NULL, &error);
	assert_no_error(error);
	assert_int_equal(computers->len, 4);

	g_unsetenv("CREDENTIALS_DIRECTORY");
	missing = try_make_server(f, f->emu, overrides, &missing_error);
	assert_null(missing);
	assert_error_code(missing_error, PAE_ERROR_INVALID_CONFIG);
	assert_non_null(strstr(missing_error->message,
			       "[bigfix] password_file: is empty and $CREDENTIALS_DIRECTORY"));
}

/* runs last: nothing above put a password into a log record */
static void
test_bigfix_no_secret_in_logs_func(void **state)
{
	assert_true(log_text->len > 0);
	assert_non_null(strstr(log_text->str, "POST /api/query: HTTP 200"));
	assert_null(strstr(log_text->str, "pae-test-secret"));
	assert_null(strstr(log_text->str, "not-the-password"));
	assert_null(strstr(log_text->str, "Authorization"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define BIGFIX_TEST(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
		BIGFIX_TEST(test_bigfix_list_computers_func),
		BIGFIX_TEST(test_bigfix_list_relevant_func),
		BIGFIX_TEST(test_bigfix_patch_info_func),
		BIGFIX_TEST(test_bigfix_fleet_scale_func),
		BIGFIX_TEST(test_bigfix_action_utc_func),
		BIGFIX_TEST(test_bigfix_action_local_group_func),
		BIGFIX_TEST(test_bigfix_action_server_timezone_func),
		BIGFIX_TEST(test_bigfix_find_actions_func),
		BIGFIX_TEST(test_bigfix_stop_delete_func),
		BIGFIX_TEST(test_bigfix_action_refused_func),
		BIGFIX_TEST(test_bigfix_action_lost_reply_func),
		BIGFIX_TEST(test_bigfix_faults_func),
		BIGFIX_TEST(test_bigfix_wrong_password_func),
		BIGFIX_TEST(test_bigfix_tls_func),
		BIGFIX_TEST(test_bigfix_breaker_func),
		BIGFIX_TEST(test_bigfix_relevance_error_func),
		BIGFIX_TEST(test_bigfix_cancel_func),
		BIGFIX_TEST(test_bigfix_config_problems_func),
		BIGFIX_TEST(test_bigfix_credentials_directory_func),
		BIGFIX_TEST(test_bigfix_no_secret_in_logs_func),
#undef BIGFIX_TEST
	};
	return cmocka_run_group_tests_name("bigfix", tests, group_setup, group_teardown);
}

/*
 * The builtin change management through its vtable on a temporary database:
 * standard changes approved at once, or new until approved; find, duplicate
 * correlation ids, work notes, every close code, idempotent closes, the id
 * sequence, the [changes] group; and paectl change list, approve and reject
 * run as a program on the same database.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include "pae-changes.h"
#include "pae-error.h"
#include "pae-store-changes.h"
#include "pae-test-util.h"

#define NOW ((PaeTime)1772323200 * G_USEC_PER_SEC) /* 2026-03-01T00:00:00Z */

#define assert_no_error(error)                                                                     \
	do {                                                                                       \
		if ((error) != NULL)                                                               \
			fail_msg("unexpected error: %s", (error)->message);                        \
	} while (0)

typedef struct {
	gchar *dir;
	gchar *path;
	PaeStore *store; /* the test's own connection, next to the backend's */
	PaeClock *clock;
} Fixture;

static int
setup(void **state)
{
	Fixture *f = g_new0(Fixture, 1);
	g_autoptr(GError) error = NULL;

	f->dir = pae_test_make_tmpdir();
	f->path = g_build_filename(f->dir, "state.db", NULL);
	f->store = pae_store_open(f->path, PAE_STORE_OPEN_DEFAULT, &error);
	assert_no_error(error);
	f->clock = pae_clock_new_manual(NOW);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	Fixture *f = *state;

	g_clear_object(&f->store);
	g_clear_object(&f->clock);
	pae_test_remove_tree(f->dir);
	g_free(f->dir);
	g_free(f->path);
	g_free(f);
	return 0;
}

static PaeChanges *
make_changes(Fixture *f, const gchar *conf, GError **error)
{
	g_autoptr(PaeConfigFile) config = pae_config_file_new();
	g_autoptr(GError) error_load = NULL;

	assert_true(pae_config_file_load_data(config, "pae.conf", conf, &error_load));
	return pae_changes_new("builtin", config, f->clock, f->path, error);
}

static PaeChangeRequest *
make_request(const gchar *correlation_id)
{
	PaeChangeRequest *request = pae_change_request_new();
	const gchar *vms[] = {"web-1 (6695eb01-f6a4-8304-79aa-97f2502e193f)",
			      "db-1 (0b6f2c52-9c3e-4d55-a0f3-2f0e1c9a7d11)",
			      NULL};
	const gchar *patches[] = {"Patches for RHEL 8/801: RHSA-2026:0101", NULL};

	request->correlation_id = g_strdup(correlation_id);
	request->summary = g_strdup("acme test stage 1: 1 patch on 2 VMs");
	request->description = g_strdup("monthly high and critical patches");
	request->tenant = g_strdup("acme");
	request->category = g_strdup("test");
	request->window_start = NOW + 2 * G_TIME_SPAN_HOUR;
	request->window_end = NOW + 6 * G_TIME_SPAN_HOUR;
	request->vms = g_strdupv((gchar **)vms);
	request->patches = g_strdupv((gchar **)patches);
	return request;
}

static gchar *
open_change(PaeChanges *changes, const gchar *correlation_id)
{
	g_autoptr(PaeChangeRequest) request = make_request(correlation_id);
	g_autoptr(GError) error = NULL;
	gchar *change_id = pae_changes_open(changes, request, NULL, &error);

	assert_no_error(error);
	assert_non_null(change_id);
	return change_id;
}

static void
assert_state(PaeChanges *changes,
	     const gchar *change_id,
	     PaeChangeState state,
	     const gchar *close_code)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeChangeStatus) status =
		pae_changes_get_status(changes, change_id, NULL, &error);

	assert_no_error(error);
	assert_string_equal(status->change_id, change_id);
	assert_string_equal(pae_change_state_to_string(status->state),
			    pae_change_state_to_string(state));
	if (close_code == NULL)
		assert_null(status->close_code);
	else
		assert_string_equal(status->close_code, close_code);
}

static gboolean
decide(Fixture *f,
       const gchar *change_id,
       PaeChangeState state,
       const gchar *who,
       const gchar *reason,
       GError **error)
{
	g_autoptr(PaeStoreTransaction) txn = pae_store_transaction_begin(f->store, error);

	assert_non_null(txn);
	if (!pae_store_set_change_state(f->store, change_id, state, who, reason, NOW, error))
		return FALSE;
	return pae_store_transaction_commit(txn, error);
}

static void
test_changes_open_standard_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeChanges) changes = make_changes(f, "[agent]\n", &error);
	g_autofree gchar *change_id = NULL;
	g_autoptr(PaeChangeRecord) record = NULL;
	g_autoptr(GPtrArray) notes = NULL;

	assert_no_error(error);
	assert_string_equal(pae_changes_get_name(changes), "builtin");
	change_id = open_change(changes, "plan:acme:test:1:2026-03");
	assert_string_equal(change_id, "CHG0000001");
	assert_state(changes, change_id, PAE_CHANGE_STATE_APPROVED, NULL);

	/* every field went in, read back through the test's own connection */
	record = pae_store_get_change(f->store, change_id, &error);
	assert_no_error(error);
	assert_string_equal(record->correlation_id, "plan:acme:test:1:2026-03");
	assert_string_equal(record->approved_by, "standard change");
	assert_int_equal(record->approved, NOW);
	assert_int_equal(record->opened, NOW);
	assert_int_equal(record->closed, 0);
	assert_int_equal(record->window_start, NOW + 2 * G_TIME_SPAN_HOUR);
	assert_int_equal(record->window_end, NOW + 6 * G_TIME_SPAN_HOUR);
	assert_string_equal(record->tenant, "acme");
	assert_string_equal(record->category, "test");
	assert_string_equal(record->description, "monthly high and critical patches");
	assert_int_equal(g_strv_length(record->vms), 2);
	assert_string_equal(record->vms[1], "db-1 (0b6f2c52-9c3e-4d55-a0f3-2f0e1c9a7d11)");
	assert_int_equal(g_strv_length(record->patches), 1);
	notes = pae_store_list_change_notes(f->store, change_id, &error);
	assert_no_error(error);
	assert_int_equal(notes->len, 1);
	assert_non_null(strstr(((PaeChangeNote *)notes->pdata[0])->note, "pre-approved standard"));
}

static void
test_changes_require_approval_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeChanges) changes =
		make_changes(f, "[changes]\nrequire_approval=true\n", &error);
	g_autofree gchar *change_id = NULL;
	g_autoptr(PaeChangeRecord) record = NULL;
	g_autoptr(GPtrArray) notes = NULL;

	assert_no_error(error);
	change_id = open_change(changes, "corr-1");
	assert_state(changes, change_id, PAE_CHANGE_STATE_NEW, NULL);
	record = pae_store_get_change(f->store, change_id, &error);
	assert_null(record->approved_by);
	assert_int_equal(record->approved, 0);

	assert_true(decide(f, change_id, PAE_CHANGE_STATE_APPROVED, "alice", "looks fine", &error));
	assert_no_error(error);
	assert_state(changes, change_id, PAE_CHANGE_STATE_APPROVED, NULL);
	g_clear_pointer(&record, pae_change_record_free);
	record = pae_store_get_change(f->store, change_id, &error);
	assert_string_equal(record->approved_by, "alice");

	notes = pae_store_list_change_notes(f->store, change_id, &error);
	assert_int_equal(notes->len, 2);
	assert_non_null(strstr(((PaeChangeNote *)notes->pdata[0])->note,
			       "waits for approval (paectl change approve CHG0000001)"));
	assert_string_equal(((PaeChangeNote *)notes->pdata[1])->note,
			    "approved by alice: looks fine");

	/* only a new change is approved or rejected */
	assert_false(decide(f, change_id, PAE_CHANGE_STATE_APPROVED, "bob", NULL, &error));
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_FAILED));
	assert_non_null(strstr(error->message, "only a new change can be approved"));
	g_clear_error(&error);
	assert_false(decide(f, change_id, PAE_CHANGE_STATE_REJECTED, "bob", "no", &error));
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_FAILED));
	g_clear_error(&error);
	/* the rolled-back attempts left no note */
	g_clear_pointer(&notes, g_ptr_array_unref);
	notes = pae_store_list_change_notes(f->store, change_id, &error);
	assert_int_equal(notes->len, 2);
}

static void
test_changes_find_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeChanges) changes = make_changes(f, "", &error);
	g_autofree gchar *change_id = NULL;
	g_autofree gchar *found = NULL;
	g_autofree gchar *missing = NULL;

	assert_no_error(error);
	change_id = open_change(changes, "corr-find");
	found = pae_changes_find(changes, "corr-find", NULL, &error);
	assert_no_error(error);
	assert_string_equal(found, change_id);

	/* none is not an error: the engine then opens one */
	missing = pae_changes_find(changes, "corr-none", NULL, &error);
	assert_no_error(error);
	assert_null(missing);
}

static void
test_changes_duplicate_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeChanges) changes = make_changes(f, "", &error);
	g_autoptr(PaeChangeRequest) request = make_request("corr-dup");
	g_autofree gchar *first = NULL;
	g_autofree gchar *second = NULL;
	g_autoptr(GPtrArray) all = NULL;

	first = open_change(changes, "corr-dup");
	second = pae_changes_open(changes, request, NULL, &error);
	assert_null(second);
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_EXISTS));
	assert_non_null(strstr(error->message, "CHG0000001"));
	g_clear_error(&error);
	all = pae_store_list_changes(f->store, 0, 0, &error);
	assert_int_equal(all->len, 1);
}

static void
test_changes_work_notes_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeChanges) changes = make_changes(f, "", &error);
	g_autofree gchar *change_id = open_change(changes, "corr-notes");
	const gchar *expected[] = {"web-1: action 41 created", "web-1: fixed", "db-1: failed"};
	g_autoptr(GPtrArray) notes = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
		pae_clock_advance(f->clock, G_TIME_SPAN_MINUTE);
		assert_true(
			pae_changes_add_work_note(changes, change_id, expected[i], NULL, &error));
		assert_no_error(error);
	}
	notes = pae_store_list_change_notes(f->store, change_id, &error);
	assert_int_equal(notes->len, 1 + G_N_ELEMENTS(expected));
	for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
		PaeChangeNote *note = notes->pdata[i + 1];
		assert_string_equal(note->note, expected[i]);
		assert_int_equal(note->at, NOW + (i + 1) * G_TIME_SPAN_MINUTE);
	}

	assert_false(pae_changes_add_work_note(changes, "CHG0000099", "lost", NULL, &error));
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_NOT_FOUND));
}

static void
test_changes_close_codes_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeChanges) changes = make_changes(f, "", &error);

	for (guint code = 0; code < PAE_CHANGE_CLOSE_LAST; code++) {
		g_autofree gchar *corr = g_strdup_printf("corr-close-%u", code);
		g_autofree gchar *change_id = open_change(changes, corr);
		const gchar *name = pae_change_close_code_to_string(code);
		g_autoptr(PaeChangeRecord) record = NULL;

		pae_clock_advance(f->clock, G_TIME_SPAN_HOUR);
		assert_true(
			pae_changes_close(changes, change_id, code, "2 of 2 VMs", NULL, &error));
		assert_no_error(error);
		assert_state(changes,
			     change_id,
			     code == PAE_CHANGE_CLOSE_CANCELLED ? PAE_CHANGE_STATE_CANCELLED
								: PAE_CHANGE_STATE_CLOSED,
			     name);
		record = pae_store_get_change(f->store, change_id, &error);
		assert_string_equal(record->close_notes, "2 of 2 VMs");
		assert_int_equal(record->closed, pae_clock_get_now(f->clock));
	}
}

static void
test_changes_close_idempotent_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeChanges) changes = make_changes(f, "", &error);
	g_autofree gchar *change_id = open_change(changes, "corr-again");
	g_autoptr(PaeChangeRecord) record = NULL;

	assert_true(pae_changes_close(
		changes, change_id, PAE_CHANGE_CLOSE_SUCCESSFUL_ISSUES, "first", NULL, &error));
	pae_clock_advance(f->clock, G_TIME_SPAN_HOUR);
	/* a retry after a crash: the same code again changes nothing */
	assert_true(pae_changes_close(
		changes, change_id, PAE_CHANGE_CLOSE_SUCCESSFUL_ISSUES, "second", NULL, &error));
	assert_no_error(error);
	record = pae_store_get_change(f->store, change_id, &error);
	assert_string_equal(record->close_notes, "first");
	assert_int_equal(record->closed, NOW);

	assert_false(pae_changes_close(
		changes, change_id, PAE_CHANGE_CLOSE_UNSUCCESSFUL, "third", NULL, &error));
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_FAILED));
	assert_non_null(strstr(error->message, "closed as successful_issues already"));
	assert_state(changes, change_id, PAE_CHANGE_STATE_CLOSED, "successful_issues");
}

static void
test_changes_close_unapproved_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeChanges) changes =
		make_changes(f, "[changes]\nrequire_approval=true\n", &error);
	g_autofree gchar *waiting = open_change(changes, "corr-waiting");
	g_autofree gchar *rejected = open_change(changes, "corr-rejected");

	/* it never was allowed to run, so it cannot have succeeded */
	assert_false(pae_changes_close(
		changes, waiting, PAE_CHANGE_CLOSE_SUCCESSFUL, NULL, NULL, &error));
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_FAILED));
	g_clear_error(&error);
	assert_true(pae_changes_close(
		changes, waiting, PAE_CHANGE_CLOSE_CANCELLED, "window passed", NULL, &error));
	assert_state(changes, waiting, PAE_CHANGE_STATE_CANCELLED, "cancelled");

	/* a rejection stays visible when the engine withdraws its plan */
	assert_true(decide(f, rejected, PAE_CHANGE_STATE_REJECTED, "carol", "freeze", &error));
	assert_state(changes, rejected, PAE_CHANGE_STATE_REJECTED, NULL);
	assert_true(pae_changes_close(
		changes, rejected, PAE_CHANGE_CLOSE_CANCELLED, "rejected", NULL, &error));
	assert_no_error(error);
	assert_state(changes, rejected, PAE_CHANGE_STATE_REJECTED, "cancelled");
}

static void
test_changes_ids_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeChanges) changes = make_changes(f, "", &error);
	g_autofree gchar *first = open_change(changes, "corr-a");
	g_autofree gchar *second = open_change(changes, "corr-b");
	g_autofree gchar *third = NULL;
	g_autoptr(GPtrArray) all = NULL;
	g_autoptr(GPtrArray) open = NULL;

	assert_string_equal(first, "CHG0000001");
	assert_string_equal(second, "CHG0000002");
	assert_true(
		pae_changes_close(changes, first, PAE_CHANGE_CLOSE_SUCCESSFUL, NULL, NULL, &error));
	third = open_change(changes, "corr-c");
	assert_string_equal(third, "CHG0000003");

	/* newest first, and closed ones only when asked for */
	all = pae_store_list_changes(f->store, 0, 0, &error);
	assert_int_equal(all->len, 3);
	assert_string_equal(((PaeChangeRecord *)all->pdata[0])->change_id, "CHG0000003");
	assert_string_equal(((PaeChangeRecord *)all->pdata[2])->change_id, "CHG0000001");
	open = pae_store_list_changes(f->store, PAE_CHANGE_STATES_OPEN, 1, &error);
	assert_int_equal(open->len, 1);
	assert_string_equal(((PaeChangeRecord *)open->pdata[0])->change_id, "CHG0000003");
	g_clear_pointer(&open, g_ptr_array_unref);
	open = pae_store_list_changes(f->store, PAE_CHANGE_STATES_OPEN, 0, &error);
	assert_int_equal(open->len, 2);
}

static void
test_changes_add_outside_transaction_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeChangeRecord) record = pae_change_record_new();

	/* max + 1 is only unique under the write lock */
	record->correlation_id = g_strdup("corr-bare");
	record->summary = g_strdup("bare");
	record->opened = NOW;
	assert_false(pae_store_add_change(f->store, record, &error));
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_INTERNAL));
	assert_null(record->change_id);
}

static void
test_changes_config_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeChanges) changes =
		make_changes(f, "[changes]\nrequire_approval=maybe\n", &error);

	assert_null(changes);
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_INVALID_CONFIG));
	assert_non_null(strstr(error->message, "pae.conf:2: [changes] require_approval: 'maybe'"));
}

/* ---- paectl change, run as a program ---- */

static gint
run_paectl(Fixture *f, gchar **out, gchar **err, ...)
{
	const gchar *paectl = g_getenv("PAECTL");
	g_autofree gchar *config = pae_test_write_file(f->dir, "pae.conf", "[agent]\n");
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	const gchar *arg;
	gint status = 0;
	va_list args;

	g_ptr_array_add(argv, (gpointer)paectl);
	g_ptr_array_add(argv, (gpointer) "--config");
	g_ptr_array_add(argv, config);
	g_ptr_array_add(argv, (gpointer) "--database");
	g_ptr_array_add(argv, f->path);
	va_start(args, err);
	while ((arg = va_arg(args, const gchar *)) != NULL)
		g_ptr_array_add(argv, (gpointer)arg);
	va_end(args);
	g_ptr_array_add(argv, NULL);
	if (!g_spawn_sync(
		    NULL, (gchar **)argv->pdata, NULL, 0, NULL, NULL, out, err, &status, &error))
		fail_msg("cannot run %s: %s", paectl, error->message);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void
test_changes_paectl_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeChanges) changes = NULL;
	g_autofree gchar *first = NULL;
	g_autofree gchar *second = NULL;
	g_autofree gchar *out = NULL;
	g_autofree gchar *err = NULL;

	if (g_getenv("PAECTL") == NULL)
		skip();
	changes = make_changes(f, "[changes]\nrequire_approval=true\n", &error);
	first = open_change(changes, "corr-ctl-1");
	second = open_change(changes, "corr-ctl-2");

	assert_int_equal(run_paectl(f, &out, &err, "--json", "change", "list", NULL), 0);
	assert_true(g_str_has_prefix(out, "{") && g_str_has_suffix(out, "}\n"));
	assert_non_null(strstr(out, "\"changes\": ["));
	assert_non_null(strstr(out, "\"change_id\": \"CHG0000001\""));
	assert_non_null(strstr(out, "\"change_id\": \"CHG0000002\""));
	assert_non_null(strstr(out, "\"correlation_id\": \"corr-ctl-1\""));
	assert_non_null(strstr(out, "\"state\": \"new\""));
	assert_non_null(strstr(out, "\"vms\": ["));
	assert_non_null(strstr(out, "\"notes\": ["));
	/* newest first */
	assert_true(strstr(out, "CHG0000002") < strstr(out, "CHG0000001"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);

	assert_int_equal(
		run_paectl(f, &out, &err, "change", "approve", first, "--reason", "CAB 12", NULL),
		0);
	assert_non_null(strstr(out, "CHG0000001 approved by "));
	assert_non_null(strstr(out, "next cycle"));
	assert_state(changes, first, PAE_CHANGE_STATE_APPROVED, NULL);
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);

	/* approving it again is refused, clearly */
	assert_int_equal(run_paectl(f, &out, &err, "change", "approve", first, NULL), 1);
	assert_non_null(strstr(err, "CHG0000001 is approved: only a new change can be approved"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);

	/* a rejection needs a reason; an unknown change is named */
	assert_int_equal(run_paectl(f, &out, &err, "change", "reject", second, NULL), 2);
	assert_non_null(strstr(err, "--reason"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	assert_int_equal(run_paectl(f, &out, &err, "change", "approve", "CHG0000042", NULL), 1);
	assert_non_null(strstr(err, "no change CHG0000042"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	assert_int_equal(
		run_paectl(f, &out, &err, "change", "reject", second, "--reason=freeze", NULL), 0);
	assert_state(changes, second, PAE_CHANGE_STATE_REJECTED, NULL);
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);

	/* the rejected one has left the open list; show has its story */
	assert_int_equal(run_paectl(f, &out, &err, "--json", "change", "list", NULL), 0);
	assert_null(strstr(out, "CHG0000002"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	assert_int_equal(run_paectl(f, &out, &err, "change", "show", second, NULL), 0);
	assert_non_null(strstr(out, "rejected by "));
	assert_non_null(strstr(out, ": freeze"));
	g_clear_pointer(&out, g_free);
	g_clear_pointer(&err, g_free);
	assert_int_equal(run_paectl(f, &out, &err, "change", "list", "--all", NULL), 0);
	assert_non_null(strstr(out, "CHG0000002  rejected"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_changes_open_standard_func, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_changes_require_approval_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_find_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_duplicate_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_work_notes_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_close_codes_func, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_changes_close_idempotent_func, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_changes_close_unapproved_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_ids_func, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_changes_add_outside_transaction_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_config_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changes_paectl_func, setup, teardown),
	};
	return cmocka_run_group_tests_name("changes-builtin", tests, NULL, NULL);
}

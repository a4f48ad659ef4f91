/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pae-error.h"
#include "pae-store-actions.h"
#include "pae-store-plans.h"
#include "pae-store-vms.h"
#include "pae-test-util.h"

typedef struct {
	gchar *dir;
	gchar *path;
} Fixture;

static int
setup(void **state)
{
	Fixture *f = g_new0(Fixture, 1);
	f->dir = pae_test_make_tmpdir();
	f->path = g_build_filename(f->dir, "sub", "state.db", NULL);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	Fixture *f = *state;
	pae_test_remove_tree(f->dir);
	g_free(f->dir);
	g_free(f->path);
	g_free(f);
	return 0;
}

static PaeVm *
make_vm(const gchar *uuid, const gchar *name, PaeTime at)
{
	PaeVm *vm = pae_vm_new(uuid);
	vm->name = g_strdup(name);
	vm->tenant = g_strdup("acme");
	vm->category = g_strdup("test");
	vm->timezone = g_strdup("Asia/Kathmandu");
	vm->timezone_source = PAE_TIMEZONE_SOURCE_METADATA;
	vm->state = PAE_VM_STATE_RUNNING;
	vm->domain_id = 7;
	vm->first_seen = at;
	vm->last_seen = at;
	return vm;
}

static gint64
count_rows(PaeStore *store, const gchar *sql)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(sqlite3_stmt) stmt = pae_store_prepare(store, sql, &error);
	assert_non_null(stmt);
	assert_int_equal(pae_store_step_row(store, stmt, &error), 1);
	return sqlite3_column_int64(stmt, 0);
}

static void
test_store_create_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeStore) store = pae_store_open(f->path, PAE_STORE_OPEN_DEFAULT, &error);
	g_autoptr(sqlite3_stmt) mode = NULL;

	assert_non_null(store);
	assert_int_equal(pae_store_get_schema_version(store),
			 pae_store_get_current_schema_version());
	mode = pae_store_prepare(store, "PRAGMA journal_mode", &error);
	assert_int_equal(pae_store_step_row(store, mode, &error), 1);
	assert_string_equal(pae_store_column_text(mode, 0), "wal");
	assert_int_equal(count_rows(store, "PRAGMA foreign_keys"), 1);
	assert_int_equal(count_rows(store, "PRAGMA synchronous"), 2); /* FULL */
	assert_int_equal(count_rows(store, "SELECT COUNT(*) FROM vms"), 0);
}

static void
test_store_vm_round_trip_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeStore) store = pae_store_open(f->path, PAE_STORE_OPEN_DEFAULT, &error);
	g_autoptr(PaeVm) vm = make_vm("6695eb01-f6a4-8304-79aa-97f2502e193f", "web-1", 1000);
	g_autoptr(PaeVm) back = NULL;
	g_autoptr(PaeVm) missing = NULL;
	g_autofree gchar *last_event = NULL;
	g_autoptr(PaeVm) later = NULL;

	assert_true(pae_store_put_vm(store, vm, "DEFINED/ADDED", &error));
	back = pae_store_get_vm(store, vm->uuid, &last_event, &error);
	assert_non_null(back);
	assert_string_equal(back->name, "web-1");
	assert_string_equal(back->timezone, "Asia/Kathmandu");
	assert_int_equal(back->timezone_source, PAE_TIMEZONE_SOURCE_METADATA);
	assert_int_equal(back->state, PAE_VM_STATE_RUNNING);
	assert_int_equal(back->domain_id, 7);
	assert_string_equal(last_event, "DEFINED/ADDED");

	/* an update keeps first_seen */
	later = make_vm(vm->uuid, "web-1-renamed", 5000);
	assert_true(pae_store_put_vm(store, later, NULL, &error));
	g_clear_pointer(&back, pae_vm_free);
	back = pae_store_find_vm(store, "web-1-renamed", &error);
	assert_non_null(back);
	assert_int_equal(back->first_seen, 1000);
	assert_int_equal(back->last_seen, 5000);

	missing = pae_store_get_vm(store, "00000000-0000-0000-0000-000000000000", NULL, &error);
	assert_null(missing);
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_NOT_FOUND));
}

/* the audit trail can be appended to, never changed; keys are enforced */
static void
test_store_history_append_only_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeStore) store = pae_store_open(f->path, PAE_STORE_OPEN_DEFAULT, &error);
	g_autoptr(PaeVm) vm = make_vm("6695eb01-f6a4-8304-79aa-97f2502e193f", "web-1", 1000);
	g_autoptr(PaeHistoryEntry) entry =
		pae_history_entry_new(vm->uuid, 1000, PAE_SOURCE_EVENT, "start");
	g_autoptr(PaeHistoryEntry) orphan = pae_history_entry_new(
		"00000000-0000-0000-0000-000000000001", 1, PAE_SOURCE_EVENT, "x");
	g_autoptr(GPtrArray) listed = NULL;
	g_autoptr(GError) update_error = NULL;
	g_autoptr(GError) delete_error = NULL;
	g_autoptr(GError) orphan_error = NULL;

	assert_true(pae_store_put_vm(store, vm, NULL, &error));
	entry->event = g_strdup("STARTED/BOOTED");
	assert_true(pae_store_add_history(store, entry, &error) > 0);
	assert_false(pae_store_exec(store, "UPDATE history SET kind = 'forged'", &update_error));
	assert_non_null(strstr(update_error->message, "append-only"));
	assert_false(pae_store_exec(store, "DELETE FROM history", &delete_error));
	assert_non_null(strstr(delete_error->message, "append-only"));
	assert_int_equal(pae_store_add_history(store, orphan, &orphan_error), 0);
	assert_non_null(orphan_error);

	listed = pae_store_list_history(store, NULL, 0, 100, &error);
	assert_int_equal(listed->len, 1);
	assert_string_equal(((PaeHistoryEntry *)listed->pdata[0])->kind, "start");
}

static void
load_fixture(const gchar *path, gint version)
{
	g_autofree gchar *name = g_strdup_printf("v%d.sql", version);
	g_autofree gchar *fixture =
		g_build_filename(pae_test_srcdir(), "data", "store", name, NULL);
	g_autofree gchar *sql = NULL;
	g_autofree gchar *dir = g_path_get_dirname(path);
	sqlite3 *db = NULL;
	gchar *errmsg = NULL;

	assert_true(g_file_get_contents(fixture, &sql, NULL, NULL));
	g_mkdir_with_parents(dir, 0755);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &errmsg) != SQLITE_OK)
		fail_msg("fixture %s: %s", name, errmsg);
	sqlite3_close(db);
}

/* every committed old database climbs to the current schema, data intact */
static void
test_store_migrate_fixtures_func(void **state)
{
	Fixture *f = *state;

	for (gint v = 1; v < pae_store_get_current_schema_version(); v++) {
		g_autofree gchar *path = g_strdup_printf("%s/from-v%d.db", f->dir, v);
		g_autoptr(GError) error = NULL;
		g_autoptr(PaeStore) store = NULL;
		g_autoptr(PaeVm) vm = NULL;
		g_autoptr(GPtrArray) history = NULL;
		gint64 cursor = -1;

		load_fixture(path, v);
		store = pae_store_open(path, PAE_STORE_OPEN_DEFAULT, &error);
		if (store == NULL)
			fail_msg("v%d: %s", v, error->message);
		assert_int_equal(pae_store_get_schema_version(store),
				 pae_store_get_current_schema_version());
		vm = pae_store_get_vm(store, "6695eb01-f6a4-8304-79aa-97f2502e193f", NULL, &error);
		assert_non_null(vm);
		assert_string_equal(vm->name, "web-1");
		assert_string_equal(vm->timezone, "Europe/Paris");
		history = pae_store_list_history(store, NULL, 0, 100, &error);
		assert_true(history->len >= 3);
		assert_true(pae_store_get_cursor(store, "engine", &cursor, &error));
		assert_int_equal(cursor, 2);
		if (v >= 2) {
			g_autoptr(PaeAction) action = pae_store_get_action(
				store,
				"pae:ctl-1:baseline:6695eb01-f6a4-8304-79aa-97f2502e193f:"
				"20260301T010000000000Z",
				&error);
			assert_non_null(action);
			assert_string_equal(action->action_id, "2001");
			assert_int_equal(action->targets->len, 1);
			assert_int_equal(action->patches->len, 1);
		}
		if (v >= 3) {
			g_autoptr(PaePlan) plan = pae_store_get_plan(
				store, "pae:c:ctl-1:default:test:20260307T0200L", &error);
			g_autoptr(GPtrArray) exceptions =
				pae_store_list_exceptions(store, NULL, FALSE, 0, &error);
			g_autoptr(GPtrArray) incidents =
				pae_store_list_incidents(store, TRUE, 10, &error);
			assert_non_null(plan);
			assert_int_equal(plan->state, PAE_PLAN_STATE_CHANGE_OPEN);
			assert_int_equal(plan->items->len, 1);
			assert_int_equal(exceptions->len, 1);
			assert_int_equal(incidents->len, 1);
		}
	}
}

/* each step of the ladder, one at a time, ends where a fresh database does */
static void
test_store_migrate_steps_func(void **state)
{
	Fixture *f = *state;

	for (gint v = 0; v < pae_store_get_current_schema_version(); v++) {
		g_autofree gchar *path = g_strdup_printf("%s/step-%d.db", f->dir, v);
		g_autoptr(GError) error = NULL;
		g_autoptr(PaeStore) old = pae_store_open_at_version(path, v, &error);
		g_autoptr(PaeStore) store = NULL;

		assert_non_null(old);
		assert_int_equal(pae_store_get_schema_version(old), v);
		g_clear_object(&old);
		store = pae_store_open(path, PAE_STORE_OPEN_DEFAULT, &error);
		assert_non_null(store);
		assert_int_equal(pae_store_get_schema_version(store),
				 pae_store_get_current_schema_version());
	}
}

static void
test_store_refuse_newer_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeStore) store = pae_store_open(f->path, PAE_STORE_OPEN_DEFAULT, &error);
	g_autofree gchar *bump = g_strdup_printf("PRAGMA user_version = %d",
						 pae_store_get_current_schema_version() + 1);
	g_autoptr(PaeStore) again = NULL;

	assert_true(pae_store_exec(store, bump, &error));
	g_clear_object(&store);
	again = pae_store_open(f->path, PAE_STORE_OPEN_DEFAULT, &error);
	assert_null(again);
	assert_non_null(strstr(error->message, "refusing to touch it"));
	/* and the file is still there, untouched */
	assert_true(g_file_test(f->path, G_FILE_TEST_EXISTS));
}

static void
test_store_read_only_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeStore) missing = pae_store_open(f->path, PAE_STORE_OPEN_READ_ONLY, &error);
	g_autoptr(PaeStore) writer = NULL;
	g_autoptr(PaeStore) reader = NULL;
	g_autoptr(PaeVm) vm = make_vm("6695eb01-f6a4-8304-79aa-97f2502e193f", "web-1", 1);
	g_autoptr(GError) write_error = NULL;

	assert_null(missing);
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_NOT_FOUND));
	g_clear_error(&error);
	writer = pae_store_open(f->path, PAE_STORE_OPEN_DEFAULT, &error);
	assert_true(pae_store_put_vm(writer, vm, NULL, &error));
	reader = pae_store_open(f->path, PAE_STORE_OPEN_READ_ONLY, &error);
	assert_non_null(reader);
	assert_int_equal(count_rows(reader, "SELECT COUNT(*) FROM vms"), 1);
	assert_false(pae_store_put_vm(reader, vm, NULL, &write_error));
}

/* a process killed in the middle of a batch leaves the last commit intact */
static void
test_store_batch_atomic_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeStore) store = pae_store_open(f->path, PAE_STORE_OPEN_DEFAULT, &error);
	g_autoptr(PaeVm) first = make_vm("6695eb01-f6a4-8304-79aa-97f2502e193f", "committed", 1);
	g_autoptr(PaeStore) after = NULL;
	g_autoptr(sqlite3_stmt) check = NULL;
	pid_t pid;
	gint status = 0;

	assert_true(pae_store_put_vm(store, first, NULL, &error));
	g_clear_object(&store);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		g_autoptr(PaeStore) child = pae_store_open(f->path, PAE_STORE_OPEN_DEFAULT, NULL);
		g_autoptr(PaeStoreTransaction) txn = pae_store_transaction_begin(child, NULL);
		for (guint i = 0; i < 2000; i++) {
			g_autofree gchar *uuid =
				g_strdup_printf("00000000-0000-4000-8000-%012u", i);
			g_autoptr(PaeVm) vm = make_vm(uuid, "half-written", 2);
			g_autoptr(PaeHistoryEntry) entry =
				pae_history_entry_new(uuid, 2, PAE_SOURCE_EVENT, "provision");
			pae_store_put_vm(child, vm, NULL, NULL);
			pae_store_add_history(child, entry, NULL);
			if (i == 1500)
				kill(getpid(), SIGKILL);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	after = pae_store_open(f->path, PAE_STORE_OPEN_DEFAULT, &error);
	assert_non_null(after);
	assert_int_equal(count_rows(after, "SELECT COUNT(*) FROM vms"), 1);
	assert_int_equal(count_rows(after, "SELECT COUNT(*) FROM history"), 0);
	check = pae_store_prepare(after, "PRAGMA integrity_check", &error);
	assert_int_equal(pae_store_step_row(after, check, &error), 1);
	assert_string_equal(pae_store_column_text(check, 0), "ok");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_create_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_vm_round_trip_func, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_store_history_append_only_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_migrate_fixtures_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_migrate_steps_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_refuse_newer_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_read_only_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_batch_atomic_func, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}

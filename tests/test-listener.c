/*
 * The listener and the ingest thread against libvirt's in-process test
 * driver: every operation of the testbed's event table, through real
 * libvirt events, into the database.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <libvirt/libvirt.h>
#include <stdlib.h>
#include <string.h>

#include "pae-ingest.h"
#include "pae-libvirt.h"
#include "pae-listener.h"
#include "pae-store-vms.h"
#include "pae-test-util.h"

#define URI  "test:///default"
#define UUID "11111111-2222-4333-8444-555555555555"

typedef struct {
	gchar *dir;
	gchar *database;
	PaeClock *clock;
	PaeIngest *ingest;
	PaeListener *listener;
	PaeStore *store;   /* a reader, as paectl would be */
	virConnect *admin; /* our own connection: it keeps the driver's state alive */
	gint64 stored;
	gint64 seen;
	guint connects;
} Fixture;

static void
trigger_cb(PaeTrigger *trigger, virConnect *conn, gpointer user_data)
{
	Fixture *f = user_data;
	pae_ingest_push_trigger(f->ingest, conn, trigger);
}

static void
connected_cb(virConnect *conn, gpointer user_data)
{
	Fixture *f = user_data;
	f->connects++;
	pae_ingest_push_resync(f->ingest, conn);
}

static void
stored_cb(PaeIngest *ingest, gint64 last_id, gpointer user_data)
{
	Fixture *f = user_data;
	f->stored = MAX(f->stored, last_id);
}

static gboolean
has_new_history(gpointer user_data)
{
	Fixture *f = user_data;
	return f->stored > f->seen;
}

static gboolean
is_connected(gpointer user_data)
{
	Fixture *f = user_data;
	return f->connects > 0;
}

static const PaeListenerCallbacks callbacks = {
	.trigger = trigger_cb,
	.connected = connected_cb,
};

static void
start_listener(Fixture *f)
{
	const PaeListenerOptions options = {
		.uri = URI,
		.keepalive_interval = 5,
		.keepalive_count = 5,
		.reconnect_min = G_TIME_SPAN_MILLISECOND * 100,
		.reconnect_max = G_TIME_SPAN_SECOND,
	};
	f->listener = pae_listener_new(&options, f->clock, &callbacks, f);
	pae_listener_start(f->listener);
}

static int
setup(void **state)
{
	Fixture *f = g_new0(Fixture, 1);
	const PaeVmDefaults defaults = {"default", "production", "UTC"};
	g_autoptr(GError) error = NULL;

	f->dir = pae_test_make_tmpdir();
	f->database = g_build_filename(f->dir, "state.db", NULL);
	f->clock = pae_clock_new_manual((PaeTime)1772323200 * G_USEC_PER_SEC);
	f->admin = virConnectOpen(URI);
	assert_non_null(f->admin);
	f->ingest =
		pae_ingest_new(f->database, f->clock, &defaults, 10 * G_TIME_SPAN_MILLISECOND, 500);
	g_signal_connect(f->ingest, "stored", G_CALLBACK(stored_cb), f);
	assert_true(pae_ingest_start(f->ingest, &error));
	f->store = pae_store_open(f->database, PAE_STORE_OPEN_READ_ONLY, &error);
	assert_non_null(f->store);
	start_listener(f);
	assert_true(pae_test_loop_run_until(is_connected, f, 5000));
	/* the first resync finds the driver's own domain "test" */
	assert_true(pae_test_loop_run_until(has_new_history, f, 5000));
	f->seen = f->stored;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	Fixture *f = *state;
	pae_listener_stop(f->listener);
	g_clear_object(&f->listener);
	pae_ingest_stop(f->ingest);
	g_clear_object(&f->ingest);
	g_clear_object(&f->store);
	g_clear_object(&f->clock);
	virConnectClose(f->admin);
	pae_test_remove_tree(f->dir);
	g_free(f->dir);
	g_free(f->database);
	g_free(f);
	return 0;
}

/* the kinds recorded since the last call, e.g. "start" or "suspend,resume" */
static gchar *
next_kinds(Fixture *f)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) entries = NULL;
	g_autoptr(GString) kinds = g_string_new(NULL);

	if (!pae_test_loop_run_until(has_new_history, f, 5000))
		return g_strdup("(nothing)");
	/* let the rest of a burst arrive */
	pae_ingest_flush(f->ingest);
	while (g_main_context_iteration(NULL, FALSE))
		;
	pae_ingest_flush(f->ingest);
	while (g_main_context_iteration(NULL, FALSE))
		;
	entries = pae_store_list_history(f->store, NULL, f->seen, 100, &error);
	assert_non_null(entries);
	for (guint i = 0; i < entries->len; i++) {
		PaeHistoryEntry *entry = entries->pdata[i];
		if (kinds->len > 0)
			g_string_append_c(kinds, ',');
		g_string_append(kinds, entry->kind);
		f->seen = MAX(f->seen, entry->id);
	}
	f->stored = MAX(f->stored, f->seen);
	return g_string_free(g_steal_pointer(&kinds), FALSE);
}

static void
expect_kinds(Fixture *f, const gchar *operation, const gchar *expected)
{
	g_autofree gchar *got = next_kinds(f);
	if (g_strcmp0(got, expected) != 0)
		fail_msg("%s: expected %s, got %s", operation, expected, got);
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const gchar *const *)a, *(const gchar *const *)b);
}

/* for a resync, whose order is libvirt's listing order */
static void
expect_kinds_in_any_order(Fixture *f, const gchar *operation, const gchar *expected)
{
	g_autofree gchar *got = next_kinds(f);
	g_auto(GStrv) got_parts = g_strsplit(got, ",", -1);
	g_auto(GStrv) expected_parts = g_strsplit(expected, ",", -1);
	g_autofree gchar *got_sorted = NULL;
	g_autofree gchar *expected_sorted = NULL;

	qsort(got_parts, g_strv_length(got_parts), sizeof(gchar *), compare_strings);
	qsort(expected_parts, g_strv_length(expected_parts), sizeof(gchar *), compare_strings);
	got_sorted = g_strjoinv(",", got_parts);
	expected_sorted = g_strjoinv(",", expected_parts);
	if (g_strcmp0(got_sorted, expected_sorted) != 0)
		fail_msg("%s: expected %s, got %s", operation, expected, got);
}

static const gchar *
domain_xml(const gchar *name, const gchar *category)
{
	static gchar xml[1024];
	g_snprintf(xml,
		   sizeof(xml),
		   "<domain type='test'><name>%s</name><uuid>" UUID "</uuid>"
		   "<memory>65536</memory><os><type>hvm</type></os>"
		   "<clock offset='timezone' timezone='Europe/Paris'/>"
		   "<metadata><pae:vm xmlns:pae='urn:x-pae:vm:1'><pae:tenant>acme</pae:tenant>"
		   "<pae:category>%s</pae:category></pae:vm></metadata></domain>",
		   name,
		   category);
	return xml;
}

static PaeVm *
stored_vm(Fixture *f)
{
	g_autoptr(GError) error = NULL;
	PaeVm *vm = pae_store_get_vm(f->store, UUID, NULL, &error);
	assert_non_null(vm);
	return vm;
}

/* the testbed's event table, one operation at a time */
static void
test_listener_lifecycle_func(void **state)
{
	Fixture *f = *state;
	g_autofree gchar *save_path = g_build_filename(f->dir, "vm.save", NULL);
	virDomainPtr dom;
	virDomainSnapshotPtr snap;
	g_autoptr(PaeVm) vm = NULL;

	dom = virDomainDefineXML(f->admin, domain_xml("vm1", "test"));
	assert_non_null(dom);
	expect_kinds(f, "define", "provision");
	vm = stored_vm(f);
	assert_string_equal(vm->tenant, "acme");
	assert_string_equal(vm->category, "test");
	assert_string_equal(vm->timezone, "Europe/Paris");
	assert_int_equal(vm->timezone_source, PAE_TIMEZONE_SOURCE_CLOCK);
	g_clear_pointer(&vm, pae_vm_free);

	assert_int_equal(virDomainCreate(dom), 0);
	expect_kinds(f, "start", "start");
	assert_int_equal(virDomainSuspend(dom), 0);
	expect_kinds(f, "suspend", "suspend");
	assert_int_equal(virDomainResume(dom), 0);
	expect_kinds(f, "resume", "resume");

	snap = virDomainSnapshotCreateXML(
		dom, "<domainsnapshot><name>s1</name></domainsnapshot>", 0);
	assert_non_null(snap);
	assert_int_equal(virDomainSetMetadata(
				 dom,
				 VIR_DOMAIN_METADATA_ELEMENT,
				 "<vm><tenant>acme</tenant><category>production</category></vm>",
				 "pae",
				 "urn:x-pae:vm:1",
				 VIR_DOMAIN_AFFECT_CURRENT),
			 0);
	expect_kinds(f, "set metadata", "category-change");
	vm = stored_vm(f);
	assert_string_equal(vm->category, "production");
	g_clear_pointer(&vm, pae_vm_free);

	/* the revert brings the snapshot's metadata back: category test again */
	assert_int_equal(virDomainRevertToSnapshot(snap, 0), 0);
	expect_kinds(f, "snapshot revert", "revert");
	vm = stored_vm(f);
	assert_string_equal(vm->category, "test");
	assert_string_equal(vm->current_snapshot, "s1");
	g_clear_pointer(&vm, pae_vm_free);
	virDomainSnapshotFree(snap);

	assert_int_equal(virDomainSave(dom, save_path), 0);
	expect_kinds(f, "save", "suspend");
	virDomainFree(dom);
	assert_int_equal(virDomainRestore(f->admin, save_path), 0);
	expect_kinds(f, "restore", "resume");

	dom = virDomainLookupByUUIDString(f->admin, UUID);
	assert_int_equal(virDomainDestroy(dom), 0);
	expect_kinds(f, "destroy", "stop");
	assert_int_equal(virDomainSnapshotNum(dom, 0) >= 0, 1);
	assert_int_equal(virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA), 0);
	expect_kinds(f, "undefine", "deprovision");
	vm = stored_vm(f);
	assert_int_equal(vm->state, PAE_VM_STATE_UNDEFINED);
	assert_true(vm->retired != 0);
	virDomainFree(dom);
}

/* redefining the XML emits DEFINED/UPDATED only: the new category is still seen */
static void
test_listener_redefine_func(void **state)
{
	Fixture *f = *state;
	virDomainPtr dom = virDomainDefineXML(f->admin, domain_xml("vm2", "test"));

	expect_kinds(f, "define", "provision");
	virDomainFree(dom);
	dom = virDomainDefineXML(f->admin, domain_xml("vm2", "dev"));
	expect_kinds(f, "redefine", "category-change");
	virDomainUndefine(dom);
	virDomainFree(dom);
	expect_kinds(f, "undefine", "deprovision");
}

/* a rename is two events with one UUID: the VM keeps its identity */
static void
test_listener_rename_func(void **state)
{
	Fixture *f = *state;
	virDomainPtr dom = virDomainDefineXML(f->admin, domain_xml("old-name", "test"));
	g_autoptr(PaeVm) vm = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) all = NULL;

	expect_kinds(f, "define", "provision");
	assert_int_equal(virDomainRename(dom, "new name «ü»", 0), 0);
	expect_kinds(f, "rename", "rename");
	vm = stored_vm(f);
	assert_string_equal(vm->name, "new name «ü»");
	assert_int_equal(vm->retired, 0);
	all = pae_store_list_vms(f->store, TRUE, &error);
	for (guint i = 0; i < all->len; i++)
		assert_string_not_equal(((PaeVm *)all->pdata[i])->name, "old-name");
	virDomainUndefine(dom);
	virDomainFree(dom);
	expect_kinds(f, "undefine", "deprovision");
}

/* a typo in one domain's metadata is a warning and a default, never a crash */
static void
test_listener_invalid_metadata_func(void **state)
{
	Fixture *f = *state;
	guint warnings = pae_test_get_warning_count();
	virDomainPtr dom = virDomainDefineXML(
		f->admin,
		"<domain type='test'><name>typo</name><uuid>" UUID "</uuid>"
		"<memory>65536</memory><os><type>hvm</type></os><metadata>"
		"<pae:vm xmlns:pae='urn:x-pae:vm:1'><pae:category>pro duction</pae:category>"
		"<pae:timezone>Europe/Atlantis</pae:timezone></pae:vm></metadata></domain>");
	g_autoptr(PaeVm) vm = NULL;

	expect_kinds(f, "define", "provision");
	vm = stored_vm(f);
	assert_string_equal(vm->category, "production");
	assert_string_equal(vm->timezone, "UTC");
	assert_true(pae_test_get_warning_count() >= warnings + 2);
	virDomainUndefine(dom);
	virDomainFree(dom);
	expect_kinds(f, "undefine", "deprovision");
}

/* what happens while nobody listens is found by the resync after a reconnect */
static void
test_listener_resync_func(void **state)
{
	Fixture *f = *state;
	virDomainPtr dom = virDomainDefineXML(f->admin, domain_xml("quiet", "test"));
	virDomainPtr other;

	assert_non_null(dom);
	expect_kinds(f, "define", "provision");
	pae_listener_stop(f->listener);
	g_clear_object(&f->listener);

	assert_int_equal(virDomainCreate(dom), 0);
	assert_int_equal(virDomainSetMetadata(
				 dom,
				 VIR_DOMAIN_METADATA_ELEMENT,
				 "<vm><tenant>acme</tenant><category>production</category></vm>",
				 "pae",
				 "urn:x-pae:vm:1",
				 VIR_DOMAIN_AFFECT_CURRENT),
			 0);
	other = virDomainDefineXML(f->admin,
				   "<domain type='test'><name>born-unseen</name>"
				   "<memory>65536</memory><os><type>hvm</type></os></domain>");
	assert_non_null(other);

	f->connects = 0;
	start_listener(f);
	assert_true(pae_test_loop_run_until(is_connected, f, 5000));
	expect_kinds_in_any_order(f, "resync", "provision,category-change,start");

	virDomainDestroy(dom);
	virDomainUndefine(dom);
	virDomainUndefine(other);
	virDomainFree(dom);
	virDomainFree(other);
	expect_kinds_in_any_order(f, "cleanup", "stop,deprovision,deprovision");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_listener_lifecycle_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listener_redefine_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listener_rename_func, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_listener_invalid_metadata_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listener_resync_func, setup, teardown),
	};
	pae_test_expect_warnings();
	pae_libvirt_setup();
	return cmocka_run_group_tests_name("listener", tests, NULL, NULL);
}

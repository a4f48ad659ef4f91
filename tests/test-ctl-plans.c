/*
 * paectl plan, exception and incidents, run as a program on a temporary
 * database built through the store: plans in local and absolute time mode
 * with VMs in Asia/Kathmandu (+05:45) and America/New_York (just after its
 * DST step), their windows in each VM's time and in UTC, --all and --json;
 * exceptions added, listed and removed, and every bad argument refused
 * without writing; incidents open and resolved.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include "pae-error.h"
#include "pae-store-compliance.h"
#include "pae-store-plans.h"
#include "pae-store-vms.h"
#include "pae-test-util.h"

#define NOW ((PaeTime)1772323200 * G_USEC_PER_SEC) /* 2026-03-01T00:00:00Z */

#define WEB_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f" /* Asia/Kathmandu */
#define DB_UUID	 "0b6f2c52-9c3e-4d55-a0f3-2f0e1c9a7d11" /* America/New_York */
#define APP_UUID "3c1e4b2a-1111-4222-8333-944455556666" /* UTC */
#define SITE	 "Patches for RHEL 8"

#define PLAN_LOCAL    "plan:acme:test:1:2026-03"
#define PLAN_ABSOLUTE "plan:acme:production:2:2026-03"
#define PLAN_CLOSED   "plan:acme:test:1:2026-02"

#define assert_no_error(error)                                                                     \
	do {                                                                                       \
		if ((error) != NULL)                                                               \
			fail_msg("unexpected error: %s", (error)->message);                        \
	} while (0)

#define assert_contains(haystack, needle)                                                          \
	do {                                                                                       \
		if (strstr((haystack), (needle)) == NULL)                                          \
			fail_msg("'%s' not in:\n%s", (needle), (haystack));                        \
	} while (0)

#define assert_not_contains(haystack, needle)                                                      \
	do {                                                                                       \
		if (strstr((haystack), (needle)) != NULL)                                          \
			fail_msg("'%s' unexpectedly in:\n%s", (needle), (haystack));               \
	} while (0)

typedef struct {
	gchar *dir;
	gchar *path;
	gchar *config;
	PaeStore *store;
	gchar *out;
	gchar *err;
} Fixture;

static PaeTime
at(const gchar *iso8601)
{
	PaeTime t = 0;
	if (!pae_time_from_iso8601(iso8601, &t))
		fail_msg("bad time in the test: %s", iso8601);
	return t;
}

static void
add_vm(Fixture *f, const gchar *uuid, const gchar *name, const gchar *timezone)
{
	g_autoptr(PaeVm) vm = pae_vm_new(uuid);
	g_autoptr(GError) error = NULL;

	vm->name = g_strdup(name);
	vm->tenant = g_strdup("acme");
	vm->category = g_strdup("test");
	vm->timezone = g_strdup(timezone);
	vm->state = PAE_VM_STATE_RUNNING;
	vm->domain_id = 1;
	vm->first_seen = NOW - G_TIME_SPAN_DAY;
	vm->last_seen = NOW;
	assert_true(pae_store_put_vm(f->store, vm, "resync", &error));
	assert_no_error(error);
}

static PaePlanItem *
make_item(const gchar *vm_uuid, const gchar *fixlet_id, const gchar *start, const gchar *end)
{
	PaePlanItem *item = pae_plan_item_new(vm_uuid, SITE, fixlet_id);
	item->start = at(start);
	item->end = at(end);
	item->deadline = at("2026-03-31T00:00:00Z");
	return item;
}

static void
add_plans(Fixture *f)
{
	g_autoptr(PaePlan) local = pae_plan_new(PLAN_LOCAL);
	g_autoptr(PaePlan) absolute = pae_plan_new(PLAN_ABSOLUTE);
	g_autoptr(PaePlan) closed = pae_plan_new(PLAN_CLOSED);
	g_autoptr(PaePatchInfo) info = pae_patch_info_new();
	g_autoptr(GError) error = NULL;
	PaePlanItem *item;

	info->site = g_strdup(SITE);
	info->fixlet_id = g_strdup("801");
	info->name = g_strdup("RHSA-2026:0101: kernel security update");
	assert_true(pae_store_put_patch_info(f->store, info, NOW, &error));
	assert_no_error(error);

	/* 02:00 to 06:00 in each VM's own time on 2026-03-10 */
	local->tenant = g_strdup("acme");
	local->category = g_strdup("test");
	local->stage = 1;
	local->time_mode = PAE_ACTION_TIME_LOCAL;
	local->window_start = at("2026-03-10T02:00:00Z");
	local->window_end = at("2026-03-10T06:00:00Z");
	local->first_start = at("2026-03-09T20:15:00Z");
	local->state = PAE_PLAN_STATE_SCHEDULED;
	local->change_id = g_strdup("CHG0000001");
	local->change_state = g_strdup("approved");
	local->created = NOW;
	local->updated = NOW;
	/* Kathmandu is +05:45: 02:00 there is 20:15 UTC the day before */
	g_ptr_array_add(local->items,
			make_item(WEB_UUID, "801", "2026-03-09T20:15:00Z", "2026-03-10T00:15:00Z"));
	/* New York moved to EDT (-04:00) on 2026-03-08 */
	g_ptr_array_add(local->items,
			make_item(DB_UUID, "801", "2026-03-10T06:00:00Z", "2026-03-10T10:00:00Z"));
	item = make_item(DB_UUID, "802", "2026-03-10T06:00:00Z", "2026-03-10T10:00:00Z");
	item->late = TRUE;
	item->action_key = g_strdup("act:acme:802:db-1");
	g_ptr_array_add(local->items, item);
	assert_true(pae_store_add_plan(f->store, local, &error));
	assert_no_error(error);

	/* one instant for every VM: 22:00 UTC is 03:45 the next day in Kathmandu */
	absolute->tenant = g_strdup("acme");
	absolute->category = g_strdup("production");
	absolute->stage = 2;
	absolute->time_mode = PAE_ACTION_TIME_UTC;
	absolute->window_start = at("2026-03-20T22:00:00Z");
	absolute->window_end = at("2026-03-21T02:00:00Z");
	absolute->first_start = absolute->window_start;
	absolute->state = PAE_PLAN_STATE_PLANNED;
	absolute->created = NOW;
	absolute->updated = NOW;
	g_ptr_array_add(absolute->items,
			make_item(APP_UUID, "801", "2026-03-20T22:00:00Z", "2026-03-21T02:00:00Z"));
	g_ptr_array_add(absolute->items,
			make_item(WEB_UUID, "803", "2026-03-20T22:00:00Z", "2026-03-21T02:00:00Z"));
	assert_true(pae_store_add_plan(f->store, absolute, &error));
	assert_no_error(error);

	closed->tenant = g_strdup("acme");
	closed->category = g_strdup("test");
	closed->stage = 1;
	closed->time_mode = PAE_ACTION_TIME_LOCAL;
	closed->window_start = at("2026-02-10T02:00:00Z");
	closed->window_end = at("2026-02-10T06:00:00Z");
	closed->first_start = at("2026-02-09T20:15:00Z");
	closed->state = PAE_PLAN_STATE_CLOSED;
	closed->change_id = g_strdup("CHG0000000");
	closed->created = NOW - 30 * G_TIME_SPAN_DAY;
	closed->updated = NOW - 20 * G_TIME_SPAN_DAY;
	g_ptr_array_add(closed->items,
			make_item(WEB_UUID, "799", "2026-02-09T20:15:00Z", "2026-02-10T00:15:00Z"));
	assert_true(pae_store_add_plan(f->store, closed, &error));
	assert_no_error(error);
}

static int
setup(void **state)
{
	Fixture *f = g_new0(Fixture, 1);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *clock = NULL;
	g_autofree gchar *conf = NULL;

	f->dir = pae_test_make_tmpdir();
	f->path = g_build_filename(f->dir, "state.db", NULL);
	/* the agent's clock, stopped at NOW: paectl takes "now" from it */
	clock = g_build_filename(f->dir, "clock", NULL);
	assert_true(pae_clock_file_write(clock, NOW, 0.0, 0.0, &error));
	assert_no_error(error);
	conf = g_strdup_printf("[agent]\nclock_file=%s\n", clock);
	f->config = pae_test_write_file(f->dir, "pae.conf", conf);
	f->store = pae_store_open(f->path, PAE_STORE_OPEN_DEFAULT, &error);
	assert_no_error(error);
	add_vm(f, WEB_UUID, "web-1", "Asia/Kathmandu");
	add_vm(f, DB_UUID, "db-1", "America/New_York");
	add_vm(f, APP_UUID, "app-1", "UTC");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	Fixture *f = *state;

	g_clear_object(&f->store);
	pae_test_remove_tree(f->dir);
	g_free(f->dir);
	g_free(f->path);
	g_free(f->config);
	g_free(f->out);
	g_free(f->err);
	g_free(f);
	return 0;
}

/* runs paectl on the fixture's database; its output lands in f->out, f->err */
static gint
run_paectl(Fixture *f, ...)
{
	const gchar *paectl = g_getenv("PAECTL");
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	const gchar *arg;
	gint status = 0;
	va_list args;

	g_clear_pointer(&f->out, g_free);
	g_clear_pointer(&f->err, g_free);
	g_ptr_array_add(argv, (gpointer)paectl);
	g_ptr_array_add(argv, (gpointer) "--config");
	g_ptr_array_add(argv, f->config);
	g_ptr_array_add(argv, (gpointer) "--database");
	g_ptr_array_add(argv, f->path);
	va_start(args, f);
	while ((arg = va_arg(args, const gchar *)) != NULL)
		g_ptr_array_add(argv, (gpointer)arg);
	va_end(args);
	g_ptr_array_add(argv, NULL);
	if (!g_spawn_sync(NULL,
			  (gchar **)argv->pdata,
			  NULL,
			  0,
			  NULL,
			  NULL,
			  &f->out,
			  &f->err,
			  &status,
			  &error))
		fail_msg("cannot run %s: %s", paectl, error->message);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

#define assert_paectl(f, status, ...)                                                              \
	do {                                                                                       \
		gint rc_ = run_paectl((f), __VA_ARGS__, NULL);                                     \
		if (rc_ != (status))                                                               \
			fail_msg("paectl exited %d, not %d\nstdout:\n%s\nstderr:\n%s",             \
				 rc_,                                                              \
				 (status),                                                         \
				 (f)->out,                                                         \
				 (f)->err);                                                        \
	} while (0)

/* the one line of @text holding @needle */
static gchar *
line_with(const gchar *text, const gchar *needle)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	gchar *found = NULL;

	for (guint i = 0; lines[i] != NULL; i++) {
		if (strstr(lines[i], needle) == NULL)
			continue;
		if (found != NULL)
			fail_msg("'%s' on more than one line of:\n%s", needle, text);
		found = g_strdup(lines[i]);
	}
	if (found == NULL)
		fail_msg("no line with '%s' in:\n%s", needle, text);
	return found;
}

/* the JSON object of @text that holds @needle, from its '{' to its '}' (no nesting) */
static gchar *
object_with(const gchar *text, const gchar *needle)
{
	const gchar *hit = strstr(text, needle);
	const gchar *begin;
	const gchar *end;

	if (hit == NULL)
		fail_msg("'%s' not in:\n%s", needle, text);
	for (begin = hit; begin > text && *begin != '{'; begin--)
		;
	end = strchr(hit, '}');
	assert_non_null(end);
	return g_strndup(begin, end - begin + 1);
}

static void
skip_without_paectl(void)
{
	if (g_getenv("PAECTL") == NULL)
		skip();
}

static void
test_ctl_plan_list_func(void **state)
{
	Fixture *f = *state;
	g_autofree gchar *line = NULL;
	g_autofree gchar *object = NULL;

	skip_without_paectl();
	assert_paectl(f, 0, "plan");
	assert_contains(f->out, "no plans to come");

	add_plans(f);
	assert_paectl(f, 0, "plan");
	assert_not_contains(f->out, PLAN_CLOSED);
	line = line_with(f->out, PLAN_LOCAL);
	assert_contains(line, "acme");
	assert_contains(line, "local");
	assert_contains(line, "2026-03-10 02:00 local");
	assert_contains(line, "2026-03-10 06:00 local");
	assert_contains(line, "scheduled");
	assert_contains(line, "CHG0000001");
	g_clear_pointer(&line, g_free);
	line = line_with(f->out, PLAN_ABSOLUTE);
	assert_contains(line, "absolute");
	assert_contains(line, "2026-03-20 22:00Z");
	assert_contains(line, "2026-03-21 02:00Z");
	assert_contains(line, "planned");
	/* the earliest window first */
	assert_true(strstr(f->out, PLAN_LOCAL) < strstr(f->out, PLAN_ABSOLUTE));
	g_clear_pointer(&line, g_free);

	assert_paectl(f, 0, "plan", "--all");
	line = line_with(f->out, PLAN_CLOSED);
	assert_contains(line, "closed");

	assert_paectl(f, 0, "--json", "plan");
	assert_true(g_str_has_prefix(f->out, "{") && g_str_has_suffix(f->out, "}\n"));
	assert_contains(f->out, "\"plans\": [");
	assert_not_contains(f->out, PLAN_CLOSED);
	object = object_with(f->out, "\"key\": \"" PLAN_LOCAL "\"");
	assert_contains(object, "\"tenant\": \"acme\"");
	assert_contains(object, "\"category\": \"test\"");
	assert_contains(object, "\"stage\": 1");
	assert_contains(object, "\"time_mode\": \"local\"");
	/* a wall-clock time: no offset */
	assert_contains(object, "\"window_start\": \"2026-03-10T02:00:00\"");
	assert_contains(object, "\"window_end\": \"2026-03-10T06:00:00\"");
	assert_contains(object, "\"first_start\": \"2026-03-09T20:15:00Z\"");
	assert_contains(object, "\"state\": \"scheduled\"");
	assert_contains(object, "\"change_id\": \"CHG0000001\"");
	assert_contains(object, "\"vm_count\": 2");
	assert_contains(object, "\"patch_count\": 2");
	g_clear_pointer(&object, g_free);
	object = object_with(f->out, "\"key\": \"" PLAN_ABSOLUTE "\"");
	assert_contains(object, "\"time_mode\": \"absolute\"");
	assert_contains(object, "\"window_start\": \"2026-03-20T22:00:00Z\"");
	assert_contains(object, "\"change_id\": null");
	assert_contains(object, "\"vm_count\": 2");
	assert_contains(object, "\"patch_count\": 2");
	g_clear_pointer(&object, g_free);
	assert_paectl(f, 0, "--json", "plan", "--all");
	assert_contains(f->out, "\"key\": \"" PLAN_CLOSED "\"");

	/* usage errors */
	assert_paectl(f, 2, "plan", "--bogus");
	assert_contains(f->err, "usage:");
	assert_paectl(f, 2, "plan", "web-1", "db-1");
}

static void
test_ctl_plan_vm_func(void **state)
{
	Fixture *f = *state;
	g_autofree gchar *line = NULL;
	g_autofree gchar *object = NULL;

	skip_without_paectl();
	add_plans(f);

	/* Kathmandu: local 02:00 is 20:15 UTC the day before */
	assert_paectl(f, 0, "plan", "web-1");
	assert_contains(f->out, "web-1 (" WEB_UUID "), time zone Asia/Kathmandu");
	assert_not_contains(f->out, PLAN_CLOSED);
	line = line_with(f->out, PLAN_LOCAL);
	assert_contains(line, "2026-03-10 02:00 +05:45");
	assert_contains(line, "2026-03-10 06:00 +05:45");
	assert_contains(line, "2026-03-09 20:15Z");
	assert_contains(line, "2026-03-10 00:15Z");
	assert_contains(line, SITE "/801");
	assert_contains(line, "RHSA-2026:0101: kernel security update");
	assert_contains(line, "2026-03-31 00:00Z");
	assert_contains(line, "scheduled");
	g_clear_pointer(&line, g_free);
	/* absolute: one instant, 03:45 the next morning in Kathmandu */
	line = line_with(f->out, PLAN_ABSOLUTE);
	assert_contains(line, "2026-03-21 03:45 +05:45");
	assert_contains(line, "2026-03-20 22:00Z");
	assert_contains(line, SITE "/803");
	g_clear_pointer(&line, g_free);

	assert_paectl(f, 0, "plan", "--all", "web-1");
	line = line_with(f->out, PLAN_CLOSED);
	assert_contains(line, "2026-02-10 02:00 +05:45");
	assert_contains(line, "2026-02-09 20:15Z");
	assert_contains(line, "closed");
	g_clear_pointer(&line, g_free);

	/* New York, by UUID: EDT since 2026-03-08, so 02:00 local is 06:00 UTC */
	assert_paectl(f, 0, "--json", "plan", DB_UUID);
	assert_contains(f->out, "\"vm\": {");
	assert_contains(f->out, "\"name\": \"db-1\"");
	assert_contains(f->out, "\"items\": [");
	assert_not_contains(f->out, PLAN_ABSOLUTE);
	object = object_with(f->out, "\"fixlet_id\": \"801\"");
	assert_contains(object, "\"plan\": \"" PLAN_LOCAL "\"");
	assert_contains(object, "\"plan_state\": \"scheduled\"");
	assert_contains(object, "\"time_mode\": \"local\"");
	assert_contains(object, "\"change_id\": \"CHG0000001\"");
	assert_contains(object, "\"vm\": \"" DB_UUID "\"");
	assert_contains(object, "\"vm_name\": \"db-1\"");
	assert_contains(object, "\"timezone\": \"America/New_York\"");
	assert_contains(object, "\"site\": \"" SITE "\"");
	assert_contains(object, "\"name\": \"RHSA-2026:0101: kernel security update\"");
	assert_contains(object, "\"start\": \"2026-03-10T06:00:00Z\"");
	assert_contains(object, "\"end\": \"2026-03-10T10:00:00Z\"");
	assert_contains(object, "\"start_local\": \"2026-03-10T02:00:00-04:00\"");
	assert_contains(object, "\"end_local\": \"2026-03-10T06:00:00-04:00\"");
	assert_contains(object, "\"late\": false");
	assert_contains(object, "\"deadline\": \"2026-03-31T00:00:00Z\"");
	assert_contains(object, "\"action_key\": null");
	g_clear_pointer(&object, g_free);
	/* a patch whose metadata is not cached has no name */
	object = object_with(f->out, "\"fixlet_id\": \"802\"");
	assert_contains(object, "\"name\": null");
	assert_contains(object, "\"late\": true");
	assert_contains(object, "\"action_key\": \"act:acme:802:db-1\"");
	g_clear_pointer(&object, g_free);

	/* a VM with nothing planned */
	assert_paectl(f, 0, "plan", "app-1", "--all");
	assert_contains(f->out, PLAN_ABSOLUTE);
	assert_not_contains(f->out, PLAN_LOCAL);

	/* one plan, every VM in it */
	assert_paectl(f, 0, "plan", PLAN_LOCAL);
	assert_contains(f->out, PLAN_LOCAL ": scheduled");
	assert_contains(f->out, "each VM in its own time zone");
	line = line_with(f->out, "Asia/Kathmandu");
	assert_contains(line, "web-1");
	assert_contains(line, "2026-03-10 02:00 +05:45");
	assert_contains(line, "2026-03-09 20:15Z");
	g_clear_pointer(&line, g_free);
	line = line_with(f->out, SITE "/802");
	assert_contains(line, "db-1");
	assert_contains(line, "2026-03-10 02:00 -04:00");
	assert_contains(line, "2026-03-10 06:00Z");
	assert_contains(line, "late");
	g_clear_pointer(&line, g_free);
	assert_paectl(f, 0, "--json", "plan", PLAN_ABSOLUTE);
	assert_contains(f->out, "\"plan\": {");
	assert_contains(f->out, "\"time_mode\": \"absolute\"");
	object = object_with(f->out, "\"vm\": \"" APP_UUID "\"");
	assert_contains(object, "\"start_local\": \"2026-03-20T22:00:00+00:00\"");
	g_clear_pointer(&object, g_free);
	object = object_with(f->out, "\"vm\": \"" WEB_UUID "\"");
	assert_contains(object, "\"start_local\": \"2026-03-21T03:45:00+05:45\"");

	/* neither a VM nor a plan */
	assert_paectl(f, 1, "plan", "nosuch");
	assert_contains(f->err, "no VM or plan 'nosuch'");
}

static guint
count_exceptions(Fixture *f)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) all = pae_store_list_exceptions(f->store, NULL, FALSE, 0, &error);

	assert_no_error(error);
	return all->len;
}

static PaeException *
get_exception(Fixture *f, gint64 id)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) all = pae_store_list_exceptions(f->store, NULL, FALSE, 0, &error);

	assert_no_error(error);
	for (guint i = 0; i < all->len; i++) {
		PaeException *e = all->pdata[i];
		if (e->id == id)
			return g_ptr_array_steal_index(all, i);
	}
	fail_msg("no exception #%" G_GINT64_FORMAT, id);
	return NULL;
}

static void
test_ctl_exception_round_trip_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeException) e = NULL;
	g_autoptr(PaeException) old = pae_exception_new(PAE_EXCEPTION_EXCLUDE, DB_UUID);
	g_autofree gchar *line = NULL;
	g_autofree gchar *object = NULL;
	gint64 history;

	skip_without_paectl();
	history = pae_store_get_history_last_id(f->store, &error);
	assert_no_error(error);

	assert_paectl(f, 0, "exception", "list");
	assert_contains(f->out, "no exceptions in force");

	/* defer one patch; the requester is the invoking user, expiry the --until */
	assert_paectl(f,
		      0,
		      "exception",
		      "add",
		      "--vm",
		      "web-1",
		      "--kind",
		      "defer",
		      "--patch",
		      SITE "/801",
		      "--until",
		      "2026-04-01",
		      "--reason",
		      "quarter-end freeze of the shop");
	assert_contains(f->out, "exception #1: defer " SITE "/801 on web-1");
	assert_contains(f->out, "until 2026-04-01 00:00Z");
	e = get_exception(f, 1);
	assert_int_equal(e->kind, PAE_EXCEPTION_DEFER);
	assert_string_equal(e->vm_uuid, WEB_UUID);
	assert_string_equal(e->site, SITE);
	assert_string_equal(e->fixlet_id, "801");
	assert_int_equal(e->starts, 0);
	assert_int_equal(e->until, at("2026-04-01T00:00:00Z"));
	assert_int_equal(e->expires, e->until);
	assert_int_equal(e->created, NOW);
	assert_string_equal(e->requester, g_get_user_name());
	assert_string_equal(e->reason, "quarter-end freeze of the shop");
	g_clear_pointer(&e, pae_exception_free);

	/* exclude every patch: 90 days unless --expires; --opt=value works too */
	assert_paectl(f,
		      0,
		      "--json",
		      "exception",
		      "add",
		      "--vm=" DB_UUID,
		      "--kind=exclude",
		      "--reason",
		      "vendor support ends",
		      "--requester",
		      "Jane Customer");
	assert_contains(f->out, "\"exception\": {");
	assert_contains(f->out, "\"id\": 2");
	assert_contains(f->out, "\"kind\": \"exclude\"");
	assert_contains(f->out, "\"vm\": \"" DB_UUID "\"");
	assert_contains(f->out, "\"vm_name\": \"db-1\"");
	assert_contains(f->out, "\"site\": null");
	assert_contains(f->out, "\"fixlet_id\": null");
	assert_contains(f->out, "\"from\": null");
	assert_contains(f->out, "\"until\": null");
	assert_contains(f->out, "\"expires\": \"2026-05-30T00:00:00Z\"");
	assert_contains(f->out, "\"requester\": \"Jane Customer\"");
	assert_contains(f->out, "\"created\": \"2026-03-01T00:00:00Z\"");
	assert_contains(f->out, "\"removed\": null");
	assert_contains(f->out, "\"status\": \"active\"");
	e = get_exception(f, 2);
	assert_null(e->fixlet_id);
	assert_int_equal(e->expires, NOW + 90 * G_TIME_SPAN_DAY);
	g_clear_pointer(&e, pae_exception_free);

	/* freeze, with an offset: 00:00 in Kathmandu is 18:15 UTC the day before */
	assert_paectl(f,
		      0,
		      "exception",
		      "add",
		      "--vm",
		      "web-1",
		      "--kind",
		      "freeze",
		      "--from",
		      "2026-03-15T00:00:00+05:45",
		      "--until",
		      "2026-03-16T12:30:00",
		      "--reason",
		      "migration weekend",
		      "--expires",
		      "2026-03-20");
	assert_contains(f->out, "exception #3: freeze every patch on web-1");
	assert_contains(f->out, "from 2026-03-14 18:15Z until 2026-03-16 12:30Z");
	e = get_exception(f, 3);
	assert_int_equal(e->starts, at("2026-03-14T18:15:00Z"));
	assert_int_equal(e->until, at("2026-03-16T12:30:00Z"));
	assert_int_equal(e->expires, at("2026-03-20T00:00:00Z"));
	g_clear_pointer(&e, pae_exception_free);

	/* one that expired before now, written by the agent's side */
	old->reason = g_strdup("old request");
	old->requester = g_strdup("bob");
	old->created = NOW - 100 * G_TIME_SPAN_DAY;
	old->expires = NOW - 10 * G_TIME_SPAN_DAY;
	assert_int_equal(pae_store_add_exception(f->store, old, &error), 4);
	assert_no_error(error);

	assert_paectl(f, 0, "exception", "list");
	assert_not_contains(f->out, "old request");
	line = line_with(f->out, "quarter-end");
	assert_true(g_str_has_prefix(line, "1 "));
	assert_contains(line, "web-1");
	assert_contains(line, "defer");
	assert_contains(line, SITE "/801");
	assert_contains(line, "2026-04-01 00:00Z");
	assert_contains(line, "active");
	g_clear_pointer(&line, g_free);
	line = line_with(f->out, "vendor support ends");
	assert_contains(line, "db-1");
	assert_contains(line, "every patch");
	assert_contains(line, "Jane Customer");
	g_clear_pointer(&line, g_free);
	assert_paectl(f, 0, "exception", "list", "--all");
	line = line_with(f->out, "old request");
	assert_contains(line, "expired");
	g_clear_pointer(&line, g_free);
	assert_paectl(f, 0, "exception", "list", "--vm", "db-1");
	assert_contains(f->out, "vendor support ends");
	assert_not_contains(f->out, "web-1");
	assert_paectl(f, 0, "--json", "exception", "list", "--vm", "web-1");
	assert_contains(f->out, "\"exceptions\": [");
	assert_contains(f->out, "\"id\": 1,");
	assert_contains(f->out, "\"id\": 3,");
	assert_not_contains(f->out, "\"id\": 2,");
	object = object_with(f->out, "\"id\": 3,");
	assert_contains(object, "\"from\": \"2026-03-14T18:15:00Z\"");
	assert_contains(object, "\"until\": \"2026-03-16T12:30:00Z\"");
	g_clear_pointer(&object, g_free);

	/* remove, by someone named, at the agent's now */
	assert_paectl(f, 0, "exception", "remove", "1", "--by", "alice");
	assert_contains(f->out, "exception #1 removed by alice");
	e = get_exception(f, 1);
	assert_int_equal(e->removed, NOW);
	assert_string_equal(e->removed_by, "alice");
	g_clear_pointer(&e, pae_exception_free);
	assert_paectl(f, 0, "exception", "list");
	assert_not_contains(f->out, "quarter-end");
	assert_paectl(f, 0, "exception", "list", "--all");
	line = line_with(f->out, "quarter-end");
	assert_contains(line, "removed by alice");
	g_clear_pointer(&line, g_free);
	/* twice is refused; the default remover is the invoking user */
	assert_paectl(f, 1, "exception", "remove", "1");
	assert_contains(f->err, "no exception #1 in force");
	assert_paectl(f, 0, "--json", "exception", "remove", "#3");
	assert_contains(f->out, "\"status\": \"removed\"");
	assert_contains(f->out, "\"removed\": \"2026-03-01T00:00:00Z\"");
	g_clear_pointer(&line, g_free);
	line = g_strdup_printf("\"removed_by\": \"%s\"", g_get_user_name());
	assert_contains(f->out, line);

	/* paectl wrote no audit record: the history is the agent's */
	assert_int_equal(pae_store_get_history_last_id(f->store, &error), history);
	assert_no_error(error);
}

typedef struct {
	gint status;
	const gchar *message;
	const gchar *args[16];
} BadArgs;

static void
test_ctl_exception_bad_args_func(void **state)
{
	Fixture *f = *state;
	/* one case a line or two, not one argument a line */
	/* clang-format off */
	const BadArgs cases[] = {
	    {2, "usage:", {"exception", NULL}},
	    {2, "usage:", {"exception", "drop", NULL}},
	    {2, "--kind: 'skip' is not one of exclude, defer, freeze",
	     {"exception", "add", "--vm", "web-1", "--kind", "skip", "--reason", "r", NULL}},
	    {2, "a deferral needs --until DATE",
	     {"exception", "add", "--vm", "web-1", "--kind", "defer", "--reason", "r", NULL}},
	    {2, "--until: '2026-02-30' is not an ISO 8601 date",
	     {"exception", "add", "--vm", "web-1", "--kind", "defer", "--until", "2026-02-30",
	      "--reason", "r", NULL}},
	    {2, "--until: 'next week' is not an ISO 8601 date",
	     {"exception", "add", "--vm", "web-1", "--kind", "defer", "--until", "next week",
	      "--reason", "r", NULL}},
	    {2, "--expires: '2026-04-01T25:00:00' is not an ISO 8601",
	     {"exception", "add", "--vm", "web-1", "--kind", "exclude", "--expires",
	      "2026-04-01T25:00:00", "--reason", "r", NULL}},
	    {2, "--until: 2026-02-01 is in the past",
	     {"exception", "add", "--vm", "web-1", "--kind", "defer", "--until", "2026-02-01",
	      "--reason", "r", NULL}},
	    {2, "--expires: 2026-02-01 is in the past",
	     {"exception", "add", "--vm", "web-1", "--kind", "exclude", "--expires", "2026-02-01",
	      "--reason", "r", NULL}},
	    {2, "a deferral takes no --from",
	     {"exception", "add", "--vm", "web-1", "--kind", "defer", "--from", "2026-03-05",
	      "--until", "2026-04-01", "--reason", "r", NULL}},
	    {2, "a freeze needs --from DATE and --until DATE",
	     {"exception", "add", "--vm", "web-1", "--kind", "freeze", "--until", "2026-04-01",
	      "--reason", "r", NULL}},
	    {2, "a freeze holds every patch of the VM",
	     {"exception", "add", "--vm", "web-1", "--kind", "freeze", "--patch", SITE "/801",
	      "--from", "2026-03-05", "--until", "2026-04-01", "--reason", "r", NULL}},
	    {2, "--from must be before --until",
	     {"exception", "add", "--vm", "web-1", "--kind", "freeze", "--from", "2026-04-02",
	      "--until", "2026-04-01", "--reason", "r", NULL}},
	    {2, "an exclusion takes no --from or --until",
	     {"exception", "add", "--vm", "web-1", "--kind", "exclude", "--until", "2026-04-01",
	      "--reason", "r", NULL}},
	    {2, "--patch: 'RHSA-2026:0101' is not SITE/FIXLET",
	     {"exception", "add", "--vm", "web-1", "--kind", "exclude", "--patch",
	      "RHSA-2026:0101", "--reason", "r", NULL}},
	    {2, "--patch: '801/' is not SITE/FIXLET",
	     {"exception", "add", "--vm", "web-1", "--kind", "exclude", "--patch", "801/",
	      "--reason", "r", NULL}},
	    {2, "exception add needs --reason TEXT",
	     {"exception", "add", "--vm", "web-1", "--kind", "exclude", NULL}},
	    {2, "exception add needs --reason TEXT",
	     {"exception", "add", "--vm", "web-1", "--kind", "exclude", "--reason", "  ", NULL}},
	    {2, "exception add needs --vm UUID|NAME",
	     {"exception", "add", "--kind", "exclude", "--reason", "r", NULL}},
	    {2, "exception add needs --kind exclude|defer|freeze",
	     {"exception", "add", "--vm", "web-1", "--reason", "r", NULL}},
	    {2, "--kind is given twice",
	     {"exception", "add", "--vm", "web-1", "--kind", "exclude", "--kind", "defer",
	      "--reason", "r", NULL}},
	    {2, "--reason needs a value",
	     {"exception", "add", "--vm", "web-1", "--kind", "exclude", "--reason", NULL}},
	    {2, "exception add: unexpected argument '--by'",
	     {"exception", "add", "--vm", "web-1", "--kind", "exclude", "--by", "x", "--reason",
	      "r", NULL}},
	    {2, "exception list: unexpected argument '--kind'",
	     {"exception", "list", "--kind", "defer", NULL}},
	    {2, "exception remove needs the exception's ID", {"exception", "remove", NULL}},
	    {2, "exception remove: 'one' is not an exception ID",
	     {"exception", "remove", "one", NULL}},
	    {2, "exception remove: '0' is not an exception ID", {"exception", "remove", "0", NULL}},
	    /* a lookup that fails is an error, not a usage error, as for paectl vm */
	    {1, "no VM with UUID or name 'web-9'",
	     {"exception", "add", "--vm", "web-9", "--kind", "exclude", "--reason", "r", NULL}},
	    {1, "no VM with UUID or name 'web-9'", {"exception", "list", "--vm", "web-9", NULL}},
	    {1, "no exception #7 in force", {"exception", "remove", "7", NULL}},
	};
	/* clang-format on */
	const gchar *paectl = g_getenv("PAECTL");

	skip_without_paectl();
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GPtrArray) argv = g_ptr_array_new();
		g_autoptr(GError) error = NULL;
		g_autofree gchar *out = NULL;
		g_autofree gchar *err = NULL;
		gint status = 0;

		g_ptr_array_add(argv, (gpointer)paectl);
		g_ptr_array_add(argv, (gpointer) "--config");
		g_ptr_array_add(argv, f->config);
		g_ptr_array_add(argv, (gpointer) "--database");
		g_ptr_array_add(argv, f->path);
		for (guint j = 0; cases[i].args[j] != NULL; j++)
			g_ptr_array_add(argv, (gpointer)cases[i].args[j]);
		g_ptr_array_add(argv, NULL);
		if (!g_spawn_sync(NULL,
				  (gchar **)argv->pdata,
				  NULL,
				  0,
				  NULL,
				  NULL,
				  &out,
				  &err,
				  &status,
				  &error))
			fail_msg("cannot run %s: %s", paectl, error->message);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) != cases[i].status || strstr(err, cases[i].message) == NULL)
			fail_msg("case %u: exit %d (not %d), stderr:\n%s\nwanted: %s",
				 i,
				 WEXITSTATUS(status),
				 cases[i].status,
				 err,
				 cases[i].message);
		assert_string_equal(out, "");
	}
	/* nothing was written by any of them */
	assert_int_equal(count_exceptions(f), 0);
}

static void
raise_incident(Fixture *f,
	       PaeIncidentKind kind,
	       const gchar *vm_uuid,
	       const gchar *patch,
	       const gchar *message,
	       PaeTime raised)
{
	g_autoptr(PaeIncident) incident = pae_incident_new(kind);
	g_autoptr(GError) error = NULL;
	g_autofree gchar *subject = pae_incident_subject(kind, vm_uuid, patch, NULL);

	incident->vm_uuid = g_strdup(vm_uuid);
	incident->patch = g_strdup(patch);
	incident->tenant = g_strdup("acme");
	incident->message = g_strdup(message);
	incident->raised = raised;
	assert_true(pae_store_raise_incident(f->store, subject, incident, &error) > 0);
	assert_no_error(error);
}

static void
test_ctl_incidents_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *subject = NULL;
	g_autofree gchar *line = NULL;
	g_autofree gchar *object = NULL;

	skip_without_paectl();
	assert_paectl(f, 0, "incidents");
	assert_contains(f->out, "no open incidents");

	raise_incident(f,
		       PAE_INCIDENT_PATCH_FAILED,
		       WEB_UUID,
		       SITE "/801",
		       "RHSA-2026:0101 failed on web-1",
		       NOW - G_TIME_SPAN_HOUR);
	raise_incident(f,
		       PAE_INCIDENT_STAGE_HALTED,
		       NULL,
		       SITE "/801",
		       "stage test halted for acme",
		       NOW - 30 * G_TIME_SPAN_MINUTE);
	raise_incident(f,
		       PAE_INCIDENT_DEADLINE_MISSED,
		       DB_UUID,
		       SITE "/802",
		       "802 cannot be applied on db-1 by its deadline",
		       NOW - 2 * G_TIME_SPAN_HOUR);
	subject = pae_incident_subject(PAE_INCIDENT_DEADLINE_MISSED, DB_UUID, SITE "/802", NULL);
	assert_true(
		pae_store_resolve_incident(f->store, subject, "applied late by hand", NOW, &error));
	assert_no_error(error);

	assert_paectl(f, 0, "incidents");
	assert_not_contains(f->out, "db-1 by its deadline");
	line = line_with(f->out, "failed on web-1");
	assert_true(g_str_has_prefix(line, "1 "));
	assert_contains(line, "patch-failed");
	assert_contains(line, "web-1");
	assert_contains(line, WEB_UUID);
	assert_contains(line, SITE "/801");
	assert_contains(line, "acme");
	assert_contains(line, "2026-02-28 23:00Z");
	g_clear_pointer(&line, g_free);
	line = line_with(f->out, "stage test halted");
	assert_contains(line, "stage-halted");
	g_clear_pointer(&line, g_free);
	/* newest first */
	assert_true(strstr(f->out, "stage test halted") < strstr(f->out, "failed on web-1"));

	assert_paectl(f, 0, "incidents", "--all");
	line = line_with(f->out, "db-1 by its deadline");
	assert_contains(line, "deadline-missed");
	assert_contains(line, DB_UUID);
	assert_contains(line, "2026-03-01 00:00Z");
	assert_contains(line, "applied late by hand");
	g_clear_pointer(&line, g_free);

	assert_paectl(f, 0, "--json", "incidents", "--all");
	assert_contains(f->out, "\"incidents\": [");
	object = object_with(f->out, "\"id\": 3,");
	assert_contains(object, "\"kind\": \"deadline-missed\"");
	assert_contains(object, "\"vm\": \"" DB_UUID "\"");
	assert_contains(object, "\"vm_name\": \"db-1\"");
	assert_contains(object, "\"patch\": \"" SITE "/802\"");
	assert_contains(object, "\"tenant\": \"acme\"");
	assert_contains(object, "\"raised\": \"2026-02-28T22:00:00Z\"");
	assert_contains(object, "\"resolved\": \"2026-03-01T00:00:00Z\"");
	assert_contains(object, "\"resolution\": \"applied late by hand\"");
	assert_contains(object, "\"message\": \"802 cannot be applied on db-1 by its deadline\"");
	g_clear_pointer(&object, g_free);
	object = object_with(f->out, "\"id\": 2,");
	assert_contains(object, "\"vm\": null");
	assert_contains(object, "\"vm_name\": null");
	assert_contains(object, "\"resolved\": null");
	g_clear_pointer(&object, g_free);
	assert_paectl(f, 0, "--json", "incidents");
	assert_not_contains(f->out, "\"id\": 3,");

	assert_paectl(f, 2, "incidents", "--open");
	assert_contains(f->err, "usage: incidents [--all]");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ctl_plan_list_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_plan_vm_func, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_ctl_exception_round_trip_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_exception_bad_args_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctl_incidents_func, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

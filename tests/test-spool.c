/*
 * The hook spool: the record parser on good, hostile and malformed input,
 * draining in order with deletion only after the commit, the directory
 * watch, the clock conversion, the hook script itself (the configured copy
 * meson built, run as libvirt runs it) and the records through the ingest
 * with no libvirt connection.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pae-error.h"
#include "pae-ingest.h"
#include "pae-spool.h"
#include "pae-store-vms.h"
#include "pae-test-util.h"

#define UUID	   "9e3c1d2a-5b6f-4a7e-8c9d-0e1f2a3b4c5d"
#define OTHER_UUID "00000000-1111-4222-8333-444444444444"
#define NOW	   ((PaeTime)1772323200 * G_USEC_PER_SEC)

/* every name a shell, a key=value file or a path could choke on */
static const gchar *const hostile_names[] = {
	"plain",
	"with spaces  and  more",
	"pae \"quoted\" é 1",
	"it's 'single'",
	"new\nline\n",
	"carriage\rreturn",
	"$(reboot)",
	"`reboot`",
	"«é» ünïcødé 日本",
	"../../etc",
	"../../etc/passwd\n",
	"key=value\nuuid=" OTHER_UUID,
	"tab\there; rm -rf /; echo",
	"-n",
	"%41%00\\x41\\",
	"*",
};

static gchar *
hex(const gchar *text)
{
	GString *out = g_string_new(NULL);
	for (const guchar *p = (const guchar *)text; *p != '\0'; p++)
		g_string_append_printf(out, "%02x", *p);
	return g_string_free(out, FALSE);
}

static gchar *
make_record(const gchar *time,
	    const gchar *operation,
	    const gchar *sub_operation,
	    const gchar *name,
	    const gchar *uuid)
{
	g_autofree gchar *op = hex(operation);
	g_autofree gchar *sub = hex(sub_operation);
	g_autofree gchar *extra = hex("-");
	g_autofree gchar *name_hex = hex(name);
	g_autofree gchar *uuid_hex = hex(uuid);
	return g_strdup_printf("version=1\ntime=%s\npid=4242\noperation=%s\nsub_operation=%s\n"
			       "extra=%s\nname=%s\nuuid=%s\n",
			       time,
			       op,
			       sub,
			       extra,
			       name_hex,
			       uuid_hex);
}

static void
test_spool_parse_good_func(void **state)
{
	g_autofree gchar *record =
		make_record("1772323200.123456789", "restore", "begin", "vm-1", UUID);
	g_autofree gchar *upper = make_record(
		"1772323200", "started", "begin", "vm-1", "9E3C1D2A-5B6F-4A7E-8C9D-0E1F2A3B4C5D");
	g_autofree gchar *later = NULL;
	g_autoptr(PaeTrigger) trigger = NULL;
	g_autoptr(PaeTrigger) normalized = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *event = NULL;

	trigger = pae_spool_parse(record, strlen(record), &error);
	assert_null(error);
	assert_non_null(trigger);
	assert_int_equal(trigger->type, PAE_TRIGGER_HOOK);
	assert_string_equal(trigger->operation, "restore");
	assert_string_equal(trigger->sub_operation, "begin");
	assert_string_equal(trigger->name, "vm-1");
	assert_string_equal(trigger->uuid, UUID);
	/* microseconds: the nanoseconds are cut, not rounded */
	assert_int_equal(trigger->at, NOW + 123456);
	event = pae_trigger_to_string(trigger);
	assert_string_equal(event, "hook:restore/begin");

	normalized = pae_spool_parse(upper, strlen(upper), &error);
	assert_non_null(normalized);
	assert_string_equal(normalized->uuid, UUID);
	assert_int_equal(normalized->at, NOW);

	/* unknown keys are skipped, upper-case hex is read */
	later = g_strdup_printf("future=whatever\n%sVERSION=2\n", record);
	g_clear_pointer(&trigger, pae_trigger_free);
	trigger = pae_spool_parse(later, strlen(later), &error);
	assert_non_null(trigger);
}

static void
test_spool_parse_hostile_func(void **state)
{
	for (gsize i = 0; i < G_N_ELEMENTS(hostile_names); i++) {
		g_autofree gchar *record =
			make_record("1772323200.5", "prepare", "begin", hostile_names[i], UUID);
		g_autoptr(GError) error = NULL;
		g_autoptr(PaeTrigger) trigger = pae_spool_parse(record, strlen(record), &error);
		if (trigger == NULL)
			fail_msg("name #%zu: %s", i, error->message);
		assert_string_equal(trigger->name, hostile_names[i]);
		assert_string_equal(trigger->uuid, UUID);
		assert_int_equal(trigger->at, NOW + G_USEC_PER_SEC / 2);
	}
}

typedef struct {
	const gchar *why;
	const gchar *text;
} BadCase;

static void
test_spool_parse_malformed_func(void **state)
{
	g_autofree gchar *good = make_record("1772323200.5", "start", "begin", "vm", UUID);
	gsize good_len = strlen(good);
	g_autofree gchar *cut_mid_line = g_strndup(good, good_len - 5);
	g_autofree gchar *cut_at_line = NULL;
	g_autofree gchar *twice = g_strdup_printf("%sname=41\n", good);
	g_autofree gchar *no_equals = g_strdup_printf("%sgarbage\n", good);
	g_autofree gchar *with_nul = g_strdup(good);
	g_autofree gchar *huge = g_strnfill(PAE_SPOOL_RECORD_MAX + 1, 'a');
	g_autofree gchar *not_uuid = hex("not-a-uuid");
	g_autofree gchar *uuid_newline = hex(UUID "\n");
	g_autofree gchar *uuid_braces = hex("{" UUID "}");
	const gchar *last_newline = good + good_len - 2;
	const struct {
		const gchar *why;
		const gchar *text;
		gsize length;
	} cases[] = {
		{"empty", "", 0},
		{"truncated in a line", cut_mid_line, strlen(cut_mid_line)},
		{"truncated at a line", NULL, 0},
		{"a key twice", twice, strlen(twice)},
		{"a line without '='", no_equals, strlen(no_equals)},
		{"a NUL byte in the file", with_nul, good_len},
	};
	const struct {
		const gchar *key;
		const gchar *value;
	} values[] = {
		{"version", "2"},
		{"version", "1 "},
		{"time", "soon"},
		{"time", "1."},
		{"time", ".5"},
		{"time", "1.2.3"},
		{"time", "-1"},
		{"time", "1772323200.1234567890"},
		{"time", "99999999999999"},
		{"time", ""},
		{"pid", "x"},
		{"pid", ""},
		{"operation", ""},
		{"operation", "6"},
		{"operation", "zz"},
		{"operation", "61 62"},
		{"name", "6100"},
		{"name", "ff"},
		{"name", "c3"},
		{"uuid", not_uuid},
		{"uuid", ""},
		{"uuid", uuid_newline},
		{"uuid", uuid_braces},
	};
	g_autoptr(GError) error = NULL;

	/* the last line (uuid) missing: what a copy cut at a newline leaves */
	while (last_newline > good && *last_newline != '\n')
		last_newline--;
	cut_at_line = g_strndup(good, (gsize)(last_newline - good) + 1);
	with_nul[3] = '\0';
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		const gchar *text = cases[i].text != NULL ? cases[i].text : cut_at_line;
		gsize length = cases[i].text != NULL ? cases[i].length : strlen(cut_at_line);
		g_autoptr(PaeTrigger) trigger = pae_spool_parse(text, length, &error);
		if (trigger != NULL)
			fail_msg("accepted: %s", cases[i].why);
		assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_INVALID_DATA));
		g_clear_error(&error);
	}
	for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
		g_autofree gchar *pattern = g_strdup_printf("^%s=.*$", values[i].key);
		g_autofree gchar *line = g_strdup_printf("%s=%s", values[i].key, values[i].value);
		g_autoptr(GRegex) regex = g_regex_new(pattern, G_REGEX_MULTILINE, 0, NULL);
		g_autofree gchar *text = g_regex_replace_literal(regex, good, -1, 0, line, 0, NULL);
		g_autoptr(PaeTrigger) trigger = pae_spool_parse(text, strlen(text), &error);
		if (trigger != NULL)
			fail_msg("accepted %s=%s", values[i].key, values[i].value);
		assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_INVALID_DATA));
		g_clear_error(&error);
	}
	/* oversized */
	assert_null(pae_spool_parse(huge, strlen(huge), &error));
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_TOO_LARGE));
}

/* the spool's owner, as the daemon would be */
typedef struct {
	gchar *dir;
	gchar *spool_dir;
	PaeClock *clock;
	PaeSpool *spool;
	GPtrArray *triggers;
	guint uncommitted; /* accepted since the last commit */
	guint commits;
	guint refuse_at; /* refuse the record with this 1-based index, 0 = never */
	guint offered;
	PaeIngest *ingest; /* when set, records go there with no connection */
} Fixture;

static gboolean
record_cb(PaeTrigger *trigger, gpointer user_data)
{
	Fixture *f = user_data;

	f->offered++;
	if (f->refuse_at != 0 && f->offered == f->refuse_at) {
		pae_trigger_free(trigger);
		return FALSE;
	}
	f->uncommitted++;
	if (f->ingest != NULL) {
		pae_ingest_push_trigger(f->ingest, NULL, trigger);
		return TRUE;
	}
	g_ptr_array_add(f->triggers, trigger);
	return TRUE;
}

/* the files of what was accepted must still be there when the commit comes */
static gint
count_records(const gchar *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const gchar *name;
	gint n = 0;

	if (d == NULL)
		return -1;
	while ((name = g_dir_read_name(d)) != NULL) {
		if (g_str_has_suffix(name, ".rec") && name[0] != '.')
			n++;
	}
	return n;
}

static void
commit_cb(gpointer user_data)
{
	Fixture *f = user_data;
	f->commits++;
	/* nothing accepted is gone before its commit */
	assert_true(count_records(f->spool_dir) >= (gint)f->uncommitted);
	f->uncommitted = 0;
	if (f->ingest != NULL)
		pae_ingest_flush(f->ingest);
}

static const PaeSpoolCallbacks callbacks = {
	.record = record_cb,
	.commit = commit_cb,
};

static int
setup(void **state)
{
	Fixture *f = g_new0(Fixture, 1);

	f->dir = pae_test_make_tmpdir();
	f->spool_dir = g_build_filename(f->dir, "spool", NULL);
	f->clock = pae_clock_new_manual(NOW);
	f->triggers = g_ptr_array_new_with_free_func((GDestroyNotify)pae_trigger_free);
	f->spool = pae_spool_new(f->spool_dir, f->clock, &callbacks, f);
	assert_true(pae_spool_ensure_directory(f->spool, NULL));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	Fixture *f = *state;

	g_clear_object(&f->spool);
	g_clear_object(&f->ingest);
	g_object_unref(f->clock);
	g_ptr_array_unref(f->triggers);
	pae_test_remove_tree(f->dir);
	g_free(f->spool_dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/* as the hook does: a dot-name, then a rename */
static void
spool_write(Fixture *f, const gchar *name, const gchar *contents)
{
	g_autofree gchar *tmp = g_strdup_printf(".tmp-%s", name);
	g_autofree gchar *tmp_path = pae_test_write_file(f->spool_dir, tmp, contents);
	g_autofree gchar *path = g_build_filename(f->spool_dir, name, NULL);
	assert_int_equal(g_rename(tmp_path, path), 0);
}

static gboolean
file_exists(const gchar *dir, const gchar *name)
{
	g_autofree gchar *path = g_build_filename(dir, name, NULL);
	return g_file_test(path, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK);
}

static void
test_spool_drain_order_func(void **state)
{
	Fixture *f = *state;
	g_autofree gchar *bad_dir = g_build_filename(f->spool_dir, "bad", NULL);
	g_autofree gchar *fifo =
		g_build_filename(f->spool_dir, "1772323200.000000003-1-0.rec", NULL);
	g_autofree gchar *subdir =
		g_build_filename(f->spool_dir, "1772323200.000000004-1-0.rec", NULL);
	g_autofree gchar *link =
		g_build_filename(f->spool_dir, "1772323200.000000005-1-0.rec", NULL);
	g_autofree gchar *target = NULL;
	g_autofree gchar *huge = g_strnfill(PAE_SPOOL_RECORD_MAX + 10, 'x');
	guint warnings = pae_test_get_warning_count();
	const gchar *ops[] = {"prepare", "start", "started", "stopped", "release", "restore"};

	/* written newest first: the drain must sort */
	for (gint i = G_N_ELEMENTS(ops) - 1; i >= 0; i--) {
		g_autofree gchar *name =
			g_strdup_printf("17723232%02d.000000000-%d-0.rec", i + 10, 100 - i);
		g_autofree gchar *time = g_strdup_printf("17723232%02d", i + 10);
		g_autofree gchar *record =
			make_record(time, ops[i], "begin", hostile_names[i], UUID);
		spool_write(f, name, record);
	}
	/* six that are not records: each goes to bad/, none stops the drain */
	spool_write(f, "1772323200.000000001-1-0.rec", "version=1\ntime=17");
	spool_write(f, "1772323200.000000002-1-0.rec", huge);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(g_mkdir(subdir, 0700), 0);
	target = pae_test_write_file(f->dir, "elsewhere.rec", "version=1\n");
	assert_int_equal(symlink(target, link), 0);
	spool_write(f, "1772323200.000000006-1-0.rec", "\xff\xfe binary \x01\n");
	/* not records: a hook's temporary file, other names */
	g_free(pae_test_write_file(f->spool_dir, ".pae-spool-AbCdEf", "version=1\n"));
	g_free(pae_test_write_file(f->spool_dir, "README", "not a record\n"));

	assert_int_equal(pae_spool_drain(f->spool), G_N_ELEMENTS(ops));
	assert_int_equal(f->triggers->len, G_N_ELEMENTS(ops));
	for (guint i = 0; i < f->triggers->len; i++) {
		PaeTrigger *trigger = f->triggers->pdata[i];
		assert_string_equal(trigger->operation, ops[i]);
		assert_string_equal(trigger->name, hostile_names[i]);
		/* a manual clock has no real time: now */
		assert_int_equal(trigger->at, NOW);
	}
	assert_int_equal(f->commits, 1);
	assert_int_equal(count_records(f->spool_dir), 0);
	assert_int_equal(count_records(bad_dir), 6);
	assert_int_equal(pae_spool_get_bad_count(f->spool), 6);
	assert_int_equal(pae_test_get_warning_count() - warnings, 6);
	assert_true(file_exists(f->spool_dir, ".pae-spool-AbCdEf"));
	assert_true(file_exists(f->spool_dir, "README"));
	/* the target of the link is untouched */
	assert_true(g_file_test(target, G_FILE_TEST_IS_REGULAR));

	/* nothing left: nothing handed over twice */
	assert_int_equal(pae_spool_drain(f->spool), 0);
	assert_int_equal(f->commits, 1);
}

static void
test_spool_refused_func(void **state)
{
	Fixture *f = *state;

	for (guint i = 0; i < 3; i++) {
		g_autofree gchar *name = g_strdup_printf("177232320%u.000000000-1-0.rec", i);
		g_autofree gchar *time = g_strdup_printf("177232320%u", i);
		g_autofree gchar *record = make_record(time, "started", "begin", name, UUID);
		spool_write(f, name, record);
	}
	/* the second is refused: it and the third stay, in order */
	f->refuse_at = 2;
	assert_int_equal(pae_spool_drain(f->spool), 1);
	assert_int_equal(count_records(f->spool_dir), 2);
	assert_false(file_exists(f->spool_dir, "1772323200.000000000-1-0.rec"));
	f->refuse_at = 0;
	assert_int_equal(pae_spool_drain(f->spool), 2);
	assert_int_equal(count_records(f->spool_dir), 0);
	assert_string_equal(((PaeTrigger *)f->triggers->pdata[1])->name,
			    "1772323201.000000000-1-0.rec");
	assert_string_equal(((PaeTrigger *)f->triggers->pdata[2])->name,
			    "1772323202.000000000-1-0.rec");
}

/* many records: committed in chunks, every file deleted only after its commit */
static void
test_spool_many_func(void **state)
{
	Fixture *f = *state;
	const guint n = 600;

	for (guint i = 0; i < n; i++) {
		g_autofree gchar *name = g_strdup_printf("1772323200.%09u-1-0.rec", i);
		g_autofree gchar *record =
			make_record("1772323200", "started", "begin", "vm", UUID);
		spool_write(f, name, record);
	}
	assert_int_equal(pae_spool_drain(f->spool), n);
	assert_int_equal(f->commits, 3);
	assert_int_equal(count_records(f->spool_dir), 0);
	assert_int_equal(pae_spool_get_record_count(f->spool), n);
}

static gboolean
has_triggers(gpointer user_data)
{
	Fixture *f = user_data;
	return f->triggers->len >= 2;
}

static void
test_spool_watch_func(void **state)
{
	Fixture *f = *state;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *first = make_record("1772323200", "started", "begin", "before", UUID);
	g_autofree gchar *second = make_record("1772323201", "restore", "begin", "while", UUID);

	/* one record waits before the start, one arrives while running */
	spool_write(f, "1772323200.000000000-1-0.rec", first);
	assert_true(pae_spool_start(f->spool, &error));
	assert_int_equal(f->triggers->len, 1);
	spool_write(f, "1772323201.000000000-2-0.rec", second);
	assert_true(pae_test_loop_run_until(has_triggers, f, 5000));
	assert_string_equal(((PaeTrigger *)f->triggers->pdata[1])->name, "while");
	assert_int_equal(count_records(f->spool_dir), 0);

	/* stopped: nothing more is read */
	pae_spool_stop(f->spool);
	spool_write(f, "1772323202.000000000-3-0.rec", second);
	g_usleep(300 * 1000);
	while (g_main_context_iteration(NULL, FALSE))
		;
	assert_int_equal(f->triggers->len, 2);
	assert_int_equal(count_records(f->spool_dir), 1);
}

static void
test_spool_clock_func(void **state)
{
	g_autofree gchar *dir = pae_test_make_tmpdir();
	g_autofree gchar *path = g_build_filename(dir, "clock.ini", NULL);
	g_autoptr(PaeClock) system_clock = pae_clock_new_system();
	g_autoptr(PaeClock) manual = pae_clock_new_manual(NOW);
	g_autoptr(GError) error = NULL;
	const gint64 real = (gint64)1000 * G_USEC_PER_SEC;
	const struct {
		gdouble anchor;
		gdouble rate;
		gint64 real;
		PaeTime expect;
	} rows[] = {
		/* simulated hours pass in real seconds */
		{990.0, 3600.0, real, NOW + (PaeTime)10 * 3600 * G_USEC_PER_SEC},
		{1000.0, 3600.0, real, NOW},
		{1000.0, 1.0, real + 250000, NOW + 250000},
		/* a hook that ran before the anchor */
		{1010.0, 2.0, real, NOW - 20 * G_USEC_PER_SEC},
		/* a stopped clock */
		{0.0, 0.0, real, NOW},
	};

	assert_int_equal(pae_clock_from_real(system_clock, real), real);
	assert_int_equal(pae_clock_from_real(system_clock, 0), 0);
	assert_int_equal(pae_clock_from_real(manual, real), NOW);
	pae_clock_advance(manual, G_USEC_PER_SEC);
	assert_int_equal(pae_clock_from_real(manual, real), NOW + G_USEC_PER_SEC);
	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(PaeClock) file = NULL;
		assert_true(pae_clock_file_write(path, NOW, rows[i].anchor, rows[i].rate, &error));
		file = pae_clock_new_file(path, &error);
		assert_non_null(file);
		assert_int_equal(pae_clock_from_real(file, rows[i].real), rows[i].expect);
	}
	pae_test_remove_tree(dir);
}

/* the hook as meson configured it, with the spool line pointed at @spool */
static gchar *
install_hook(const gchar *dir, const gchar *spool)
{
	const gchar *configured = g_getenv("PAE_SPOOL_HOOK");
	g_autofree gchar *text = NULL;
	g_autofree gchar *line = g_strdup_printf("spool_directory='%s'", spool);
	g_autoptr(GRegex) regex = g_regex_new("^spool_directory=.*$", G_REGEX_MULTILINE, 0, NULL);
	g_autofree gchar *copy = NULL;
	gchar *path;

	if (configured == NULL)
		fail_msg("PAE_SPOOL_HOOK is not set: run through meson test");
	assert_true(g_file_get_contents(configured, &text, NULL, NULL));
	assert_true(g_regex_match(regex, text, 0, NULL));
	copy = g_regex_replace_literal(regex, text, -1, 0, line, 0, NULL);
	path = pae_test_write_file(dir, "50-pae-spool", copy);
	assert_int_equal(g_chmod(path, 0755), 0);
	return path;
}

typedef struct {
	gint status;
	GString *out;
	GString *err;
	gint64 elapsed_us;
} HookRun;

static void
hook_run_clear(HookRun *run)
{
	g_string_free(run->out, TRUE);
	g_string_free(run->err, TRUE);
}

static void
read_all(gint fd, GString *into)
{
	gchar buf[4096];
	for (;;) {
		gssize n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_string_append_len(into, buf, n);
	}
	close(fd);
}

/* as libvirt runs it: argv, the XML on stdin, a scrubbed environment */
static void
run_hook(HookRun *run, const gchar *hook, const gchar *name, const gchar *op, const gchar *xml)
{
	const gchar *argv[] = {"/bin/sh", hook, name, op, "begin", "-", NULL};
	const gchar *envp[] = {"LC_ALL=C",
			       "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			       "HOME=/root",
			       NULL};
	g_autoptr(GError) error = NULL;
	gint in_fd, out_fd, err_fd;
	gsize done = 0;
	gsize len = strlen(xml);
	GPid pid;
	gint64 start = g_get_monotonic_time();

	run->out = g_string_new(NULL);
	run->err = g_string_new(NULL);
	if (!g_spawn_async_with_pipes(NULL,
				      (gchar **)argv,
				      (gchar **)envp,
				      G_SPAWN_DO_NOT_REAP_CHILD,
				      NULL,
				      NULL,
				      &pid,
				      &in_fd,
				      &out_fd,
				      &err_fd,
				      &error))
		fail_msg("cannot run the hook: %s", error->message);
	while (done < len) {
		gssize n = write(in_fd, xml + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		/* the hook must read all of stdin: libvirt writes all of it */
		if (n < 0)
			fail_msg("the hook closed stdin after %zu of %zu bytes", done, len);
		done += (gsize)n;
	}
	close(in_fd);
	read_all(out_fd, run->out);
	read_all(err_fd, run->err);
	assert_int_equal(waitpid(pid, &run->status, 0), pid);
	g_spawn_close_pid(pid);
	run->elapsed_us = g_get_monotonic_time() - start;
}

static gchar *
domain_xml(const gchar *uuid, gboolean nested_first, gsize padding)
{
	g_autofree gchar *pad = g_strnfill(padding, 'p');
	const gchar *nested = "  <metadata>\n"
			      "    <other:vm xmlns:other='urn:x-other'>\n"
			      "      <uuid>" OTHER_UUID "</uuid>\n"
			      "    </other:vm>\n"
			      "    <vm xmlns='urn:x-default'><uuid>" OTHER_UUID "</uuid></vm>\n"
			      "  </metadata>\n";
	return g_strdup_printf("<domain type='qemu' id='7'>\n"
			       "  <name>pae &quot;quoted&quot; &lt;uuid&gt;" OTHER_UUID
			       "&lt;/uuid&gt;</name>\n"
			       "%s"
			       "  <uuid>%s</uuid>\n"
			       "  <description>%s</description>\n"
			       "%s"
			       "  <sysinfo type='smbios'>\n"
			       "    <system>\n"
			       "      <entry name='uuid'>" OTHER_UUID "</entry>\n"
			       "    </system>\n"
			       "  </sysinfo>\n"
			       "</domain>\n",
			       nested_first ? nested : "",
			       uuid,
			       pad,
			       nested_first ? "" : nested);
}

static GPtrArray *
list_records(const gchar *dir)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const gchar *name;

	assert_non_null(d);
	while ((name = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	return names;
}

static void
test_spool_hook_script_func(void **state)
{
	Fixture *f = *state;
	g_autofree gchar *hook = install_hook(f->dir, f->spool_dir);
	gint64 before = g_get_real_time();

	for (gsize i = 0; i < G_N_ELEMENTS(hostile_names); i++) {
		g_autofree gchar *xml = domain_xml(UUID, i % 2 == 1, i == 3 ? 2 * 1024 * 1024 : 10);
		g_autoptr(GPtrArray) names = NULL;
		g_autofree gchar *path = NULL;
		g_autoptr(PaeTrigger) trigger = NULL;
		g_autoptr(GError) error = NULL;
		HookRun run;

		run_hook(&run, hook, hostile_names[i], "restore", xml);
		assert_true(WIFEXITED(run.status));
		assert_int_equal(WEXITSTATUS(run.status), 0);
		/* stdout would replace the domain XML */
		assert_int_equal(run.out->len, 0);
		assert_int_equal(run.err->len, 0);
		g_debug("hook #%zu ran in %" G_GINT64_FORMAT " µs", i, run.elapsed_us);
		assert_true(run.elapsed_us < 5 * G_USEC_PER_SEC);
		hook_run_clear(&run);

		/* one file, complete, whose name does not hold the domain's */
		names = list_records(f->spool_dir);
		assert_int_equal(names->len, 1);
		assert_true(g_str_has_suffix(names->pdata[0], ".rec"));
		assert_true(g_regex_match_simple(
			"^[0-9]+\\.[0-9]{9}-[0-9]+-[0-9]+\\.rec$", names->pdata[0], 0, 0));
		path = g_build_filename(f->spool_dir, names->pdata[0], NULL);
		trigger = pae_spool_read_file(path, &error);
		if (trigger == NULL)
			fail_msg("record of name #%zu: %s", i, error->message);
		assert_string_equal(trigger->name, hostile_names[i]);
		assert_string_equal(trigger->uuid, UUID);
		assert_string_equal(trigger->operation, "restore");
		assert_string_equal(trigger->sub_operation, "begin");
		assert_true(trigger->at >= before / G_USEC_PER_SEC * G_USEC_PER_SEC);
		assert_true(trigger->at <= g_get_real_time());
		assert_int_equal(g_unlink(path), 0);
	}
}

static void
test_spool_hook_compact_xml_func(void **state)
{
	Fixture *f = *state;
	g_autofree gchar *hook = install_hook(f->dir, f->spool_dir);
	g_autoptr(GPtrArray) names = NULL;
	g_autofree gchar *path = NULL;
	g_autoptr(PaeTrigger) trigger = NULL;
	g_autoptr(GError) error = NULL;
	HookRun run;

	/* one line, as a hand-written XML might be: the first <uuid> is the domain's */
	run_hook(&run,
		 hook,
		 "compact",
		 "started",
		 "<domain><name>compact</name><uuid>" UUID "</uuid><metadata><x xmlns='urn:x'>"
		 "<uuid>" OTHER_UUID "</uuid></x></metadata></domain>");
	assert_int_equal(WEXITSTATUS(run.status), 0);
	assert_int_equal(run.out->len, 0);
	hook_run_clear(&run);
	names = list_records(f->spool_dir);
	assert_int_equal(names->len, 1);
	path = g_build_filename(f->spool_dir, names->pdata[0], NULL);
	trigger = pae_spool_read_file(path, &error);
	assert_non_null(trigger);
	assert_string_equal(trigger->uuid, UUID);

	/* no <uuid> at all: a record all the same, which the agent puts in bad/ */
	g_unlink(path);
	run_hook(&run, hook, "nouuid", "started", "<domain><name>x</name></domain>\n");
	assert_int_equal(WEXITSTATUS(run.status), 0);
	assert_int_equal(run.out->len, 0);
	hook_run_clear(&run);
	assert_int_equal(pae_spool_drain(f->spool), 0);
	assert_int_equal(pae_spool_get_bad_count(f->spool), 1);
}

static void
test_spool_hook_no_spool_func(void **state)
{
	Fixture *f = *state;
	g_autofree gchar *missing = g_build_filename(f->dir, "no", "such", "spool", NULL);
	g_autofree gchar *hook = install_hook(f->dir, missing);
	g_autofree gchar *file = g_build_filename(f->dir, "a-file", NULL);
	g_autofree gchar *hook_on_file = NULL;
	g_autofree gchar *xml = domain_xml(UUID, FALSE, 10);
	HookRun run;

	run_hook(&run, hook, "vm", "reconnect", xml);
	assert_true(WIFEXITED(run.status));
	assert_int_equal(WEXITSTATUS(run.status), 0);
	assert_int_equal(run.out->len, 0);
	assert_int_equal(run.err->len, 0);
	hook_run_clear(&run);
	assert_false(g_file_test(missing, G_FILE_TEST_EXISTS));

	/* the spool path is a file, not a directory */
	g_free(pae_test_write_file(f->dir, "a-file", "x"));
	hook_on_file = install_hook(f->dir, file);
	run_hook(&run, hook_on_file, "vm", "reconnect", xml);
	assert_int_equal(WEXITSTATUS(run.status), 0);
	assert_int_equal(run.out->len, 0);
	hook_run_clear(&run);

	/* a read-only spool: as full as a full disk for the hook */
	if (geteuid() != 0) {
		g_autofree gchar *ro_hook = install_hook(f->dir, f->spool_dir);
		g_chmod(f->spool_dir, 0500);
		run_hook(&run, ro_hook, "vm", "reconnect", xml);
		g_chmod(f->spool_dir, 0750);
		assert_int_equal(WEXITSTATUS(run.status), 0);
		assert_int_equal(run.out->len, 0);
		hook_run_clear(&run);
	}
}

static void
stored_cb(PaeIngest *ingest, gint64 last_id, gpointer user_data)
{
}

/* the records into the database with no libvirt connection */
static void
test_spool_ingest_func(void **state)
{
	Fixture *f = *state;
	const PaeVmDefaults defaults = {"default", "production", "UTC"};
	g_autofree gchar *database = g_build_filename(f->dir, "state.db", NULL);
	g_autoptr(PaeStore) store = NULL;
	g_autoptr(GPtrArray) history = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree gchar *name = NULL;
	g_autoptr(PaeVm) vm = NULL;
	const gchar *ops[] = {"prepare", "start", "started", "stopped", "release", "restore"};
	const gchar *expect[][3] = {
		{"provision", "hook:started/begin", NULL},
		{"stop", "hook:stopped/begin", NULL},
		{"resume", "hook:restore/begin", NULL},
	};

	f->ingest =
		pae_ingest_new(database, f->clock, &defaults, 10 * G_TIME_SPAN_MILLISECOND, 500);
	g_signal_connect(f->ingest, "stored", G_CALLBACK(stored_cb), f);
	assert_true(pae_ingest_start(f->ingest, &error));
	for (gsize i = 0; i < G_N_ELEMENTS(ops); i++) {
		g_autofree gchar *file = g_strdup_printf("177232320%zu.000000000-1-0.rec", i);
		g_autofree gchar *time = g_strdup_printf("177232320%zu", i);
		g_autofree gchar *record =
			make_record(time, ops[i], "begin", "pae \"quoted\" é 1", UUID);
		spool_write(f, file, record);
	}
	assert_int_equal(pae_spool_drain(f->spool), G_N_ELEMENTS(ops));
	assert_int_equal(count_records(f->spool_dir), 0);

	store = pae_store_open(database, PAE_STORE_OPEN_READ_ONLY, &error);
	assert_non_null(store);
	vm = pae_store_get_vm(store, UUID, NULL, &error);
	assert_non_null(vm);
	/* never seen and no facts: the hook's name, the defaults */
	assert_string_equal(vm->name, "pae \"quoted\" é 1");
	assert_string_equal(vm->category, "production");
	history = pae_store_list_history(store, UUID, 0, 100, &error);
	assert_non_null(history);
	assert_int_equal(history->len, G_N_ELEMENTS(expect));
	for (guint i = 0; i < history->len; i++) {
		PaeHistoryEntry *entry = history->pdata[i];
		assert_int_equal(entry->source, PAE_SOURCE_HOOK);
		assert_string_equal(entry->kind, expect[i][0]);
		assert_string_equal(entry->event, expect[i][1]);
		assert_int_equal(entry->at, NOW);
	}
	name = g_strdup(((PaeHistoryEntry *)history->pdata[0])->detail);
	assert_non_null(strstr(name, "'pae \"quoted\" é 1'"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spool_parse_good_func),
		cmocka_unit_test(test_spool_parse_hostile_func),
		cmocka_unit_test(test_spool_parse_malformed_func),
		cmocka_unit_test_setup_teardown(test_spool_drain_order_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_refused_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_many_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_watch_func, setup, teardown),
		cmocka_unit_test(test_spool_clock_func),
		cmocka_unit_test_setup_teardown(test_spool_hook_script_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_hook_compact_xml_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_hook_no_spool_func, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spool_ingest_func, setup, teardown),
	};
	/* a hook that closes stdin early must fail a test, not kill it */
	signal(SIGPIPE, SIG_IGN);
	pae_test_expect_warnings();
	return cmocka_run_group_tests_name("spool", tests, NULL, NULL);
}

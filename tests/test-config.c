/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "pae-config.h"
#include "pae-error.h"
#include "pae-test-util.h"

typedef struct {
	gchar *dir;
} Fixture;

static int
setup(void **state)
{
	Fixture *f = g_new0(Fixture, 1);
	f->dir = pae_test_make_tmpdir();
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	Fixture *f = *state;
	pae_test_remove_tree(f->dir);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/* loads @text as pae.conf and returns the error message, or NULL if valid */
static gchar *
load_problems(Fixture *f, const gchar *text, PaeConfig **out)
{
	g_autofree gchar *path = pae_test_write_file(f->dir, "pae.conf", text);
	g_autoptr(GError) error = NULL;
	PaeConfig *config = pae_config_load(path, PAE_CONFIG_LOAD_FULL, &error);

	if (out != NULL)
		*out = config;
	else
		pae_config_unref(config);
	if (config != NULL)
		return NULL;
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_INVALID_CONFIG) ||
		    g_error_matches(error, PAE_ERROR, PAE_ERROR_NOT_FOUND));
	return g_strdup(error->message);
}

static void
assert_mentions(const gchar *message, const gchar *needle)
{
	if (message == NULL || strstr(message, needle) == NULL)
		fail_msg("expected '%s' in: %s", needle, message != NULL ? message : "(valid)");
}

static void
test_config_good_func(void **state)
{
	Fixture *f = *state;
	PaeConfig *config = NULL;
	g_autofree gchar *problems = load_problems(f,
						   "# comment\n"
						   "[agent]\n"
						   "libvirt_uri = test:///default\n"
						   "state_directory=/srv/pae\n"
						   "database=db/pae.db\n"
						   "default_timezone=Asia/Kathmandu\n"
						   "default_category=test\n"
						   "reconcile_interval=1h30m\n"
						   "keepalive_interval=0\n"
						   "batch_delay=250ms\n"
						   "log_target=stderr\n",
						   &config);
	g_autoptr(PaeConfig) owned = config;

	assert_null(problems);
	assert_string_equal(config->libvirt_uri, "test:///default");
	assert_string_equal(config->database, "/srv/pae/db/pae.db");
	assert_string_equal(config->spool_directory, "/srv/pae/spool");
	assert_string_equal(config->default_timezone, "Asia/Kathmandu");
	assert_string_equal(config->default_category, "test");
	assert_string_equal(config->default_tenant, "default");
	assert_int_equal(config->reconcile_interval, 90 * G_TIME_SPAN_MINUTE);
	assert_int_equal(config->keepalive_interval, 0);
	assert_int_equal(config->batch_delay, 250 * G_TIME_SPAN_MILLISECOND);
	assert_int_equal(config->log_target, PAE_LOG_TARGET_STDERR);
	assert_null(config->clock_file);
}

static void
test_config_defaults_func(void **state)
{
	Fixture *f = *state;
	PaeConfig *config = NULL;
	g_autofree gchar *problems = load_problems(f, "[agent]\n", &config);
	g_autoptr(PaeConfig) owned = config;

	assert_null(problems);
	assert_string_equal(config->libvirt_uri, "qemu:///system");
	assert_int_equal(config->reconcile_interval, 15 * G_TIME_SPAN_MINUTE);
	assert_string_equal(config->default_timezone, "UTC");
	assert_int_equal(config->batch_max, 500);
}

/* every bad key or value is reported with file, line and key */
static void
test_config_bad_values_func(void **state)
{
	Fixture *f = *state;
	const struct {
		const gchar *line;
		const gchar *expect;
	} cases[] = {
	    {"reconcile_interval=15x", ":2: [agent] reconcile_interval: '15x' is not a duration"},
	    {"reconcile_interval=1s", ":2: [agent] reconcile_interval: '1s' is out of range"},
	    {"default_timezone=Mars/Olympus", ":2: [agent] default_timezone: 'Mars/Olympus'"},
	    {"keepalive_count=lots", ":2: [agent] keepalive_count: 'lots' is not an integer"},
	    {"keepalive_count=0", ":2: [agent] keepalive_count: '0' is not an integer from 1"},
	    {"log_target=syslog", ":2: [agent] log_target: 'syslog' is not one of: auto, journal"},
	    {"state_directory=relative/dir", ":2: [agent] state_directory: 'relative/dir' must"},
	    {"default_category=prod uction", ":2: [agent] default_category: 'prod uction' is not"},
	    {"libvirt_uri=", ":2: [agent] libvirt_uri: must not be empty"},
	    {"reconcile_intervall=15m", ":2: [agent] reconcile_intervall: unknown key"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree gchar *text = g_strdup_printf("[agent]\n%s\n", cases[i].line);
		g_autofree gchar *problems = load_problems(f, text, NULL);
		g_autofree gchar *expect = g_strdup_printf("pae.conf%s", cases[i].expect);
		assert_mentions(problems, expect);
	}
}

static void
test_config_syntax_func(void **state)
{
	Fixture *f = *state;
	g_autofree gchar *no_group = load_problems(f, "# x\nlibvirt_uri=test:///default\n", NULL);
	g_autofree gchar *garbage = load_problems(f, "[agent]\n\nthis is not a key\n", NULL);
	g_autofree gchar *header = load_problems(f, "[agent\n", NULL);
	g_autofree gchar *group = load_problems(f, "[agent]\n[agnet]\nx=1\n", NULL);

	assert_mentions(no_group, "pae.conf:2: libvirt_uri: key outside of any [group]");
	assert_mentions(garbage, "pae.conf:3: expected key=value");
	assert_mentions(header, "pae.conf:1: a group header must look like [name]");
	assert_mentions(group, "pae.conf:2: [agnet]: unknown group");
}

/* one run lists every problem, not only the first */
static void
test_config_all_problems_func(void **state)
{
	Fixture *f = *state;
	g_autofree gchar *problems = load_problems(f,
						   "[agent]\n"
						   "reconcile_interval=soon\n"
						   "default_timezone=Nowhere/Land\n"
						   "bogus=1\n",
						   NULL);
	assert_mentions(problems, "pae.conf:2: [agent] reconcile_interval");
	assert_mentions(problems, "pae.conf:3: [agent] default_timezone");
	assert_mentions(problems, "pae.conf:4: [agent] bogus: unknown key");
	{
		g_auto(GStrv) lines = g_strsplit(problems, "\n", -1);
		assert_int_equal(g_strv_length(lines), 3);
	}
}

static void
test_config_dropins_func(void **state)
{
	Fixture *f = *state;
	g_autofree gchar *main_path =
	    pae_test_write_file(f->dir,
				"pae.conf",
				"[agent]\nreconcile_interval=15m\ndefault_timezone=Europe/London\n");
	g_autofree gchar *a = pae_test_write_file(f->dir,
						  "pae.conf.d/20-late.conf",
						  "[agent]\nreconcile_interval=30m\n");
	g_autofree gchar *b = pae_test_write_file(f->dir,
						  "pae.conf.d/10-early.conf",
						  "[agent]\nreconcile_interval=20m\nkeepalive_count=9\n");
	g_autofree gchar *ignored =
	    pae_test_write_file(f->dir, "pae.conf.d/99-notes.txt", "not a config file\n");
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeConfig) config = pae_config_load(main_path, PAE_CONFIG_LOAD_FULL, &error);
	g_autofree gchar *bad = NULL;
	g_autoptr(PaeConfig) broken = NULL;

	assert_non_null(config);
	/* later files override single keys, in name order */
	assert_int_equal(config->reconcile_interval, 30 * G_TIME_SPAN_MINUTE);
	assert_int_equal(config->keepalive_count, 9);
	assert_string_equal(config->default_timezone, "Europe/London");

	/* a problem in a drop-in names the drop-in */
	bad = pae_test_write_file(f->dir, "pae.conf.d/30-bad.conf", "[agent]\n\nbatch_max=-4\n");
	broken = pae_config_load(main_path, PAE_CONFIG_LOAD_FULL, &error);
	assert_null(broken);
	assert_mentions(error->message, "30-bad.conf:3: [agent] batch_max");
}

static void
test_config_missing_func(void **state)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeConfig) config = pae_config_load("/nonexistent/pae.conf", PAE_CONFIG_LOAD_FULL, &error);
	assert_null(config);
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_NOT_FOUND));
}

/* the sample documents every key, with a default that parses */
static void
test_config_sample_func(void **state)
{
	g_autofree gchar *sample =
	    g_build_filename(g_getenv("PAE_SOURCE_ROOT"), "conf", "pae.conf", NULL);
	g_autofree gchar *text = NULL;
	g_autofree gchar *uncommented = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeConfig) config = NULL;
	const gchar *const *keys = pae_config_get_agent_keys();
	Fixture *f = *state;
	g_autofree gchar *path = NULL;
	GRegex *regex;

	assert_true(g_file_get_contents(sample, &text, NULL, &error));
	config = pae_config_load(sample, PAE_CONFIG_LOAD_FULL, &error);
	assert_non_null(config);
	for (guint i = 0; keys[i] != NULL; i++) {
		g_autofree gchar *needle = g_strdup_printf("\n#%s=", keys[i]);
		if (strstr(text, needle) == NULL)
			fail_msg("conf/pae.conf does not document %s", keys[i]);
	}
	/* every documented default is itself valid */
	regex = g_regex_new("^#([a-z_]+=)", G_REGEX_MULTILINE, 0, NULL);
	uncommented = g_regex_replace(regex, text, -1, 0, "\\1", 0, NULL);
	g_regex_unref(regex);
	path = pae_test_write_file(f->dir, "uncommented.conf", uncommented);
	g_clear_pointer(&config, pae_config_unref);
	config = pae_config_load(path, PAE_CONFIG_LOAD_FULL, &error);
	if (config == NULL)
		fail_msg("defaults in conf/pae.conf do not parse: %s", error->message);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_config_good_func, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_defaults_func, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_bad_values_func, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_syntax_func, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_all_problems_func, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_dropins_func, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_missing_func, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_sample_func, setup, teardown),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}

/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "pae-backend.h"
#include "pae-config.h"
#include "pae-duration.h"
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
						   "resync_interval=0\n"
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
	assert_int_equal(config->resync_interval, 0);
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
	assert_int_equal(config->resync_interval, 10 * G_TIME_SPAN_MINUTE);
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
		{"reconcile_interval=15x",
		 ":2: [agent] reconcile_interval: '15x' is not a duration"},
		{"reconcile_interval=1s", ":2: [agent] reconcile_interval: '1s' is out of range"},
		{"resync_interval=5s",
		 ":2: [agent] resync_interval: must be 0 (only after a reconnect)"},
		{"resync_interval=2d", ":2: [agent] resync_interval: '2d' is out of range"},
		{"default_timezone=Mars/Olympus", ":2: [agent] default_timezone: 'Mars/Olympus'"},
		{"keepalive_count=lots", ":2: [agent] keepalive_count: 'lots' is not an integer"},
		{"keepalive_count=0", ":2: [agent] keepalive_count: '0' is not an integer from 1"},
		{"log_target=syslog",
		 ":2: [agent] log_target: 'syslog' is not one of: auto, journal"},
		{"state_directory=relative/dir",
		 ":2: [agent] state_directory: 'relative/dir' must"},
		{"default_category=prod uction",
		 ":2: [agent] default_category: 'prod uction' is not"},
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
	g_autofree gchar *main_path = pae_test_write_file(
		f->dir,
		"pae.conf",
		"[agent]\nreconcile_interval=15m\ndefault_timezone=Europe/London\n");
	g_autofree gchar *a = pae_test_write_file(
		f->dir, "pae.conf.d/20-late.conf", "[agent]\nreconcile_interval=30m\n");
	g_autofree gchar *b =
		pae_test_write_file(f->dir,
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
	g_autoptr(PaeConfig) config =
		pae_config_load("/nonexistent/pae.conf", PAE_CONFIG_LOAD_FULL, &error);
	assert_null(config);
	assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_NOT_FOUND));
}

/*
 * The sample, conf/pae.conf, documents every key of every group with its
 * default: "#key=value" lines under the real [agent] header or under a
 * commented group header ("#[bigfix]" or "# [bigfix]"). Uncommented, each key
 * lands in the group above it, and the result must load.
 */

/* the groups of backends; a backend exports no list of its keys, so the
 * test reads the one it hands to pae_config_file_expect_group() */
static const struct {
	const gchar *group;
	PaeBackendKind kind;
	const gchar *name;	/* as [agent] names it */
	const gchar *agent_key; /* the [agent] key that selects it */
	const gchar *source;
	const gchar *list;
} sample_backends[] = {
	{"bigfix",
	 PAE_BACKEND_KIND_PATCH_SERVER,
	 "bigfix",
	 "patch_server",
	 "backends/bigfix/pae-bigfix-config.c",
	 "pae_bigfix_config_keys"},
	{"changes",
	 PAE_BACKEND_KIND_CHANGES,
	 "builtin",
	 "change_management",
	 "backends/changes-builtin/pae-changes-builtin.c",
	 "pae_changes_builtin_keys"},
	{"incidents",
	 PAE_BACKEND_KIND_INCIDENTS,
	 "journald",
	 "incidents",
	 "backends/incidents-journald/pae-incidents-journald.c",
	 "pae_incidents_journald_keys"},
};

typedef struct {
	GString *all;	    /* every group, for PAE_CONFIG_LOAD_DEFAULT */
	GString *built;	    /* without the groups of backends this build lacks */
	GHashTable *groups; /* documented group → GPtrArray of its keys */
	GPtrArray *order;   /* the groups, as documented */
} Sample;

static gchar *
sample_path(const gchar *relative)
{
	return g_build_filename(g_getenv("PAE_SOURCE_ROOT"), relative, NULL);
}

static gint
sample_find_backend(const gchar *group)
{
	for (guint i = 0; i < G_N_ELEMENTS(sample_backends); i++) {
		if (g_strcmp0(sample_backends[i].group, group) == 0)
			return (gint)i;
	}
	return -1;
}

static gboolean
sample_backend_is_built(gint backend)
{
	return backend >= 0 && pae_backend_find(sample_backends[backend].kind,
						sample_backends[backend].name) != NULL;
}

static GStrv
sample_backend_keys(gint backend)
{
	g_autofree gchar *path = sample_path(sample_backends[backend].source);
	g_autofree gchar *code = NULL;
	g_autofree gchar *pattern =
		g_strdup_printf("\\b%s\\[\\]\\s*=\\s*\\{([^}]*)\\}", sample_backends[backend].list);
	g_autoptr(GRegex) list = g_regex_new(pattern, 0, 0, NULL);
	g_autoptr(GRegex) word = g_regex_new("\"([a-z_]+)\"", 0, 0, NULL);
	g_autoptr(GMatchInfo) match = NULL;
	g_autoptr(GStrvBuilder) keys = g_strv_builder_new();
	g_autofree gchar *body = NULL;

	if (!g_file_get_contents(path, &code, NULL, NULL) || !g_regex_match(list, code, 0, &match))
		fail_msg("%s: no list %s[] of the [%s] keys",
			 sample_backends[backend].source,
			 sample_backends[backend].list,
			 sample_backends[backend].group);
	body = g_match_info_fetch(match, 1);
	g_clear_pointer(&match, g_match_info_unref);
	for (g_regex_match(word, body, 0, &match); g_match_info_matches(match);
	     g_match_info_next(match, NULL)) {
		g_autofree gchar *key = g_match_info_fetch(match, 1);
		g_strv_builder_add(keys, key);
	}
	return g_strv_builder_end(keys);
}

static void
sample_clear(Sample *sample)
{
	g_string_free(sample->all, TRUE);
	g_string_free(sample->built, TRUE);
	g_hash_table_unref(sample->groups);
	g_ptr_array_unref(sample->order);
}

static void
sample_parse(Sample *sample, const gchar *text)
{
	g_autoptr(GRegex) header = g_regex_new("^#? ?\\[([^]\\s]+)\\]\\s*$", 0, 0, NULL);
	g_autoptr(GRegex) key = g_regex_new("^#([a-z_]+)=(.*)$", 0, 0, NULL);
	g_autoptr(GRegex) hidden = g_regex_new("^#\\s+[a-z_]+\\s*=", 0, 0, NULL);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	GPtrArray *keys = NULL;
	gboolean built = TRUE;

	sample->all = g_string_new(NULL);
	sample->built = g_string_new(NULL);
	sample->groups = g_hash_table_new_full(
		g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
	sample->order = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; lines[i] != NULL; i++) {
		g_autoptr(GMatchInfo) match = NULL;
		g_autoptr(GMatchInfo) key_match = NULL;
		g_autofree gchar *line = NULL;

		if (g_regex_match(header, lines[i], 0, &match)) {
			g_autofree gchar *group = g_match_info_fetch(match, 1);
			if (g_hash_table_contains(sample->groups, group))
				fail_msg(
					"conf/pae.conf:%u: [%s] is documented twice", i + 1, group);
			keys = g_ptr_array_new_with_free_func(g_free);
			g_hash_table_insert(sample->groups, g_strdup(group), keys);
			g_ptr_array_add(sample->order, g_strdup(group));
			built = sample_find_backend(group) < 0 ||
				sample_backend_is_built(sample_find_backend(group));
			line = g_strdup_printf("[%s]", group);
		} else if (g_regex_match(key, lines[i], 0, &key_match)) {
			g_autofree gchar *name = g_match_info_fetch(key_match, 1);
			g_autofree gchar *value = g_match_info_fetch(key_match, 2);
			if (keys == NULL)
				fail_msg("conf/pae.conf:%u: %s is outside of any group",
					 i + 1,
					 name);
			if (g_ptr_array_find_with_equal_func(keys, name, g_str_equal, NULL))
				fail_msg("conf/pae.conf:%u: %s is documented twice", i + 1, name);
			g_ptr_array_add(keys, g_strdup(name));
			line = g_strdup_printf("%s=%s", name, value);
		} else if (g_regex_match(hidden, lines[i], 0, NULL)) {
			fail_msg("conf/pae.conf:%u: a key is written #key=value: %s",
				 i + 1,
				 lines[i]);
		} else {
			line = g_strdup(lines[i]);
		}
		g_string_append_printf(sample->all, "%s\n", line);
		if (built)
			g_string_append_printf(sample->built, "%s\n", line);
	}
}

/* what the code knows of @group: %NULL when nothing reads it */
static GStrv
sample_known_keys(const gchar *group)
{
	const gchar *slash = strchr(group, '/');
	const gchar *const *known;
	gint backend;

	if (g_strcmp0(group, "agent") == 0)
		return g_strdupv((gchar **)pae_config_get_agent_keys());
	known = pae_policy_get_group_keys(slash != NULL ? slash + 1 : group);
	if (known != NULL)
		return g_strdupv((gchar **)known);
	backend = sample_find_backend(group);
	return backend >= 0 ? sample_backend_keys(backend) : NULL;
}

/* each documented key is known, and each group not a tenant's documents every key */
static void
sample_check_keys(const Sample *sample)
{
	for (guint i = 0; i < sample->order->len; i++) {
		const gchar *group = sample->order->pdata[i];
		GPtrArray *keys = g_hash_table_lookup(sample->groups, group);
		g_auto(GStrv) known = sample_known_keys(group);

		if (known == NULL)
			fail_msg("conf/pae.conf documents [%s], which nothing reads", group);
		for (guint j = 0; j < keys->len; j++) {
			if (!g_strv_contains((const gchar *const *)known, keys->pdata[j]))
				fail_msg("conf/pae.conf documents [%s] %s, which the code does not "
					 "know",
					 group,
					 (const gchar *)keys->pdata[j]);
		}
		if (strchr(group, '/') != NULL)
			continue;
		for (guint j = 0; known[j] != NULL; j++) {
			if (!g_ptr_array_find_with_equal_func(keys, known[j], g_str_equal, NULL))
				fail_msg(
					"conf/pae.conf does not document [%s] %s", group, known[j]);
		}
	}
}

static void
sample_require_group(const Sample *sample, const gchar *group)
{
	if (!g_hash_table_contains(sample->groups, group))
		fail_msg("conf/pae.conf does not document [%s]", group);
}

static void
sample_append_policy(GString *out, const PaeTenantPolicy *policy)
{
	g_autofree gchar *settle = pae_duration_to_string(policy->stage_settle);
	g_autofree gchar *absolute = g_strjoinv(";", policy->absolute_patches);

	g_string_append_printf(out,
			       "zone=%s absolute=%s settle=%s catch_up=%d\n",
			       policy->reference_timezone,
			       absolute,
			       settle,
			       policy->catch_up);
	for (guint i = 0; i < PAE_SEVERITY_LAST; i++) {
		const PaeSeverityClass *klass = &policy->classes[i];
		g_autofree gchar *vendor = g_strjoinv(";", klass->vendor_severities);
		g_autofree gchar *cadence = pae_cadence_to_string(&klass->cadence);
		g_autofree gchar *approve = pae_duration_to_string(klass->approve_after);
		g_autofree gchar *deadline = pae_duration_to_string(klass->deadline);
		g_string_append_printf(out,
				       "%s: %s, %s, %s, %s, %d\n",
				       pae_severity_to_string(klass->severity),
				       vendor,
				       cadence,
				       approve,
				       deadline,
				       klass->absolute);
	}
	for (guint i = 0; i < policy->stages->len; i++) {
		const PaeStage *stage = policy->stages->pdata[i];
		g_autofree gchar *window = pae_window_spec_to_string(&stage->window);
		g_autofree gchar *soak = pae_duration_to_string(stage->soak);
		g_string_append_printf(out,
				       "%s: %s soak=%s threshold=%g\n",
				       stage->name,
				       window,
				       soak,
				       stage->failure_threshold);
	}
}

/* what the defaults decide, paths aside (they depend on the environment) */
static gchar *
sample_describe(const PaeConfig *c)
{
	GString *out = g_string_new(NULL);
	g_autofree gchar *database = g_path_get_basename(c->database);
	const GTimeSpan spans[] = {c->reconcile_interval,
				   c->reconnect_min,
				   c->reconnect_max,
				   c->batch_delay,
				   c->tick_interval,
				   c->check_interval,
				   c->unmanaged_grace,
				   c->action_lifetime,
				   c->baseline_timeout,
				   c->revert_report_wait};

	g_string_append_printf(out,
			       "%s %s %s %s %s %d %d %u %d [%s] %s %s %s %s %s %s\n",
			       c->agent_id,
			       c->libvirt_uri,
			       c->default_timezone,
			       c->default_tenant,
			       c->default_category,
			       c->keepalive_interval,
			       c->keepalive_count,
			       c->batch_max,
			       c->log_target,
			       c->debug_domains,
			       c->clock_file != NULL ? c->clock_file : "-",
			       c->metrics_file != NULL ? c->metrics_file : "-",
			       c->patch_server_name,
			       c->changes_name,
			       c->incidents_name,
			       database);
	for (guint i = 0; i < G_N_ELEMENTS(spans); i++)
		g_string_append_printf(out, "%" G_GINT64_FORMAT " ", spans[i]);
	g_string_append_c(out, '\n');
	sample_append_policy(out, pae_policy_get_tenant(c->policy, "default"));
	return g_string_free(out, FALSE);
}

/* the backends a build lacks are turned off, and bigfix gets what it requires */
static gchar *
sample_write_dropin(const gchar *dir, const gchar *conf, gboolean with_bigfix)
{
	g_autoptr(GString) text = g_string_new("[agent]\n");
	g_autofree gchar *name = g_strdup_printf("%s.d/90-test.conf", conf);
	g_autofree gchar *password = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(sample_backends); i++) {
		if (sample_backend_is_built((gint)i)) {
			if (sample_backends[i].kind == PAE_BACKEND_KIND_PATCH_SERVER && with_bigfix)
				g_string_append_printf(
					text, "patch_server=%s\n", sample_backends[i].name);
		} else if (sample_backends[i].kind != PAE_BACKEND_KIND_PATCH_SERVER) {
			g_string_append_printf(text, "%s=none\n", sample_backends[i].agent_key);
		}
	}
	if (with_bigfix && sample_backend_is_built(sample_find_backend("bigfix"))) {
		password = pae_test_write_file(dir, "bigfix-password", "secret\n");
		assert_int_equal(g_chmod(password, 0600), 0);
		g_string_append_printf(text,
				       "[bigfix]\n"
				       "url=https://bigfix.example.com:52311\n"
				       "user=pae-agent\n"
				       "password_file=%s\n"
				       "patch_sites=Patches for RHEL 9;\n",
				       password);
	}
	return pae_test_write_file(dir, name, text->str);
}

static void
test_config_sample_func(void **state)
{
	Fixture *f = *state;
	g_autofree gchar *sample_file = sample_path("conf/pae.conf");
	g_autofree gchar *text = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(PaeConfig) config = NULL;
	g_autoptr(PaeConfig) builtin = NULL;
	g_autofree gchar *path = NULL;
	g_autofree gchar *dropin = NULL;
	g_autofree gchar *documented = NULL;
	g_autofree gchar *defaults = NULL;
	const PaeTenantPolicy *policy;
	Sample sample = {NULL};

	assert_true(g_file_get_contents(sample_file, &text, NULL, &error));

	/* as shipped, with everything commented out */
	path = pae_test_write_file(f->dir, "shipped/pae.conf", text);
	dropin = sample_write_dropin(f->dir, "shipped/pae.conf", FALSE);
	config = pae_config_load(path, PAE_CONFIG_LOAD_FULL, &error);
	if (config == NULL)
		fail_msg("conf/pae.conf does not load: %s", error->message);
	g_clear_pointer(&config, pae_config_unref);
	g_clear_pointer(&path, g_free);
	g_clear_pointer(&dropin, g_free);

	sample_parse(&sample, text);
	sample_check_keys(&sample);
	sample_require_group(&sample, "agent");
	sample_require_group(&sample, "policy");
	for (guint i = 0; i < PAE_SEVERITY_LAST; i++) {
		g_autofree gchar *group =
			g_strdup_printf("severity:%s", pae_severity_to_string((PaeSeverity)i));
		sample_require_group(&sample, group);
	}
	for (guint i = 0; i < G_N_ELEMENTS(sample_backends); i++)
		sample_require_group(&sample, sample_backends[i].group);

	/* uncommented: every group loads as paectl reads it ... */
	path = pae_test_write_file(f->dir, "all/pae.conf", sample.all->str);
	config = pae_config_load(path, PAE_CONFIG_LOAD_DEFAULT, &error);
	if (config == NULL)
		fail_msg("the defaults in conf/pae.conf do not parse: %s", error->message);
	policy = pae_policy_get_tenant(config->policy, "default");
	for (guint i = 0; i < policy->stages->len; i++) {
		g_autofree gchar *group = g_strdup_printf(
			"stage:%s", ((const PaeStage *)policy->stages->pdata[i])->name);
		sample_require_group(&sample, group);
	}
	assert_string_equal(pae_policy_get_tenant(config->policy, "acme")->tenant, "acme");

	/* ... and the values it documents are the built-in defaults */
	g_clear_pointer(&path, g_free);
	path = pae_test_write_file(f->dir, "empty/pae.conf", "[agent]\n");
	builtin = pae_config_load(path, PAE_CONFIG_LOAD_DEFAULT, &error);
	assert_non_null(builtin);
	documented = sample_describe(config);
	defaults = sample_describe(builtin);
	assert_string_equal(documented, defaults);
	g_clear_pointer(&config, pae_config_unref);

	/* the groups of the backends built, set up as the agent does, bigfix included */
	g_clear_pointer(&path, g_free);
	path = pae_test_write_file(f->dir, "built/pae.conf", sample.built->str);
	dropin = sample_write_dropin(f->dir, "built/pae.conf", TRUE);
	config = pae_config_load(path, PAE_CONFIG_LOAD_FULL, &error);
	if (config == NULL)
		fail_msg("the defaults in conf/pae.conf do not load in full: %s", error->message);
	assert_true((config->patch_server != NULL) ==
		    sample_backend_is_built(sample_find_backend("bigfix")));
	sample_clear(&sample);
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

/*
 * pae-test-util: what the cmocka tests share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

gchar *
pae_test_make_tmpdir(void)
{
	g_autoptr(GError) error = NULL;
	gchar *dir = g_dir_make_tmp("pae-test-XXXXXX", &error);
	assert_non_null(dir);
	return dir;
}

void
pae_test_remove_tree(const gchar *path)
{
	g_autoptr(GDir) dir = NULL;
	const gchar *name;

	if (path == NULL)
		return;
	if (!g_file_test(path, G_FILE_TEST_IS_DIR) || g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		g_unlink(path);
		return;
	}
	dir = g_dir_open(path, 0, NULL);
	if (dir != NULL) {
		while ((name = g_dir_read_name(dir)) != NULL) {
			g_autofree gchar *child = g_build_filename(path, name, NULL);
			pae_test_remove_tree(child);
		}
	}
	g_rmdir(path);
}

gchar *
pae_test_write_file(const gchar *dir, const gchar *name, const gchar *contents)
{
	gchar *path = g_build_filename(dir, name, NULL);
	g_autofree gchar *parent = g_path_get_dirname(path);
	g_autoptr(GError) error = NULL;

	g_mkdir_with_parents(parent, 0755);
	if (!g_file_set_contents(path, contents, -1, &error))
		fail_msg("cannot write %s: %s", path, error->message);
	return path;
}

const gchar *
pae_test_srcdir(void)
{
	const gchar *dir = g_getenv("PAE_TEST_SRCDIR");
	return dir != NULL ? dir : ".";
}

static gboolean
pae_test_timeout_cb(gpointer user_data)
{
	gboolean *timed_out = user_data;
	*timed_out = TRUE;
	return G_SOURCE_REMOVE;
}

/**
 * pae_test_loop_run_until:
 *
 * Iterates the default main context until @condition holds or the hang guard
 * of @timeout_ms fires.
 *
 * Returns: %TRUE if @condition held in time
 */
gboolean
pae_test_loop_run_until(gboolean (*condition)(gpointer), gpointer user_data, guint timeout_ms)
{
	gboolean timed_out = FALSE;
	guint id = g_timeout_add(timeout_ms, pae_test_timeout_cb, &timed_out);

	while (!condition(user_data) && !timed_out)
		g_main_context_iteration(NULL, TRUE);
	if (!timed_out)
		g_source_remove(id);
	return !timed_out;
}

static guint pae_test_warnings = 0;
static gchar *pae_test_last_warning = NULL;

static GLogWriterOutput
pae_test_writer(GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
	if ((level & G_LOG_LEVEL_WARNING) != 0) {
		pae_test_warnings++;
		for (gsize i = 0; i < n_fields; i++) {
			if (g_strcmp0(fields[i].key, "MESSAGE") == 0) {
				g_free(pae_test_last_warning);
				pae_test_last_warning = g_strdup(fields[i].value);
			}
		}
	}
	if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) != 0 &&
	    g_getenv("PAE_TEST_VERBOSE") == NULL)
		return G_LOG_WRITER_HANDLED;
	return g_log_writer_standard_streams(level, fields, n_fields, user_data);
}

/**
 * pae_test_expect_warnings:
 *
 * Counts warnings instead of only printing them, so tests can assert that a
 * bad input was reported.
 */
void
pae_test_expect_warnings(void)
{
	static gboolean installed = FALSE;
	if (!installed) {
		g_log_set_writer_func(pae_test_writer, NULL, NULL);
		installed = TRUE;
	}
}

guint
pae_test_get_warning_count(void)
{
	return pae_test_warnings;
}

const gchar *
pae_test_get_last_warning(void)
{
	return pae_test_last_warning;
}

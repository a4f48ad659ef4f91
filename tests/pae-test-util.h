/*
 * pae-test-util: what the cmocka tests share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* cmocka needs these before its header */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <glib.h>

G_BEGIN_DECLS

gchar *
pae_test_make_tmpdir(void);
void
pae_test_remove_tree(const gchar *path);
gchar *
pae_test_write_file(const gchar *dir, const gchar *name, const gchar *contents);
const gchar *
pae_test_srcdir(void);
gboolean
pae_test_loop_run_until(gboolean (*condition)(gpointer), gpointer user_data, guint timeout_ms);
void
pae_test_expect_warnings(void);
guint
pae_test_get_warning_count(void);
const gchar *
pae_test_get_last_warning(void);

G_END_DECLS

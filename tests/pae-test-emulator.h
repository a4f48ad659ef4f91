/*
 * pae-test-emulator: the BigFix emulator as a subprocess of a test
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
	gchar *dir; /* temporary: state, ready file, password, clock */
	gchar *password_file;
	gchar *clock_file;
	gchar *ca_file;
	gchar *base_url;
	guint port;
	GPid pid;
} PaeTestEmulator;

PaeTestEmulator *
pae_test_emulator_start(const gchar *scenario,
			const gchar *clock_start,
			const gchar *const *extra_args);
void
pae_test_emulator_stop(PaeTestEmulator *self);
gchar *
pae_test_emulator_admin(PaeTestEmulator *self,
			const gchar *method,
			const gchar *path,
			const gchar *json_body);
gchar *
pae_test_emulator_admin_eval(PaeTestEmulator *self, const gchar *path, const gchar *expression);
gchar *
pae_test_json_eval(const gchar *json, const gchar *expression);
guint
pae_test_emulator_count_requests(PaeTestEmulator *self, const gchar *path_prefix);

G_END_DECLS

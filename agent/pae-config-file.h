/*
 * pae-config-file: key files merged from a main file and drop-ins, with the
 * file and line of every key, and a list of every problem found
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PAE_TYPE_CONFIG_FILE (pae_config_file_get_type())
G_DECLARE_FINAL_TYPE(PaeConfigFile, pae_config_file, PAE, CONFIG_FILE, GObject)

PaeConfigFile *
pae_config_file_new(void);
gboolean
pae_config_file_load(PaeConfigFile *self, const gchar *main_path, GError **error);
gboolean
pae_config_file_load_data(PaeConfigFile *self,
			  const gchar *name,
			  const gchar *data,
			  GError **error);
GPtrArray *
pae_config_file_get_sources(PaeConfigFile *self);

gboolean
pae_config_file_has_group(PaeConfigFile *self, const gchar *group);
gboolean
pae_config_file_has_key(PaeConfigFile *self, const gchar *group, const gchar *key);
gchar **
pae_config_file_get_groups(PaeConfigFile *self, const gchar *prefix);
gchar **
pae_config_file_get_keys(PaeConfigFile *self, const gchar *group);
gchar *
pae_config_file_get_location(PaeConfigFile *self, const gchar *group, const gchar *key);

/* getters never fail: a bad value is recorded as a problem and the default returned */
gchar *
pae_config_file_get_string(PaeConfigFile *self,
			   const gchar *group,
			   const gchar *key,
			   const gchar *default_value);
gchar **
pae_config_file_get_string_list(PaeConfigFile *self,
				const gchar *group,
				const gchar *key,
				const gchar *const *default_value);
gboolean
pae_config_file_get_boolean(PaeConfigFile *self,
			    const gchar *group,
			    const gchar *key,
			    gboolean default_value);
gint64
pae_config_file_get_integer(PaeConfigFile *self,
			    const gchar *group,
			    const gchar *key,
			    gint64 default_value,
			    gint64 min,
			    gint64 max);
gdouble
pae_config_file_get_double(PaeConfigFile *self,
			   const gchar *group,
			   const gchar *key,
			   gdouble default_value,
			   gdouble min,
			   gdouble max);
GTimeSpan
pae_config_file_get_duration(PaeConfigFile *self,
			     const gchar *group,
			     const gchar *key,
			     GTimeSpan default_value,
			     GTimeSpan min,
			     GTimeSpan max);
gchar *
pae_config_file_get_timezone(PaeConfigFile *self,
			     const gchar *group,
			     const gchar *key,
			     const gchar *default_value);
gint
pae_config_file_get_choice(PaeConfigFile *self,
			   const gchar *group,
			   const gchar *key,
			   const gchar *const *choices,
			   gint default_index);

void
pae_config_file_add_problem(
	PaeConfigFile *self, const gchar *group, const gchar *key, const gchar *format, ...)
	G_GNUC_PRINTF(4, 5);
void
pae_config_file_expect_group(PaeConfigFile *self,
			     const gchar *group,
			     const gchar *const *known_keys);
void
pae_config_file_check_unexpected(PaeConfigFile *self);
guint
pae_config_file_get_problem_count(PaeConfigFile *self);
gboolean
pae_config_file_check(PaeConfigFile *self, GError **error);

G_END_DECLS

/*
 * pae-json: a small JSON writer for paectl --json and the audit trail
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PaeJson PaeJson;

PaeJson *
pae_json_new(gboolean pretty);
void
pae_json_free(PaeJson *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeJson, pae_json_free)

void
pae_json_begin_object(PaeJson *self);
void
pae_json_end_object(PaeJson *self);
void
pae_json_begin_array(PaeJson *self);
void
pae_json_end_array(PaeJson *self);
void
pae_json_key(PaeJson *self, const gchar *key);
void
pae_json_string(PaeJson *self, const gchar *value);
void
pae_json_int(PaeJson *self, gint64 value);
void
pae_json_double(PaeJson *self, gdouble value);
void
pae_json_boolean(PaeJson *self, gboolean value);
void
pae_json_null(PaeJson *self);
void
pae_json_time(PaeJson *self, gint64 time_us);
void
pae_json_raw(PaeJson *self, const gchar *json_text);

/* key + value in one call */
void
pae_json_member_string(PaeJson *self, const gchar *key, const gchar *value);
void
pae_json_member_int(PaeJson *self, const gchar *key, gint64 value);
void
pae_json_member_double(PaeJson *self, const gchar *key, gdouble value);
void
pae_json_member_boolean(PaeJson *self, const gchar *key, gboolean value);
void
pae_json_member_time(PaeJson *self, const gchar *key, gint64 time_us);

gchar *
pae_json_finish(PaeJson *self);

G_END_DECLS

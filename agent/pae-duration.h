/*
 * pae-duration: spans of time written the way operators write them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean
pae_duration_parse(const gchar *text, GTimeSpan *out);
gchar *
pae_duration_to_string(GTimeSpan span);

G_END_DECLS

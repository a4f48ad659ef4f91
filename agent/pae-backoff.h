/*
 * pae-backoff: how long to wait before trying again
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GTimeSpan
pae_backoff_delay(guint attempt, GTimeSpan min, GTimeSpan max, gdouble random_unit);

G_END_DECLS

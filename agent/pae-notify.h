/*
 * pae-notify: the systemd notification protocol, without libsystemd
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean
pae_notify_send(const gchar *state, GError **error);
guint64
pae_notify_get_watchdog_usec(void);

G_END_DECLS

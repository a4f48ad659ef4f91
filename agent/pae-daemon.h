/*
 * pae-daemon: the agent's parts, wired together on one main loop
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-config.h"

G_BEGIN_DECLS

#define PAE_TYPE_DAEMON (pae_daemon_get_type())
G_DECLARE_FINAL_TYPE(PaeDaemon, pae_daemon, PAE, DAEMON, GObject)

PaeDaemon *
pae_daemon_new(const gchar *config_path, PaeConfig *config);
gboolean
pae_daemon_setup(PaeDaemon *self, GError **error);
gint
pae_daemon_run(PaeDaemon *self);
void
pae_daemon_stop(PaeDaemon *self);
gboolean
pae_daemon_reload(PaeDaemon *self, GError **error);

G_END_DECLS

/*
 * pae-log: where log records go, and which debug records are kept
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	PAE_LOG_TARGET_AUTO,
	PAE_LOG_TARGET_JOURNAL,
	PAE_LOG_TARGET_STDERR,
} PaeLogTarget;

gboolean
pae_log_target_from_string(const gchar *text, PaeLogTarget *target);
void
pae_log_setup(PaeLogTarget target);
void
pae_log_set_debug_domains(const gchar *domains);
gboolean
pae_log_get_debug_enabled(const gchar *domain);
void
pae_log_toggle_debug(void);
gboolean
pae_log_journal_available(void);

G_END_DECLS

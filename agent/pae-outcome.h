/*
 * pae-outcome: what a patch server's per-computer status means
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	PAE_OUTCOME_PENDING,   /* nothing reported yet */
	PAE_OUTCOME_RUNNING,   /* evaluating, downloading, running, constrained */
	PAE_OUTCOME_WAITING,   /* applied, waiting for a restart or the user */
	PAE_OUTCOME_DONE,      /* fixed, or not relevant any more */
	PAE_OUTCOME_FAILED,    /* ran and failed */
	PAE_OUTCOME_MISSED,    /* the action ended without running here */
	PAE_OUTCOME_CANCELLED, /* the action was stopped before it ran here */
	PAE_OUTCOME_LAST
} PaeOutcome;

PaeOutcome
pae_outcome_from_status(const gchar *status, const gchar *action_state);
gboolean
pae_outcome_is_final(PaeOutcome outcome);
const gchar *
pae_outcome_to_string(PaeOutcome outcome);
PaeOutcome
pae_outcome_from_string(const gchar *text);

G_END_DECLS

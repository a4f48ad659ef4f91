/*
 * pae-outcome: what a patch server's per-computer status means
 *
 * BigFix reports a short status per computer ("Fixed", "Failed", "Pending
 * Restart", ...). The checker only needs to know whether a target is done,
 * failed, waiting, still going, or was missed. Statuses this table does not
 * know are treated as still going, never as success.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-outcome.h"

static const gchar *const pae_outcome_names[] = {
	[PAE_OUTCOME_PENDING] = "pending",
	[PAE_OUTCOME_RUNNING] = "running",
	[PAE_OUTCOME_WAITING] = "waiting",
	[PAE_OUTCOME_DONE] = "done",
	[PAE_OUTCOME_FAILED] = "failed",
	[PAE_OUTCOME_MISSED] = "missed",
	[PAE_OUTCOME_CANCELLED] = "cancelled",
};

typedef struct {
	const gchar *status;
	PaeOutcome outcome;
} PaeOutcomeMapping;

/* short names as the console and "status of <bes action result>" give them */
static const PaeOutcomeMapping pae_outcome_table[] = {
	{"Fixed", PAE_OUTCOME_DONE},
	{"Completed", PAE_OUTCOME_DONE},
	{"Not Relevant", PAE_OUTCOME_DONE},
	{"Failed", PAE_OUTCOME_FAILED},
	{"Download Failed", PAE_OUTCOME_FAILED},
	{"Hash Mismatch", PAE_OUTCOME_FAILED},
	{"Invalid Signature", PAE_OUTCOME_FAILED},
	{"Transcoding Error", PAE_OUTCOME_FAILED},
	{"Error", PAE_OUTCOME_FAILED},
	{"Disk Limited", PAE_OUTCOME_FAILED},
	{"Disk Free Limited", PAE_OUTCOME_FAILED},
	{"Offers Disabled", PAE_OUTCOME_FAILED},
	{"Cancelled", PAE_OUTCOME_CANCELLED},
	{"Stopped", PAE_OUTCOME_CANCELLED},
	{"Pending Restart", PAE_OUTCOME_WAITING},
	{"Pending Client Restart", PAE_OUTCOME_WAITING},
	{"Pending Message", PAE_OUTCOME_WAITING},
	{"Pending Login", PAE_OUTCOME_WAITING},
	{"Pending Offer Acceptance", PAE_OUTCOME_WAITING},
	{"Expired", PAE_OUTCOME_MISSED},
	{"Not Reported", PAE_OUTCOME_PENDING},
};

/**
 * pae_outcome_from_status:
 * @status: (nullable): the short per-computer status, %NULL when the
 *   computer has not reported on the action
 * @action_state: (nullable): the action's own state: Open, Stopped, Expired
 */
PaeOutcome
pae_outcome_from_status(const gchar *status, const gchar *action_state)
{
	if (status == NULL || status[0] == '\0') {
		/* the action ended and this computer never ran it */
		if (g_strcmp0(action_state, "Expired") == 0)
			return PAE_OUTCOME_MISSED;
		if (g_strcmp0(action_state, "Stopped") == 0)
			return PAE_OUTCOME_CANCELLED;
		return PAE_OUTCOME_PENDING;
	}
	for (guint i = 0; i < G_N_ELEMENTS(pae_outcome_table); i++) {
		if (g_ascii_strcasecmp(pae_outcome_table[i].status, status) == 0)
			return pae_outcome_table[i].outcome;
	}
	/* Running, Evaluating, Waiting, Pending Downloads, Constrained, Postponed,
	 * Locked, and anything newer: not finished */
	if (g_strcmp0(action_state, "Expired") == 0)
		return PAE_OUTCOME_MISSED;
	if (g_strcmp0(action_state, "Stopped") == 0)
		return PAE_OUTCOME_CANCELLED;
	return PAE_OUTCOME_RUNNING;
}

gboolean
pae_outcome_is_final(PaeOutcome outcome)
{
	return outcome == PAE_OUTCOME_DONE || outcome == PAE_OUTCOME_FAILED ||
	       outcome == PAE_OUTCOME_MISSED || outcome == PAE_OUTCOME_CANCELLED;
}

const gchar *
pae_outcome_to_string(PaeOutcome outcome)
{
	if ((guint)outcome >= G_N_ELEMENTS(pae_outcome_names))
		return "pending";
	return pae_outcome_names[outcome];
}

PaeOutcome
pae_outcome_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_outcome_names); i++) {
		if (g_strcmp0(pae_outcome_names[i], text) == 0)
			return (PaeOutcome)i;
	}
	return PAE_OUTCOME_PENDING;
}

/*
 * pae-compliance: a VM's compliance, from what the patch server says
 *
 * The patch server only knows what the client last reported. After a
 * snapshot revert or a resume, whatever it reported before describes another
 * VM (the one before the revert, or before the long sleep), so such a report
 * is stale and is not trusted until the client reports again.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-compliance.h"

static const gchar *const pae_compliance_names[] = {
	[PAE_COMPLIANCE_UNKNOWN] = "unknown",
	[PAE_COMPLIANCE_PENDING] = "pending",
	[PAE_COMPLIANCE_UNMANAGED] = "unmanaged",
	[PAE_COMPLIANCE_STALE] = "stale",
	[PAE_COMPLIANCE_COMPLIANT] = "compliant",
	[PAE_COMPLIANCE_NON_COMPLIANT] = "non-compliant",
};

const gchar *
pae_compliance_state_to_string(PaeComplianceState state)
{
	if ((guint)state >= G_N_ELEMENTS(pae_compliance_names))
		return "unknown";
	return pae_compliance_names[state];
}

PaeComplianceState
pae_compliance_state_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_compliance_names); i++) {
		if (g_strcmp0(pae_compliance_names[i], text) == 0)
			return (PaeComplianceState)i;
	}
	return PAE_COMPLIANCE_UNKNOWN;
}

/**
 * pae_compliance_report_is_trusted:
 * @report: when the client reported
 * @trust_after: the VM's last revert or resume, 0 if none
 */
gboolean
pae_compliance_report_is_trusted(PaeTime report, PaeTime trust_after)
{
	return report > 0 && report > trust_after;
}

PaeComplianceState
pae_compliance_evaluate(const PaeComplianceInput *input, PaeTime now)
{
	if (!input->mapped) {
		if (now - input->first_seen >= input->grace)
			return PAE_COMPLIANCE_UNMANAGED;
		return PAE_COMPLIANCE_PENDING;
	}
	if (!pae_compliance_report_is_trusted(input->report, input->trust_after))
		return PAE_COMPLIANCE_STALE;
	return input->relevant > 0 ? PAE_COMPLIANCE_NON_COMPLIANT : PAE_COMPLIANCE_COMPLIANT;
}

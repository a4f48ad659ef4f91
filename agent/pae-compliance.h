/*
 * pae-compliance: a VM's compliance, from what the patch server says
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-clock.h"

G_BEGIN_DECLS

typedef enum {
	PAE_COMPLIANCE_UNKNOWN,	      /* not reconciled yet */
	PAE_COMPLIANCE_PENDING,	      /* no computer reports for it yet, within the grace period */
	PAE_COMPLIANCE_UNMANAGED,     /* still no computer after the grace period */
	PAE_COMPLIANCE_STALE,	      /* its last report predates its last revert or resume */
	PAE_COMPLIANCE_COMPLIANT,     /* a trusted report, no relevant patch */
	PAE_COMPLIANCE_NON_COMPLIANT, /* a trusted report with relevant patches */
	PAE_COMPLIANCE_LAST
} PaeComplianceState;

typedef struct {
	gboolean mapped;
	PaeTime report;	     /* the computer's last report, when mapped */
	PaeTime trust_after; /* the VM's last revert or resume; 0 if none */
	PaeTime first_seen;  /* when the VM was first seen on this controller */
	GTimeSpan grace;     /* how long a new VM may stay unmapped */
	guint relevant;	     /* relevant patches in the report */
} PaeComplianceInput;

PaeComplianceState
pae_compliance_evaluate(const PaeComplianceInput *input, PaeTime now);
gboolean
pae_compliance_report_is_trusted(PaeTime report, PaeTime trust_after);
const gchar *
pae_compliance_state_to_string(PaeComplianceState state);
PaeComplianceState
pae_compliance_state_from_string(const gchar *text);

G_END_DECLS

/*
 * pae-libvirt: reading VM facts from libvirt
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libvirt/libvirt.h>

#include "pae-domain-xml.h"

G_BEGIN_DECLS

typedef enum {
	PAE_FACTS_OK,
	PAE_FACTS_GONE,	       /* the domain does not exist (any more) */
	PAE_FACTS_UNAVAILABLE, /* libvirt could not be asked */
} PaeFactsResult;

void
pae_libvirt_setup(void);
void
pae_libvirt_set_error(GError **error, const gchar *what);
gboolean
pae_libvirt_last_error_is_no_domain(void);
PaeVm *
pae_libvirt_read_domain_facts(virDomain *dom, const PaeVmDefaults *defaults, GError **error);
PaeVm *
pae_libvirt_read_facts(virConnect *conn,
		       const gchar *uuid,
		       const PaeVmDefaults *defaults,
		       PaeFactsResult *result);
GPtrArray *
pae_libvirt_list_facts(virConnect *conn, const PaeVmDefaults *defaults, GError **error);
PaeVmState
pae_libvirt_state_from_libvirt(gint state, gint reason);
gboolean
pae_libvirt_state_is_transition(gint state, gint reason);

G_END_DECLS

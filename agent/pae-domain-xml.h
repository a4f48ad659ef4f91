/*
 * pae-domain-xml: a VM's facts from its libvirt domain XML
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-vm.h"

G_BEGIN_DECLS

typedef struct {
	const gchar *tenant;
	const gchar *category;
	const gchar *timezone;
} PaeVmDefaults;

PaeVm *
pae_domain_xml_parse(const gchar *xml,
		     const PaeVmDefaults *defaults,
		     GPtrArray *warnings,
		     GError **error);
gchar *
pae_domain_xml_parse_snapshot_parent(const gchar *xml);
gchar *
pae_domain_xml_build_metadata(const gchar *tenant, const gchar *category, const gchar *timezone);

G_END_DECLS

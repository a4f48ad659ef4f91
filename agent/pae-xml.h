/*
 * pae-xml: libxml2, hardened, and small helpers to read documents
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

#include "pae-cleanup.h"

G_BEGIN_DECLS

xmlDoc *
pae_xml_parse(const gchar *data, gsize len, gsize max_len, GError **error);
xmlNode *
pae_xml_child(xmlNode *parent, const gchar *name, const gchar *ns_uri);
gchar *
pae_xml_child_text(xmlNode *parent, const gchar *name, const gchar *ns_uri);
gchar *
pae_xml_text(xmlNode *node);
gchar *
pae_xml_attr(xmlNode *node, const gchar *name);
gboolean
pae_xml_is(xmlNode *node, const gchar *name, const gchar *ns_uri);
gchar *
pae_xml_escape(const gchar *text);

G_END_DECLS

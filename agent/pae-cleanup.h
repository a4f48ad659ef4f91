/*
 * pae-cleanup: g_autoptr() support for the C libraries the core uses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <libvirt/libvirt.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <sqlite3.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sqlite3_stmt, sqlite3_finalize)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)

/* libvirt's free functions return int, so they need a wrapper */
static inline void
pae_virconnect_unref(virConnect *conn)
{
	if (conn != NULL)
		virConnectClose(conn);
}
static inline void
pae_virdomain_unref(virDomain *dom)
{
	if (dom != NULL)
		virDomainFree(dom);
}
static inline void
pae_virdomain_snapshot_unref(virDomainSnapshot *snap)
{
	if (snap != NULL)
		virDomainSnapshotFree(snap);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virConnect, pae_virconnect_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomain, pae_virdomain_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainSnapshot, pae_virdomain_snapshot_unref)

/* xmlChar strings are freed with xmlFree, a pointer variable not a function */
static inline void
pae_xml_char_free(xmlChar *str)
{
	xmlFree(str);
}
typedef xmlChar PaeXmlChar;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeXmlChar, pae_xml_char_free)

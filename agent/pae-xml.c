/*
 * pae-xml: libxml2, hardened, and small helpers to read documents
 *
 * Every document the agent reads comes from somewhere it does not control (a
 * hypervisor, a patch server), so parsing never substitutes entities
 * (XML_PARSE_NOENT), never loads a DTD (XML_PARSE_DTDLOAD), never touches the
 * network (XML_PARSE_NONET), never lifts libxml2's size limits
 * (XML_PARSE_HUGE), and refuses any document with a DOCTYPE at all.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeXml"

#include "config.h"

#include "pae-xml.h"

#include <libxml/parser.h>
#include <string.h>

#include "pae-error.h"

static void
pae_xml_silence(void *ctx, const char *msg, ...)
{
	/* libxml2 would print to stderr; errors come back through xmlGetLastError() */
}

/**
 * pae_xml_parse:
 * @data: the document, not necessarily NUL-terminated
 * @len: its length in bytes
 * @max_len: the largest document accepted
 *
 * Returns: (transfer full): the document, or %NULL with %PAE_ERROR_INVALID_DATA
 * or %PAE_ERROR_TOO_LARGE
 */
xmlDoc *
pae_xml_parse(const gchar *data, gsize len, gsize max_len, GError **error)
{
	g_autoptr(xmlDoc) doc = NULL;
	const xmlError *last;
	const int options =
		XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING | XML_PARSE_NOERROR;

	if (len > max_len) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_TOO_LARGE,
			    "document of %" G_GSIZE_FORMAT
			    " bytes is over the limit of %" G_GSIZE_FORMAT,
			    len,
			    max_len);
		return NULL;
	}
	if (len == 0 || len > G_MAXINT) {
		g_set_error_literal(error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "empty document");
		return NULL;
	}
	xmlSetGenericErrorFunc(NULL, pae_xml_silence);
	xmlResetLastError();
	doc = xmlReadMemory(data, (int)len, "reply.xml", NULL, options);
	if (doc == NULL) {
		g_autofree gchar *message = NULL;
		last = xmlGetLastError();
		message = g_strdup(last != NULL && last->message != NULL ? last->message
									 : "cannot parse");
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_DATA,
			    "malformed XML: %s",
			    g_strchomp(message));
		return NULL;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "documents with a DOCTYPE are refused");
		return NULL;
	}
	if (xmlDocGetRootElement(doc) == NULL) {
		g_set_error_literal(
			error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "document has no root");
		return NULL;
	}
	return g_steal_pointer(&doc);
}

/**
 * pae_xml_is:
 * @ns_uri: (nullable): the namespace the element must be in, or %NULL for none
 */
gboolean
pae_xml_is(xmlNode *node, const gchar *name, const gchar *ns_uri)
{
	if (node == NULL || node->type != XML_ELEMENT_NODE)
		return FALSE;
	if (g_strcmp0((const gchar *)node->name, name) != 0)
		return FALSE;
	if (ns_uri == NULL)
		return node->ns == NULL;
	return node->ns != NULL && g_strcmp0((const gchar *)node->ns->href, ns_uri) == 0;
}

xmlNode *
pae_xml_child(xmlNode *parent, const gchar *name, const gchar *ns_uri)
{
	if (parent == NULL)
		return NULL;
	for (xmlNode *child = parent->children; child != NULL; child = child->next) {
		if (pae_xml_is(child, name, ns_uri))
			return child;
	}
	return NULL;
}

gchar *
pae_xml_text(xmlNode *node)
{
	g_autoptr(PaeXmlChar) content = NULL;

	if (node == NULL)
		return NULL;
	content = xmlNodeGetContent(node);
	if (content == NULL)
		return g_strdup("");
	return g_strstrip(g_strdup((const gchar *)content));
}

gchar *
pae_xml_child_text(xmlNode *parent, const gchar *name, const gchar *ns_uri)
{
	return pae_xml_text(pae_xml_child(parent, name, ns_uri));
}

gchar *
pae_xml_attr(xmlNode *node, const gchar *name)
{
	g_autoptr(PaeXmlChar) value = NULL;

	if (node == NULL)
		return NULL;
	value = xmlGetProp(node, (const xmlChar *)name);
	if (value == NULL)
		return NULL;
	return g_strdup((const gchar *)value);
}

/**
 * pae_xml_escape:
 *
 * Returns: @text with &, <, >, " and ' escaped for element or attribute content
 */
gchar *
pae_xml_escape(const gchar *text)
{
	return g_markup_escape_text(text != NULL ? text : "", -1);
}

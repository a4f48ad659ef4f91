/*
 * pae-bigfix-relevance: the session relevance queries the backend sends
 *
 * Five queries (Q1-Q5, see README.md), each a fixed projection followed by
 * "whose (FILTER)". Everything that comes from outside goes in as a string
 * constant, with '"', '%' and control bytes written as %XX (the relevance
 * language's only escape), or as an id that was checked to be digits only,
 * so no input can change the shape of a query.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "pae-bigfix-private.h"
#include "pae-error.h"

/* BigFix ids are unsigned 32-bit in practice; allow some headroom */
#define PAE_BIGFIX_ID_MAX_DIGITS 18

#define PAE_BIGFIX_Q1                                                                              \
	"(id of computer of it, name of computer of it | \"\", value of it | \"\", "               \
	"(last report time of computer of it as string) | \"\") of results of bes properties "     \
	"whose (%s)"
#define PAE_BIGFIX_Q2                                                                              \
	"(id of computer of it, name of site of fixlet of it, id of fixlet of it) of results "     \
	"whose (relevant flag of it) of bes fixlets whose (%s)"
#define PAE_BIGFIX_Q3                                                                              \
	"(name of site of it, id of it, name of it, source severity of it | \"\", category of "    \
	"it | \"\", (source release date of it as string) | \"\", cve id list of it | \"\") of "   \
	"bes fixlets whose (%s)"
#define PAE_BIGFIX_Q4                                                                              \
	"(id of it, name of it, state of it, (time issued of it as string) | \"\") of bes "        \
	"actions whose (%s)"
#define PAE_BIGFIX_Q5                                                                              \
	"(id of action of it, id of computer of it, status of it as string, exit code of it | "    \
	"-1, apply count of it, (start time of it as string) | \"\", (end time of it as string) "  \
	"| \"\") of results of bes actions whose (%s)"

/**
 * pae_bigfix_relevance_check_id:
 * @what: for the message, e.g. "action id"
 *
 * Returns: %TRUE if @id is a decimal BigFix id, safe to put into relevance,
 * XML and URLs as it is
 */
gboolean
pae_bigfix_relevance_check_id(const gchar *id, const gchar *what, GError **error)
{
	gsize len = id != NULL ? strlen(id) : 0;
	g_autofree gchar *shown = NULL;

	if (len > 0 && len <= PAE_BIGFIX_ID_MAX_DIGITS) {
		gboolean digits = TRUE;
		for (gsize i = 0; i < len && digits; i++)
			digits = g_ascii_isdigit(id[i]);
		if (digits)
			return TRUE;
	}
	shown = g_utf8_make_valid(id != NULL ? id : "(null)", MIN((gssize)len, 40));
	g_set_error(error,
		    PAE_ERROR,
		    PAE_ERROR_INVALID_DATA,
		    "%s '%s' is not a BigFix id (decimal digits)",
		    what,
		    shown);
	return FALSE;
}

/**
 * pae_bigfix_relevance_quote:
 *
 * Returns: @text as a relevance string constant, quotes included
 */
gchar *
pae_bigfix_relevance_quote(const gchar *text)
{
	GString *out = g_string_new("\"");

	for (const guchar *p = (const guchar *)(text != NULL ? text : ""); *p != '\0'; p++) {
		if (*p == '"' || *p == '%' || *p < 0x20 || *p == 0x7f)
			g_string_append_printf(out, "%%%02X", *p);
		else
			g_string_append_c(out, (gchar)*p);
	}
	g_string_append_c(out, '"');
	return g_string_free(out, FALSE);
}

/* "set of (1;2;3)" of the ids in [start, start + count) */
static void
pae_bigfix_relevance_append_id_set(GString *out, GPtrArray *ids, guint start, guint count)
{
	g_string_append(out, "id of it is contained by set of (");
	for (guint i = start; i < start + count && i < ids->len; i++) {
		if (i > start)
			g_string_append_c(out, ';');
		g_string_append(out, g_ptr_array_index(ids, i));
	}
	g_string_append_c(out, ')');
}

gchar *
pae_bigfix_relevance_computers(const gchar *property)
{
	g_autofree gchar *quoted = pae_bigfix_relevance_quote(property);
	g_autofree gchar *filter = g_strdup_printf("name of it = %s", quoted);
	return g_strdup_printf(PAE_BIGFIX_Q1, filter);
}

gchar *
pae_bigfix_relevance_relevant(const gchar *const *sites)
{
	g_autoptr(GString) filter = g_string_new("fixlet flag of it and (");

	for (guint i = 0; sites != NULL && sites[i] != NULL; i++) {
		g_autofree gchar *quoted = pae_bigfix_relevance_quote(sites[i]);
		if (i > 0)
			g_string_append(filter, " or ");
		g_string_append_printf(filter, "name of site of it = %s", quoted);
	}
	g_string_append_c(filter, ')');
	return g_strdup_printf(PAE_BIGFIX_Q2, filter->str);
}

/**
 * pae_bigfix_relevance_patch_info:
 * @patches: (element-type PaePatchRef): fixlet ids checked by the caller
 * @start: the first patch of this query
 * @count: how many patches from @start
 *
 * Returns: Q3 for those patches, grouped per site in order of appearance
 */
gchar *
pae_bigfix_relevance_patch_info(GPtrArray *patches, guint start, guint count)
{
	g_autoptr(GPtrArray) sites = g_ptr_array_new();
	g_autoptr(GHashTable) per_site = g_hash_table_new_full(
		g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GString) filter = g_string_new("fixlet flag of it and (");

	for (guint i = start; i < start + count && i < patches->len; i++) {
		PaePatchRef *ref = g_ptr_array_index(patches, i);
		GPtrArray *ids = g_hash_table_lookup(per_site, ref->site);
		gchar *key = g_strdup_printf("%s\x1f%s", ref->site, ref->fixlet_id);

		if (!g_hash_table_add(seen, key))
			continue;
		if (ids == NULL) {
			ids = g_ptr_array_new();
			g_hash_table_insert(per_site, ref->site, ids);
			g_ptr_array_add(sites, ref->site);
		}
		g_ptr_array_add(ids, ref->fixlet_id);
	}
	for (guint i = 0; i < sites->len; i++) {
		const gchar *site = g_ptr_array_index(sites, i);
		GPtrArray *ids = g_hash_table_lookup(per_site, site);
		g_autofree gchar *quoted = pae_bigfix_relevance_quote(site);

		if (i > 0)
			g_string_append(filter, " or ");
		g_string_append_printf(filter, "(name of site of it = %s and ", quoted);
		pae_bigfix_relevance_append_id_set(filter, ids, 0, ids->len);
		g_string_append_c(filter, ')');
	}
	g_string_append_c(filter, ')');
	return g_strdup_printf(PAE_BIGFIX_Q3, filter->str);
}

gchar *
pae_bigfix_relevance_actions_by_ids(GPtrArray *ids, guint start, guint count)
{
	g_autoptr(GString) filter = g_string_new(NULL);
	pae_bigfix_relevance_append_id_set(filter, ids, start, count);
	return g_strdup_printf(PAE_BIGFIX_Q4, filter->str);
}

/* actions whose title starts with "[PREFIX", i.e. whose key starts with PREFIX */
gchar *
pae_bigfix_relevance_actions_by_prefix(const gchar *prefix)
{
	g_autofree gchar *title_prefix = g_strconcat("[", prefix, NULL);
	g_autofree gchar *quoted = pae_bigfix_relevance_quote(title_prefix);
	g_autofree gchar *filter = g_strdup_printf("name of it starts with %s", quoted);
	return g_strdup_printf(PAE_BIGFIX_Q4, filter);
}

gchar *
pae_bigfix_relevance_results_by_ids(GPtrArray *ids, guint start, guint count)
{
	g_autoptr(GString) filter = g_string_new(NULL);
	pae_bigfix_relevance_append_id_set(filter, ids, start, count);
	return g_strdup_printf(PAE_BIGFIX_Q5, filter->str);
}

/* the form body of POST /api/query; the reply is XML, the default */
gchar *
pae_bigfix_relevance_form_body(const gchar *relevance)
{
	g_autofree gchar *escaped = g_uri_escape_string(relevance, NULL, FALSE);
	return g_strconcat("relevance=", escaped, NULL);
}

/*
 * pae-bigfix-reply: reading what the BigFix REST API answers
 *
 * Session relevance answers come as
 *   <BESAPI><Query Resource="..."><Result>(<Tuple><Answer>...)*</Result>
 *   <Evaluation>...</Evaluation> | <Error>text</Error></Query></BESAPI>
 * and an Error arrives with HTTP 200, so it is checked here. Servers add
 * elements and attributes over time: anything unknown is skipped. Anything
 * missing or of the wrong shape is PAE_ERROR_INVALID_DATA, never a guess: a
 * row dropped silently would make a VM look unmanaged.
 *
 * Times are RFC 1123 with a numeric zone, "Wed, 25 May 2016 22:28:02 +0000";
 * dates are "Tue, 10 Mar 2026".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "pae-bigfix-private.h"
#include "pae-error.h"
#include "pae-xml.h"

/* the column types of each query: i = integer, s = string */
#define PAE_BIGFIX_Q1_COLUMNS "isss"
#define PAE_BIGFIX_Q2_COLUMNS "isi"
#define PAE_BIGFIX_Q3_COLUMNS "sisssss"
#define PAE_BIGFIX_Q4_COLUMNS "isss"
#define PAE_BIGFIX_Q5_COLUMNS "iisiiss"

static xmlDoc *
pae_bigfix_reply_parse_besapi(const gchar *data, gsize len, gsize max_len, GError **error)
{
	g_autoptr(xmlDoc) doc = pae_xml_parse(data, len, max_len, error);

	if (doc == NULL)
		return NULL;
	if (!pae_xml_is(xmlDocGetRootElement(doc), "BESAPI", NULL)) {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "the reply is not a BESAPI document");
		return NULL;
	}
	return g_steal_pointer(&doc);
}

static gboolean
pae_bigfix_reply_check_value(
	const gchar *value, gchar type, guint row, guint column, GError **error)
{
	gint64 number;

	if (type != 'i' ||
	    g_ascii_string_to_signed(value, 10, G_MININT64, G_MAXINT64, &number, NULL))
		return TRUE;
	g_set_error(error,
		    PAE_ERROR,
		    PAE_ERROR_INVALID_DATA,
		    "row %u, column %u: expected an integer",
		    row + 1,
		    column + 1);
	return FALSE;
}

static void
pae_bigfix_reply_add_text(GStrvBuilder *builder, xmlNode *node)
{
	g_autofree gchar *text = pae_xml_text(node);
	g_strv_builder_add(builder, text);
}

/* a Tuple of Answers, or one Answer for single-column queries */
static gchar **
pae_bigfix_reply_parse_row(xmlNode *node, const gchar *columns, guint row, GError **error)
{
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
	g_auto(GStrv) values = NULL;
	guint n_columns = (guint)strlen(columns);
	guint n = 0;

	if (pae_xml_is(node, "Answer", NULL)) {
		pae_bigfix_reply_add_text(builder, node);
		n = 1;
	} else {
		for (xmlNode *child = node->children; child != NULL; child = child->next) {
			if (pae_xml_is(child, "Tuple", NULL)) {
				g_set_error(error,
					    PAE_ERROR,
					    PAE_ERROR_INVALID_DATA,
					    "row %u: nested tuples are not expected",
					    row + 1);
				return NULL;
			}
			if (!pae_xml_is(child, "Answer", NULL))
				continue;
			if (++n > n_columns)
				break;
			pae_bigfix_reply_add_text(builder, child);
		}
	}
	if (n != n_columns) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_DATA,
			    "row %u: expected %u answers, got %s%u",
			    row + 1,
			    n_columns,
			    n > n_columns ? "more than " : "",
			    MIN(n, n_columns));
		return NULL;
	}
	values = g_strv_builder_end(builder);
	for (guint i = 0; i < n_columns; i++) {
		if (!pae_bigfix_reply_check_value(values[i], columns[i], row, i, error))
			return NULL;
	}
	return g_steal_pointer(&values);
}

/**
 * pae_bigfix_reply_parse_query:
 * @columns: one letter per column, 'i' for an integer and 's' for a string
 *
 * Returns: (transfer container) (element-type GStrv): the rows, each with
 * exactly as many values as @columns has letters
 */
GPtrArray *
pae_bigfix_reply_parse_query(
	const gchar *data, gsize len, gsize max_len, const gchar *columns, GError **error)
{
	g_autoptr(xmlDoc) doc = pae_bigfix_reply_parse_besapi(data, len, max_len, error);
	g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	xmlNode *query;
	xmlNode *result;
	xmlNode *failure;

	if (doc == NULL)
		return NULL;
	query = pae_xml_child(xmlDocGetRootElement(doc), "Query", NULL);
	if (query == NULL) {
		g_set_error_literal(
			error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "no Query in the reply");
		return NULL;
	}
	failure = pae_xml_child(query, "Error", NULL);
	if (failure != NULL) {
		g_autofree gchar *message = pae_xml_text(failure);
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_DATA,
			    "relevance error: %s",
			    message[0] != '\0' ? message : "(no message)");
		return NULL;
	}
	result = pae_xml_child(query, "Result", NULL);
	if (result == NULL) {
		g_set_error_literal(
			error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "no Result in the reply");
		return NULL;
	}
	for (xmlNode *child = result->children; child != NULL; child = child->next) {
		gchar **row;
		if (!pae_xml_is(child, "Tuple", NULL) && !pae_xml_is(child, "Answer", NULL))
			continue;
		row = pae_bigfix_reply_parse_row(child, columns, rows->len, error);
		if (row == NULL)
			return NULL;
		g_ptr_array_add(rows, row);
	}
	return g_steal_pointer(&rows);
}

static gint
pae_bigfix_reply_to_int(const gchar *text)
{
	gint64 value = g_ascii_strtoll(text, NULL, 10);
	return (gint)CLAMP(value, G_MININT, G_MAXINT);
}

static gchar *
pae_bigfix_reply_dup_nonempty(const gchar *text)
{
	return text != NULL && text[0] != '\0' ? g_strdup(text) : NULL;
}

/* Q1: every computer with the UUID property, one row each */
GPtrArray *
pae_bigfix_reply_parse_computers(const gchar *data, gsize len, gsize max_len, GError **error)
{
	g_autoptr(GPtrArray) rows =
		pae_bigfix_reply_parse_query(data, len, max_len, PAE_BIGFIX_Q1_COLUMNS, error);
	g_autoptr(GPtrArray) computers = NULL;
	g_autoptr(GHashTable) seen = NULL;

	if (rows == NULL)
		return NULL;
	computers = g_ptr_array_new_with_free_func((GDestroyNotify)pae_computer_free);
	seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < rows->len; i++) {
		gchar **row = g_ptr_array_index(rows, i);
		PaeComputer *computer;

		/* a plural property gives a computer several rows: the first wins */
		if (!g_hash_table_add(seen, row[0]))
			continue;
		computer = pae_computer_new();
		computer->computer_id = g_strdup(row[0]);
		computer->name = g_strdup(row[1]);
		computer->vm_uuid = pae_bigfix_reply_normalize_uuid(row[2]);
		if (row[3][0] != '\0' &&
		    !pae_bigfix_reply_parse_time(row[3], &computer->last_report))
			g_debug("computer %s: cannot read the last report time '%s', ignoring",
				row[0],
				row[3]);
		g_ptr_array_add(computers, computer);
	}
	return g_steal_pointer(&computers);
}

/* Q2: (computer, site, fixlet) where the fixlet is relevant */
GPtrArray *
pae_bigfix_reply_parse_relevant(const gchar *data, gsize len, gsize max_len, GError **error)
{
	g_autoptr(GPtrArray) rows =
		pae_bigfix_reply_parse_query(data, len, max_len, PAE_BIGFIX_Q2_COLUMNS, error);
	g_autoptr(GPtrArray) relevant = NULL;

	if (rows == NULL)
		return NULL;
	relevant = g_ptr_array_new_with_free_func((GDestroyNotify)pae_relevance_free);
	for (guint i = 0; i < rows->len; i++) {
		gchar **row = g_ptr_array_index(rows, i);
		PaeRelevance *item = pae_relevance_new();
		item->computer_id = g_strdup(row[0]);
		item->site = g_strdup(row[1]);
		item->fixlet_id = g_strdup(row[2]);
		g_ptr_array_add(relevant, item);
	}
	return g_steal_pointer(&relevant);
}

/* "CVE-2026-0001, CVE-2026-0002": separators vary between sites */
static gchar **
pae_bigfix_reply_split_cves(const gchar *text)
{
	g_auto(GStrv) parts = g_strsplit_set(text, ",; \t\r\n", -1);
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();

	for (guint i = 0; parts[i] != NULL; i++) {
		if (parts[i][0] != '\0')
			g_strv_builder_add(builder, parts[i]);
	}
	return g_strv_builder_end(builder);
}

/* Q3: fixlet metadata */
GPtrArray *
pae_bigfix_reply_parse_patch_info(const gchar *data, gsize len, gsize max_len, GError **error)
{
	g_autoptr(GPtrArray) rows =
		pae_bigfix_reply_parse_query(data, len, max_len, PAE_BIGFIX_Q3_COLUMNS, error);
	g_autoptr(GPtrArray) infos = NULL;

	if (rows == NULL)
		return NULL;
	infos = g_ptr_array_new_with_free_func((GDestroyNotify)pae_patch_info_free);
	for (guint i = 0; i < rows->len; i++) {
		gchar **row = g_ptr_array_index(rows, i);
		PaePatchInfo *info = pae_patch_info_new();

		info->site = g_strdup(row[0]);
		info->fixlet_id = g_strdup(row[1]);
		info->name = g_strdup(row[2]);
		info->source_severity = pae_bigfix_reply_dup_nonempty(row[3]);
		info->category = pae_bigfix_reply_dup_nonempty(row[4]);
		if (row[5][0] != '\0' && !pae_bigfix_reply_parse_date(row[5], &info->release_date))
			g_debug("fixlet %s: cannot read the release date '%s', ignoring",
				row[1],
				row[5]);
		g_strfreev(info->cves);
		info->cves = pae_bigfix_reply_split_cves(row[6]);
		g_ptr_array_add(infos, info);
	}
	return g_steal_pointer(&infos);
}

/* Q4: actions */
GPtrArray *
pae_bigfix_reply_parse_action_infos(const gchar *data, gsize len, gsize max_len, GError **error)
{
	g_autoptr(GPtrArray) rows =
		pae_bigfix_reply_parse_query(data, len, max_len, PAE_BIGFIX_Q4_COLUMNS, error);
	g_autoptr(GPtrArray) infos = NULL;

	if (rows == NULL)
		return NULL;
	infos = g_ptr_array_new_with_free_func((GDestroyNotify)pae_action_info_free);
	for (guint i = 0; i < rows->len; i++) {
		gchar **row = g_ptr_array_index(rows, i);
		PaeActionInfo *info = pae_action_info_new();

		info->action_id = g_strdup(row[0]);
		info->title = g_strdup(row[1]);
		info->state = g_strdup(row[2]);
		if (row[3][0] != '\0' && !pae_bigfix_reply_parse_time(row[3], &info->issued))
			g_debug("action %s: cannot read the issue time '%s', ignoring",
				row[0],
				row[3]);
		g_ptr_array_add(infos, info);
	}
	return g_steal_pointer(&infos);
}

static void
pae_bigfix_reply_read_time(const gchar *text, const gchar *action_id, PaeTime *out)
{
	if (text[0] != '\0' && !pae_bigfix_reply_parse_time(text, out))
		g_debug("action %s: cannot read the time '%s', ignoring", action_id, text);
}

/* Q5: per-computer results of actions */
GPtrArray *
pae_bigfix_reply_parse_action_results(const gchar *data, gsize len, gsize max_len, GError **error)
{
	g_autoptr(GPtrArray) rows =
		pae_bigfix_reply_parse_query(data, len, max_len, PAE_BIGFIX_Q5_COLUMNS, error);
	g_autoptr(GPtrArray) results = NULL;

	if (rows == NULL)
		return NULL;
	results = g_ptr_array_new_with_free_func((GDestroyNotify)pae_action_result_free);
	for (guint i = 0; i < rows->len; i++) {
		gchar **row = g_ptr_array_index(rows, i);
		PaeActionResult *result = pae_action_result_new();

		result->action_id = g_strdup(row[0]);
		result->computer_id = g_strdup(row[1]);
		result->status = g_strdup(row[2]);
		result->exit_code = pae_bigfix_reply_to_int(row[3]);
		result->apply_count = MAX(pae_bigfix_reply_to_int(row[4]), 0);
		pae_bigfix_reply_read_time(row[5], row[0], &result->start);
		pae_bigfix_reply_read_time(row[6], row[0], &result->end);
		g_ptr_array_add(results, result);
	}
	return g_steal_pointer(&results);
}

/**
 * pae_bigfix_reply_parse_created_action:
 *
 * Returns: the id of the action in the reply to POST /api/actions
 */
gchar *
pae_bigfix_reply_parse_created_action(const gchar *data, gsize len, gsize max_len, GError **error)
{
	g_autoptr(xmlDoc) doc = pae_bigfix_reply_parse_besapi(data, len, max_len, error);
	g_autofree gchar *id = NULL;
	xmlNode *action;

	if (doc == NULL)
		return NULL;
	action = pae_xml_child(xmlDocGetRootElement(doc), "Action", NULL);
	if (action == NULL) {
		g_set_error_literal(
			error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "no Action in the reply");
		return NULL;
	}
	id = pae_xml_child_text(action, "ID", NULL);
	if (!pae_bigfix_relevance_check_id(id, "created action id", error))
		return NULL;
	return g_steal_pointer(&id);
}

static gboolean
pae_bigfix_reply_parse_number(const gchar *text, guint64 min, guint64 max, gint *out)
{
	guint64 value;
	if (!g_ascii_string_to_unsigned(text, 10, min, max, &value, NULL))
		return FALSE;
	*out = (gint)value;
	return TRUE;
}

static gint
pae_bigfix_reply_parse_month(const gchar *text)
{
	const gchar *months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	for (guint i = 0; i < G_N_ELEMENTS(months); i++) {
		if (g_ascii_strcasecmp(text, months[i]) == 0)
			return (gint)i + 1;
	}
	return 0;
}

/* "+0000", "-0530", "GMT", "UTC" → seconds east of UTC */
static gboolean
pae_bigfix_reply_parse_zone(const gchar *text, gint *offset)
{
	gint hours, minutes;
	gchar digits[3] = "";

	if (g_ascii_strcasecmp(text, "GMT") == 0 || g_ascii_strcasecmp(text, "UTC") == 0 ||
	    g_strcmp0(text, "Z") == 0) {
		*offset = 0;
		return TRUE;
	}
	if (strlen(text) != 5 || (text[0] != '+' && text[0] != '-'))
		return FALSE;
	memcpy(digits, text + 1, 2);
	if (!pae_bigfix_reply_parse_number(digits, 0, 23, &hours))
		return FALSE;
	memcpy(digits, text + 3, 2);
	if (!pae_bigfix_reply_parse_number(digits, 0, 59, &minutes))
		return FALSE;
	*offset = (text[0] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
	return TRUE;
}

/* "Wed, 25 May 2016" (+ "22:28:02 +0000" when @with_time) → fields */
static gchar **
pae_bigfix_reply_split_time(const gchar *text)
{
	const gchar *comma = strchr(text, ',');
	g_auto(GStrv) parts = g_strsplit_set(comma != NULL ? comma + 1 : text, " \t", -1);
	g_autoptr(GStrvBuilder) builder = g_strv_builder_new();

	for (guint i = 0; parts[i] != NULL; i++) {
		if (parts[i][0] != '\0')
			g_strv_builder_add(builder, parts[i]);
	}
	return g_strv_builder_end(builder);
}

static gboolean
pae_bigfix_reply_parse_day(gchar **fields, gint *year, gint *month, gint *day)
{
	if (!pae_bigfix_reply_parse_number(fields[0], 1, 31, day))
		return FALSE;
	*month = pae_bigfix_reply_parse_month(fields[1]);
	if (*month == 0)
		return FALSE;
	return pae_bigfix_reply_parse_number(fields[2], 1, 9999, year);
}

static gboolean
pae_bigfix_reply_parse_clock(const gchar *text, gint *hour, gint *minute, gint *second)
{
	g_auto(GStrv) hms = g_strsplit(text, ":", -1);

	if (g_strv_length(hms) != 3)
		return FALSE;
	return pae_bigfix_reply_parse_number(hms[0], 0, 23, hour) &&
	       pae_bigfix_reply_parse_number(hms[1], 0, 59, minute) &&
	       pae_bigfix_reply_parse_number(hms[2], 0, 59, second);
}

/**
 * pae_bigfix_reply_parse_time:
 * @text: e.g. "Wed, 25 May 2016 22:28:02 +0000"
 *
 * Returns: %TRUE with the instant in @out
 */
gboolean
pae_bigfix_reply_parse_time(const gchar *text, PaeTime *out)
{
	g_auto(GStrv) fields = NULL;
	g_autoptr(GDateTime) dt = NULL;
	gint year, month, day, hour, minute, second, offset = 0;

	if (text == NULL || strlen(text) > 64)
		return FALSE;
	fields = pae_bigfix_reply_split_time(text);
	if (g_strv_length(fields) != 5)
		return FALSE;
	if (!pae_bigfix_reply_parse_day(fields, &year, &month, &day) ||
	    !pae_bigfix_reply_parse_clock(fields[3], &hour, &minute, &second) ||
	    !pae_bigfix_reply_parse_zone(fields[4], &offset))
		return FALSE;
	dt = g_date_time_new_utc(year, month, day, hour, minute, second);
	if (dt == NULL)
		return FALSE;
	*out = pae_time_from_datetime(dt) - (PaeTime)offset * G_USEC_PER_SEC;
	return TRUE;
}

/**
 * pae_bigfix_reply_parse_date:
 * @text: e.g. "Tue, 10 Mar 2026"
 *
 * Returns: %TRUE with midnight UTC of that day in @out
 */
gboolean
pae_bigfix_reply_parse_date(const gchar *text, PaeTime *out)
{
	g_auto(GStrv) fields = NULL;
	g_autoptr(GDateTime) dt = NULL;
	gint year, month, day;

	if (text == NULL || strlen(text) > 64)
		return FALSE;
	fields = pae_bigfix_reply_split_time(text);
	if (g_strv_length(fields) != 3 || !pae_bigfix_reply_parse_day(fields, &year, &month, &day))
		return FALSE;
	dt = g_date_time_new_utc(year, month, day, 0, 0, 0);
	if (dt == NULL)
		return FALSE;
	*out = pae_time_from_datetime(dt);
	return TRUE;
}

/**
 * pae_bigfix_reply_normalize_uuid:
 * @text: a property value, e.g. "3F6C2A4E-8B1D-4C55-9A0E-1B2C3D4E5F01"
 *
 * Returns: (nullable): the lower-case canonical UUID, or %NULL if @text is
 * not a UUID (with or without braces or dashes)
 */
gchar *
pae_bigfix_reply_normalize_uuid(const gchar *text)
{
	g_autofree gchar *value = NULL;
	gsize len;

	if (text == NULL || strlen(text) > 64)
		return NULL;
	value = g_strstrip(g_strdup(text));
	len = strlen(value);
	if (len >= 2 && value[0] == '{' && value[len - 1] == '}') {
		memmove(value, value + 1, len - 2);
		value[len - 2] = '\0';
		len -= 2;
	}
	if (len == 32) {
		g_autofree gchar *hex = g_steal_pointer(&value);
		for (gsize i = 0; i < len; i++) {
			if (!g_ascii_isxdigit(hex[i]))
				return NULL;
		}
		value = g_strdup_printf(
			"%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
	}
	if (!g_uuid_string_is_valid(value))
		return NULL;
	return g_ascii_strdown(value, -1);
}

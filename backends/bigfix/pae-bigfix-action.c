/*
 * pae-bigfix-action: the BES XML that creates an action
 *
 * One patch becomes a SourcedFixletAction (the fixlet's own script,
 * relevance and success criteria), several become a MultipleActionGroup of
 * SourcedMemberActions with the settings and targets at the group level.
 * BES.xsd is an ordered xs:sequence everywhere: SourcedFixletAction is
 * SourceFixlet, Target, Settings, Title (last); MultipleActionGroup is Title
 * (first), SourcedMemberAction*, Settings, Target.
 *
 * Start and end are offsets from the moment the server issues the action,
 * which is "now" on our clock:
 * - PAE_ACTION_TIME_UTC: UseUTCTime=true and StartDateTimeOffset /
 *   EndDateTimeOffset, counted from GMT now: one instant for every computer;
 * - PAE_ACTION_TIME_LOCAL: UseUTCTime=false and StartDateTimeLocalOffset /
 *   EndDateTimeLocalOffset, counted from now as a wall clock in the server's
 *   zone; each computer then reads the resulting wall clock (and the daily
 *   time range) on its own clock.
 * The request always has an end: an action without one stays open forever.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "pae-bigfix-private.h"
#include "pae-error.h"
#include "pae-xml.h"

#define PAE_BIGFIX_SECONDS_PER_DAY 86400

/**
 * pae_bigfix_action_format_offset:
 * @span: may be negative
 *
 * Returns: the span as BigFix's ISO 8601 subset, days, hours, minutes and
 * seconds only (e.g. "P1DT2H", "-PT30M", "PT0S"), rounded to the second
 */
gchar *
pae_bigfix_action_format_offset(GTimeSpan span)
{
	GString *out = g_string_new(NULL);
	guint64 magnitude = span < 0 ? (guint64)(-(span + 1)) + 1 : (guint64)span;
	guint64 seconds = (magnitude + G_USEC_PER_SEC / 2) / G_USEC_PER_SEC;
	guint64 days = seconds / PAE_BIGFIX_SECONDS_PER_DAY;
	guint64 hours = seconds / 3600 % 24;
	guint64 minutes = seconds / 60 % 60;
	guint64 rest = seconds % 60;

	if (span < 0 && seconds > 0)
		g_string_append_c(out, '-');
	g_string_append_c(out, 'P');
	if (days > 0)
		g_string_append_printf(out, "%" G_GUINT64_FORMAT "D", days);
	if (hours > 0 || minutes > 0 || rest > 0 || days == 0) {
		g_string_append_c(out, 'T');
		if (hours > 0)
			g_string_append_printf(out, "%" G_GUINT64_FORMAT "H", hours);
		if (minutes > 0)
			g_string_append_printf(out, "%" G_GUINT64_FORMAT "M", minutes);
		if (rest > 0 || (hours == 0 && minutes == 0))
			g_string_append_printf(out, "%" G_GUINT64_FORMAT "S", rest);
	}
	return g_string_free(out, FALSE);
}

/* valid UTF-8 without control characters, which XML 1.0 cannot carry */
static gchar *
pae_bigfix_action_escape(const gchar *text)
{
	g_autofree gchar *valid = g_utf8_make_valid(text != NULL ? text : "", -1);

	for (gchar *p = valid; *p != '\0'; p++) {
		if ((guchar)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
	return pae_xml_escape(valid);
}

static void
pae_bigfix_action_append_element(GString *xml,
				 const gchar *indent,
				 const gchar *name,
				 const gchar *text)
{
	g_autofree gchar *escaped = pae_bigfix_action_escape(text);
	g_string_append_printf(xml, "%s<%s>%s</%s>\n", indent, name, escaped, name);
}

static gboolean
pae_bigfix_action_check_key(const gchar *key, GError **error)
{
	if (key == NULL || key[0] == '\0' || !g_utf8_validate(key, -1, NULL) ||
	    strchr(key, ']') != NULL) {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "the idempotency key must be non-empty UTF-8 without ']'");
		return FALSE;
	}
	for (const gchar *p = key; *p != '\0'; p++) {
		if ((guchar)*p < 0x20 || *p == 0x7f) {
			g_set_error_literal(
				error,
				PAE_ERROR,
				PAE_ERROR_INVALID_DATA,
				"the idempotency key must not contain control characters");
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
pae_bigfix_action_check_targets(const PaeActionRequest *request, GError **error)
{
	if (request->patches == NULL || request->patches->len == 0) {
		g_set_error_literal(
			error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "the action has no patch");
		return FALSE;
	}
	if (request->computer_ids == NULL || request->computer_ids->len == 0) {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "the action has no target computer");
		return FALSE;
	}
	for (guint i = 0; i < request->patches->len; i++) {
		PaePatchRef *ref = g_ptr_array_index(request->patches, i);
		if (ref->site == NULL) {
			g_set_error_literal(error,
					    PAE_ERROR,
					    PAE_ERROR_INVALID_DATA,
					    "a patch of the action has no site");
			return FALSE;
		}
		if (!pae_bigfix_relevance_check_id(ref->fixlet_id, "fixlet id", error))
			return FALSE;
	}
	for (guint i = 0; i < request->computer_ids->len; i++) {
		if (!pae_bigfix_relevance_check_id(
			    g_ptr_array_index(request->computer_ids, i), "computer id", error))
			return FALSE;
	}
	return TRUE;
}

static gboolean
pae_bigfix_action_check_times(const PaeActionRequest *request, GError **error)
{
	if (request->time_mode != PAE_ACTION_TIME_LOCAL &&
	    request->time_mode != PAE_ACTION_TIME_UTC) {
		g_set_error_literal(error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "unknown time mode");
		return FALSE;
	}
	if (request->end == 0) {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "the action has no end time (it would never expire)");
		return FALSE;
	}
	if (request->start != 0 && request->end <= request->start) {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "the action ends before it starts");
		return FALSE;
	}
	if (request->time_range_start < 0 ||
	    request->time_range_start > PAE_BIGFIX_SECONDS_PER_DAY || request->time_range_end < 0 ||
	    request->time_range_end > PAE_BIGFIX_SECONDS_PER_DAY) {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "the daily time range is not within 0..86400 seconds");
		return FALSE;
	}
	return TRUE;
}

/* seconds after midnight as xs:time; 86400 is midnight again */
static void
pae_bigfix_action_append_time_of_day(GString *xml, const gchar *name, gint seconds)
{
	seconds %= PAE_BIGFIX_SECONDS_PER_DAY;
	g_string_append_printf(xml,
			       "\t\t\t\t<%s>%02d:%02d:%02d</%s>\n",
			       name,
			       seconds / 3600,
			       seconds / 60 % 60,
			       seconds % 60,
			       name);
}

/* where the offsets count from: GMT now, or now as a wall clock in the server's zone */
static PaeTime
pae_bigfix_action_reference(PaeActionTimeMode mode, PaeTime now, GTimeZone *server_tz)
{
	g_autoptr(GDateTime) utc = NULL;
	g_autoptr(GDateTime) local = NULL;

	if (mode == PAE_ACTION_TIME_UTC || server_tz == NULL)
		return now;
	utc = pae_time_to_datetime(now);
	if (utc == NULL)
		return now;
	local = g_date_time_to_timezone(utc, server_tz);
	if (local == NULL)
		return now;
	return now + g_date_time_get_utc_offset(local);
}

static gboolean
pae_bigfix_action_append_settings(GString *xml,
				  const PaeActionRequest *request,
				  PaeTime now,
				  GTimeZone *server_tz,
				  GError **error)
{
	gboolean utc = request->time_mode == PAE_ACTION_TIME_UTC;
	PaeTime reference = pae_bigfix_action_reference(request->time_mode, now, server_tz);
	g_autofree gchar *end = NULL;

	if (request->end - reference <= 0) {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_DATA,
				    "the action's end time has passed");
		return FALSE;
	}
	g_string_append(xml, "\t\t<Settings>\n");
	if (request->time_range_start != 0 || request->time_range_end != 0) {
		g_string_append(xml, "\t\t\t<HasTimeRange>true</HasTimeRange>\n");
		g_string_append(xml, "\t\t\t<TimeRange>\n");
		pae_bigfix_action_append_time_of_day(xml, "StartTime", request->time_range_start);
		pae_bigfix_action_append_time_of_day(xml, "EndTime", request->time_range_end);
		g_string_append(xml, "\t\t\t</TimeRange>\n");
	}
	if (request->start != 0) {
		g_autofree gchar *start =
			pae_bigfix_action_format_offset(request->start - reference);
		g_string_append(xml, "\t\t\t<HasStartTime>true</HasStartTime>\n");
		pae_bigfix_action_append_element(xml,
						 "\t\t\t",
						 utc ? "StartDateTimeOffset"
						     : "StartDateTimeLocalOffset",
						 start);
	}
	end = pae_bigfix_action_format_offset(request->end - reference);
	g_string_append(xml, "\t\t\t<HasEndTime>true</HasEndTime>\n");
	pae_bigfix_action_append_element(
		xml, "\t\t\t", utc ? "EndDateTimeOffset" : "EndDateTimeLocalOffset", end);
	g_string_append_printf(xml, "\t\t\t<UseUTCTime>%s</UseUTCTime>\n", utc ? "true" : "false");
	if (request->restart_after)
		g_string_append(xml, "\t\t\t<PostActionBehavior Behavior=\"Restart\"/>\n");
	g_string_append(xml, "\t\t</Settings>\n");
	return TRUE;
}

static void
pae_bigfix_action_append_source(GString *xml, const gchar *indent, PaePatchRef *ref)
{
	g_autofree gchar *inner = g_strconcat(indent, "\t", NULL);

	g_string_append_printf(xml, "%s<SourceFixlet>\n", indent);
	pae_bigfix_action_append_element(xml, inner, "Sitename", ref->site);
	g_string_append_printf(xml, "%s<FixletID>%s</FixletID>\n", inner, ref->fixlet_id);
	/* the fixlet's first action, the one the console would take */
	g_string_append_printf(xml, "%s<Action>Action1</Action>\n", inner);
	g_string_append_printf(xml, "%s</SourceFixlet>\n", indent);
}

static void
pae_bigfix_action_append_target(GString *xml, GPtrArray *computer_ids)
{
	g_string_append(xml, "\t\t<Target>\n");
	for (guint i = 0; i < computer_ids->len; i++) {
		g_string_append_printf(xml,
				       "\t\t\t<ComputerID>%s</ComputerID>\n",
				       (const gchar *)g_ptr_array_index(computer_ids, i));
	}
	g_string_append(xml, "\t\t</Target>\n");
}

/**
 * pae_bigfix_action_build:
 * @now: when the action is posted, on the agent's clock
 * @server_tz: the zone the server counts local offsets in
 *
 * Returns: the BES document for POST /api/actions, or %NULL with
 * %PAE_ERROR_INVALID_DATA for a request that cannot become an action
 */
gchar *
pae_bigfix_action_build(const PaeActionRequest *request,
			PaeTime now,
			GTimeZone *server_tz,
			GError **error)
{
	g_autoptr(GString) xml = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	g_autofree gchar *summary = NULL;
	g_autofree gchar *title = NULL;
	gboolean group;

	if (!pae_bigfix_action_check_key(request->idempotency_key, error) ||
	    !pae_bigfix_action_check_targets(request, error) ||
	    !pae_bigfix_action_check_times(request, error))
		return NULL;
	summary = g_utf8_make_valid(request->summary != NULL ? request->summary : "", -1);
	title = pae_action_title(request->idempotency_key, summary);
	group = request->patches->len > 1;
	g_string_append(xml,
			"<BES xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
			"xsi:noNamespaceSchemaLocation=\"BES.xsd\">\n");
	if (!group) {
		g_string_append(xml, "\t<SourcedFixletAction>\n");
		pae_bigfix_action_append_source(
			xml, "\t\t", g_ptr_array_index(request->patches, 0));
		pae_bigfix_action_append_target(xml, request->computer_ids);
		if (!pae_bigfix_action_append_settings(xml, request, now, server_tz, error))
			return NULL;
		pae_bigfix_action_append_element(xml, "\t\t", "Title", title);
		g_string_append(xml, "\t</SourcedFixletAction>\n");
	} else {
		g_string_append(xml, "\t<MultipleActionGroup>\n");
		pae_bigfix_action_append_element(xml, "\t\t", "Title", title);
		for (guint i = 0; i < request->patches->len; i++) {
			g_string_append(xml, "\t\t<SourcedMemberAction>\n");
			pae_bigfix_action_append_source(
				xml, "\t\t\t", g_ptr_array_index(request->patches, i));
			g_string_append(xml, "\t\t</SourcedMemberAction>\n");
		}
		if (!pae_bigfix_action_append_settings(xml, request, now, server_tz, error))
			return NULL;
		pae_bigfix_action_append_target(xml, request->computer_ids);
		g_string_append(xml, "\t</MultipleActionGroup>\n");
	}
	g_string_append(xml, "</BES>\n");
	return g_string_free(g_steal_pointer(&xml), FALSE);
}

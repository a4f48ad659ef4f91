/*
 * pae-cadence: patch cycles, the days a severity class is patched on
 *
 * A cadence names cycle days: every day, a weekday every week, or one day in
 * every month of the cycle (each month, or every third month from an anchor).
 * Cycle days are local dates in the zone the caller passes; a cycle starts at
 * that date's local midnight. The change window then picks the hours.
 *
 * A month without the named day uses its last such day: `monthly 31` is
 * 30 April and 28 (or 29) February, `monthly fifth Monday` is the fourth
 * Monday of a month with four. Skipping those months would stretch the
 * interval the customer agreed to (one month) to two, with patches waiting;
 * moving into the next month would put two cycles a few days apart. The last
 * such day keeps one cycle per month, as close as the calendar allows.
 *
 * A midnight the zone never shows (America/Santiago springs forward at
 * 24:00; Pacific/Apia skipped 2011-12-30) starts at the first instant after
 * it, as windows do (see pae-window.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeCadence"

#include "config.h"

#include "pae-cadence.h"

#include <string.h>

#include "pae-error.h"
#include "pae-window.h"

/* 1970-01-01 as a GDate julian day, where 0001-01-01 is day 1 */
#define PAE_CADENCE_JULIAN_EPOCH G_GINT64_CONSTANT(719163)
/* GDate covers years 1..9999: instants a fortnight inside them */
#define PAE_CADENCE_TIME_MIN ((G_GINT64_CONSTANT(-62135596800) + 14 * 86400) * G_USEC_PER_SEC)
#define PAE_CADENCE_TIME_MAX ((G_GINT64_CONSTANT(253402300799) - 14 * 86400) * G_USEC_PER_SEC)

#define PAE_CADENCE_SYNTAX                                                                         \
	"expected immediate, daily, weekly DAY, monthly DAY-OF-MONTH, monthly ORDINAL DAY, or "    \
	"quarterly with the same forms and an optional 'from MONTH'"

static const gchar *const pae_cadence_weekday_names[] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

static const gchar *const pae_cadence_month_names[] = {"January",
						       "February",
						       "March",
						       "April",
						       "May",
						       "June",
						       "July",
						       "August",
						       "September",
						       "October",
						       "November",
						       "December"};

static const struct {
	const gchar *word;
	const gchar *numeral;
} pae_cadence_ordinals[] = {
	{"first", "1st"},
	{"second", "2nd"},
	{"third", "3rd"},
	{"fourth", "4th"},
	{"fifth", "5th"},
};

static GDateMonth
pae_cadence_month_from_string(const gchar *text)
{
	for (guint i = 0; i < G_N_ELEMENTS(pae_cadence_month_names); i++) {
		if (g_ascii_strcasecmp(text, pae_cadence_month_names[i]) == 0 ||
		    (strlen(text) == 3 &&
		     g_ascii_strncasecmp(text, pae_cadence_month_names[i], 3) == 0))
			return (GDateMonth)(i + 1);
	}
	return G_DATE_BAD_MONTH;
}

/* 1..5, PAE_CADENCE_ORDINAL_LAST, or 0 when @text is not an ordinal */
static gint
pae_cadence_ordinal_from_string(const gchar *text)
{
	if (g_ascii_strcasecmp(text, "last") == 0)
		return PAE_CADENCE_ORDINAL_LAST;
	for (guint i = 0; i < G_N_ELEMENTS(pae_cadence_ordinals); i++) {
		if (g_ascii_strcasecmp(text, pae_cadence_ordinals[i].word) == 0 ||
		    g_ascii_strcasecmp(text, pae_cadence_ordinals[i].numeral) == 0)
			return (gint)i + 1;
	}
	return 0;
}

static gboolean
pae_cadence_parse_weekday(const gchar *word, const gchar *text, GDateWeekday *out, GError **error)
{
	if (word == NULL) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "cadence '%s' needs a day, such as Saturday",
			    text);
		return FALSE;
	}
	*out = pae_window_weekday_from_string(word);
	if (*out == G_DATE_BAD_WEEKDAY) {
		g_set_error(
			error,
			PAE_ERROR,
			PAE_ERROR_INVALID_CONFIG,
			"unknown day '%s' in cadence '%s': expected Monday .. Sunday or Mon .. Sun",
			word,
			text);
		return FALSE;
	}
	return TRUE;
}

static gboolean
pae_cadence_parse_day_of_month(const gchar *word, const gchar *text, guint8 *out, GError **error)
{
	guint64 value = 0;

	if (!g_ascii_string_to_unsigned(word, 10, 1, 31, &value, NULL)) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "day of month '%s' in cadence '%s' is out of range: expected 1 to 31",
			    word,
			    text);
		return FALSE;
	}
	*out = (guint8)value;
	return TRUE;
}

/* "15" or "second Saturday": returns how many words it used, 0 on error */
static guint
pae_cadence_parse_month_day(gchar **words, const gchar *text, PaeCadence *out, GError **error)
{
	gint ordinal;

	if (words[0] == NULL) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "cadence '%s' needs a day: a day of month such as 15, or an ordinal "
			    "and a day such as second Saturday",
			    text);
		return 0;
	}
	if (g_ascii_isdigit(words[0][0]) && !g_ascii_isalpha(words[0][strlen(words[0]) - 1])) {
		if (!pae_cadence_parse_day_of_month(words[0], text, &out->day_of_month, error))
			return 0;
		out->weekday = G_DATE_BAD_WEEKDAY;
		return 1;
	}
	ordinal = pae_cadence_ordinal_from_string(words[0]);
	if (ordinal == 0) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "unknown ordinal '%s' in cadence '%s': expected first, second, third, "
			    "fourth, fifth or last, or a day of month",
			    words[0],
			    text);
		return 0;
	}
	if (!pae_cadence_parse_weekday(words[1], text, &out->weekday, error))
		return 0;
	out->ordinal = (gint8)ordinal;
	return 2;
}

static gboolean
pae_cadence_parse_monthly(gchar **words, const gchar *text, PaeCadence *out, GError **error)
{
	gboolean quarterly = g_ascii_strcasecmp(words[0], "quarterly") == 0;
	guint used;
	guint i = 1;

	out->kind = PAE_CADENCE_KIND_MONTHLY;
	out->every_months = quarterly ? 3 : 1;
	out->anchor_month = G_DATE_JANUARY;
	used = pae_cadence_parse_month_day(words + i, text, out, error);
	if (used == 0)
		return FALSE;
	i += used;
	if (words[i] != NULL && g_ascii_strcasecmp(words[i], "from") == 0) {
		GDateMonth month;

		if (!quarterly) {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_CONFIG,
				    "'from MONTH' in cadence '%s' only applies to quarterly",
				    text);
			return FALSE;
		}
		month = words[i + 1] != NULL ? pae_cadence_month_from_string(words[i + 1])
					     : G_DATE_BAD_MONTH;
		if (month == G_DATE_BAD_MONTH) {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_CONFIG,
				    "cadence '%s' needs a month after 'from', such as February",
				    text);
			return FALSE;
		}
		/* April is the same cycle as January: keep one spelling of each */
		out->anchor_month = (guint8)((month - 1) % 3 + 1);
		i += 2;
	}
	if (words[i] != NULL) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "unexpected '%s' in cadence '%s': %s",
			    words[i],
			    text,
			    PAE_CADENCE_SYNTAX);
		return FALSE;
	}
	return TRUE;
}

static gchar **
pae_cadence_split_words(const gchar *text)
{
	g_auto(GStrv) parts = g_strsplit_set(text, " \t", -1);
	g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; parts[i] != NULL; i++) {
		if (parts[i][0] != '\0')
			g_ptr_array_add(words, g_strdup(parts[i]));
	}
	g_ptr_array_add(words, NULL);
	return (gchar **)g_ptr_array_free(g_steal_pointer(&words), FALSE);
}

/**
 * pae_cadence_parse:
 * @text: e.g. "monthly second Saturday", in any case
 * @out: (out): the cadence, untouched on error
 * @error: a #GError, or %NULL
 *
 * Returns: %TRUE on success
 */
gboolean
pae_cadence_parse(const gchar *text, PaeCadence *out, GError **error)
{
	g_auto(GStrv) words = NULL;
	PaeCadence tmp = {.weekday = G_DATE_BAD_WEEKDAY};
	guint expected = 1;

	g_return_val_if_fail(text != NULL, FALSE);
	g_return_val_if_fail(out != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	words = pae_cadence_split_words(text);
	if (words[0] == NULL) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "no cadence given: %s",
			    PAE_CADENCE_SYNTAX);
		return FALSE;
	}
	if (g_ascii_strcasecmp(words[0], "immediate") == 0) {
		tmp.kind = PAE_CADENCE_KIND_IMMEDIATE;
	} else if (g_ascii_strcasecmp(words[0], "daily") == 0) {
		tmp.kind = PAE_CADENCE_KIND_DAILY;
	} else if (g_ascii_strcasecmp(words[0], "weekly") == 0) {
		tmp.kind = PAE_CADENCE_KIND_WEEKLY;
		if (!pae_cadence_parse_weekday(words[1], text, &tmp.weekday, error))
			return FALSE;
		expected = 2;
	} else if (g_ascii_strcasecmp(words[0], "monthly") == 0 ||
		   g_ascii_strcasecmp(words[0], "quarterly") == 0) {
		if (!pae_cadence_parse_monthly(words, text, &tmp, error))
			return FALSE;
		expected = g_strv_length(words);
	} else {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "unknown cadence '%s': %s",
			    words[0],
			    PAE_CADENCE_SYNTAX);
		return FALSE;
	}
	if (g_strv_length(words) > expected) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "unexpected '%s' in cadence '%s': %s",
			    words[expected],
			    text,
			    PAE_CADENCE_SYNTAX);
		return FALSE;
	}
	*out = tmp;
	return TRUE;
}

static const gchar *
pae_cadence_ordinal_to_string(gint ordinal)
{
	if (ordinal == PAE_CADENCE_ORDINAL_LAST)
		return "last";
	if (ordinal < 1 || ordinal > (gint)G_N_ELEMENTS(pae_cadence_ordinals))
		return "?";
	return pae_cadence_ordinals[ordinal - 1].word;
}

static const gchar *
pae_cadence_weekday_to_string(GDateWeekday weekday)
{
	if (weekday < G_DATE_MONDAY || weekday > G_DATE_SUNDAY)
		return "?";
	return pae_cadence_weekday_names[weekday - 1];
}

/**
 * pae_cadence_to_string:
 *
 * Returns: the canonical spelling, which pae_cadence_parse() reads back
 */
gchar *
pae_cadence_to_string(const PaeCadence *cadence)
{
	GString *text = g_string_new(NULL);

	switch (cadence->kind) {
	case PAE_CADENCE_KIND_IMMEDIATE:
		g_string_append(text, "immediate");
		break;
	case PAE_CADENCE_KIND_DAILY:
		g_string_append(text, "daily");
		break;
	case PAE_CADENCE_KIND_WEEKLY:
		g_string_append_printf(
			text, "weekly %s", pae_cadence_weekday_to_string(cadence->weekday));
		break;
	case PAE_CADENCE_KIND_MONTHLY:
	default:
		g_string_append(text, cadence->every_months == 3 ? "quarterly" : "monthly");
		if (cadence->weekday == G_DATE_BAD_WEEKDAY)
			g_string_append_printf(text, " %u", cadence->day_of_month);
		else
			g_string_append_printf(text,
					       " %s %s",
					       pae_cadence_ordinal_to_string(cadence->ordinal),
					       pae_cadence_weekday_to_string(cadence->weekday));
		if (cadence->every_months == 3 && cadence->anchor_month != G_DATE_JANUARY &&
		    cadence->anchor_month >= 1 && cadence->anchor_month <= 12)
			g_string_append_printf(text,
					       " from %s",
					       pae_cadence_month_names[cadence->anchor_month - 1]);
		break;
	}
	return g_string_free(text, FALSE);
}

/* the nth @weekday of a month, or its last when the month has fewer */
static GDateDay
pae_cadence_nth_weekday(GDateYear year, GDateMonth month, GDateWeekday weekday, gint ordinal)
{
	guint8 days = g_date_get_days_in_month(month, year);
	g_autoptr(GDate) first = g_date_new_dmy(1, month, year);
	g_autoptr(GDate) last = g_date_new_dmy(days, month, year);
	guint day;

	if (ordinal == PAE_CADENCE_ORDINAL_LAST)
		return days - (g_date_get_weekday(last) - weekday + 7) % 7;
	day = 1 + (weekday - g_date_get_weekday(first) + 7) % 7 + 7 * (guint)(ordinal - 1);
	while (day > days)
		day -= 7;
	return (GDateDay)day;
}

/**
 * pae_cadence_get_day_in_month:
 * @cadence: a monthly or quarterly cadence
 * @year: the year
 * @month: a month, in the cycle or not
 * @day: (out): the cycle day, or the month's last such day if it lacks it
 *
 * Returns: %FALSE if @cadence has no day in months
 */
gboolean
pae_cadence_get_day_in_month(const PaeCadence *cadence,
			     GDateYear year,
			     GDateMonth month,
			     GDateDay *day)
{
	g_return_val_if_fail(cadence != NULL, FALSE);
	g_return_val_if_fail(day != NULL, FALSE);
	g_return_val_if_fail(g_date_valid_month(month), FALSE);
	g_return_val_if_fail(g_date_valid_year(year), FALSE);

	if (cadence->kind != PAE_CADENCE_KIND_MONTHLY)
		return FALSE;
	if (cadence->weekday == G_DATE_BAD_WEEKDAY) {
		*day = MIN(cadence->day_of_month, g_date_get_days_in_month(month, year));
		return TRUE;
	}
	*day = pae_cadence_nth_weekday(year, month, cadence->weekday, cadence->ordinal);
	return TRUE;
}

static gboolean
pae_cadence_is_cycle_month(const PaeCadence *cadence, GDateMonth month)
{
	guint every = MAX(cadence->every_months, 1);

	return ((guint)month + 12 - cadence->anchor_month) % every == 0;
}

/* moves @date to the first cycle day on or after it; FALSE past year 9999 */
static gboolean
pae_cadence_advance_monthly(const PaeCadence *cadence, GDate *date)
{
	GDateYear year = g_date_get_year(date);
	GDateMonth month = g_date_get_month(date);
	GDateDay today = g_date_get_day(date);

	/* a cycle month is at most every_months away, the next one at most twice that */
	for (guint i = 0; i <= 2u * MAX(cadence->every_months, 1); i++) {
		GDateDay day = 0;

		if (pae_cadence_is_cycle_month(cadence, month) &&
		    pae_cadence_get_day_in_month(cadence, year, month, &day) &&
		    (i > 0 || day >= today)) {
			g_date_set_dmy(date, day, month, year);
			return TRUE;
		}
		if (month == G_DATE_DECEMBER) {
			if (year >= 9999)
				return FALSE;
			year++;
			month = G_DATE_JANUARY;
		} else {
			month++;
		}
	}
	return FALSE;
}

/**
 * pae_cadence_next_cycle:
 * @cadence: a parsed cadence
 * @tz: the zone whose local dates are cycle days
 * @not_before: an instant
 *
 * Finds the first cycle day whose local date is on or after the local date of
 * @not_before. That day counts even if @not_before is late in it (a patch
 * released on the morning of a cycle day makes that night's window), so the
 * result can be earlier than @not_before, by less than a day.
 *
 * Returns: the start of that day (its local midnight, or the first instant
 *	after a midnight the zone skipped); @not_before itself for immediate;
 *	%G_MAXINT64 if @not_before is outside the years 1..9999 or no cycle
 *	day follows it before the year 10000
 */
PaeTime
pae_cadence_next_cycle(const PaeCadence *cadence, GTimeZone *tz, PaeTime not_before)
{
	PaeTime wall;
	gint64 day;
	GDate date;

	g_return_val_if_fail(cadence != NULL, G_MAXINT64);
	g_return_val_if_fail(tz != NULL, G_MAXINT64);

	if (cadence->kind == PAE_CADENCE_KIND_IMMEDIATE)
		return not_before;

	if (not_before < PAE_CADENCE_TIME_MIN || not_before > PAE_CADENCE_TIME_MAX)
		return G_MAXINT64;
	wall = pae_window_instant_to_wall(tz, not_before);
	day = wall / G_TIME_SPAN_DAY - (wall % G_TIME_SPAN_DAY < 0 ? 1 : 0);
	g_date_clear(&date, 1);
	g_date_set_julian(&date, (guint32)(day + PAE_CADENCE_JULIAN_EPOCH));

	switch (cadence->kind) {
	case PAE_CADENCE_KIND_WEEKLY:
		g_return_val_if_fail(g_date_valid_weekday(cadence->weekday), G_MAXINT64);
		g_date_add_days(&date, (cadence->weekday - g_date_get_weekday(&date) + 7) % 7);
		break;
	case PAE_CADENCE_KIND_MONTHLY:
		if (!pae_cadence_advance_monthly(cadence, &date))
			return G_MAXINT64;
		break;
	case PAE_CADENCE_KIND_DAILY:
	default:
		break;
	}
	day = (gint64)g_date_get_julian(&date) - PAE_CADENCE_JULIAN_EPOCH;
	return pae_window_wall_to_instant(tz, day * G_TIME_SPAN_DAY);
}

static PaeTime
pae_cadence_add(PaeTime t, GTimeSpan span)
{
	if (span > 0 && t > G_MAXINT64 - span)
		return G_MAXINT64;
	return t + span;
}

/**
 * pae_cadence_due:
 * @cadence: the severity class's cadence
 * @tz: the zone whose local dates are cycle days
 * @released: when the patch was released
 * @approve_after: how long a release waits before it may be applied, 0 for not at all
 *
 * Returns: the start of the first cycle day on or after @released plus
 *	@approve_after (see pae_cadence_next_cycle())
 */
PaeTime
pae_cadence_due(const PaeCadence *cadence, GTimeZone *tz, PaeTime released, GTimeSpan approve_after)
{
	g_return_val_if_fail(approve_after >= 0, G_MAXINT64);

	return pae_cadence_next_cycle(cadence, tz, pae_cadence_add(released, approve_after));
}

/**
 * pae_cadence_get_deadline:
 * @released: when the patch was released
 * @deadline: the severity class's deadline, elapsed time after release
 *
 * Returns: the instant by which the patch must be applied
 */
PaeTime
pae_cadence_get_deadline(PaeTime released, GTimeSpan deadline)
{
	g_return_val_if_fail(deadline >= 0, released);

	return pae_cadence_add(released, deadline);
}

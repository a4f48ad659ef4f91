/*
 * pae-window: change windows, their next occurrence in a time zone
 *
 * A window opens on some weekdays at a wall-clock time and stays open for an
 * elapsed length. Everything here is pure: the zone and "now" are parameters,
 * nothing reads the clock or the process's TZ.
 *
 * Wall clocks misbehave twice a year, so the rules are (DESIGN.md, "Time"):
 *  - a nominal start inside a DST gap (02:30 on a spring-forward night) opens
 *    at the first valid instant after it, which is the transition itself;
 *  - a day the zone skipped altogether (Pacific/Apia, 2011-12-30) is a gap of
 *    a whole day, so the same rule opens that day's window at the first
 *    instant of the next local day: the customer agreed to a window on that
 *    date and gets it late rather than never;
 *  - a nominal start inside a repeated hour (fall back) opens at its first
 *    occurrence, the earlier instant, so a window is never shortened at the
 *    front by an hour it could have used;
 *  - the length is elapsed time: a 4h window across a change lasts 4 real
 *    hours, whatever the wall clock says at its end;
 *  - occurrences are half-open [start, end) and may cross midnight, DST
 *    changes and even each other (30h on Saturdays and Sundays).
 *
 * A "wall" value is a wall-clock reading stored in a PaeTime as if it were
 * UTC: 2026-03-14 02:00 local is the PaeTime of 2026-03-14T02:00:00Z. It is
 * what a BigFix action in "local time" wants: each client reads it on its
 * own clock.
 *
 * Zones come from GLib's GTimeZone (tzdata); offsets are looked up per instant,
 * never derived from rules written here.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeWindow"

#include "config.h"

#include "pae-window.h"

#include "pae-duration.h"
#include "pae-error.h"

#define PAE_WINDOW_SECS_PER_DAY G_GINT64_CONSTANT(86400)
/* 1970-01-01 as a GDate julian day, where 0001-01-01 is day 1 */
#define PAE_WINDOW_JULIAN_EPOCH G_GINT64_CONSTANT(719163)
/* GDate covers years 1..9999; keep a fortnight clear of both ends */
#define PAE_WINDOW_SECS_MIN (G_GINT64_CONSTANT(-62135596800) + 14 * PAE_WINDOW_SECS_PER_DAY)
#define PAE_WINDOW_SECS_MAX (G_GINT64_CONSTANT(253402300799) - 14 * PAE_WINDOW_SECS_PER_DAY)
/* local dates looked at per search: a week of length, a week of waiting, slack */
#define PAE_WINDOW_SCAN_DAYS 21

static const struct {
	const gchar *abbrev;
	const gchar *name;
} pae_window_weekdays[] = {
	{"Mon", "Monday"},
	{"Tue", "Tuesday"},
	{"Wed", "Wednesday"},
	{"Thu", "Thursday"},
	{"Fri", "Friday"},
	{"Sat", "Saturday"},
	{"Sun", "Sunday"},
};

/**
 * pae_window_weekday_from_string:
 * @text: "Sat" or "Saturday", in any case
 *
 * Returns: the weekday, or %G_DATE_BAD_WEEKDAY
 */
GDateWeekday
pae_window_weekday_from_string(const gchar *text)
{
	if (text == NULL)
		return G_DATE_BAD_WEEKDAY;
	for (guint i = 0; i < G_N_ELEMENTS(pae_window_weekdays); i++) {
		if (g_ascii_strcasecmp(text, pae_window_weekdays[i].abbrev) == 0 ||
		    g_ascii_strcasecmp(text, pae_window_weekdays[i].name) == 0)
			return (GDateWeekday)(i + 1);
	}
	return G_DATE_BAD_WEEKDAY;
}

/**
 * pae_window_weekday_to_string:
 *
 * Returns: "Mon" .. "Sun", or "?" for a bad weekday
 */
const gchar *
pae_window_weekday_to_string(GDateWeekday weekday)
{
	if (weekday < G_DATE_MONDAY || weekday > G_DATE_SUNDAY)
		return "?";
	return pae_window_weekdays[weekday - 1].abbrev;
}

static gboolean
pae_window_parse_day_item(const gchar *item, const gchar *text, guint8 *bits, GError **error)
{
	g_auto(GStrv) ends = g_strsplit(item, "-", -1);
	GDateWeekday first;
	GDateWeekday last;

	if (g_strv_length(ends) > 2) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "'%s' in '%s' is not a day or a range such as Mon-Fri",
			    item,
			    text);
		return FALSE;
	}
	for (guint i = 0; ends[i] != NULL; i++) {
		g_strstrip(ends[i]);
		if (pae_window_weekday_from_string(ends[i]) == G_DATE_BAD_WEEKDAY) {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_CONFIG,
				    "unknown day '%s' in '%s': expected Mon, Tue, Wed, Thu, Fri, "
				    "Sat or Sun, or a range such as Mon-Fri",
				    ends[i],
				    text);
			return FALSE;
		}
	}
	first = pae_window_weekday_from_string(ends[0]);
	last = ends[1] != NULL ? pae_window_weekday_from_string(ends[1]) : first;
	if (ends[1] != NULL && first == last) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "range '%s' in '%s' starts and ends on the same day: write the day "
			    "alone, or Mon-Sun for every day",
			    item,
			    text);
		return FALSE;
	}

	/* a range may wrap past Sunday: Fri-Mon is Fri,Sat,Sun,Mon */
	*bits = 0;
	for (guint day = first;; day = day % 7 + 1) {
		*bits |= 1u << (day - 1);
		if (day == (guint)last)
			break;
	}
	return TRUE;
}

/**
 * pae_window_spec_parse_days:
 * @text: e.g. "Sat,Sun", "Mon-Fri", "Fri-Mon" or "saturday, sunday"
 * @mask: (out): PAE_WINDOW_DAY_* bits, untouched on error
 * @error: a #GError, or %NULL
 *
 * Names are three-letter or whole, in any case; a range may wrap past Sunday.
 * A day named twice is refused: it is more likely a typo than intent.
 *
 * Returns: %TRUE on success
 */
gboolean
pae_window_spec_parse_days(const gchar *text, guint8 *mask, GError **error)
{
	g_auto(GStrv) items = NULL;
	guint8 result = 0;

	g_return_val_if_fail(text != NULL, FALSE);
	g_return_val_if_fail(mask != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	items = g_strsplit(text, ",", -1);
	for (guint i = 0; items[i] != NULL; i++) {
		guint8 bits = 0;
		guint8 twice;

		g_strstrip(items[i]);
		if (items[i][0] == '\0') {
			g_set_error(
				error,
				PAE_ERROR,
				PAE_ERROR_INVALID_CONFIG,
				"no day between commas in '%s': expected a list such as Sat,Sun "
				"or Mon-Fri",
				text);
			return FALSE;
		}
		if (!pae_window_parse_day_item(items[i], text, &bits, error))
			return FALSE;
		twice = result & bits;
		if (twice != 0) {
			g_set_error(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_CONFIG,
				    "%s is named twice in '%s'",
				    pae_window_weekday_to_string(g_bit_nth_lsf(twice, -1) + 1),
				    text);
			return FALSE;
		}
		result |= bits;
	}
	if (result == 0) {
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_INVALID_CONFIG,
				    "no days given: expected a list such as Sat,Sun or Mon-Fri");
		return FALSE;
	}
	*mask = result;
	return TRUE;
}

static gboolean
pae_window_parse_number(const gchar **p, guint min_digits, guint max_digits, guint *out)
{
	guint digits = 0;
	guint value = 0;

	while (g_ascii_isdigit(**p) && digits < max_digits) {
		value = value * 10 + (guint)(**p - '0');
		digits++;
		(*p)++;
	}
	if (digits < min_digits)
		return FALSE;
	*out = value;
	return TRUE;
}

/**
 * pae_window_spec_parse_start:
 * @text: a wall-clock time "HH:MM", 00:00 to 23:59 ("2:00" is fine too)
 * @minutes: (out): minutes after local midnight, untouched on error
 * @error: a #GError, or %NULL
 *
 * Returns: %TRUE on success
 */
gboolean
pae_window_spec_parse_start(const gchar *text, guint *minutes, GError **error)
{
	g_autofree gchar *copy = NULL;
	const gchar *p;
	guint hours = 0;
	guint mins = 0;

	g_return_val_if_fail(text != NULL, FALSE);
	g_return_val_if_fail(minutes != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	copy = g_strstrip(g_strdup(text));
	p = copy;
	if (!pae_window_parse_number(&p, 1, 2, &hours) || *p++ != ':' ||
	    !pae_window_parse_number(&p, 2, 2, &mins) || *p != '\0') {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "start '%s' is not a time of day: expected HH:MM, such as 02:00",
			    text);
		return FALSE;
	}
	if (hours > 23 || mins > 59) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "start '%s' is out of range: expected 00:00 to 23:59",
			    text);
		return FALSE;
	}
	*minutes = hours * 60 + mins;
	return TRUE;
}

/**
 * pae_window_spec_parse_length:
 * @text: a duration such as "4h" or "1h30m", more than 0 and less than 7 days
 * @length: (out): the span, untouched on error
 * @error: a #GError, or %NULL
 *
 * Returns: %TRUE on success
 */
gboolean
pae_window_spec_parse_length(const gchar *text, GTimeSpan *length, GError **error)
{
	GTimeSpan span = 0;

	g_return_val_if_fail(text != NULL, FALSE);
	g_return_val_if_fail(length != NULL, FALSE);
	g_return_val_if_fail(error == NULL || *error == NULL, FALSE);

	if (!pae_duration_parse(text, &span)) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "length '%s' is not a duration: expected e.g. 4h, 90m or 1h30m",
			    text);
		return FALSE;
	}
	if (span <= 0 || span >= PAE_WINDOW_LENGTH_MAX) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "length '%s' is out of range: expected more than 0 and less than 7d",
			    text);
		return FALSE;
	}
	*length = span;
	return TRUE;
}

/**
 * pae_window_spec_parse:
 * @days: see pae_window_spec_parse_days()
 * @start: see pae_window_spec_parse_start()
 * @length: see pae_window_spec_parse_length()
 * @spec: (out): the spec, untouched on error
 * @error: a #GError, or %NULL; the message starts with the part that is wrong
 *
 * Returns: %TRUE on success
 */
gboolean
pae_window_spec_parse(const gchar *days,
		      const gchar *start,
		      const gchar *length,
		      PaeWindowSpec *spec,
		      GError **error)
{
	PaeWindowSpec tmp = {0};

	g_return_val_if_fail(spec != NULL, FALSE);

	if (!pae_window_spec_parse_days(days, &tmp.days, error)) {
		g_prefix_error(error, "days: ");
		return FALSE;
	}
	if (!pae_window_spec_parse_start(start, &tmp.start, error)) {
		g_prefix_error(error, "start: ");
		return FALSE;
	}
	if (!pae_window_spec_parse_length(length, &tmp.length, error)) {
		g_prefix_error(error, "length: ");
		return FALSE;
	}
	*spec = tmp;
	return TRUE;
}

/**
 * pae_window_spec_validate:
 * @spec: a spec built in code rather than parsed
 * @error: a #GError, or %NULL
 *
 * Returns: %TRUE if the window functions accept @spec
 */
gboolean
pae_window_spec_validate(const PaeWindowSpec *spec, GError **error)
{
	g_return_val_if_fail(spec != NULL, FALSE);

	if (spec->days == 0 || (spec->days & ~PAE_WINDOW_DAYS_ALL) != 0) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "days mask 0x%02x is not a non-empty set of weekdays",
			    spec->days);
		return FALSE;
	}
	if (spec->start >= 24 * 60) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "start %u is not a number of minutes in a day",
			    spec->start);
		return FALSE;
	}
	if (spec->length <= 0 || spec->length >= PAE_WINDOW_LENGTH_MAX) {
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "length %" G_GINT64_FORMAT "us is not more than 0 and less than 7d",
			    spec->length);
		return FALSE;
	}
	return TRUE;
}

/**
 * pae_window_spec_days_to_string:
 *
 * Returns: e.g. "Sat,Sun", which pae_window_spec_parse_days() reads back
 */
gchar *
pae_window_spec_days_to_string(guint8 mask)
{
	g_autoptr(GString) text = g_string_new(NULL);

	for (guint i = 0; i < G_N_ELEMENTS(pae_window_weekdays); i++) {
		if ((mask & (1u << i)) == 0)
			continue;
		if (text->len > 0)
			g_string_append_c(text, ',');
		g_string_append(text, pae_window_weekdays[i].abbrev);
	}
	return g_string_free(g_steal_pointer(&text), FALSE);
}

/**
 * pae_window_spec_to_string:
 *
 * Returns: e.g. "days=Sat,Sun start=02:00 length=4h", for logs and paectl
 */
gchar *
pae_window_spec_to_string(const PaeWindowSpec *spec)
{
	g_autofree gchar *days = pae_window_spec_days_to_string(spec->days);
	g_autofree gchar *length = pae_duration_to_string(spec->length);

	return g_strdup_printf("days=%s start=%02u:%02u length=%s",
			       days,
			       spec->start / 60,
			       spec->start % 60,
			       length);
}

static gint64
pae_window_floor_div(gint64 a, gint64 b)
{
	gint64 q = a / b;

	if (a % b != 0 && (a < 0) != (b < 0))
		q--;
	return q;
}

/* the zone's offset from UTC at an instant, in seconds */
static gint64
pae_window_offset_at(GTimeZone *tz, gint64 secs)
{
	return g_time_zone_get_offset(tz,
				      g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, secs));
}

/*
 * The first instant whose wall clock reads @wall or later, in seconds.
 *
 * A reading maps to instant = wall - offset, for whichever offset is in force
 * at that instant. Offsets never exceed ±15h, so the offsets a day either
 * side of @wall bracket every candidate. One that holds: the usual case. Two:
 * a repeated hour, take the earlier. None: a gap, and the answer is the
 * transition, found by bisection on the wall clock, which only moves forward
 * across a gap.
 */
static gint64
pae_window_resolve(GTimeZone *tz, gint64 wall)
{
	gint64 before = pae_window_offset_at(tz, wall - PAE_WINDOW_SECS_PER_DAY);
	gint64 after = pae_window_offset_at(tz, wall + PAE_WINDOW_SECS_PER_DAY);
	gint64 early = wall - MAX(before, after);
	gint64 late = wall - MIN(before, after);

	if (pae_window_offset_at(tz, early) == MAX(before, after))
		return early;
	if (late != early && pae_window_offset_at(tz, late) == MIN(before, after))
		return late;
	while (late - early > 1) {
		gint64 mid = early + (late - early) / 2;

		if (mid + pae_window_offset_at(tz, mid) >= wall)
			late = mid;
		else
			early = mid;
	}
	return late;
}

/**
 * pae_window_wall_to_instant:
 * @tz: the zone the wall clock is in
 * @wall: a wall-clock reading, encoded as if it were UTC
 *
 * A reading in a DST gap (or a skipped day) becomes the first instant after
 * the gap; a reading in a repeated hour becomes its first occurrence.
 *
 * Returns: the instant
 */
PaeTime
pae_window_wall_to_instant(GTimeZone *tz, PaeTime wall)
{
	gint64 secs = pae_window_floor_div(wall, G_USEC_PER_SEC);
	gint64 resolved = pae_window_resolve(tz, secs);

	/* a reading moved out of a gap lands exactly on the transition */
	if (resolved + pae_window_offset_at(tz, resolved) != secs)
		return resolved * G_USEC_PER_SEC;
	return wall - (secs - resolved) * G_USEC_PER_SEC;
}

/**
 * pae_window_instant_to_wall:
 * @tz: the zone whose wall clock to read
 * @instant: an instant
 *
 * Returns: what the wall clock reads at @instant, encoded as if it were UTC
 */
PaeTime
pae_window_instant_to_wall(GTimeZone *tz, PaeTime instant)
{
	gint64 secs = pae_window_floor_div(instant, G_USEC_PER_SEC);

	return instant + pae_window_offset_at(tz, secs) * G_USEC_PER_SEC;
}

/* days since 1970-01-01 of the local date at an instant */
static gint64
pae_window_local_day(GTimeZone *tz, gint64 secs)
{
	return pae_window_floor_div(secs + pae_window_offset_at(tz, secs), PAE_WINDOW_SECS_PER_DAY);
}

/* 1970-01-01 was a Thursday; the result is 0 for Monday .. 6 for Sunday */
static guint
pae_window_day_to_weekday(gint64 day)
{
	return (guint)(day - 7 * pae_window_floor_div(day + 3, 7) + 3);
}

static void
pae_window_fill(PaeWindow *out, GTimeZone *tz, gint64 day, PaeTime start, GTimeSpan length)
{
	GDate date;

	g_date_clear(&date, 1);
	g_date_set_julian(&date, (guint32)(day + PAE_WINDOW_JULIAN_EPOCH));
	out->start = start;
	out->end = start + length;
	out->wall_start = pae_window_instant_to_wall(tz, out->start);
	out->wall_end = pae_window_instant_to_wall(tz, out->end);
	out->year = g_date_get_year(&date);
	out->month = g_date_get_month(&date);
	out->day = g_date_get_day(&date);
}

/*
 * Occurrences are found by walking local dates. Starts only move forward
 * with the date (a gap moves one later, never past the next day's), so the
 * first date that qualifies is the answer.
 */
static gboolean
pae_window_find(
	const PaeWindowSpec *spec, GTimeZone *tz, PaeTime after, gboolean by_start, PaeWindow *out)
{
	gint64 after_secs = pae_window_floor_div(after, G_USEC_PER_SEC);
	gint64 first_day;

	g_return_val_if_fail(spec != NULL, FALSE);
	g_return_val_if_fail(tz != NULL, FALSE);
	g_return_val_if_fail(pae_window_spec_validate(spec, NULL), FALSE);

	if (after_secs < PAE_WINDOW_SECS_MIN || after_secs > PAE_WINDOW_SECS_MAX)
		return FALSE;

	/* one still open at @after opened less than a length before it; two days
	 * more cover a start that a gap pushed past its nominal date */
	if (by_start)
		first_day = pae_window_local_day(tz, after_secs) - 2;
	else
		first_day =
			pae_window_local_day(tz, after_secs - spec->length / G_USEC_PER_SEC) - 2;

	for (gint64 day = first_day; day < first_day + PAE_WINDOW_SCAN_DAYS; day++) {
		gint64 wall = day * PAE_WINDOW_SECS_PER_DAY + (gint64)spec->start * 60;
		PaeTime start;

		if ((spec->days & (1u << pae_window_day_to_weekday(day))) == 0)
			continue;
		start = pae_window_resolve(tz, wall) * G_USEC_PER_SEC;
		if (by_start ? start < after : start + spec->length <= after)
			continue;
		if (out != NULL)
			pae_window_fill(out, tz, day, start, spec->length);
		return TRUE;
	}
	return FALSE;
}

/**
 * pae_window_next:
 * @spec: a valid spec
 * @tz: the zone the window is evaluated in: the VM's, or the policy's for
 *	absolute windows (see pae_window_mode_get_zone())
 * @after: an instant
 * @out: (out) (optional): the occurrence
 *
 * Finds the first occurrence whose end is after @after, so one in progress
 * at @after counts.
 *
 * Returns: %FALSE only if @after is outside the years 1..9999
 */
gboolean
pae_window_next(const PaeWindowSpec *spec, GTimeZone *tz, PaeTime after, PaeWindow *out)
{
	return pae_window_find(spec, tz, after, FALSE, out);
}

/**
 * pae_window_next_start:
 * @spec: a valid spec
 * @tz: the zone the window is evaluated in
 * @after: an instant
 * @out: (out) (optional): the occurrence
 *
 * Finds the first occurrence that starts at or after @after.
 *
 * Returns: %FALSE only if @after is outside the years 1..9999
 */
gboolean
pae_window_next_start(const PaeWindowSpec *spec, GTimeZone *tz, PaeTime after, PaeWindow *out)
{
	return pae_window_find(spec, tz, after, TRUE, out);
}

/**
 * pae_window_contains:
 * @spec: a valid spec
 * @tz: the zone the window is evaluated in
 * @when: an instant
 * @out: (out) (optional): the occurrence @when is in, if any
 *
 * Returns: %TRUE if @when is inside an occurrence, start included, end excluded
 */
gboolean
pae_window_contains(const PaeWindowSpec *spec, GTimeZone *tz, PaeTime when, PaeWindow *out)
{
	PaeWindow window;

	if (!pae_window_next(spec, tz, when, &window))
		return FALSE;
	if (window.start > when)
		return FALSE;
	if (out != NULL)
		*out = window;
	return TRUE;
}

static guint
pae_window_time_of_day(PaeTime wall)
{
	gint64 secs = pae_window_floor_div(wall, G_USEC_PER_SEC);

	return (guint)(secs - PAE_WINDOW_SECS_PER_DAY *
				      pae_window_floor_div(secs, PAE_WINDOW_SECS_PER_DAY));
}

/**
 * pae_window_get_daily_range:
 * @window: an occurrence found in @tz
 * @tz: the zone it was found in
 * @start_secs: (out): seconds after local midnight of the earliest wall-clock
 *	reading during the occurrence
 * @end_secs: (out): seconds after local midnight of the latest one; less
 *	than @start_secs when the range wraps past midnight
 *
 * The smallest time-of-day range holding every wall-clock reading of the
 * occurrence, for a patch server that limits actions to "between A and B" on
 * each client's clock. Usually that is the wall clock at its start and end;
 * across a fall-back it also holds the repeated hour (a 1h window from
 * 01:15 BST ends at 01:15 GMT, and reads 01:00 to 02:00). An occurrence
 * lasting a day or more has every time of day and no range.
 *
 * Returns: %FALSE if the occurrence has no daily range
 */
gboolean
pae_window_get_daily_range(const PaeWindow *window,
			   GTimeZone *tz,
			   guint *start_secs,
			   guint *end_secs)
{
	gint64 before;
	gint64 after;
	PaeTime wall_min;
	PaeTime wall_max;

	g_return_val_if_fail(window != NULL, FALSE);
	g_return_val_if_fail(tz != NULL, FALSE);
	g_return_val_if_fail(start_secs != NULL, FALSE);
	g_return_val_if_fail(end_secs != NULL, FALSE);

	if (window->end - window->start >= G_TIME_SPAN_DAY)
		return FALSE;
	wall_min = window->wall_start;
	wall_max = window->wall_end;
	before = window->wall_start - window->start;
	after = window->wall_end - window->end;
	if (after < before) {
		/* the clock went back inside the occurrence: find when, by bisection */
		gint64 lo = pae_window_floor_div(window->start, G_USEC_PER_SEC);
		gint64 hi = pae_window_floor_div(window->end, G_USEC_PER_SEC);
		PaeTime change;

		while (hi - lo > 1) {
			gint64 mid = lo + (hi - lo) / 2;

			if (pae_window_offset_at(tz, mid) * G_USEC_PER_SEC == before)
				lo = mid;
			else
				hi = mid;
		}
		change = hi * G_USEC_PER_SEC;
		wall_min = MIN(wall_min, change + after);
		wall_max = MAX(wall_max, change + before);
	}
	if (wall_max - wall_min >= G_TIME_SPAN_DAY)
		return FALSE;
	*start_secs = pae_window_time_of_day(wall_min);
	*end_secs = pae_window_time_of_day(wall_max);
	return TRUE;
}

/**
 * pae_window_mode_get_zone:
 * @mode: the patch's window mode
 * @vm_tz: the VM's zone
 * @reference_tz: the policy's zone, used for absolute windows
 *
 * An absolute window is the same spec evaluated once, in the policy's zone,
 * so every VM gets the same instants; a local one is evaluated on each VM's
 * own clock.
 *
 * Returns: (transfer none): the zone to pass to pae_window_next() and friends
 */
GTimeZone *
pae_window_mode_get_zone(PaeWindowMode mode, GTimeZone *vm_tz, GTimeZone *reference_tz)
{
	if (mode == PAE_WINDOW_MODE_ABSOLUTE)
		return reference_tz;
	return vm_tz;
}

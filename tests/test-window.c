/*
 * Change windows. Every expected instant below was worked out by hand from
 * the zone's transitions in tzdata (`zdump -v -c 2026,2027 ZONE`), which are,
 * for 2026 (UTC instant: wall clock before -> after):
 *
 *   America/New_York    03-08 07:00Z  02:00 EST -> 03:00 EDT
 *                       11-01 06:00Z  02:00 EDT -> 01:00 EST
 *   Europe/London       03-29 01:00Z  01:00 GMT -> 02:00 BST
 *                       10-25 01:00Z  02:00 BST -> 01:00 GMT
 *   Australia/Lord_Howe 04-04 15:00Z  02:00 +11 -> 01:30 +1030
 *                       10-03 15:30Z  02:00 +1030 -> 02:30 +11
 *   Asia/Kathmandu      +0545 all year; 1985-12-31 18:30Z  00:00 +0530 -> 00:15 +0545
 *   Pacific/Chatham     04-04 14:00Z  03:45 +1345 -> 02:45 +1245
 *                       09-26 14:00Z  02:45 +1245 -> 03:45 +1345
 *   Australia/Sydney    04-04 16:00Z  03:00 AEDT -> 02:00 AEST
 *                       10-03 16:00Z  02:00 AEST -> 03:00 AEDT
 *   America/Santiago    04-05 03:00Z  24:00 -03 -> 23:00 -04 (Saturday 4 April)
 *                       09-06 04:00Z  24:00 -04 -> 01:00 -03 (Saturday 5 September)
 *   Pacific/Apia        2011-12-30 10:00Z  29th 24:00 -10 -> 31st 00:00 +14 (no 30th)
 *
 * and the calendar: 2026-03-14, 2026-06-06 and 2026-10-03 are Saturdays.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-error.h"
#include "pae-test-util.h"
#include "pae-window.h"

typedef struct {
	const gchar *zone;
	const gchar *days;
	const gchar *start;
	const gchar *length;
	const gchar *after;
	const gchar *expect_start;
	const gchar *expect_end;
	const gchar *expect_date;
} WindowRow;

static GTimeZone *
test_window_zone(const gchar *identifier)
{
	GTimeZone *tz = g_time_zone_new_identifier(identifier);
	if (tz == NULL)
		fail_msg("time zone %s is not installed (tzdata)", identifier);
	return tz;
}

static PaeTime
test_window_time(const gchar *iso8601)
{
	PaeTime t = 0;
	if (!pae_time_from_iso8601(iso8601, &t))
		fail_msg("bad instant in the table: %s", iso8601);
	return t;
}

static PaeWindowSpec
test_window_spec(const gchar *days, const gchar *start, const gchar *length)
{
	g_autoptr(GError) error = NULL;
	PaeWindowSpec spec = {0};
	if (!pae_window_spec_parse(days, start, length, &spec, &error))
		fail_msg("bad spec in the table: %s", error->message);
	return spec;
}

static void
test_window_check_row(const WindowRow *row, gboolean by_start)
{
	g_autoptr(GTimeZone) tz = test_window_zone(row->zone);
	PaeWindowSpec spec = test_window_spec(row->days, row->start, row->length);
	PaeTime after = test_window_time(row->after);
	PaeWindow window = {0};
	g_autofree gchar *start = NULL;
	g_autofree gchar *end = NULL;
	g_autofree gchar *date = NULL;
	gboolean ok;

	if (by_start)
		ok = pae_window_next_start(&spec, tz, after, &window);
	else
		ok = pae_window_next(&spec, tz, after, &window);
	if (!ok)
		fail_msg("%s days=%s start=%s after %s: no window",
			 row->zone,
			 row->days,
			 row->start,
			 row->after);
	start = pae_time_to_iso8601(window.start);
	end = pae_time_to_iso8601(window.end);
	date = g_strdup_printf("%04u-%02u-%02u", window.year, window.month, window.day);
	if (g_strcmp0(start, row->expect_start) != 0 || g_strcmp0(end, row->expect_end) != 0 ||
	    g_strcmp0(date, row->expect_date) != 0)
		fail_msg("%s days=%s start=%s length=%s after %s: got %s..%s (%s), expected %s..%s "
			 "(%s)",
			 row->zone,
			 row->days,
			 row->start,
			 row->length,
			 row->after,
			 start,
			 end,
			 date,
			 row->expect_start,
			 row->expect_end,
			 row->expect_date);
}

static void
test_window_next_func(void **state)
{
	const WindowRow rows[] = {
		/* Tuesday in UTC: the coming Saturday, no offset at all */
		{"UTC",
		 "Sat,Sun",
		 "02:00",
		 "4h",
		 "2026-03-10T12:00:00Z",
		 "2026-03-14T02:00:00Z",
		 "2026-03-14T06:00:00Z",
		 "2026-03-14"},
		/* at its very start it counts */
		{"UTC",
		 "Sat,Sun",
		 "02:00",
		 "4h",
		 "2026-03-14T02:00:00Z",
		 "2026-03-14T02:00:00Z",
		 "2026-03-14T06:00:00Z",
		 "2026-03-14"},
		/* one second before its end it is still in progress */
		{"UTC",
		 "Sat,Sun",
		 "02:00",
		 "4h",
		 "2026-03-14T05:59:59Z",
		 "2026-03-14T02:00:00Z",
		 "2026-03-14T06:00:00Z",
		 "2026-03-14"},
		/* the end is excluded: Sunday's is next */
		{"UTC",
		 "Sat,Sun",
		 "02:00",
		 "4h",
		 "2026-03-14T06:00:00Z",
		 "2026-03-15T02:00:00Z",
		 "2026-03-15T06:00:00Z",
		 "2026-03-15"},
		/* before the epoch: 1969-12-27 was a Saturday, five days before Thursday 1970-01-01
		 */
		{"UTC",
		 "Sat",
		 "02:00",
		 "4h",
		 "1969-12-24T00:00:00Z",
		 "1969-12-27T02:00:00Z",
		 "1969-12-27T06:00:00Z",
		 "1969-12-27"},
		/* longer than a day, still open on Sunday night */
		{"UTC",
		 "Sat",
		 "20:00",
		 "30h",
		 "2026-03-15T01:00:00Z",
		 "2026-03-14T20:00:00Z",
		 "2026-03-16T02:00:00Z",
		 "2026-03-14"},

		/* 02:30 does not exist on 8 March (02:00 EST -> 03:00 EDT at 07:00Z): opens at the
		 * transition and lasts 4 real hours */
		{"America/New_York",
		 "Sun",
		 "02:30",
		 "4h",
		 "2026-03-01T12:00:00Z",
		 "2026-03-08T07:00:00Z",
		 "2026-03-08T11:00:00Z",
		 "2026-03-08"},
		/* 2040, past the transitions tzdata writes out (to 2037), from its rule instead:
		 * 11 March, the second Sunday */
		{"America/New_York",
		 "Sun",
		 "02:30",
		 "4h",
		 "2040-03-05T00:00:00Z",
		 "2040-03-11T07:00:00Z",
		 "2040-03-11T11:00:00Z",
		 "2040-03-11"},
		/* exactly at the start of the gap */
		{"America/New_York",
		 "Sun",
		 "02:00",
		 "1h",
		 "2026-03-02T00:00:00Z",
		 "2026-03-08T07:00:00Z",
		 "2026-03-08T08:00:00Z",
		 "2026-03-08"},
		/* 03:00 EDT, the first reading after the gap, is the same instant */
		{"America/New_York",
		 "Sun",
		 "03:00",
		 "1h",
		 "2026-03-02T00:00:00Z",
		 "2026-03-08T07:00:00Z",
		 "2026-03-08T08:00:00Z",
		 "2026-03-08"},
		/* 01:30 on 1 November happens at 05:30Z (EDT) and 06:30Z (EST): the first */
		{"America/New_York",
		 "Sun",
		 "01:30",
		 "2h",
		 "2026-10-26T00:00:00Z",
		 "2026-11-01T05:30:00Z",
		 "2026-11-01T07:30:00Z",
		 "2026-11-01"},
		/* crosses midnight and the spring-forward: 23:00 EST Saturday is 04:00Z, and four
		 * real hours later the wall clock reads 04:00 EDT */
		{"America/New_York",
		 "Sat",
		 "23:00",
		 "4h",
		 "2026-03-02T00:00:00Z",
		 "2026-03-08T04:00:00Z",
		 "2026-03-08T08:00:00Z",
		 "2026-03-07"},
		/* the same window, in progress */
		{"America/New_York",
		 "Sat",
		 "23:00",
		 "4h",
		 "2026-03-08T06:30:00Z",
		 "2026-03-08T04:00:00Z",
		 "2026-03-08T08:00:00Z",
		 "2026-03-07"},
		/* 20:00 EDT on Tuesday 30 June: tonight's window, though UTC is on Wednesday */
		{"America/New_York",
		 "Tue",
		 "22:00",
		 "3h",
		 "2026-07-01T00:00:00Z",
		 "2026-07-01T02:00:00Z",
		 "2026-07-01T05:00:00Z",
		 "2026-06-30"},
		/* across the fall-back: 22:00 EDT, five real hours end at 02:00 EST */
		{"America/New_York",
		 "Sat",
		 "22:00",
		 "5h",
		 "2026-10-26T00:00:00Z",
		 "2026-11-01T02:00:00Z",
		 "2026-11-01T07:00:00Z",
		 "2026-10-31"},

		/* 01:00-02:00 GMT skipped on 29 March: opens at 02:00 BST, 01:00Z */
		{"Europe/London",
		 "Sun",
		 "01:15",
		 "1h",
		 "2026-03-23T00:00:00Z",
		 "2026-03-29T01:00:00Z",
		 "2026-03-29T02:00:00Z",
		 "2026-03-29"},
		/* 01:15 on 25 October happens in BST (00:15Z) and in GMT (01:15Z): the first */
		{"Europe/London",
		 "Sun",
		 "01:15",
		 "1h",
		 "2026-10-19T00:00:00Z",
		 "2026-10-25T00:15:00Z",
		 "2026-10-25T01:15:00Z",
		 "2026-10-25"},
		/* winter, GMT is UTC; crosses midnight */
		{"Europe/London",
		 "Fri",
		 "22:00",
		 "6h",
		 "2026-01-01T00:00:00Z",
		 "2026-01-02T22:00:00Z",
		 "2026-01-03T04:00:00Z",
		 "2026-01-02"},
		/* crosses midnight and the spring-forward: 23:30 GMT plus four real hours */
		{"Europe/London",
		 "Sat",
		 "23:30",
		 "4h",
		 "2026-03-27T00:00:00Z",
		 "2026-03-28T23:30:00Z",
		 "2026-03-29T03:30:00Z",
		 "2026-03-28"},
		/* summer, in progress: 09:00 BST is 08:00Z */
		{"Europe/London",
		 "Wed",
		 "09:00",
		 "8h",
		 "2026-07-01T12:00:00Z",
		 "2026-07-01T08:00:00Z",
		 "2026-07-01T16:00:00Z",
		 "2026-07-01"},

		/* 02:00-02:30 skipped on 4 October, a 30-minute step: opens at 02:30 +11 */
		{"Australia/Lord_Howe",
		 "Sun",
		 "02:15",
		 "2h",
		 "2026-09-28T00:00:00Z",
		 "2026-10-03T15:30:00Z",
		 "2026-10-03T17:30:00Z",
		 "2026-10-04"},
		/* 01:30-02:00 repeats on 5 April: 01:45 +11 comes first */
		{"Australia/Lord_Howe",
		 "Sun",
		 "01:45",
		 "1h",
		 "2026-03-30T00:00:00Z",
		 "2026-04-04T14:45:00Z",
		 "2026-04-04T15:45:00Z",
		 "2026-04-05"},
		/* 01:15 is before the repeated half hour: it happens once, at +11 */
		{"Australia/Lord_Howe",
		 "Sun",
		 "01:15",
		 "1h",
		 "2026-03-30T00:00:00Z",
		 "2026-04-04T14:15:00Z",
		 "2026-04-04T15:15:00Z",
		 "2026-04-05"},

		/* +05:45: Monday 1 June's window (18:15Z on 31 May) is over at 05:45 local */
		{"Asia/Kathmandu",
		 "Mon",
		 "00:00",
		 "30m",
		 "2026-06-01T00:00:00Z",
		 "2026-06-07T18:15:00Z",
		 "2026-06-07T18:45:00Z",
		 "2026-06-08"},
		/* in progress at 23:15 local, and crossing midnight */
		{"Asia/Kathmandu",
		 "Sun",
		 "23:00",
		 "2h",
		 "2026-06-07T17:30:00Z",
		 "2026-06-07T17:15:00Z",
		 "2026-06-07T19:15:00Z",
		 "2026-06-07"},

		/* 02:45-03:45 skipped on 27 September: opens at 03:45 +13:45 */
		{"Pacific/Chatham",
		 "Sun",
		 "03:00",
		 "4h",
		 "2026-09-21T00:00:00Z",
		 "2026-09-26T14:00:00Z",
		 "2026-09-26T18:00:00Z",
		 "2026-09-27"},
		/* 02:45-03:45 repeats on 5 April: 03:00 +13:45 comes first */
		{"Pacific/Chatham",
		 "Sun",
		 "03:00",
		 "4h",
		 "2026-03-30T00:00:00Z",
		 "2026-04-04T13:15:00Z",
		 "2026-04-04T17:15:00Z",
		 "2026-04-05"},
		/* winter, +12:45 */
		{"Pacific/Chatham",
		 "Wed",
		 "20:00",
		 "2h",
		 "2026-07-01T00:00:00Z",
		 "2026-07-01T07:15:00Z",
		 "2026-07-01T09:15:00Z",
		 "2026-07-01"},

		/* 02:00-03:00 skipped on 4 October: opens at 03:00 AEDT */
		{"Australia/Sydney",
		 "Sun",
		 "02:30",
		 "3h",
		 "2026-09-28T00:00:00Z",
		 "2026-10-03T16:00:00Z",
		 "2026-10-03T19:00:00Z",
		 "2026-10-04"},
		/* 02:00-03:00 repeats on 5 April: 02:30 AEDT comes first */
		{"Australia/Sydney",
		 "Sun",
		 "02:30",
		 "3h",
		 "2026-03-30T00:00:00Z",
		 "2026-04-04T15:30:00Z",
		 "2026-04-04T18:30:00Z",
		 "2026-04-05"},
		/* across the spring-forward: 22:00 AEST, six real hours end at 05:00 AEDT */
		{"Australia/Sydney",
		 "Sat",
		 "22:00",
		 "6h",
		 "2026-09-28T00:00:00Z",
		 "2026-10-03T12:00:00Z",
		 "2026-10-03T18:00:00Z",
		 "2026-10-03"},

		/* Chile springs forward at midnight: 00:00-01:00 skipped on 6 September */
		{"America/Santiago",
		 "Sun",
		 "00:30",
		 "2h",
		 "2026-08-31T00:00:00Z",
		 "2026-09-06T04:00:00Z",
		 "2026-09-06T06:00:00Z",
		 "2026-09-06"},
		/* 23:00-24:00 repeats on Saturday 4 April: 23:30 -03 comes first */
		{"America/Santiago",
		 "Sat",
		 "23:30",
		 "1h",
		 "2026-03-30T00:00:00Z",
		 "2026-04-05T02:30:00Z",
		 "2026-04-05T03:30:00Z",
		 "2026-04-04"},
		/* across the midnight gap: 22:00 -04, four real hours end at 03:00 -03 */
		{"America/Santiago",
		 "Sat",
		 "22:00",
		 "4h",
		 "2026-09-01T00:00:00Z",
		 "2026-09-06T02:00:00Z",
		 "2026-09-06T06:00:00Z",
		 "2026-09-05"},

		/* Friday 30 December 2011 never happened in Samoa (-10 -> +14): its window opens at
		 * the first valid instant after 02:00 that day, 00:00 +14 on Saturday */
		{"Pacific/Apia",
		 "Fri",
		 "02:00",
		 "4h",
		 "2011-12-28T00:00:00Z",
		 "2011-12-30T10:00:00Z",
		 "2011-12-30T14:00:00Z",
		 "2011-12-30"},
		/* Thursday 22:00 -10; four real hours across the skipped day end at 02:00 +14 */
		{"Pacific/Apia",
		 "Thu",
		 "22:00",
		 "4h",
		 "2011-12-28T00:00:00Z",
		 "2011-12-30T08:00:00Z",
		 "2011-12-30T12:00:00Z",
		 "2011-12-29"},
		/* Saturday 31 December at +14 */
		{"Pacific/Apia",
		 "Sat",
		 "02:00",
		 "4h",
		 "2011-12-30T11:00:00Z",
		 "2011-12-30T12:00:00Z",
		 "2011-12-30T16:00:00Z",
		 "2011-12-31"},
		/* the late Friday overlaps Saturday's: the earlier, in progress, comes first */
		{"Pacific/Apia",
		 "Fri,Sat",
		 "02:00",
		 "4h",
		 "2011-12-30T13:00:00Z",
		 "2011-12-30T10:00:00Z",
		 "2011-12-30T14:00:00Z",
		 "2011-12-30"},
		/* the Friday after, at +14 */
		{"Pacific/Apia",
		 "Fri",
		 "02:00",
		 "4h",
		 "2011-12-30T14:00:00Z",
		 "2012-01-05T12:00:00Z",
		 "2012-01-05T16:00:00Z",
		 "2012-01-06"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++)
		test_window_check_row(&rows[i], FALSE);
}

static void
test_window_next_start_func(void **state)
{
	const WindowRow rows[] = {
		/* Saturday's is in progress, so not a start: Sunday's */
		{"UTC",
		 "Sat,Sun",
		 "02:00",
		 "4h",
		 "2026-03-14T03:00:00Z",
		 "2026-03-15T02:00:00Z",
		 "2026-03-15T06:00:00Z",
		 "2026-03-15"},
		/* exactly at a start */
		{"UTC",
		 "Sat,Sun",
		 "02:00",
		 "4h",
		 "2026-03-14T02:00:00Z",
		 "2026-03-14T02:00:00Z",
		 "2026-03-14T06:00:00Z",
		 "2026-03-14"},
		/* in progress across the spring-forward: the next one, 23:00 EDT */
		{"America/New_York",
		 "Sat",
		 "23:00",
		 "4h",
		 "2026-03-08T06:30:00Z",
		 "2026-03-15T03:00:00Z",
		 "2026-03-15T07:00:00Z",
		 "2026-03-14"},
		/* a second before the transition, the gap-moved start is still ahead */
		{"America/New_York",
		 "Sun",
		 "02:30",
		 "4h",
		 "2026-03-08T06:59:59Z",
		 "2026-03-08T07:00:00Z",
		 "2026-03-08T11:00:00Z",
		 "2026-03-08"},
		/* at 00:00 the skipped Friday and Saturday 31 open at the same instant, 10:00Z;
		 * the earlier date is reported */
		{"Pacific/Apia",
		 "Fri,Sat",
		 "00:00",
		 "1h",
		 "2011-12-30T09:00:00Z",
		 "2011-12-30T10:00:00Z",
		 "2011-12-30T11:00:00Z",
		 "2011-12-30"},
		/* a second later both have started: the next Friday, 00:00 +14 */
		{"Pacific/Apia",
		 "Fri,Sat",
		 "00:00",
		 "1h",
		 "2011-12-30T10:00:01Z",
		 "2012-01-05T10:00:00Z",
		 "2012-01-05T11:00:00Z",
		 "2012-01-06"},
		/* the late Friday (10:00Z) and Saturday (12:00Z) have both started */
		{"Pacific/Apia",
		 "Fri,Sat",
		 "02:00",
		 "4h",
		 "2011-12-30T13:00:00Z",
		 "2012-01-05T12:00:00Z",
		 "2012-01-05T16:00:00Z",
		 "2012-01-06"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++)
		test_window_check_row(&rows[i], TRUE);
}

static void
test_window_contains_func(void **state)
{
	const struct {
		const gchar *zone;
		const gchar *days;
		const gchar *start;
		const gchar *length;
		const gchar *when;
		gboolean inside;
	} rows[] = {
		/* 04:00Z..08:00Z, the Saturday-night window across the spring-forward */
		{"America/New_York", "Sat", "23:00", "4h", "2026-03-08T03:59:59Z", FALSE},
		{"America/New_York", "Sat", "23:00", "4h", "2026-03-08T04:00:00Z", TRUE},
		{"America/New_York", "Sat", "23:00", "4h", "2026-03-08T07:59:59Z", TRUE},
		{"America/New_York", "Sat", "23:00", "4h", "2026-03-08T08:00:00Z", FALSE},
		/* the gap-moved start is its first instant */
		{"America/New_York", "Sun", "02:30", "4h", "2026-03-08T06:59:59Z", FALSE},
		{"America/New_York", "Sun", "02:30", "4h", "2026-03-08T07:00:00Z", TRUE},
		/* Samoa's skipped Friday: 10:00Z..14:00Z */
		{"Pacific/Apia", "Fri", "02:00", "4h", "2011-12-30T09:59:59Z", FALSE},
		{"Pacific/Apia", "Fri", "02:00", "4h", "2011-12-30T10:00:00Z", TRUE},
		/* a Wednesday at 12:00 +05:45 is outside a weekend window */
		{"Asia/Kathmandu", "Sat,Sun", "00:00", "23h", "2026-06-03T06:15:00Z", FALSE},
		/* Sunday 00:30 +05:45 is inside a Saturday window of 26 hours */
		{"Asia/Kathmandu", "Sat", "00:00", "26h", "2026-06-06T18:45:00Z", TRUE},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(GTimeZone) tz = test_window_zone(rows[i].zone);
		PaeWindowSpec spec = test_window_spec(rows[i].days, rows[i].start, rows[i].length);
		PaeTime when = test_window_time(rows[i].when);
		PaeWindow window = {0};
		gboolean inside = pae_window_contains(&spec, tz, when, &window);

		if (inside != rows[i].inside)
			fail_msg("%s days=%s start=%s at %s: expected %s",
				 rows[i].zone,
				 rows[i].days,
				 rows[i].start,
				 rows[i].when,
				 rows[i].inside ? "inside" : "outside");
		if (inside)
			assert_true(window.start <= when && when < window.end);
	}
}

static void
test_window_wall_clock_func(void **state)
{
	const struct {
		const gchar *zone;
		const gchar *days;
		const gchar *start;
		const gchar *length;
		const gchar *after;
		const gchar *wall_start;
		const gchar *wall_end;
		gboolean has_range;
		guint range_start;
		guint range_end;
	} rows[] = {
		/* gap-moved: the clock reads 03:00 EDT at the start, 07:00 at the end */
		{"America/New_York",
		 "Sun",
		 "02:30",
		 "4h",
		 "2026-03-01T12:00:00Z",
		 "2026-03-08T03:00:00Z",
		 "2026-03-08T07:00:00Z",
		 TRUE,
		 3 * 3600,
		 7 * 3600},
		/* across midnight and the gap: 23:00 EST to 04:00 EDT, wrapping */
		{"America/New_York",
		 "Sat",
		 "23:00",
		 "4h",
		 "2026-03-02T00:00:00Z",
		 "2026-03-07T23:00:00Z",
		 "2026-03-08T04:00:00Z",
		 TRUE,
		 23 * 3600,
		 4 * 3600},
		/* 01:30 EDT to 02:30 EST: readings 01:30-02:00 EDT then 01:00-02:30 EST */
		{"America/New_York",
		 "Sun",
		 "01:30",
		 "2h",
		 "2026-10-26T00:00:00Z",
		 "2026-11-01T01:30:00Z",
		 "2026-11-01T02:30:00Z",
		 TRUE,
		 3600,
		 9000},
		/* 01:15 BST to 01:15 GMT: the hour 01:00-02:00 read in full */
		{"Europe/London",
		 "Sun",
		 "01:15",
		 "1h",
		 "2026-10-19T00:00:00Z",
		 "2026-10-25T01:15:00Z",
		 "2026-10-25T01:15:00Z",
		 TRUE,
		 3600,
		 7200},
		/* 23:30 -03 to 23:30 -04: the repeated 23:00-24:00, wrapping to midnight */
		{"America/Santiago",
		 "Sat",
		 "23:30",
		 "1h",
		 "2026-03-30T00:00:00Z",
		 "2026-04-04T23:30:00Z",
		 "2026-04-04T23:30:00Z",
		 TRUE,
		 23 * 3600,
		 0},
		/* Samoa's skipped Friday reads Saturday 00:00 to 04:00 */
		{"Pacific/Apia",
		 "Fri",
		 "02:00",
		 "4h",
		 "2011-12-28T00:00:00Z",
		 "2011-12-31T00:00:00Z",
		 "2011-12-31T04:00:00Z",
		 TRUE,
		 0,
		 4 * 3600},
		/* +05:45, across midnight */
		{"Asia/Kathmandu",
		 "Sun",
		 "23:00",
		 "2h",
		 "2026-06-07T17:30:00Z",
		 "2026-06-07T23:00:00Z",
		 "2026-06-08T01:00:00Z",
		 TRUE,
		 23 * 3600,
		 3600},
		/* 23h30m across the fall-back (after Tuesday, so the 24 October one, which ends
		 * at 01:30Z on the 26th, is over): 22:00 EDT Saturday to 20:30 EST Sunday; the
		 * repeated hour lies inside, so the range is just the ends */
		{"America/New_York",
		 "Sat",
		 "22:00",
		 "23h30m",
		 "2026-10-27T00:00:00Z",
		 "2026-10-31T22:00:00Z",
		 "2026-11-01T20:30:00Z",
		 TRUE,
		 22 * 3600,
		 20 * 3600 + 1800},
		/* 24 real hours read only 23 on the wall clock, yet hold every time of day */
		{"America/New_York",
		 "Sat",
		 "22:00",
		 "24h",
		 "2026-10-27T00:00:00Z",
		 "2026-10-31T22:00:00Z",
		 "2026-11-01T21:00:00Z",
		 FALSE,
		 0,
		 0},
		/* longer than a day */
		{"UTC",
		 "Sat",
		 "20:00",
		 "30h",
		 "2026-03-10T00:00:00Z",
		 "2026-03-14T20:00:00Z",
		 "2026-03-16T02:00:00Z",
		 FALSE,
		 0,
		 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(GTimeZone) tz = test_window_zone(rows[i].zone);
		PaeWindowSpec spec = test_window_spec(rows[i].days, rows[i].start, rows[i].length);
		PaeWindow window = {0};
		g_autofree gchar *wall_start = NULL;
		g_autofree gchar *wall_end = NULL;
		guint range_start = G_MAXUINT;
		guint range_end = G_MAXUINT;
		gboolean has_range;

		assert_true(pae_window_next(&spec, tz, test_window_time(rows[i].after), &window));
		wall_start = pae_time_to_iso8601(window.wall_start);
		wall_end = pae_time_to_iso8601(window.wall_end);
		if (g_strcmp0(wall_start, rows[i].wall_start) != 0 ||
		    g_strcmp0(wall_end, rows[i].wall_end) != 0)
			fail_msg("%s days=%s start=%s: wall clock %s..%s, expected %s..%s",
				 rows[i].zone,
				 rows[i].days,
				 rows[i].start,
				 wall_start,
				 wall_end,
				 rows[i].wall_start,
				 rows[i].wall_end);
		has_range = pae_window_get_daily_range(&window, tz, &range_start, &range_end);
		if (has_range != rows[i].has_range)
			fail_msg("%s days=%s start=%s length=%s: expected %s daily range",
				 rows[i].zone,
				 rows[i].days,
				 rows[i].start,
				 rows[i].length,
				 rows[i].has_range ? "a" : "no");
		if (!has_range)
			continue;
		if (range_start != rows[i].range_start || range_end != rows[i].range_end)
			fail_msg("%s days=%s start=%s: daily range %u..%u, expected %u..%u",
				 rows[i].zone,
				 rows[i].days,
				 rows[i].start,
				 range_start,
				 range_end,
				 rows[i].range_start,
				 rows[i].range_end);
	}
}

static void
test_window_absolute_func(void **state)
{
	const struct {
		const gchar *zone;
		const gchar *local_start;
	} rows[] = {
		/* Saturday 6 June 2026 at 02:00 on each VM's clock */
		{"America/New_York", "2026-06-06T06:00:00Z"}, /* EDT, -4 */
		{"Europe/London", "2026-06-06T01:00:00Z"},    /* BST, +1 */
		{"Asia/Kathmandu", "2026-06-05T20:15:00Z"},   /* +05:45 */
		{"Australia/Sydney", "2026-06-05T16:00:00Z"}, /* AEST, +10 in the southern winter */
	};
	/* absolute: once, at 02:00 in the policy's zone, New York: 06:00Z for everyone */
	const gchar *absolute_start = "2026-06-06T06:00:00Z";
	g_autoptr(GTimeZone) reference = test_window_zone("America/New_York");
	g_autoptr(GHashTable) local_starts = g_hash_table_new(g_int64_hash, g_int64_equal);
	PaeWindowSpec spec = test_window_spec("Sat", "02:00", "4h");
	PaeTime after = test_window_time("2026-06-01T00:00:00Z");
	PaeTime local[G_N_ELEMENTS(rows)];

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(GTimeZone) vm_tz = test_window_zone(rows[i].zone);
		PaeWindow window = {0};
		g_autofree gchar *start_local = NULL;
		g_autofree gchar *start_absolute = NULL;
		GTimeZone *tz;

		tz = pae_window_mode_get_zone(PAE_WINDOW_MODE_LOCAL, vm_tz, reference);
		assert_true(pae_window_next(&spec, tz, after, &window));
		start_local = pae_time_to_iso8601(window.start);
		assert_string_equal(start_local, rows[i].local_start);
		local[i] = window.start;
		g_hash_table_add(local_starts, &local[i]);

		tz = pae_window_mode_get_zone(PAE_WINDOW_MODE_ABSOLUTE, vm_tz, reference);
		assert_true(pae_window_next(&spec, tz, after, &window));
		start_absolute = pae_time_to_iso8601(window.start);
		assert_string_equal(start_absolute, absolute_start);
	}
	/* local: four zones, four instants */
	assert_int_equal(g_hash_table_size(local_starts), G_N_ELEMENTS(rows));
}

static void
test_window_wall_to_instant_func(void **state)
{
	const struct {
		const gchar *zone;
		const gchar *wall;
		const gchar *instant;
	} rows[] = {
		/* in the gap: the transition */
		{"America/New_York", "2026-03-08T02:30:00Z", "2026-03-08T07:00:00Z"},
		/* a fraction in the gap is dropped: the transition is exact */
		{"America/New_York", "2026-03-08T02:30:00.500000Z", "2026-03-08T07:00:00Z"},
		/* a fraction elsewhere is kept */
		{"America/New_York", "2026-03-08T01:59:59.250000Z", "2026-03-08T06:59:59.250000Z"},
		/* repeated: the first, in EDT */
		{"America/New_York", "2026-11-01T01:30:00Z", "2026-11-01T05:30:00Z"},
		/* just before the repeated hour: once, EDT */
		{"America/New_York", "2026-11-01T00:59:59Z", "2026-11-01T04:59:59Z"},
		/* 02:00 is only ever read in EST: the EDT clock went from 01:59:59 back to 01:00 */
		{"America/New_York", "2026-11-01T02:00:00Z", "2026-11-01T07:00:00Z"},
		/* last second of the half-hour gap */
		{"Australia/Lord_Howe", "2026-10-04T02:29:59Z", "2026-10-03T15:30:00Z"},
		/* last second of the repeated hour, first pass at +13:45 */
		{"Pacific/Chatham", "2026-04-05T03:44:59Z", "2026-04-04T13:59:59Z"},
		/* the skipped day */
		{"Pacific/Apia", "2011-12-30T12:00:00Z", "2011-12-30T10:00:00Z"},
		/* Nepal moved from +05:30 to +05:45 at midnight: 00:00-00:15 never happened */
		{"Asia/Kathmandu", "1986-01-01T00:10:00Z", "1985-12-31T18:30:00Z"},
		/* Chile's skipped midnight */
		{"America/Santiago", "2026-09-06T00:00:00Z", "2026-09-06T04:00:00Z"},
		{"UTC", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(GTimeZone) tz = test_window_zone(rows[i].zone);
		PaeTime instant = pae_window_wall_to_instant(tz, test_window_time(rows[i].wall));
		g_autofree gchar *text = pae_time_to_iso8601(instant);

		if (g_strcmp0(text, rows[i].instant) != 0)
			fail_msg("%s wall %s: got %s, expected %s",
				 rows[i].zone,
				 rows[i].wall,
				 text,
				 rows[i].instant);
	}

	/* and back: 07:15Z in the Chatham winter reads 20:00 at +12:45 */
	{
		g_autoptr(GTimeZone) tz = test_window_zone("Pacific/Chatham");
		PaeTime wall =
			pae_window_instant_to_wall(tz, test_window_time("2026-07-01T07:15:00Z"));
		g_autofree gchar *text = pae_time_to_iso8601(wall);
		assert_string_equal(text, "2026-07-01T20:00:00Z");
	}
}

/* the reading of @instant on @tz's wall clock, through GDateTime: an oracle that shares
 * no code with the window arithmetic */
static gint64
test_window_reading(GTimeZone *tz, gint64 instant)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(instant);
	g_autoptr(GDateTime) local = g_date_time_to_timezone(utc, tz);
	g_autoptr(GDateTime) naive = g_date_time_new_utc(g_date_time_get_year(local),
							 g_date_time_get_month(local),
							 g_date_time_get_day_of_month(local),
							 g_date_time_get_hour(local),
							 g_date_time_get_minute(local),
							 g_date_time_get_second(local));
	return g_date_time_to_unix(naive);
}

/*
 * A year of daily one-hour windows at awkward times in every zone, checked
 * against GDateTime's own instant-to-local conversion: each start reads the
 * nominal time (or, after a gap, is the first instant reading later), no
 * earlier instant an offset step away reads it too, and no date is skipped.
 */
static void
test_window_sweep_func(void **state)
{
	const struct {
		const gchar *zone;
		const gchar *from;
	} zones[] = {
		{"America/New_York", "2026-01-01T00:00:00Z"},
		{"Europe/London", "2026-01-01T00:00:00Z"},
		{"Australia/Lord_Howe", "2026-01-01T00:00:00Z"},
		{"Asia/Kathmandu", "1985-06-01T00:00:00Z"},
		{"Pacific/Chatham", "2026-01-01T00:00:00Z"},
		{"Australia/Sydney", "2026-01-01T00:00:00Z"},
		{"America/Santiago", "2026-01-01T00:00:00Z"},
		{"Pacific/Apia", "2011-06-01T00:00:00Z"},
		{"UTC", "2026-01-01T00:00:00Z"},
	};
	const gchar *starts[] = {"00:00",
				 "00:10",
				 "00:30",
				 "01:00",
				 "01:15",
				 "01:30",
				 "01:45",
				 "02:00",
				 "02:15",
				 "02:30",
				 "02:45",
				 "03:00",
				 "03:15",
				 "03:30",
				 "03:45",
				 "23:00",
				 "23:30"};

	for (guint z = 0; z < G_N_ELEMENTS(zones); z++) {
		g_autoptr(GTimeZone) tz = test_window_zone(zones[z].zone);

		for (guint s = 0; s < G_N_ELEMENTS(starts); s++) {
			PaeWindowSpec spec = test_window_spec("Mon-Sun", starts[s], "1h");
			PaeTime after = test_window_time(zones[z].from);
			gint64 last_day = G_MININT64;
			gint64 last_reading = 0;

			for (guint n = 0; n < 400; n++) {
				PaeWindow w = {0};
				g_autoptr(GDateTime) date = NULL;
				gint64 start;
				gint64 nominal;
				gint64 reading;
				gint64 day;

				assert_true(pae_window_next_start(&spec, tz, after, &w));
				assert_int_equal(w.end - w.start, G_TIME_SPAN_HOUR);
				start = w.start / G_USEC_PER_SEC;
				date = g_date_time_new_utc(w.year, w.month, w.day, 0, 0, 0);
				day = g_date_time_to_unix(date) / 86400;
				nominal = day * 86400 + (gint64)spec.start * 60;
				reading = test_window_reading(tz, start);
				if (reading < nominal ||
				    (reading > nominal &&
				     test_window_reading(tz, start - 1) >= nominal))
					fail_msg("%s %s on %04u-%02u-%02u: starts at "
						 "%" G_GINT64_FORMAT ", reading %" G_GINT64_FORMAT
						 " for nominal %" G_GINT64_FORMAT,
						 zones[z].zone,
						 starts[s],
						 w.year,
						 w.month,
						 w.day,
						 start,
						 reading,
						 nominal);
				for (gint64 step = 1800; step <= 3600; step += 900) {
					if (test_window_reading(tz, start - step) == nominal)
						fail_msg("%s %s on %04u-%02u-%02u: a first "
							 "occurrence %" G_GINT64_FORMAT
							 "s earlier was missed",
							 zones[z].zone,
							 starts[s],
							 w.year,
							 w.month,
							 w.day,
							 step);
				}
				/* a date may only be passed over when its start coincides with the
				 * one before, which a gap pushed onto it (Samoa, 00:00 on the 30th
				 * and on the 31st are both 10:00Z) */
				if (last_day != G_MININT64 && day != last_day + 1 &&
				    !(day == last_day + 2 &&
				      last_reading ==
					      (last_day + 1) * 86400 + (gint64)spec.start * 60))
					fail_msg("%s %s: %04u-%02u-%02u does not follow the day "
						 "before",
						 zones[z].zone,
						 starts[s],
						 w.year,
						 w.month,
						 w.day);
				last_day = day;
				last_reading = reading;
				after = w.start + 1;
			}
		}
	}
}

static void
test_window_parse_days_func(void **state)
{
	const struct {
		const gchar *text;
		gboolean ok;
		guint8 mask;
	} rows[] = {
		{"Sat,Sun", TRUE, PAE_WINDOW_DAY_SATURDAY | PAE_WINDOW_DAY_SUNDAY},
		{" saturday , SUNDAY ", TRUE, PAE_WINDOW_DAY_SATURDAY | PAE_WINDOW_DAY_SUNDAY},
		{"mon-fri", TRUE, 0x1f},
		/* a range may wrap past Sunday */
		{"Fri-Mon",
		 TRUE,
		 PAE_WINDOW_DAY_FRIDAY | PAE_WINDOW_DAY_SATURDAY | PAE_WINDOW_DAY_SUNDAY |
			 PAE_WINDOW_DAY_MONDAY},
		{"Mon-Sun", TRUE, PAE_WINDOW_DAYS_ALL},
		{"Tue,Thu-Fri",
		 TRUE,
		 PAE_WINDOW_DAY_TUESDAY | PAE_WINDOW_DAY_THURSDAY | PAE_WINDOW_DAY_FRIDAY},
		{"", FALSE, 0},
		{"  ", FALSE, 0},
		{"Sat,", FALSE, 0},
		{"Sat,,Sun", FALSE, 0},
		{"Sunn", FALSE, 0},
		{"Sa", FALSE, 0},
		{"Sat,Sat", FALSE, 0},
		{"Mon-Fri,Wed", FALSE, 0},
		{"Mon-Mon", FALSE, 0},
		{"Mon-Tue-Wed", FALSE, 0},
		{"Mon-", FALSE, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(GError) error = NULL;
		guint8 mask = 0xff;
		gboolean ok = pae_window_spec_parse_days(rows[i].text, &mask, &error);

		if (ok != rows[i].ok)
			fail_msg("days '%s': expected %s",
				 rows[i].text,
				 rows[i].ok ? "ok" : "error");
		if (ok) {
			assert_int_equal(mask, rows[i].mask);
		} else {
			assert_int_equal(mask, 0xff);
			assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_INVALID_CONFIG));
		}
	}
	{
		g_autoptr(GError) error = NULL;
		guint8 mask = 0;
		assert_false(pae_window_spec_parse_days("Sat,Sunn", &mask, &error));
		assert_string_equal(
			error->message,
			"unknown day 'Sunn' in 'Sat,Sunn': expected Mon, Tue, Wed, Thu, "
			"Fri, Sat or Sun, or a range such as Mon-Fri");
	}
	{
		g_autoptr(GError) error = NULL;
		guint8 mask = 0;
		assert_false(pae_window_spec_parse_days("Mon-Fri,Wed", &mask, &error));
		assert_string_equal(error->message, "Wed is named twice in 'Mon-Fri,Wed'");
	}
}

static void
test_window_parse_start_func(void **state)
{
	const struct {
		const gchar *text;
		gboolean ok;
		guint minutes;
	} rows[] = {
		{"02:00", TRUE, 120},
		{"2:00", TRUE, 120},
		{" 23:59 ", TRUE, 1439},
		{"00:00", TRUE, 0},
		{"12:05", TRUE, 725},
		{"24:00", FALSE, 0},
		{"12:60", FALSE, 0},
		{"2", FALSE, 0},
		{"02:0", FALSE, 0},
		{"02:000", FALSE, 0},
		{"002:00", FALSE, 0},
		{"ab:cd", FALSE, 0},
		{"", FALSE, 0},
		{"-1:00", FALSE, 0},
		{"02:00pm", FALSE, 0},
		{"02.00", FALSE, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(GError) error = NULL;
		guint minutes = 9999;
		gboolean ok = pae_window_spec_parse_start(rows[i].text, &minutes, &error);

		if (ok != rows[i].ok)
			fail_msg("start '%s': expected %s",
				 rows[i].text,
				 rows[i].ok ? "ok" : "error");
		if (ok) {
			assert_int_equal(minutes, rows[i].minutes);
		} else {
			assert_int_equal(minutes, 9999);
			assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_INVALID_CONFIG));
		}
	}
	{
		g_autoptr(GError) error = NULL;
		guint minutes = 0;
		assert_false(pae_window_spec_parse_start("24:00", &minutes, &error));
		assert_string_equal(error->message,
				    "start '24:00' is out of range: expected 00:00 to 23:59");
	}
}

static void
test_window_parse_length_func(void **state)
{
	const struct {
		const gchar *text;
		gboolean ok;
		GTimeSpan length;
	} rows[] = {
		{"4h", TRUE, 4 * G_TIME_SPAN_HOUR},
		{"1h30m", TRUE, 90 * G_TIME_SPAN_MINUTE},
		{"30h", TRUE, 30 * G_TIME_SPAN_HOUR},
		{"6d23h59m", TRUE, 7 * G_TIME_SPAN_DAY - G_TIME_SPAN_MINUTE},
		{"0s", FALSE, 0},
		{"7d", FALSE, 0},
		{"1w", FALSE, 0},
		{"", FALSE, 0},
		{"4x", FALSE, 0},
		{"-4h", FALSE, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(GError) error = NULL;
		GTimeSpan length = -1;
		gboolean ok = pae_window_spec_parse_length(rows[i].text, &length, &error);

		if (ok != rows[i].ok)
			fail_msg("length '%s': expected %s",
				 rows[i].text,
				 rows[i].ok ? "ok" : "error");
		if (ok) {
			assert_int_equal(length, rows[i].length);
		} else {
			assert_int_equal(length, -1);
			assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_INVALID_CONFIG));
		}
	}
}

static void
test_window_spec_func(void **state)
{
	g_autoptr(GError) error = NULL;
	PaeWindowSpec spec = {0};
	PaeWindowSpec back = {0};
	g_autofree gchar *text = NULL;
	g_autofree gchar *days = NULL;

	assert_true(pae_window_spec_parse("Sat,Sun", "02:00", "4h", &spec, &error));
	assert_int_equal(spec.days, PAE_WINDOW_DAY_SATURDAY | PAE_WINDOW_DAY_SUNDAY);
	assert_int_equal(spec.start, 120);
	assert_int_equal(spec.length, 4 * G_TIME_SPAN_HOUR);
	assert_true(pae_window_spec_validate(&spec, NULL));
	text = pae_window_spec_to_string(&spec);
	assert_string_equal(text, "days=Sat,Sun start=02:00 length=4h");

	/* the days round-trip */
	days = pae_window_spec_days_to_string(0x1f);
	assert_string_equal(days, "Mon,Tue,Wed,Thu,Fri");
	assert_true(pae_window_spec_parse_days(days, &back.days, NULL));
	assert_int_equal(back.days, 0x1f);

	/* the message says which part is wrong */
	assert_false(pae_window_spec_parse("Sat", "25:00", "4h", &spec, &error));
	assert_true(g_str_has_prefix(error->message, "start: "));
	g_clear_error(&error);
	assert_false(pae_window_spec_parse("Sat", "01:00", "8d", &spec, &error));
	assert_true(g_str_has_prefix(error->message, "length: "));
	g_clear_error(&error);
	assert_false(pae_window_spec_parse("Caturday", "01:00", "4h", &spec, &error));
	assert_true(g_str_has_prefix(error->message, "days: "));
	g_clear_error(&error);

	/* specs built in code */
	spec = (PaeWindowSpec){.days = 0, .start = 0, .length = G_TIME_SPAN_HOUR};
	assert_false(pae_window_spec_validate(&spec, NULL));
	spec = (PaeWindowSpec){.days = 0x80, .start = 0, .length = G_TIME_SPAN_HOUR};
	assert_false(pae_window_spec_validate(&spec, NULL));
	spec = (PaeWindowSpec){.days = 1, .start = 1440, .length = G_TIME_SPAN_HOUR};
	assert_false(pae_window_spec_validate(&spec, NULL));
	spec = (PaeWindowSpec){.days = 1, .start = 0, .length = PAE_WINDOW_LENGTH_MAX};
	assert_false(pae_window_spec_validate(&spec, NULL));

	/* weekday names */
	assert_int_equal(pae_window_weekday_from_string("thursday"), G_DATE_THURSDAY);
	assert_int_equal(pae_window_weekday_from_string("THU"), G_DATE_THURSDAY);
	assert_int_equal(pae_window_weekday_from_string("Thurs"), G_DATE_BAD_WEEKDAY);
	assert_string_equal(pae_window_weekday_to_string(G_DATE_SUNDAY), "Sun");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_next_func),
		cmocka_unit_test(test_window_next_start_func),
		cmocka_unit_test(test_window_contains_func),
		cmocka_unit_test(test_window_wall_clock_func),
		cmocka_unit_test(test_window_absolute_func),
		cmocka_unit_test(test_window_wall_to_instant_func),
		cmocka_unit_test(test_window_sweep_func),
		cmocka_unit_test(test_window_parse_days_func),
		cmocka_unit_test(test_window_parse_start_func),
		cmocka_unit_test(test_window_parse_length_func),
		cmocka_unit_test(test_window_spec_func),
	};
	return cmocka_run_group_tests_name("window", tests, NULL, NULL);
}

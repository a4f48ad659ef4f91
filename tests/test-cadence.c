/*
 * Patch cycles. Expected instants are worked out by hand from the calendar
 * and the zones' offsets in tzdata (`zdump -v -c 2026,2027 ZONE`): see the
 * table at the top of test-window.c. The calendar facts used:
 *
 *   2026-02-01, 2026-03-01 and 2026-11-01 are Sundays; 2026-08-01 is a Saturday;
 *   2026-04-01 a Wednesday; 2026-05-01 a Friday; 2026-10-01 a Thursday;
 *   2026-06-01 a Monday; 2011-12-30 a Friday; 2024 is a leap year.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <string.h>

#include "pae-cadence.h"
#include "pae-error.h"
#include "pae-test-util.h"

static GTimeZone *
test_cadence_zone(const gchar *identifier)
{
	GTimeZone *tz = g_time_zone_new_identifier(identifier);
	if (tz == NULL)
		fail_msg("time zone %s is not installed (tzdata)", identifier);
	return tz;
}

static PaeTime
test_cadence_time(const gchar *iso8601)
{
	PaeTime t = 0;
	if (!pae_time_from_iso8601(iso8601, &t))
		fail_msg("bad instant in the table: %s", iso8601);
	return t;
}

static PaeCadence
test_cadence_parse(const gchar *text)
{
	g_autoptr(GError) error = NULL;
	PaeCadence cadence = {0};
	if (!pae_cadence_parse(text, &cadence, &error))
		fail_msg("bad cadence in the table: %s", error->message);
	return cadence;
}

static void
test_cadence_parse_func(void **state)
{
	const struct {
		const gchar *text;
		const gchar *canonical; /* NULL: an error whose message holds @problem */
		const gchar *problem;
	} rows[] = {
		{"monthly second Saturday", "monthly second Saturday", NULL},
		{"  Monthly   SECOND  sat ", "monthly second Saturday", NULL},
		{"monthly 2nd Sat", "monthly second Saturday", NULL},
		{"monthly last Friday", "monthly last Friday", NULL},
		{"monthly fifth Monday", "monthly fifth Monday", NULL},
		{"monthly 15", "monthly 15", NULL},
		{"monthly 31", "monthly 31", NULL},
		{"weekly Tuesday", "weekly Tuesday", NULL},
		{"weekly tue", "weekly Tuesday", NULL},
		{"quarterly second Saturday", "quarterly second Saturday", NULL},
		{"quarterly 15 from February", "quarterly 15 from February", NULL},
		/* May is in the same cycle as February: one spelling */
		{"quarterly 15 from May", "quarterly 15 from February", NULL},
		{"quarterly first Monday from Apr", "quarterly first Monday", NULL},
		{"quarterly last Sunday from dec", "quarterly last Sunday from March", NULL},
		{"daily", "daily", NULL},
		{"IMMEDIATE", "immediate", NULL},
		{"", NULL, "no cadence given"},
		{"   ", NULL, "no cadence given"},
		{"fortnightly", NULL, "unknown cadence 'fortnightly'"},
		{"monthly", NULL, "needs a day"},
		{"monthly 0", NULL, "day of month '0' in cadence 'monthly 0' is out of range"},
		{"monthly 32", NULL, "is out of range: expected 1 to 31"},
		{"monthly 15th", NULL, "unknown ordinal '15th'"},
		{"monthly sixth Monday", NULL, "unknown ordinal 'sixth'"},
		{"monthly second", NULL, "needs a day, such as Saturday"},
		{"monthly second Caturday", NULL, "unknown day 'Caturday'"},
		{"monthly second Saturday please", NULL, "unexpected 'please'"},
		{"monthly 15 from March", NULL, "only applies to quarterly"},
		{"quarterly 15 from", NULL, "needs a month after 'from'"},
		{"quarterly 15 from Smarch", NULL, "needs a month after 'from'"},
		{"quarterly 15 from March now", NULL, "unexpected 'now'"},
		{"weekly", NULL, "needs a day"},
		{"weekly Funday", NULL, "unknown day 'Funday'"},
		{"weekly Tuesday Thursday", NULL, "unexpected 'Thursday'"},
		{"daily now", NULL, "unexpected 'now'"},
		{"immediate please", NULL, "unexpected 'please'"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(GError) error = NULL;
		PaeCadence cadence = {.kind = PAE_CADENCE_KIND_DAILY, .day_of_month = 99};
		gboolean ok = pae_cadence_parse(rows[i].text, &cadence, &error);

		if (ok != (rows[i].canonical != NULL))
			fail_msg("'%s': expected %s, got %s",
				 rows[i].text,
				 rows[i].canonical != NULL ? "ok" : "an error",
				 ok ? "ok" : error->message);
		if (ok) {
			g_autofree gchar *text = pae_cadence_to_string(&cadence);
			PaeCadence again = {0};

			assert_string_equal(text, rows[i].canonical);
			/* the canonical spelling reads back the same */
			assert_true(pae_cadence_parse(text, &again, NULL));
			assert_int_equal(again.kind, cadence.kind);
			assert_int_equal(again.every_months, cadence.every_months);
			assert_int_equal(again.anchor_month, cadence.anchor_month);
			assert_int_equal(again.weekday, cadence.weekday);
			assert_int_equal(again.ordinal, cadence.ordinal);
			assert_int_equal(again.day_of_month, cadence.day_of_month);
			continue;
		}
		/* untouched on error */
		assert_int_equal(cadence.day_of_month, 99);
		assert_true(g_error_matches(error, PAE_ERROR, PAE_ERROR_INVALID_CONFIG));
		if (strstr(error->message, rows[i].problem) == NULL)
			fail_msg("'%s': message '%s' does not say '%s'",
				 rows[i].text,
				 error->message,
				 rows[i].problem);
	}
}

static void
test_cadence_day_in_month_func(void **state)
{
	const struct {
		const gchar *cadence;
		GDateYear year;
		GDateMonth month;
		GDateDay day;
	} rows[] = {
		{"monthly 31", 2024, G_DATE_FEBRUARY, 29},	     /* leap year: its last day */
		{"monthly 31", 2026, G_DATE_FEBRUARY, 28},	     /* its last day */
		{"monthly 31", 2026, G_DATE_APRIL, 30},		     /* its last day */
		{"monthly 29", 2024, G_DATE_FEBRUARY, 29},	     /* the leap day */
		{"monthly second Saturday", 2026, G_DATE_AUGUST, 8}, /* starts on a Saturday */
		{"monthly second Saturday", 2026, G_DATE_MARCH, 14}, /* starts on a Sunday */
		{"monthly second Saturday", 2026, G_DATE_NOVEMBER, 14}, /* starts on a Sunday */
		{"monthly first Sunday", 2026, G_DATE_MARCH, 1},	/* the 1st itself */
		{"monthly fifth Monday", 2026, G_DATE_FEBRUARY, 23},	/* four Mondays: the last */
		{"monthly fifth Monday", 2026, G_DATE_MARCH, 30},	/* five Mondays */
		{"monthly last Friday", 2026, G_DATE_FEBRUARY, 27},
		{"monthly last Saturday", 2026, G_DATE_OCTOBER, 31}, /* the last day itself */
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		PaeCadence cadence = test_cadence_parse(rows[i].cadence);
		GDateDay day = 0;

		assert_true(
			pae_cadence_get_day_in_month(&cadence, rows[i].year, rows[i].month, &day));
		if (day != rows[i].day)
			fail_msg("%s in %u-%02u: got %u, expected %u",
				 rows[i].cadence,
				 rows[i].year,
				 rows[i].month,
				 day,
				 rows[i].day);
	}
	{
		PaeCadence weekly = test_cadence_parse("weekly Monday");
		GDateDay day = 0;
		assert_false(pae_cadence_get_day_in_month(&weekly, 2026, G_DATE_MARCH, &day));
	}
}

static void
test_cadence_next_cycle_func(void **state)
{
	const struct {
		const gchar *zone;
		const gchar *cadence;
		const gchar *not_before;
		const gchar *expect;
	} rows[] = {
		/* March starts on a Sunday: Saturdays 7 and 14 */
		{"UTC", "monthly second Saturday", "2026-03-01T00:00:00Z", "2026-03-14T00:00:00Z"},
		/* August starts on a Saturday: 1 and 8 */
		{"UTC", "monthly second Saturday", "2026-08-01T00:00:00Z", "2026-08-08T00:00:00Z"},
		/* February starts on a Sunday: 7 and 14 */
		{"UTC", "monthly second Saturday", "2026-02-01T00:00:00Z", "2026-02-14T00:00:00Z"},
		/* 16:00 EDT on the cycle day: that day counts; its midnight is before not_before */
		{"America/New_York",
		 "monthly second Saturday",
		 "2026-03-14T20:00:00Z",
		 "2026-03-14T04:00:00Z"},
		/* 23:59:59 EDT is still the 14th locally, though UTC is on the 15th */
		{"America/New_York",
		 "monthly second Saturday",
		 "2026-03-15T03:59:59Z",
		 "2026-03-14T04:00:00Z"},
		/* a second later it is the 15th: April, which starts on a Wednesday: 4 and 11 */
		{"America/New_York",
		 "monthly second Saturday",
		 "2026-03-15T04:00:00Z",
		 "2026-04-11T04:00:00Z"},
		/* January's last Friday was the 30th: February's is the 27th */
		{"UTC", "monthly last Friday", "2026-01-31T00:00:00Z", "2026-02-27T00:00:00Z"},
		/* no 31st in February or April: their last days */
		{"UTC", "monthly 31", "2026-02-01T00:00:00Z", "2026-02-28T00:00:00Z"},
		{"UTC", "monthly 31", "2026-04-01T00:00:00Z", "2026-04-30T00:00:00Z"},
		{"UTC", "monthly 31", "2026-03-01T00:00:00Z", "2026-03-31T00:00:00Z"},
		/* 2024 is a leap year */
		{"UTC", "monthly 29", "2024-02-01T00:00:00Z", "2024-02-29T00:00:00Z"},
		{"UTC", "monthly 29", "2024-02-29T12:00:00Z", "2024-02-29T00:00:00Z"},
		{"UTC", "monthly 29", "2024-03-01T00:00:00Z", "2024-03-29T00:00:00Z"},
		{"UTC", "monthly 29", "2026-02-01T00:00:00Z", "2026-02-28T00:00:00Z"},
		/* February 2026 has four Mondays (2, 9, 16, 23): the last */
		{"UTC", "monthly fifth Monday", "2026-02-01T00:00:00Z", "2026-02-23T00:00:00Z"},
		/* March has five: 2, 9, 16, 23, 30 */
		{"UTC", "monthly fifth Monday", "2026-02-24T00:00:00Z", "2026-03-30T00:00:00Z"},
		/* January, April, July, October: April starts on a Wednesday, 4 and 11 */
		{"UTC",
		 "quarterly second Saturday",
		 "2026-02-01T00:00:00Z",
		 "2026-04-11T00:00:00Z"},
		/* February, May, August, November: the 14th of February has passed; May starts on
		 * a Friday, 2 and 9 */
		{"UTC",
		 "quarterly second Saturday from February",
		 "2026-02-15T00:00:00Z",
		 "2026-05-09T00:00:00Z"},
		/* March, June, September, December: past December's, into the next year */
		{"UTC", "quarterly 15 from March", "2026-12-16T00:00:00Z", "2027-03-15T00:00:00Z"},
		/* Monday 05:45 +05:45: Tuesday 2 June starts at 18:15Z on the 1st */
		{"Asia/Kathmandu",
		 "weekly Tuesday",
		 "2026-06-01T00:00:00Z",
		 "2026-06-01T18:15:00Z"},
		/* already Monday locally: its own midnight */
		{"Asia/Kathmandu", "weekly Monday", "2026-06-01T00:00:00Z", "2026-05-31T18:15:00Z"},
		/* 23:50 +05:30 on 31 December 1985: that day */
		{"Asia/Kathmandu", "daily", "1985-12-31T18:20:00Z", "1985-12-30T18:30:00Z"},
		/* Nepal skipped 00:00-00:15 on 1 January 1986: the day starts at 00:15 +05:45 */
		{"Asia/Kathmandu", "daily", "1985-12-31T18:30:00Z", "1985-12-31T18:30:00Z"},
		/* Sunday 02:00 -03: that midnight was skipped, the day starts at 01:00 -03 */
		{"America/Santiago", "daily", "2026-09-06T05:00:00Z", "2026-09-06T04:00:00Z"},
		/* Saturday 08:00 -04: midnight -04 */
		{"America/Santiago", "daily", "2026-09-05T12:00:00Z", "2026-09-05T04:00:00Z"},
		/* Friday 30 December 2011 never happened in Samoa: the first instant after its
		 * midnight is Saturday's 00:00 +14 */
		{"Pacific/Apia", "weekly Friday", "2011-12-28T00:00:00Z", "2011-12-30T10:00:00Z"},
		/* 00:30 +14 on Saturday 31: its midnight */
		{"Pacific/Apia", "daily", "2011-12-30T10:30:00Z", "2011-12-30T10:00:00Z"},
		/* October starts on a Thursday: Saturdays 3 and 10, at +11 since the 4th */
		{"Australia/Lord_Howe",
		 "monthly second Saturday",
		 "2026-10-01T00:00:00Z",
		 "2026-10-09T13:00:00Z"},
		/* winter, +12:45 */
		{"Pacific/Chatham", "monthly 15", "2026-07-01T00:00:00Z", "2026-07-14T11:15:00Z"},
		/* 5 April is the fall-back day, but at 03:00: midnight is still AEDT, +11 */
		{"Australia/Sydney",
		 "monthly first Sunday",
		 "2026-04-01T00:00:00Z",
		 "2026-04-04T13:00:00Z"},
		/* spring-forward day, the gap is at 01:00: midnight GMT */
		{"Europe/London",
		 "monthly last Sunday",
		 "2026-03-01T00:00:00Z",
		 "2026-03-29T00:00:00Z"},
		/* fall-back day, the repeat is at 01:00: midnight BST */
		{"Europe/London",
		 "monthly last Sunday",
		 "2026-10-01T00:00:00Z",
		 "2026-10-24T23:00:00Z"},
		/* no cycle: at once */
		{"UTC", "immediate", "2026-03-10T09:13:00Z", "2026-03-10T09:13:00Z"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(GTimeZone) tz = test_cadence_zone(rows[i].zone);
		PaeCadence cadence = test_cadence_parse(rows[i].cadence);
		PaeTime next =
			pae_cadence_next_cycle(&cadence, tz, test_cadence_time(rows[i].not_before));
		g_autofree gchar *text = pae_time_to_iso8601(next);

		if (g_strcmp0(text, rows[i].expect) != 0)
			fail_msg("%s '%s' not before %s: got %s, expected %s",
				 rows[i].zone,
				 rows[i].cadence,
				 rows[i].not_before,
				 text,
				 rows[i].expect);
	}
}

static void
test_cadence_due_func(void **state)
{
	const struct {
		const gchar *zone;
		const gchar *cadence;
		const gchar *released;
		GTimeSpan approve_after;
		const gchar *expect;
	} rows[] = {
		/* released on a Tuesday: that month's second Saturday */
		{"UTC",
		 "monthly second Saturday",
		 "2026-03-10T09:00:00Z",
		 0,
		 "2026-03-14T00:00:00Z"},
		/* a week's delay reaches the 17th: April's */
		{"UTC",
		 "monthly second Saturday",
		 "2026-03-10T09:00:00Z",
		 7 * G_TIME_SPAN_DAY,
		 "2026-04-11T00:00:00Z"},
		/* the delay ends at 08:00 EDT on the cycle day itself: that day */
		{"America/New_York",
		 "monthly second Saturday",
		 "2026-03-07T12:00:00Z",
		 7 * G_TIME_SPAN_DAY,
		 "2026-03-14T04:00:00Z"},
		/* no cycle: as soon as the delay is over */
		{"UTC",
		 "immediate",
		 "2026-03-10T09:00:00Z",
		 2 * G_TIME_SPAN_DAY,
		 "2026-03-12T09:00:00Z"},
		/* weekly: released on Sunday 1 March, the Tuesday after */
		{"UTC", "weekly Tuesday", "2026-03-01T10:00:00Z", 0, "2026-03-03T00:00:00Z"},
	};

	for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autoptr(GTimeZone) tz = test_cadence_zone(rows[i].zone);
		PaeCadence cadence = test_cadence_parse(rows[i].cadence);
		PaeTime due = pae_cadence_due(
			&cadence, tz, test_cadence_time(rows[i].released), rows[i].approve_after);
		g_autofree gchar *text = pae_time_to_iso8601(due);

		if (g_strcmp0(text, rows[i].expect) != 0)
			fail_msg("%s '%s' released %s: due %s, expected %s",
				 rows[i].zone,
				 rows[i].cadence,
				 rows[i].released,
				 text,
				 rows[i].expect);
	}
}

static void
test_cadence_deadline_func(void **state)
{
	PaeTime released = test_cadence_time("2026-03-10T09:00:00Z");
	g_autofree gchar *deadline =
		pae_time_to_iso8601(pae_cadence_get_deadline(released, 30 * G_TIME_SPAN_DAY));

	/* elapsed time: 30 days of 24 hours, whatever the clocks did meanwhile */
	assert_string_equal(deadline, "2026-04-09T09:00:00Z");
	assert_int_equal(pae_cadence_get_deadline(released, 0), released);
	/* no overflow at the far end */
	assert_int_equal(pae_cadence_get_deadline(G_MAXINT64 - 1, G_TIME_SPAN_DAY), G_MAXINT64);
}

static void
test_cadence_range_func(void **state)
{
	g_autoptr(GTimeZone) tz = test_cadence_zone("UTC");
	PaeCadence cadence = test_cadence_parse("monthly 15");

	/* outside what a calendar can hold: never, rather than a wrapped instant */
	assert_int_equal(pae_cadence_next_cycle(&cadence, tz, G_MAXINT64), G_MAXINT64);
	assert_int_equal(pae_cadence_due(&cadence, tz, G_MAXINT64 - 1, G_TIME_SPAN_DAY),
			 G_MAXINT64);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cadence_parse_func),
		cmocka_unit_test(test_cadence_day_in_month_func),
		cmocka_unit_test(test_cadence_next_cycle_func),
		cmocka_unit_test(test_cadence_due_func),
		cmocka_unit_test(test_cadence_deadline_func),
		cmocka_unit_test(test_cadence_range_func),
	};
	return cmocka_run_group_tests_name("cadence", tests, NULL, NULL);
}

/*
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-duration.h"
#include "pae-test-util.h"

static void
test_duration_parse_func(void **state)
{
	const struct {
		const gchar *text;
		gboolean ok;
		GTimeSpan span;
	} cases[] = {
		{"90", TRUE, 90 * G_TIME_SPAN_SECOND},
		{"90s", TRUE, 90 * G_TIME_SPAN_SECOND},
		{"15m", TRUE, 15 * G_TIME_SPAN_MINUTE},
		{"1h", TRUE, G_TIME_SPAN_HOUR},
		{"2d", TRUE, 2 * G_TIME_SPAN_DAY},
		{"1w", TRUE, 7 * G_TIME_SPAN_DAY},
		{"250ms", TRUE, 250 * G_TIME_SPAN_MILLISECOND},
		{"1s500ms", TRUE, 1500 * G_TIME_SPAN_MILLISECOND},
		{"5mss", FALSE, 0},
		{"1h30m", TRUE, G_TIME_SPAN_HOUR + 30 * G_TIME_SPAN_MINUTE},
		{" 10m ", TRUE, 10 * G_TIME_SPAN_MINUTE},
		{"0s", TRUE, 0},
		{"", FALSE, 0},
		{"m", FALSE, 0},
		{"15x", FALSE, 0},
		{"-5m", FALSE, 0},
		{"1.5h", FALSE, 0},
		{"1h30", FALSE, 0},
		{"15 m", FALSE, 0},
		{"99999999999999999999s", FALSE, 0},
		{"5000w", FALSE, 0},
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		GTimeSpan span = -1;
		gboolean ok = pae_duration_parse(cases[i].text, &span);
		if (ok != cases[i].ok)
			fail_msg("'%s': expected %s", cases[i].text, cases[i].ok ? "ok" : "error");
		if (ok)
			assert_int_equal(span, cases[i].span);
		else
			assert_int_equal(span, -1);
	}
}

static void
test_duration_round_trip_func(void **state)
{
	const GTimeSpan spans[] = {0,
				   G_TIME_SPAN_SECOND,
				   90 * G_TIME_SPAN_MINUTE,
				   G_TIME_SPAN_DAY + 2 * G_TIME_SPAN_HOUR + 3 * G_TIME_SPAN_SECOND,
				   50 * G_TIME_SPAN_MILLISECOND};
	for (guint i = 0; i < G_N_ELEMENTS(spans); i++) {
		g_autofree gchar *text = pae_duration_to_string(spans[i]);
		GTimeSpan back = -1;
		assert_true(pae_duration_parse(text, &back));
		assert_int_equal(back, spans[i]);
	}
	{
		g_autofree gchar *text = pae_duration_to_string(90 * G_TIME_SPAN_MINUTE);
		assert_string_equal(text, "1h30m");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_parse_func),
		cmocka_unit_test(test_duration_round_trip_func),
	};
	return cmocka_run_group_tests_name("duration", tests, NULL, NULL);
}

/*
 * pae-duration: spans of time written the way operators write them
 *
 * "90" and "90s" are seconds; "250ms", "15m", "1h", "2d", "1w" and sums like
 * "1h30m" work too. Spans are never negative and at most ten years.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-duration.h"

#define PAE_DURATION_MAX ((GTimeSpan)10 * 366 * G_TIME_SPAN_DAY)

static GTimeSpan
pae_duration_unit(gchar unit)
{
	switch (unit) {
	case 's':
		return G_TIME_SPAN_SECOND;
	case 'm':
		return G_TIME_SPAN_MINUTE;
	case 'h':
		return G_TIME_SPAN_HOUR;
	case 'd':
		return G_TIME_SPAN_DAY;
	case 'w':
		return 7 * G_TIME_SPAN_DAY;
	default:
		return 0;
	}
}

/**
 * pae_duration_parse:
 * @text: e.g. "15m"
 * @out: (out): the span
 *
 * Returns: %FALSE when @text is not a duration; @out is then untouched
 */
gboolean
pae_duration_parse(const gchar *text, GTimeSpan *out)
{
	GTimeSpan total = 0;
	const gchar *p = text;
	gboolean bare_number = TRUE;
	guint parts = 0;

	if (text == NULL)
		return FALSE;
	while (g_ascii_isspace(*p))
		p++;
	if (*p == '\0')
		return FALSE;
	while (*p != '\0' && !g_ascii_isspace(*p)) {
		guint64 number = 0;
		GTimeSpan unit;
		guint digits = 0;

		while (g_ascii_isdigit(*p)) {
			number = number * 10 + (guint64)(*p - '0');
			if (number > (guint64)PAE_DURATION_MAX / G_TIME_SPAN_SECOND)
				return FALSE;
			digits++;
			p++;
		}
		if (digits == 0)
			return FALSE;
		if (*p == '\0' || g_ascii_isspace(*p)) {
			/* a bare number is only allowed on its own: "90" */
			if (parts > 0)
				return FALSE;
			unit = G_TIME_SPAN_SECOND;
		} else if (p[0] == 'm' && p[1] == 's') {
			unit = G_TIME_SPAN_MILLISECOND;
			bare_number = FALSE;
			p += 2;
		} else {
			unit = pae_duration_unit(*p);
			if (unit == 0)
				return FALSE;
			bare_number = FALSE;
			p++;
		}
		if ((guint64)unit > 0 && number > (guint64)(PAE_DURATION_MAX / unit))
			return FALSE;
		total += (GTimeSpan)number * unit;
		if (total > PAE_DURATION_MAX)
			return FALSE;
		parts++;
		if (bare_number)
			break;
	}
	while (g_ascii_isspace(*p))
		p++;
	if (*p != '\0')
		return FALSE;
	*out = total;
	return TRUE;
}

/**
 * pae_duration_to_string:
 *
 * Returns: the shortest form pae_duration_parse() reads back, e.g. "1h30m"
 */
gchar *
pae_duration_to_string(GTimeSpan span)
{
	static const struct {
		GTimeSpan unit;
		gchar name;
	} units[] = {
		{G_TIME_SPAN_DAY, 'd'},
		{G_TIME_SPAN_HOUR, 'h'},
		{G_TIME_SPAN_MINUTE, 'm'},
		{G_TIME_SPAN_SECOND, 's'},
	};
	const gchar *ms_suffix = "ms";
	GString *str = g_string_new(NULL);
	GTimeSpan rest = span < 0 ? 0 : span;

	for (guint i = 0; i < G_N_ELEMENTS(units); i++) {
		if (rest >= units[i].unit) {
			g_string_append_printf(
				str, "%" G_GINT64_FORMAT "%c", rest / units[i].unit, units[i].name);
			rest %= units[i].unit;
		}
	}
	if (rest >= G_TIME_SPAN_MILLISECOND)
		g_string_append_printf(
			str, "%" G_GINT64_FORMAT "%s", rest / G_TIME_SPAN_MILLISECOND, ms_suffix);
	if (str->len == 0)
		g_string_append(str, "0s");
	return g_string_free(str, FALSE);
}

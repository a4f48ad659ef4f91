/*
 * pae-cadence: patch cycles, the days a severity class is patched on
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "pae-clock.h"

G_BEGIN_DECLS

/**
 * PaeCadenceKind:
 * @PAE_CADENCE_KIND_IMMEDIATE: no cycle: a patch is due as soon as it may be
 * @PAE_CADENCE_KIND_DAILY: every day
 * @PAE_CADENCE_KIND_WEEKLY: one weekday every week
 * @PAE_CADENCE_KIND_MONTHLY: one day in every month of the cycle (every month,
 *	or every third month for quarterly)
 */
typedef enum {
	PAE_CADENCE_KIND_IMMEDIATE,
	PAE_CADENCE_KIND_DAILY,
	PAE_CADENCE_KIND_WEEKLY,
	PAE_CADENCE_KIND_MONTHLY,
} PaeCadenceKind;

/* the ordinal of "last Friday" */
#define PAE_CADENCE_ORDINAL_LAST (-1)

/**
 * PaeCadence:
 * @kind: see #PaeCadenceKind
 * @every_months: MONTHLY: 1 for monthly, 3 for quarterly
 * @anchor_month: MONTHLY: one month of the cycle, 1..12; quarterly with
 *	anchor 1 (the default) runs in January, April, July and October
 * @weekday: WEEKLY, and MONTHLY by weekday: the weekday; %G_DATE_BAD_WEEKDAY
 *	for MONTHLY by day of month
 * @ordinal: MONTHLY by weekday: 1..5, or %PAE_CADENCE_ORDINAL_LAST
 * @day_of_month: MONTHLY by day of month: 1..31
 *
 * Parsed from the config by pae_cadence_parse(): `immediate`, `daily`,
 * `weekly Tuesday`, `monthly 15`, `monthly second Saturday`,
 * `monthly last Friday`, `quarterly second Saturday`,
 * `quarterly 15 from February`.
 */
typedef struct {
	PaeCadenceKind kind;
	guint8 every_months;
	guint8 anchor_month;
	GDateWeekday weekday;
	gint8 ordinal;
	guint8 day_of_month;
} PaeCadence;

gboolean
pae_cadence_parse(const gchar *text, PaeCadence *out, GError **error);
gchar *
pae_cadence_to_string(const PaeCadence *cadence);

gboolean
pae_cadence_get_day_in_month(const PaeCadence *cadence,
			     GDateYear year,
			     GDateMonth month,
			     GDateDay *day);
PaeTime
pae_cadence_next_cycle(const PaeCadence *cadence, GTimeZone *tz, PaeTime not_before);
PaeTime
pae_cadence_due(const PaeCadence *cadence,
		GTimeZone *tz,
		PaeTime released,
		GTimeSpan approve_after);
PaeTime
pae_cadence_get_deadline(PaeTime released, GTimeSpan deadline);

G_END_DECLS

/*
 * pae-window: change windows, their next occurrence in a time zone
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "pae-clock.h"

G_BEGIN_DECLS

/* the weekdays of a window as bits, Monday first: bit (GDateWeekday - 1) */
#define PAE_WINDOW_DAY_MONDAY	 (1u << 0)
#define PAE_WINDOW_DAY_TUESDAY	 (1u << 1)
#define PAE_WINDOW_DAY_WEDNESDAY (1u << 2)
#define PAE_WINDOW_DAY_THURSDAY	 (1u << 3)
#define PAE_WINDOW_DAY_FRIDAY	 (1u << 4)
#define PAE_WINDOW_DAY_SATURDAY	 (1u << 5)
#define PAE_WINDOW_DAY_SUNDAY	 (1u << 6)
#define PAE_WINDOW_DAYS_ALL	 0x7fu

/* a window lasts less than a week, so at most one occurrence per weekday is open */
#define PAE_WINDOW_LENGTH_MAX (7 * G_TIME_SPAN_DAY)

/**
 * PaeWindowSpec:
 * @days: the weekdays the window opens on, PAE_WINDOW_DAY_* bits
 * @start: the wall-clock time it opens, in minutes after local midnight (0..1439)
 * @length: how long it stays open, in elapsed time: more than 0, less than 7 days
 *
 * A change window as the policy writes it: `days=Sat,Sun start=02:00 length=4h`.
 */
typedef struct {
	guint8 days;
	guint start;
	GTimeSpan length;
} PaeWindowSpec;

/**
 * PaeWindow:
 * @start: the instant the occurrence opens
 * @end: the instant it closes (exclusive), always @start plus the spec's length
 * @wall_start: @start on the zone's wall clock, encoded as if that were UTC
 * @wall_end: @end on the zone's wall clock, encoded likewise
 * @year: the local date the occurrence belongs to, which is the date its
 *	nominal start falls on even when a DST gap moved the real start later
 * @month: 1..12
 * @day: 1..31
 *
 * One occurrence of a #PaeWindowSpec in one zone.
 */
typedef struct {
	PaeTime start;
	PaeTime end;
	PaeTime wall_start;
	PaeTime wall_end;
	guint16 year;
	guint8 month;
	guint8 day;
} PaeWindow;

/**
 * PaeWindowMode:
 * @PAE_WINDOW_MODE_LOCAL: each VM's window in the VM's own zone (the default)
 * @PAE_WINDOW_MODE_ABSOLUTE: one instant for the whole fleet, in the policy's zone
 */
typedef enum {
	PAE_WINDOW_MODE_LOCAL,
	PAE_WINDOW_MODE_ABSOLUTE,
} PaeWindowMode;

GDateWeekday
pae_window_weekday_from_string(const gchar *text);
const gchar *
pae_window_weekday_to_string(GDateWeekday weekday);

gboolean
pae_window_spec_parse_days(const gchar *text, guint8 *mask, GError **error);
gboolean
pae_window_spec_parse_start(const gchar *text, guint *minutes, GError **error);
gboolean
pae_window_spec_parse_length(const gchar *text, GTimeSpan *length, GError **error);
gboolean
pae_window_spec_parse(const gchar *days,
		      const gchar *start,
		      const gchar *length,
		      PaeWindowSpec *spec,
		      GError **error);
gboolean
pae_window_spec_validate(const PaeWindowSpec *spec, GError **error);
gchar *
pae_window_spec_days_to_string(guint8 mask);
gchar *
pae_window_spec_to_string(const PaeWindowSpec *spec);

PaeTime
pae_window_wall_to_instant(GTimeZone *tz, PaeTime wall);
PaeTime
pae_window_instant_to_wall(GTimeZone *tz, PaeTime instant);

gboolean
pae_window_next(const PaeWindowSpec *spec, GTimeZone *tz, PaeTime after, PaeWindow *out);
gboolean
pae_window_next_start(const PaeWindowSpec *spec, GTimeZone *tz, PaeTime after, PaeWindow *out);
gboolean
pae_window_contains(const PaeWindowSpec *spec, GTimeZone *tz, PaeTime when, PaeWindow *out);
gboolean
pae_window_get_daily_range(const PaeWindow *window,
			   GTimeZone *tz,
			   guint *start_secs,
			   guint *end_secs);
GTimeZone *
pae_window_mode_get_zone(PaeWindowMode mode, GTimeZone *vm_tz, GTimeZone *reference_tz);

G_END_DECLS

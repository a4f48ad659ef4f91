/*
 * pae-clock: the one place the agent reads the time from
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PAE_TYPE_CLOCK (pae_clock_get_type())
G_DECLARE_FINAL_TYPE(PaeClock, pae_clock, PAE, CLOCK, GObject)

/* every instant in the agent is microseconds since the epoch, in UTC */
typedef gint64 PaeTime;

PaeClock *
pae_clock_new_system(void);
PaeClock *
pae_clock_new_manual(PaeTime now);
PaeClock *
pae_clock_new_file(const gchar *path, GError **error);

PaeTime
pae_clock_get_now(PaeClock *self);
PaeTime
pae_clock_from_real(PaeClock *self, gint64 real_usec);
GDateTime *
pae_clock_get_now_datetime(PaeClock *self);
gdouble
pae_clock_get_rate(PaeClock *self);
guint
pae_clock_to_real_ms(PaeClock *self, GTimeSpan simulated);
void
pae_clock_set_now(PaeClock *self, PaeTime now);
void
pae_clock_advance(PaeClock *self, GTimeSpan span);

gboolean
pae_clock_file_write(const gchar *path,
		     PaeTime start,
		     gdouble anchor_real_seconds,
		     gdouble rate,
		     GError **error);

gchar *
pae_time_to_iso8601(PaeTime t);
gboolean
pae_time_from_iso8601(const gchar *text, PaeTime *out);
GDateTime *
pae_time_to_datetime(PaeTime t);
PaeTime
pae_time_from_datetime(GDateTime *dt);

G_END_DECLS

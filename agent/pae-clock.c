/*
 * pae-clock: the one place the agent reads the time from
 *
 * The agent never calls g_get_real_time() itself. A system clock is the real
 * time; a manual clock only moves when a test moves it; a file clock is a
 * simulated time shared with other processes (the BigFix emulator, a demo),
 * so that months of change windows can pass in seconds:
 *
 *   [clock]
 *   start=2026-03-01T00:00:00Z   simulated instant at the anchor
 *   anchor=1764326400.25         real unix time of the anchor, in seconds
 *   rate=3600                    simulated seconds per real second
 *
 * The file is read again whenever its modification time changes, so writing
 * a new start and anchor moves every process that shares it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaeClock"

#include "config.h"

#include "pae-clock.h"

#include <glib/gstdio.h>

#include "pae-error.h"

typedef enum {
	PAE_CLOCK_KIND_SYSTEM,
	PAE_CLOCK_KIND_MANUAL,
	PAE_CLOCK_KIND_FILE,
} PaeClockKind;

struct _PaeClock {
	GObject parent_instance;
	GMutex mutex;
	PaeClockKind kind;
	PaeTime manual_now;
	gchar *path;
	gint64 file_mtime;
	PaeTime file_start;
	gdouble file_anchor;
	gdouble file_rate;
};

G_DEFINE_TYPE(PaeClock, pae_clock, G_TYPE_OBJECT)

static void
pae_clock_finalize(GObject *object)
{
	PaeClock *self = PAE_CLOCK(object);
	g_mutex_clear(&self->mutex);
	g_free(self->path);
	G_OBJECT_CLASS(pae_clock_parent_class)->finalize(object);
}

static void
pae_clock_class_init(PaeClockClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = pae_clock_finalize;
}

static void
pae_clock_init(PaeClock *self)
{
	g_mutex_init(&self->mutex);
	self->file_rate = 1.0;
}

PaeClock *
pae_clock_new_system(void)
{
	return g_object_new(PAE_TYPE_CLOCK, NULL);
}

PaeClock *
pae_clock_new_manual(PaeTime now)
{
	PaeClock *self = g_object_new(PAE_TYPE_CLOCK, NULL);
	self->kind = PAE_CLOCK_KIND_MANUAL;
	self->manual_now = now;
	return self;
}

static gboolean
pae_clock_file_parse(PaeClock *self, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree gchar *start = NULL;
	gdouble anchor, rate;
	PaeTime start_time;
	GError *local_error = NULL;

	if (!g_key_file_load_from_file(kf, self->path, G_KEY_FILE_NONE, error)) {
		pae_error_convert(error);
		g_prefix_error(error, "clock file %s: ", self->path);
		return FALSE;
	}
	start = g_key_file_get_string(kf, "clock", "start", &local_error);
	if (start == NULL || !pae_time_from_iso8601(start, &start_time)) {
		g_clear_error(&local_error);
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "clock file %s: [clock] start must be an ISO 8601 time",
			    self->path);
		return FALSE;
	}
	anchor = g_key_file_get_double(kf, "clock", "anchor", &local_error);
	if (local_error != NULL) {
		g_propagate_prefixed_error(
			error, local_error, "clock file %s: anchor: ", self->path);
		pae_error_convert(error);
		return FALSE;
	}
	rate = g_key_file_get_double(kf, "clock", "rate", &local_error);
	if (local_error != NULL || rate < 0.0 || rate > 1e7) {
		g_clear_error(&local_error);
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "clock file %s: rate must be a number in [0, 1e7] (0 stops the clock)",
			    self->path);
		return FALSE;
	}
	self->file_start = start_time;
	self->file_anchor = anchor;
	self->file_rate = rate;
	return TRUE;
}

/* called with the mutex held */
static void
pae_clock_file_refresh(PaeClock *self)
{
	GStatBuf st;
	gint64 mtime;
	g_autoptr(GError) error = NULL;

	if (g_stat(self->path, &st) != 0)
		return;
	mtime = (gint64)st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
	if (mtime == self->file_mtime)
		return;
	self->file_mtime = mtime;
	if (!pae_clock_file_parse(self, &error))
		g_warning("%s, keeping the previous clock", error->message);
}

PaeClock *
pae_clock_new_file(const gchar *path, GError **error)
{
	g_autoptr(PaeClock) self = g_object_new(PAE_TYPE_CLOCK, NULL);
	GStatBuf st;

	self->kind = PAE_CLOCK_KIND_FILE;
	self->path = g_strdup(path);
	if (!pae_clock_file_parse(self, error))
		return NULL;
	if (g_stat(self->path, &st) == 0)
		self->file_mtime =
			(gint64)st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
	return g_steal_pointer(&self);
}

PaeTime
pae_clock_get_now(PaeClock *self)
{
	g_autoptr(GMutexLocker) locker = NULL;
	gdouble real;

	g_return_val_if_fail(PAE_IS_CLOCK(self), 0);
	locker = g_mutex_locker_new(&self->mutex);
	switch (self->kind) {
	case PAE_CLOCK_KIND_MANUAL:
		return self->manual_now;
	case PAE_CLOCK_KIND_FILE:
		pae_clock_file_refresh(self);
		real = (gdouble)g_get_real_time() / G_USEC_PER_SEC;
		return self->file_start +
		       (PaeTime)((real - self->file_anchor) * self->file_rate * G_USEC_PER_SEC);
	case PAE_CLOCK_KIND_SYSTEM:
	default:
		return g_get_real_time();
	}
}

/**
 * pae_clock_from_real:
 * @real_usec: a real instant, microseconds since the epoch (e.g. when a
 * libvirt hook ran)
 *
 * Returns: that instant on this clock: itself for the system clock, mapped
 * through start, anchor and rate for a file clock, and now for a manual
 * clock, whose time has nothing to do with the real one
 */
PaeTime
pae_clock_from_real(PaeClock *self, gint64 real_usec)
{
	g_autoptr(GMutexLocker) locker = NULL;
	gdouble real;

	g_return_val_if_fail(PAE_IS_CLOCK(self), real_usec);
	locker = g_mutex_locker_new(&self->mutex);
	switch (self->kind) {
	case PAE_CLOCK_KIND_MANUAL:
		return self->manual_now;
	case PAE_CLOCK_KIND_FILE:
		pae_clock_file_refresh(self);
		real = (gdouble)real_usec / G_USEC_PER_SEC;
		return self->file_start +
		       (PaeTime)((real - self->file_anchor) * self->file_rate * G_USEC_PER_SEC);
	case PAE_CLOCK_KIND_SYSTEM:
	default:
		return real_usec;
	}
}

GDateTime *
pae_clock_get_now_datetime(PaeClock *self)
{
	return pae_time_to_datetime(pae_clock_get_now(self));
}

/**
 * pae_clock_get_rate:
 *
 * Returns: how many simulated seconds pass in one real second; 1 for the
 * system clock, 0 for a manual clock (it never moves by itself)
 */
gdouble
pae_clock_get_rate(PaeClock *self)
{
	g_autoptr(GMutexLocker) locker = NULL;

	g_return_val_if_fail(PAE_IS_CLOCK(self), 1.0);
	locker = g_mutex_locker_new(&self->mutex);
	switch (self->kind) {
	case PAE_CLOCK_KIND_MANUAL:
		return 0.0;
	case PAE_CLOCK_KIND_FILE:
		pae_clock_file_refresh(self);
		return self->file_rate;
	case PAE_CLOCK_KIND_SYSTEM:
	default:
		return 1.0;
	}
}

/**
 * pae_clock_to_real_ms:
 * @simulated: a span of the clock's time
 *
 * Returns: how many real milliseconds that span takes, at least 1, so timers
 * follow a fast clock
 */
guint
pae_clock_to_real_ms(PaeClock *self, GTimeSpan simulated)
{
	gdouble rate = pae_clock_get_rate(self);
	gdouble ms;

	if (rate <= 0.0)
		rate = 1.0;
	ms = (gdouble)simulated / 1000.0 / rate;
	if (ms < 1.0)
		return 1;
	if (ms > (gdouble)G_MAXUINT)
		return G_MAXUINT;
	return (guint)ms;
}

void
pae_clock_set_now(PaeClock *self, PaeTime now)
{
	g_autoptr(GMutexLocker) locker = NULL;

	g_return_if_fail(PAE_IS_CLOCK(self));
	g_return_if_fail(self->kind == PAE_CLOCK_KIND_MANUAL);
	locker = g_mutex_locker_new(&self->mutex);
	self->manual_now = now;
}

void
pae_clock_advance(PaeClock *self, GTimeSpan span)
{
	g_autoptr(GMutexLocker) locker = NULL;

	g_return_if_fail(PAE_IS_CLOCK(self));
	g_return_if_fail(self->kind == PAE_CLOCK_KIND_MANUAL);
	locker = g_mutex_locker_new(&self->mutex);
	self->manual_now += span;
}

gboolean
pae_clock_file_write(
	const gchar *path, PaeTime start, gdouble anchor_real_seconds, gdouble rate, GError **error)
{
	g_autofree gchar *start_text = pae_time_to_iso8601(start);
	g_autofree gchar *text = NULL;
	gchar anchor_buf[G_ASCII_DTOSTR_BUF_SIZE];
	gchar rate_buf[G_ASCII_DTOSTR_BUF_SIZE];

	text = g_strdup_printf("[clock]\nstart=%s\nanchor=%s\nrate=%s\n",
			       start_text,
			       g_ascii_dtostr(anchor_buf, sizeof(anchor_buf), anchor_real_seconds),
			       g_ascii_dtostr(rate_buf, sizeof(rate_buf), rate));
	if (!g_file_set_contents_full(
		    path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error)) {
		pae_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

GDateTime *
pae_time_to_datetime(PaeTime t)
{
	/* floor division, so instants before 1970 keep a positive remainder */
	gint64 seconds = t / G_USEC_PER_SEC;
	gint64 usec = t % G_USEC_PER_SEC;
	g_autoptr(GDateTime) whole = NULL;

	if (usec < 0) {
		seconds -= 1;
		usec += G_USEC_PER_SEC;
	}
	whole = g_date_time_new_from_unix_utc(seconds);
	if (whole == NULL)
		return NULL;
	return g_date_time_add(whole, usec);
}

PaeTime
pae_time_from_datetime(GDateTime *dt)
{
	return g_date_time_to_unix(dt) * G_USEC_PER_SEC + g_date_time_get_microsecond(dt);
}

/**
 * pae_time_to_iso8601:
 *
 * Returns: the instant as `2026-03-01T02:00:00Z`, with microseconds only when
 * there are some
 */
gchar *
pae_time_to_iso8601(PaeTime t)
{
	g_autoptr(GDateTime) dt = pae_time_to_datetime(t);
	if (dt == NULL)
		return g_strdup("invalid");
	if (t % G_USEC_PER_SEC != 0)
		return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S.%fZ");
	return g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
pae_time_from_iso8601(const gchar *text, PaeTime *out)
{
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	g_autoptr(GDateTime) dt = NULL;

	if (text == NULL)
		return FALSE;
	dt = g_date_time_new_from_iso8601(text, utc);
	if (dt == NULL)
		return FALSE;
	*out = pae_time_from_datetime(dt);
	return TRUE;
}

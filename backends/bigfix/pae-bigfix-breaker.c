/*
 * pae-bigfix-breaker: a circuit breaker for one BigFix server
 *
 * After @threshold consecutive transient failures the circuit opens: for
 * @cooldown every call fails at once, without touching the network, so that a
 * server that is down or drowning is not hammered by every agent's retries.
 * Then one call is let through as a probe (half-open): its success closes the
 * circuit, its failure opens it for another cooldown. Any answer that is not
 * a transient failure (even a 404) proves the server is there and counts as a
 * success.
 *
 * A pure state machine: the caller passes the time in and does its own
 * locking.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-bigfix-private.h"
#include "pae-duration.h"
#include "pae-error.h"

struct _PaeBigfixBreaker {
	guint threshold; /* 0 = never open */
	GTimeSpan cooldown;
	PaeBigfixBreakerState state;
	guint failures; /* consecutive */
	PaeTime opened_at;
	gboolean probe_in_flight;
};

PaeBigfixBreaker *
pae_bigfix_breaker_new(guint threshold, GTimeSpan cooldown)
{
	PaeBigfixBreaker *self = g_new0(PaeBigfixBreaker, 1);
	self->threshold = threshold;
	self->cooldown = cooldown;
	self->state = PAE_BIGFIX_BREAKER_CLOSED;
	return self;
}

void
pae_bigfix_breaker_free(PaeBigfixBreaker *self)
{
	g_free(self);
}

const gchar *
pae_bigfix_breaker_state_to_string(PaeBigfixBreakerState state)
{
	switch (state) {
	case PAE_BIGFIX_BREAKER_CLOSED:
		return "closed";
	case PAE_BIGFIX_BREAKER_OPEN:
		return "open";
	case PAE_BIGFIX_BREAKER_HALF_OPEN:
		return "half-open";
	default:
		return "unknown";
	}
}

PaeBigfixBreakerState
pae_bigfix_breaker_get_state(PaeBigfixBreaker *self)
{
	return self->state;
}

static void
pae_bigfix_breaker_open(PaeBigfixBreaker *self, PaeTime now)
{
	g_autofree gchar *cooldown = pae_duration_to_string(self->cooldown);

	self->state = PAE_BIGFIX_BREAKER_OPEN;
	self->opened_at = now;
	self->probe_in_flight = FALSE;
	g_warning("circuit opened after %u consecutive transient failures: no request to the "
		  "server for %s",
		  self->failures,
		  cooldown);
}

/**
 * pae_bigfix_breaker_allow:
 * @now: the current time
 *
 * Returns: %TRUE if a request may be sent now; the caller must then record
 * its outcome. %FALSE with %PAE_ERROR_CIRCUIT_OPEN otherwise.
 */
gboolean
pae_bigfix_breaker_allow(PaeBigfixBreaker *self, PaeTime now, GError **error)
{
	g_autofree gchar *wait = NULL;
	GTimeSpan left;

	switch (self->state) {
	case PAE_BIGFIX_BREAKER_CLOSED:
		return TRUE;
	case PAE_BIGFIX_BREAKER_OPEN:
		left = self->opened_at + self->cooldown - now;
		if (left <= 0) {
			self->state = PAE_BIGFIX_BREAKER_HALF_OPEN;
			self->probe_in_flight = TRUE;
			g_message("circuit half-open: sending one probe request");
			return TRUE;
		}
		wait = pae_duration_to_string(left - left % G_TIME_SPAN_SECOND +
					      G_TIME_SPAN_SECOND);
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_CIRCUIT_OPEN,
			    "circuit open after %u consecutive transient failures, next try in %s",
			    self->failures,
			    wait);
		return FALSE;
	case PAE_BIGFIX_BREAKER_HALF_OPEN:
		if (!self->probe_in_flight) {
			self->probe_in_flight = TRUE;
			return TRUE;
		}
		g_set_error_literal(error,
				    PAE_ERROR,
				    PAE_ERROR_CIRCUIT_OPEN,
				    "circuit half-open, a probe request is in flight");
		return FALSE;
	default:
		g_set_error_literal(error, PAE_ERROR, PAE_ERROR_INTERNAL, "bad breaker state");
		return FALSE;
	}
}

/* the server answered: anything but a transient failure */
void
pae_bigfix_breaker_record_success(PaeBigfixBreaker *self)
{
	if (self->state != PAE_BIGFIX_BREAKER_CLOSED)
		g_message("circuit closed: the server answered");
	self->state = PAE_BIGFIX_BREAKER_CLOSED;
	self->failures = 0;
	self->probe_in_flight = FALSE;
}

void
pae_bigfix_breaker_record_failure(PaeBigfixBreaker *self, PaeTime now)
{
	if (self->failures < G_MAXUINT)
		self->failures++;
	if (self->state == PAE_BIGFIX_BREAKER_HALF_OPEN) {
		pae_bigfix_breaker_open(self, now);
		return;
	}
	if (self->state == PAE_BIGFIX_BREAKER_CLOSED && self->threshold > 0 &&
	    self->failures >= self->threshold)
		pae_bigfix_breaker_open(self, now);
}

/* the request ended without telling anything about the server (cancelled) */
void
pae_bigfix_breaker_record_abandoned(PaeBigfixBreaker *self)
{
	self->probe_in_flight = FALSE;
}

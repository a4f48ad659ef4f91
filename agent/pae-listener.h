/*
 * pae-listener: the libvirt connection and its events
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libvirt/libvirt.h>

#include "pae-clock.h"
#include "pae-observation.h"

G_BEGIN_DECLS

#define PAE_TYPE_LISTENER (pae_listener_get_type())
G_DECLARE_FINAL_TYPE(PaeListener, pae_listener, PAE, LISTENER, GObject)

typedef struct {
	/* an event; @trigger is the callee's */
	void (*trigger)(PaeTrigger *trigger, virConnect *conn, gpointer user_data);
	/* a (re)connection: the moment to resync */
	void (*connected)(virConnect *conn, gpointer user_data);
	void (*disconnected)(gpointer user_data);
} PaeListenerCallbacks;

typedef struct {
	const gchar *uri;
	gint keepalive_interval; /* seconds; 0 = off */
	gint keepalive_count;
	GTimeSpan reconnect_min;
	GTimeSpan reconnect_max;
} PaeListenerOptions;

PaeListener *
pae_listener_new(const PaeListenerOptions *options,
		 PaeClock *clock,
		 const PaeListenerCallbacks *callbacks,
		 gpointer user_data);
void
pae_listener_start(PaeListener *self);
void
pae_listener_stop(PaeListener *self);
gboolean
pae_listener_is_connected(PaeListener *self);
virConnect *
pae_listener_get_connection(PaeListener *self);
guint
pae_listener_get_connect_count(PaeListener *self);

G_END_DECLS

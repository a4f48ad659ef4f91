/*
 * pae-engine-context: what every engine job gets
 *
 * The engine's jobs (observer, reconciler, outbox, checker, requests) run
 * one after another on the engine's worker thread, each with the worker's
 * own database connection. Decisions inside them are pure functions; the
 * jobs are the I/O around them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pae-config.h"
#include "pae-history.h"
#include "pae-patch-server.h"
#include "pae-store.h"

G_BEGIN_DECLS

typedef struct {
	PaeStore *store;
	PaePatchServer *patch_server; /* nullable: nothing to reconcile or act on */
	PaeClock *clock;
	const PaeConfig *config;
	GCancellable *cancellable;
	/* set by jobs for the rest of the cycle */
	gboolean reconcile_requested;
	gboolean check_requested;
	gboolean outbox_requested;
	gboolean plans_requested; /* the scheduler placed something, or a VM left a plan */
	gboolean alerts_pending;  /* incidents raised or resolved, to deliver */
} PaeEngineContext;

gboolean
pae_engine_record(PaeEngineContext *ctx,
		  const gchar *vm_uuid,
		  const gchar *kind,
		  const gchar *event,
		  const gchar *detail,
		  GError **error);

G_END_DECLS

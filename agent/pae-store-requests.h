/*
 * pae-store-requests: requests from paectl, and when each pass last ran
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "pae-clock.h"
#include "pae-store.h"

G_BEGIN_DECLS

typedef struct {
	gint64 id;
	gchar *kind;
	gchar *vm_uuid;
	gchar *argument;
	gchar *requester;
	PaeTime requested;
	PaeTime handled;
	gchar *result;
} PaeRequest;

typedef struct {
	PaeTime started;
	PaeTime finished;
	gboolean ok;
	gchar *detail;
	gint64 runs;
} PaePass;

void
pae_request_free(PaeRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeRequest, pae_request_free)
void
pae_pass_free(PaePass *pass);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaePass, pae_pass_free)

gint64
pae_store_add_request(PaeStore *self,
		      const gchar *kind,
		      const gchar *vm_uuid,
		      const gchar *argument,
		      const gchar *requester,
		      PaeTime now,
		      GError **error);
GPtrArray *
pae_store_list_requests(PaeStore *self, gboolean pending_only, guint limit, GError **error);
gboolean
pae_store_finish_request(
	PaeStore *self, gint64 id, const gchar *result, PaeTime now, GError **error);

gboolean
pae_store_begin_pass(PaeStore *self, const gchar *name, PaeTime now, GError **error);
gboolean
pae_store_end_pass(PaeStore *self,
		   const gchar *name,
		   PaeTime now,
		   gboolean ok,
		   const gchar *detail,
		   GError **error);
PaePass *
pae_store_get_pass(PaeStore *self, const gchar *name, GError **error);

G_END_DECLS

/*
 * pae-patch-server: the interface to a patch server (BigFix, formerly TEM)
 *
 * The core speaks to the patch server only through this vtable; the one
 * implementation today is backends/bigfix. Every slot is synchronous,
 * cancellable and fallible: the core calls them from worker threads, never
 * from the main loop. Errors are PAE_ERROR codes, and pae_error_is_transient()
 * tells the caller whether to retry later (timeouts, 5xx, an open circuit)
 * or to give up (bad request, auth, not found).
 *
 * Everything that creates something carries an idempotency key, which the
 * backend writes into the created object (the action title) so that
 * find_actions() can find it again after a crash.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pae-clock.h"
#include "pae-config-file.h"

G_BEGIN_DECLS

/* a computer the patch server manages, mapped to a VM by its UUID property */
typedef struct {
	gchar *computer_id;
	gchar *name;
	gchar *vm_uuid; /* lower-case canonical UUID, or NULL when the property is not one */
	PaeTime last_report;
} PaeComputer;

/* a patch's identity: fixlet ids are unique within a site only */
typedef struct {
	gchar *site;
	gchar *fixlet_id;
} PaePatchRef;

/* one (computer, patch) pair where the patch is relevant: not installed */
typedef struct {
	gchar *computer_id;
	gchar *site;
	gchar *fixlet_id;
} PaeRelevance;

typedef struct {
	gchar *site;
	gchar *fixlet_id;
	gchar *name;
	gchar *source_severity; /* the vendor's word: Critical, Important, Moderate, ... */
	gchar *category;
	PaeTime release_date; /* midnight UTC of the release day; 0 if unknown */
	gchar **cves;	      /* never NULL */
} PaePatchInfo;

typedef enum {
	/* each computer applies start, end and time range on its own clock */
	PAE_ACTION_TIME_LOCAL,
	/* one instant for every computer */
	PAE_ACTION_TIME_UTC,
} PaeActionTimeMode;

typedef struct {
	gchar *idempotency_key; /* written into the title as "[KEY] " */
	gchar *summary;		/* the rest of the title, for people */
	GPtrArray *patches;	/* PaePatchRef: one = a fixlet action, more = a group */
	GPtrArray *computer_ids;
	PaeActionTimeMode time_mode;
	/* PAE_ACTION_TIME_UTC: instants; PAE_ACTION_TIME_LOCAL: wall-clock times,
	 * written as if they were UTC instants (2026-03-14 02:00 local is the
	 * instant 2026-03-14T02:00:00Z) */
	PaeTime start;
	PaeTime end;
	/* a daily time range within [start, end], seconds after midnight, in the
	 * same time mode; both 0 for none; end < start wraps past midnight */
	gint time_range_start;
	gint time_range_end;
	gboolean restart_after;
} PaeActionRequest;

typedef struct {
	gchar *action_id;
	gchar *title;
	gchar *state; /* Open, Stopped, Expired */
	PaeTime issued;
} PaeActionInfo;

typedef struct {
	gchar *action_id;
	gchar *computer_id;
	gchar *status;	/* the short status: Fixed, Failed, Pending Restart, Not Relevant, ... */
	gint exit_code; /* -1 when none */
	gint apply_count;
	PaeTime start; /* 0 when not started */
	PaeTime end;
} PaeActionResult;

typedef struct {
	const gchar *name;
	/* reads and validates the backend's own [group] of the configuration,
	 * recording problems in @config (file:line:key); returns its state */
	gpointer (*new)(PaeConfigFile *config, PaeClock *clock, GError **error);
	void (*free)(gpointer backend);
	/* every computer with its VM UUID property, in one request */
	GPtrArray *(*list_computers)(gpointer backend, GCancellable *cancellable, GError **error);
	/* every relevant patch of every computer, in one request */
	GPtrArray *(*list_relevant)(gpointer backend, GCancellable *cancellable, GError **error);
	/* metadata of the given patches (PaePatchRef), in one request */
	GPtrArray *(*get_patch_info)(gpointer backend,
				     GPtrArray *patches,
				     GCancellable *cancellable,
				     GError **error);
	/* returns the new action's id */
	gchar *(*create_action)(gpointer backend,
				const PaeActionRequest *request,
				GCancellable *cancellable,
				GError **error);
	/* actions whose idempotency key starts with @key_prefix, of every agent */
	GPtrArray *(*find_actions)(gpointer backend,
				   const gchar *key_prefix,
				   GCancellable *cancellable,
				   GError **error);
	/* states of the given action ids (PaeActionInfo), in one request */
	GPtrArray *(*get_action_states)(gpointer backend,
					GPtrArray *action_ids,
					GCancellable *cancellable,
					GError **error);
	/* per-computer results of the given action ids (PaeActionResult), in one request */
	GPtrArray *(*get_action_results)(gpointer backend,
					 GPtrArray *action_ids,
					 GCancellable *cancellable,
					 GError **error);
	gboolean (*stop_action)(gpointer backend,
				const gchar *action_id,
				GCancellable *cancellable,
				GError **error);
	gboolean (*delete_action)(gpointer backend,
				  const gchar *action_id,
				  GCancellable *cancellable,
				  GError **error);
} PaePatchServerClass;

typedef struct _PaePatchServer PaePatchServer;

PaePatchServer *
pae_patch_server_new(const gchar *backend_name,
		     PaeConfigFile *config,
		     PaeClock *clock,
		     GError **error);
void
pae_patch_server_free(PaePatchServer *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaePatchServer, pae_patch_server_free)
const gchar *
pae_patch_server_get_name(PaePatchServer *self);

GPtrArray *
pae_patch_server_list_computers(PaePatchServer *self, GCancellable *cancellable, GError **error);
GPtrArray *
pae_patch_server_list_relevant(PaePatchServer *self, GCancellable *cancellable, GError **error);
GPtrArray *
pae_patch_server_get_patch_info(PaePatchServer *self,
				GPtrArray *patches,
				GCancellable *cancellable,
				GError **error);
gchar *
pae_patch_server_create_action(PaePatchServer *self,
			       const PaeActionRequest *request,
			       GCancellable *cancellable,
			       GError **error);
GPtrArray *
pae_patch_server_find_actions(PaePatchServer *self,
			      const gchar *key_prefix,
			      GCancellable *cancellable,
			      GError **error);
GPtrArray *
pae_patch_server_get_action_states(PaePatchServer *self,
				   GPtrArray *action_ids,
				   GCancellable *cancellable,
				   GError **error);
GPtrArray *
pae_patch_server_get_action_results(PaePatchServer *self,
				    GPtrArray *action_ids,
				    GCancellable *cancellable,
				    GError **error);
gboolean
pae_patch_server_stop_action(PaePatchServer *self,
			     const gchar *action_id,
			     GCancellable *cancellable,
			     GError **error);
gboolean
pae_patch_server_delete_action(PaePatchServer *self,
			       const gchar *action_id,
			       GCancellable *cancellable,
			       GError **error);

/* constructors and destructors of the data types, for backends and the core */
PaeComputer *
pae_computer_new(void);
void
pae_computer_free(PaeComputer *computer);
PaePatchRef *
pae_patch_ref_new(const gchar *site, const gchar *fixlet_id);
void
pae_patch_ref_free(PaePatchRef *ref);
PaeRelevance *
pae_relevance_new(void);
void
pae_relevance_free(PaeRelevance *relevance);
PaePatchInfo *
pae_patch_info_new(void);
void
pae_patch_info_free(PaePatchInfo *info);
PaeActionRequest *
pae_action_request_new(void);
void
pae_action_request_free(PaeActionRequest *request);
PaeActionInfo *
pae_action_info_new(void);
void
pae_action_info_free(PaeActionInfo *info);
PaeActionResult *
pae_action_result_new(void);
void
pae_action_result_free(PaeActionResult *result);
gchar *
pae_action_title(const gchar *idempotency_key, const gchar *summary);
gchar *
pae_action_title_get_key(const gchar *title);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeComputer, pae_computer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaePatchRef, pae_patch_ref_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeRelevance, pae_relevance_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaePatchInfo, pae_patch_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeActionRequest, pae_action_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeActionInfo, pae_action_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeActionResult, pae_action_result_free)

G_END_DECLS

/*
 * pae-patch-server: the interface to a patch server (BigFix, formerly TEM)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "PaePatchServer"

#include "config.h"

#include "pae-patch-server.h"

#include <string.h>

#include "pae-backend.h"
#include "pae-error.h"

/* BigFix titles are at most 255 characters */
#define PAE_ACTION_TITLE_MAX 255

struct _PaePatchServer {
	const PaePatchServerClass *klass;
	gpointer backend;
};

/**
 * pae_patch_server_new:
 * @backend_name: e.g. "bigfix"
 *
 * Returns: (transfer full): the backend set up from its configuration group,
 * or %NULL (configuration problems are also recorded in @config)
 */
PaePatchServer *
pae_patch_server_new(const gchar *backend_name,
		     PaeConfigFile *config,
		     PaeClock *clock,
		     GError **error)
{
	const PaeBackendInfo *info = pae_backend_find(PAE_BACKEND_KIND_PATCH_SERVER, backend_name);
	g_autoptr(PaePatchServer) self = NULL;

	if (info == NULL) {
		g_autofree gchar *names = pae_backend_list_names(PAE_BACKEND_KIND_PATCH_SERVER);
		g_set_error(error,
			    PAE_ERROR,
			    PAE_ERROR_INVALID_CONFIG,
			    "no patch server backend '%s' (built: %s)",
			    backend_name,
			    names);
		return NULL;
	}
	self = g_new0(PaePatchServer, 1);
	self->klass = info->vtable;
	self->backend = self->klass->new (config, clock, error);
	if (self->backend == NULL)
		return NULL;
	return g_steal_pointer(&self);
}

void
pae_patch_server_free(PaePatchServer *self)
{
	if (self == NULL)
		return;
	if (self->backend != NULL && self->klass->free != NULL)
		self->klass->free(self->backend);
	g_free(self);
}

const gchar *
pae_patch_server_get_name(PaePatchServer *self)
{
	return self->klass->name;
}

static gboolean
pae_patch_server_check(PaePatchServer *self, gconstpointer slot, const gchar *what, GError **error)
{
	if (slot != NULL)
		return TRUE;
	g_set_error(error,
		    PAE_ERROR,
		    PAE_ERROR_NOT_SUPPORTED,
		    "the %s backend cannot %s",
		    self->klass->name,
		    what);
	return FALSE;
}

GPtrArray *
pae_patch_server_list_computers(PaePatchServer *self, GCancellable *cancellable, GError **error)
{
	if (!pae_patch_server_check(self, self->klass->list_computers, "list computers", error))
		return NULL;
	return self->klass->list_computers(self->backend, cancellable, error);
}

GPtrArray *
pae_patch_server_list_relevant(PaePatchServer *self, GCancellable *cancellable, GError **error)
{
	if (!pae_patch_server_check(
		    self, self->klass->list_relevant, "list relevant patches", error))
		return NULL;
	return self->klass->list_relevant(self->backend, cancellable, error);
}

GPtrArray *
pae_patch_server_get_patch_info(PaePatchServer *self,
				GPtrArray *patches,
				GCancellable *cancellable,
				GError **error)
{
	if (!pae_patch_server_check(self, self->klass->get_patch_info, "describe patches", error))
		return NULL;
	return self->klass->get_patch_info(self->backend, patches, cancellable, error);
}

gchar *
pae_patch_server_create_action(PaePatchServer *self,
			       const PaeActionRequest *request,
			       GCancellable *cancellable,
			       GError **error)
{
	if (!pae_patch_server_check(self, self->klass->create_action, "create actions", error))
		return NULL;
	return self->klass->create_action(self->backend, request, cancellable, error);
}

GPtrArray *
pae_patch_server_find_actions(PaePatchServer *self,
			      const gchar *key_prefix,
			      GCancellable *cancellable,
			      GError **error)
{
	if (!pae_patch_server_check(self, self->klass->find_actions, "find actions", error))
		return NULL;
	return self->klass->find_actions(self->backend, key_prefix, cancellable, error);
}

GPtrArray *
pae_patch_server_get_action_states(PaePatchServer *self,
				   GPtrArray *action_ids,
				   GCancellable *cancellable,
				   GError **error)
{
	if (!pae_patch_server_check(self, self->klass->get_action_states, "read actions", error))
		return NULL;
	return self->klass->get_action_states(self->backend, action_ids, cancellable, error);
}

GPtrArray *
pae_patch_server_get_action_results(PaePatchServer *self,
				    GPtrArray *action_ids,
				    GCancellable *cancellable,
				    GError **error)
{
	if (!pae_patch_server_check(
		    self, self->klass->get_action_results, "read action results", error))
		return NULL;
	return self->klass->get_action_results(self->backend, action_ids, cancellable, error);
}

gboolean
pae_patch_server_stop_action(PaePatchServer *self,
			     const gchar *action_id,
			     GCancellable *cancellable,
			     GError **error)
{
	if (!pae_patch_server_check(self, self->klass->stop_action, "stop actions", error))
		return FALSE;
	return self->klass->stop_action(self->backend, action_id, cancellable, error);
}

gboolean
pae_patch_server_delete_action(PaePatchServer *self,
			       const gchar *action_id,
			       GCancellable *cancellable,
			       GError **error)
{
	if (!pae_patch_server_check(self, self->klass->delete_action, "delete actions", error))
		return FALSE;
	return self->klass->delete_action(self->backend, action_id, cancellable, error);
}

PaeComputer *
pae_computer_new(void)
{
	return g_new0(PaeComputer, 1);
}

void
pae_computer_free(PaeComputer *computer)
{
	if (computer == NULL)
		return;
	g_free(computer->computer_id);
	g_free(computer->name);
	g_free(computer->vm_uuid);
	g_free(computer);
}

PaePatchRef *
pae_patch_ref_new(const gchar *site, const gchar *fixlet_id)
{
	PaePatchRef *ref = g_new0(PaePatchRef, 1);
	ref->site = g_strdup(site);
	ref->fixlet_id = g_strdup(fixlet_id);
	return ref;
}

void
pae_patch_ref_free(PaePatchRef *ref)
{
	if (ref == NULL)
		return;
	g_free(ref->site);
	g_free(ref->fixlet_id);
	g_free(ref);
}

PaeRelevance *
pae_relevance_new(void)
{
	return g_new0(PaeRelevance, 1);
}

void
pae_relevance_free(PaeRelevance *relevance)
{
	if (relevance == NULL)
		return;
	g_free(relevance->computer_id);
	g_free(relevance->site);
	g_free(relevance->fixlet_id);
	g_free(relevance);
}

PaePatchInfo *
pae_patch_info_new(void)
{
	PaePatchInfo *info = g_new0(PaePatchInfo, 1);
	info->cves = g_new0(gchar *, 1);
	return info;
}

void
pae_patch_info_free(PaePatchInfo *info)
{
	if (info == NULL)
		return;
	g_free(info->site);
	g_free(info->fixlet_id);
	g_free(info->name);
	g_free(info->source_severity);
	g_free(info->category);
	g_strfreev(info->cves);
	g_free(info);
}

PaeActionRequest *
pae_action_request_new(void)
{
	PaeActionRequest *request = g_new0(PaeActionRequest, 1);
	request->patches = g_ptr_array_new_with_free_func((GDestroyNotify)pae_patch_ref_free);
	request->computer_ids = g_ptr_array_new_with_free_func(g_free);
	return request;
}

void
pae_action_request_free(PaeActionRequest *request)
{
	if (request == NULL)
		return;
	g_free(request->idempotency_key);
	g_free(request->summary);
	g_ptr_array_unref(request->patches);
	g_ptr_array_unref(request->computer_ids);
	g_free(request);
}

PaeActionInfo *
pae_action_info_new(void)
{
	return g_new0(PaeActionInfo, 1);
}

void
pae_action_info_free(PaeActionInfo *info)
{
	if (info == NULL)
		return;
	g_free(info->action_id);
	g_free(info->title);
	g_free(info->state);
	g_free(info);
}

PaeActionResult *
pae_action_result_new(void)
{
	PaeActionResult *result = g_new0(PaeActionResult, 1);
	result->exit_code = -1;
	return result;
}

void
pae_action_result_free(PaeActionResult *result)
{
	if (result == NULL)
		return;
	g_free(result->action_id);
	g_free(result->computer_id);
	g_free(result->status);
	g_free(result);
}

/**
 * pae_action_title:
 *
 * Returns: "[KEY] summary", cut to the 255 characters BigFix allows without
 * ever cutting the key
 */
gchar *
pae_action_title(const gchar *idempotency_key, const gchar *summary)
{
	g_autofree gchar *title = g_strdup_printf("[%s] %s", idempotency_key, summary);
	if (g_utf8_strlen(title, -1) <= PAE_ACTION_TITLE_MAX)
		return g_steal_pointer(&title);
	return g_utf8_substring(title, 0, PAE_ACTION_TITLE_MAX);
}

/**
 * pae_action_title_get_key:
 *
 * Returns: (nullable): the idempotency key of a title made by
 * pae_action_title(), or %NULL for any other title
 */
gchar *
pae_action_title_get_key(const gchar *title)
{
	const gchar *end;

	if (title == NULL || title[0] != '[')
		return NULL;
	end = strchr(title, ']');
	if (end == NULL || end == title + 1)
		return NULL;
	return g_strndup(title + 1, (gsize)(end - title - 1));
}

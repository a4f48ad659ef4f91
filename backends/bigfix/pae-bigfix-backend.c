/*
 * pae-bigfix-backend: the patch server interface over the BigFix REST API
 *
 * The core calls every slot from a worker thread, never from the main loop,
 * so each slot performs its HTTPS requests synchronously and returns the
 * result for the core to post back. Transient failures are retried inside
 * the slot with capped exponential backoff; a circuit breaker stops all
 * requests for a while once the server looks down. Reads go through session
 * relevance (POST /api/query), in as few requests as the data allows: the
 * number of requests per pass does not grow with the number of computers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include "pae-backend.h"
#include "pae-backoff.h"
#include "pae-bigfix-private.h"
#include "pae-duration.h"
#include "pae-error.h"

#define PAE_BIGFIX_FORM_CONTENT_TYPE "application/x-www-form-urlencoded"
#define PAE_BIGFIX_XML_CONTENT_TYPE  "application/xml"

typedef struct {
	PaeBigfixClient *client;
	PaeClock *clock;
	gchar *uuid_property;
	gchar **patch_sites;
	GTimeZone *server_tz;
	guint retries;
	GTimeSpan retry_min;
	GTimeSpan retry_max;
	guint ids_per_query;
	GMutex mutex; /* guards the breaker */
	PaeBigfixBreaker *breaker;
} PaeBigfixBackend;

typedef GPtrArray *(*PaeBigfixParseFunc)(const gchar *data,
					 gsize len,
					 gsize max_len,
					 GError **error);

static void
pae_bigfix_backend_free(gpointer backend)
{
	PaeBigfixBackend *self = backend;

	if (self == NULL)
		return;
	pae_bigfix_client_free(self->client);
	g_clear_object(&self->clock);
	g_free(self->uuid_property);
	g_strfreev(self->patch_sites);
	if (self->server_tz != NULL)
		g_time_zone_unref(self->server_tz);
	pae_bigfix_breaker_free(self->breaker);
	g_mutex_clear(&self->mutex);
	g_free(self);
}

static gpointer
pae_bigfix_backend_new(PaeConfigFile *config, PaeClock *clock, GError **error)
{
	static gsize curl_initialized = 0;
	g_auto(PaeBigfixConfig) settings = {NULL};
	PaeBigfixBackend *self;

	if (!pae_bigfix_config_load(&settings, config, error))
		return NULL;
	if (g_once_init_enter(&curl_initialized)) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		g_once_init_leave(&curl_initialized, 1);
	}
	if (settings.transport.insecure_skip_verify)
		g_warning("insecure_skip_verify is set: the identity of %s is NOT checked, and the "
			  "BigFix password goes to whoever answers",
			  settings.transport.base_url);
	self = g_new0(PaeBigfixBackend, 1);
	g_mutex_init(&self->mutex);
	self->clock = g_object_ref(clock);
	self->client = pae_bigfix_client_new(&settings.transport);
	self->uuid_property = g_steal_pointer(&settings.uuid_property);
	self->patch_sites = g_steal_pointer(&settings.patch_sites);
	self->server_tz = g_time_zone_new_identifier(settings.server_timezone);
	if (self->server_tz == NULL)
		self->server_tz = g_time_zone_new_utc();
	self->retries = settings.retries;
	self->retry_min = settings.retry_min;
	self->retry_max = settings.retry_max;
	self->ids_per_query = settings.ids_per_query;
	self->breaker =
		pae_bigfix_breaker_new(settings.breaker_threshold, settings.breaker_cooldown);
	return self;
}

/* requests */

static gboolean
pae_bigfix_backend_sleep(GTimeSpan delay, GCancellable *cancellable, GError **error)
{
	GPollFD pollfd;

	if (cancellable != NULL && g_cancellable_make_pollfd(cancellable, &pollfd)) {
		g_poll(&pollfd, 1, (gint)MIN(delay / G_TIME_SPAN_MILLISECOND, G_MAXINT));
		g_cancellable_release_fd(cancellable);
	} else {
		g_usleep((gulong)delay);
	}
	if (g_cancellable_set_error_if_cancelled(cancellable, error)) {
		pae_error_convert(error);
		return FALSE;
	}
	return TRUE;
}

/* one attempt, through the circuit breaker */
static GBytes *
pae_bigfix_backend_send(PaeBigfixBackend *self,
			const gchar *method,
			const gchar *path,
			const gchar *content_type,
			const gchar *body,
			GCancellable *cancellable,
			GError **error)
{
	g_autoptr(GBytes) reply = NULL;
	g_autoptr(GError) local_error = NULL;

	g_mutex_lock(&self->mutex);
	if (!pae_bigfix_breaker_allow(self->breaker, pae_clock_get_now(self->clock), error)) {
		g_mutex_unlock(&self->mutex);
		return NULL;
	}
	g_mutex_unlock(&self->mutex);

	reply = pae_bigfix_client_perform(
		self->client, method, path, content_type, body, cancellable, &local_error);

	g_mutex_lock(&self->mutex);
	if (reply != NULL)
		pae_bigfix_breaker_record_success(self->breaker);
	else if (pae_error_is_transient(local_error))
		pae_bigfix_breaker_record_failure(self->breaker, pae_clock_get_now(self->clock));
	else if (g_error_matches(local_error, PAE_ERROR, PAE_ERROR_CANCELLED))
		pae_bigfix_breaker_record_abandoned(self->breaker);
	else
		pae_bigfix_breaker_record_success(self->breaker);
	g_mutex_unlock(&self->mutex);

	if (local_error != NULL) {
		g_propagate_error(error, g_steal_pointer(&local_error));
		return NULL;
	}
	return g_steal_pointer(&reply);
}

/**
 * pae_bigfix_backend_should_retry:
 * @failure: (inout): the error of attempt @attempt
 * @previous: (inout): the error of the attempt before, kept to report it
 *
 * Returns: %TRUE after waiting, when another attempt should be made;
 * %FALSE with the error to report in @error
 */
static gboolean
pae_bigfix_backend_should_retry(PaeBigfixBackend *self,
				guint attempt,
				GError **failure,
				GError **previous,
				GCancellable *cancellable,
				GError **error)
{
	g_autofree gchar *wait_text = NULL;
	GTimeSpan delay;

	/* our own failures opened the circuit: report what actually went wrong */
	if (g_error_matches(*failure, PAE_ERROR, PAE_ERROR_CIRCUIT_OPEN) && *previous != NULL) {
		g_propagate_error(error, g_steal_pointer(previous));
		return FALSE;
	}
	if (!pae_error_is_transient(*failure) ||
	    g_error_matches(*failure, PAE_ERROR, PAE_ERROR_CIRCUIT_OPEN) ||
	    attempt >= self->retries) {
		g_propagate_error(error, g_steal_pointer(failure));
		return FALSE;
	}
	delay = pae_backoff_delay(attempt, self->retry_min, self->retry_max, g_random_double());
	wait_text = pae_duration_to_string(delay - delay % G_TIME_SPAN_MILLISECOND);
	g_info("%s; retry %u of %u in %s",
	       (*failure)->message,
	       attempt + 1,
	       self->retries,
	       wait_text);
	g_clear_error(previous);
	*previous = g_steal_pointer(failure);
	return pae_bigfix_backend_sleep(delay, cancellable, error);
}

/* with retries of transient failures; only for requests that are safe to repeat */
static GBytes *
pae_bigfix_backend_request(PaeBigfixBackend *self,
			   const gchar *method,
			   const gchar *path,
			   const gchar *content_type,
			   const gchar *body,
			   GCancellable *cancellable,
			   GError **error)
{
	g_autoptr(GError) previous = NULL;

	for (guint attempt = 0;; attempt++) {
		g_autoptr(GError) failure = NULL;
		GBytes *reply = pae_bigfix_backend_send(
			self, method, path, content_type, body, cancellable, &failure);
		if (reply != NULL)
			return reply;
		if (!pae_bigfix_backend_should_retry(
			    self, attempt, &failure, &previous, cancellable, error))
			return NULL;
	}
}

/* @retry: FALSE for one attempt, when the caller runs its own retry loop */
static GPtrArray *
pae_bigfix_backend_query_full(PaeBigfixBackend *self,
			      const gchar *relevance,
			      PaeBigfixParseFunc parse,
			      gboolean retry,
			      GCancellable *cancellable,
			      GError **error)
{
	g_autofree gchar *body = pae_bigfix_relevance_form_body(relevance);
	g_autoptr(GBytes) reply = NULL;
	GPtrArray *rows;
	gconstpointer data;
	gsize len = 0;

	g_debug("relevance: %s", relevance);
	if (retry)
		reply = pae_bigfix_backend_request(self,
						   "POST",
						   "/api/query",
						   PAE_BIGFIX_FORM_CONTENT_TYPE,
						   body,
						   cancellable,
						   error);
	else
		reply = pae_bigfix_backend_send(self,
						"POST",
						"/api/query",
						PAE_BIGFIX_FORM_CONTENT_TYPE,
						body,
						cancellable,
						error);
	if (reply == NULL)
		return NULL;
	data = g_bytes_get_data(reply, &len);
	rows = parse(data, len, pae_bigfix_client_get_max_reply_size(self->client), error);
	if (rows == NULL)
		g_prefix_error(error, "POST /api/query: ");
	return rows;
}

static GPtrArray *
pae_bigfix_backend_query(PaeBigfixBackend *self,
			 const gchar *relevance,
			 PaeBigfixParseFunc parse,
			 GCancellable *cancellable,
			 GError **error)
{
	return pae_bigfix_backend_query_full(self, relevance, parse, TRUE, cancellable, error);
}

typedef gchar *(*PaeBigfixChunkFunc)(GPtrArray *items, guint start, guint count);

/* one query per ids_per_query items, the results concatenated */
static GPtrArray *
pae_bigfix_backend_query_chunked(PaeBigfixBackend *self,
				 GPtrArray *items,
				 PaeBigfixChunkFunc build,
				 PaeBigfixParseFunc parse,
				 GDestroyNotify free_func,
				 GCancellable *cancellable,
				 GError **error)
{
	g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(free_func);

	for (guint start = 0; start < items->len; start += self->ids_per_query) {
		guint count = MIN(self->ids_per_query, items->len - start);
		g_autofree gchar *relevance = build(items, start, count);
		g_autoptr(GPtrArray) part =
			pae_bigfix_backend_query(self, relevance, parse, cancellable, error);
		if (part == NULL)
			return NULL;
		g_ptr_array_extend_and_steal(all, g_steal_pointer(&part));
	}
	return g_steal_pointer(&all);
}

static gboolean
pae_bigfix_backend_check_ids(GPtrArray *ids, const gchar *what, GError **error)
{
	if (ids == NULL) {
		g_set_error(error, PAE_ERROR, PAE_ERROR_INVALID_DATA, "no %s list", what);
		return FALSE;
	}
	for (guint i = 0; i < ids->len; i++) {
		if (!pae_bigfix_relevance_check_id(g_ptr_array_index(ids, i), what, error))
			return FALSE;
	}
	return TRUE;
}

/* the slots */

static GPtrArray *
pae_bigfix_backend_list_computers(gpointer backend, GCancellable *cancellable, GError **error)
{
	PaeBigfixBackend *self = backend;
	g_autofree gchar *relevance = pae_bigfix_relevance_computers(self->uuid_property);
	GPtrArray *computers = pae_bigfix_backend_query(
		self, relevance, pae_bigfix_reply_parse_computers, cancellable, error);
	if (computers == NULL)
		g_prefix_error(error, "bigfix: list computers: ");
	return computers;
}

static GPtrArray *
pae_bigfix_backend_list_relevant(gpointer backend, GCancellable *cancellable, GError **error)
{
	PaeBigfixBackend *self = backend;
	g_autofree gchar *relevance =
		pae_bigfix_relevance_relevant((const gchar *const *)self->patch_sites);
	GPtrArray *relevant = pae_bigfix_backend_query(
		self, relevance, pae_bigfix_reply_parse_relevant, cancellable, error);
	if (relevant == NULL)
		g_prefix_error(error, "bigfix: list relevant patches: ");
	return relevant;
}

static GPtrArray *
pae_bigfix_backend_get_patch_info(gpointer backend,
				  GPtrArray *patches,
				  GCancellable *cancellable,
				  GError **error)
{
	PaeBigfixBackend *self = backend;
	GPtrArray *infos;

	for (guint i = 0; patches != NULL && i < patches->len; i++) {
		PaePatchRef *ref = g_ptr_array_index(patches, i);
		if (ref->site == NULL) {
			g_set_error_literal(error,
					    PAE_ERROR,
					    PAE_ERROR_INVALID_DATA,
					    "bigfix: describe patches: a patch has no site");
			return NULL;
		}
		if (!pae_bigfix_relevance_check_id(ref->fixlet_id, "fixlet id", error)) {
			g_prefix_error(error, "bigfix: describe patches: ");
			return NULL;
		}
	}
	if (patches == NULL || patches->len == 0)
		return g_ptr_array_new_with_free_func((GDestroyNotify)pae_patch_info_free);
	infos = pae_bigfix_backend_query_chunked(self,
						 patches,
						 pae_bigfix_relevance_patch_info,
						 pae_bigfix_reply_parse_patch_info,
						 (GDestroyNotify)pae_patch_info_free,
						 cancellable,
						 error);
	if (infos == NULL)
		g_prefix_error(error, "bigfix: describe patches: ");
	return infos;
}

/* the id of the action whose title carries exactly @key, or NULL without error */
static gchar *
pae_bigfix_backend_find_key(PaeBigfixBackend *self,
			    const gchar *key,
			    GCancellable *cancellable,
			    GError **error)
{
	g_autofree gchar *prefix = g_strconcat(key, "]", NULL);
	g_autofree gchar *relevance = pae_bigfix_relevance_actions_by_prefix(prefix);
	g_autoptr(GPtrArray) infos = pae_bigfix_backend_query_full(
		self, relevance, pae_bigfix_reply_parse_action_infos, FALSE, cancellable, error);

	if (infos == NULL)
		return NULL;
	for (guint i = 0; i < infos->len; i++) {
		PaeActionInfo *info = g_ptr_array_index(infos, i);
		g_autofree gchar *found = pae_action_title_get_key(info->title);
		if (g_strcmp0(found, key) == 0)
			return g_strdup(info->action_id);
	}
	return NULL;
}

static gchar *
pae_bigfix_backend_post_action(PaeBigfixBackend *self,
			       const gchar *xml,
			       GCancellable *cancellable,
			       GError **error)
{
	g_autoptr(GBytes) reply = pae_bigfix_backend_send(
		self, "POST", "/api/actions", PAE_BIGFIX_XML_CONTENT_TYPE, xml, cancellable, error);
	gconstpointer data;
	gsize len = 0;

	if (reply == NULL)
		return NULL;
	data = g_bytes_get_data(reply, &len);
	return pae_bigfix_reply_parse_created_action(
		data, len, pae_bigfix_client_get_max_reply_size(self->client), error);
}

/*
 * A POST whose reply was lost may have created the action: before posting
 * again, look for the idempotency key, so that a retry never makes a second
 * action.
 */
static gchar *
pae_bigfix_backend_create_action(gpointer backend,
				 const PaeActionRequest *request,
				 GCancellable *cancellable,
				 GError **error)
{
	PaeBigfixBackend *self = backend;
	g_autofree gchar *xml = NULL;
	g_autoptr(GError) previous = NULL;

	xml = pae_bigfix_action_build(
		request, pae_clock_get_now(self->clock), self->server_tz, error);
	if (xml == NULL) {
		g_prefix_error(error, "bigfix: create action: ");
		return NULL;
	}
	for (guint attempt = 0;; attempt++) {
		g_autoptr(GError) failure = NULL;
		g_autofree gchar *id = NULL;

		if (attempt > 0) {
			id = pae_bigfix_backend_find_key(
				self, request->idempotency_key, cancellable, &failure);
			if (id != NULL) {
				g_info("action %s for key %s was created although its reply was "
				       "lost",
				       id,
				       request->idempotency_key);
				return g_steal_pointer(&id);
			}
		}
		if (failure == NULL) {
			id = pae_bigfix_backend_post_action(self, xml, cancellable, &failure);
			if (id != NULL)
				return g_steal_pointer(&id);
		}
		if (!pae_bigfix_backend_should_retry(
			    self, attempt, &failure, &previous, cancellable, error)) {
			g_prefix_error(error, "bigfix: create action: ");
			return NULL;
		}
	}
}

static GPtrArray *
pae_bigfix_backend_find_actions(gpointer backend,
				const gchar *key_prefix,
				GCancellable *cancellable,
				GError **error)
{
	PaeBigfixBackend *self = backend;
	g_autofree gchar *relevance =
		pae_bigfix_relevance_actions_by_prefix(key_prefix != NULL ? key_prefix : "");
	GPtrArray *infos = pae_bigfix_backend_query(
		self, relevance, pae_bigfix_reply_parse_action_infos, cancellable, error);
	if (infos == NULL)
		g_prefix_error(error, "bigfix: find actions: ");
	return infos;
}

static GPtrArray *
pae_bigfix_backend_get_action_states(gpointer backend,
				     GPtrArray *action_ids,
				     GCancellable *cancellable,
				     GError **error)
{
	PaeBigfixBackend *self = backend;
	GPtrArray *infos = NULL;

	if (pae_bigfix_backend_check_ids(action_ids, "action id", error))
		infos = pae_bigfix_backend_query_chunked(self,
							 action_ids,
							 pae_bigfix_relevance_actions_by_ids,
							 pae_bigfix_reply_parse_action_infos,
							 (GDestroyNotify)pae_action_info_free,
							 cancellable,
							 error);
	if (infos == NULL)
		g_prefix_error(error, "bigfix: read actions: ");
	return infos;
}

static GPtrArray *
pae_bigfix_backend_get_action_results(gpointer backend,
				      GPtrArray *action_ids,
				      GCancellable *cancellable,
				      GError **error)
{
	PaeBigfixBackend *self = backend;
	GPtrArray *results = NULL;

	if (pae_bigfix_backend_check_ids(action_ids, "action id", error))
		results = pae_bigfix_backend_query_chunked(self,
							   action_ids,
							   pae_bigfix_relevance_results_by_ids,
							   pae_bigfix_reply_parse_action_results,
							   (GDestroyNotify)pae_action_result_free,
							   cancellable,
							   error);
	if (results == NULL)
		g_prefix_error(error, "bigfix: read action results: ");
	return results;
}

static gboolean
pae_bigfix_backend_action_request(PaeBigfixBackend *self,
				  const gchar *method,
				  const gchar *action_id,
				  const gchar *suffix,
				  const gchar *what,
				  GCancellable *cancellable,
				  GError **error)
{
	g_autofree gchar *path = NULL;
	g_autoptr(GBytes) reply = NULL;

	if (!pae_bigfix_relevance_check_id(action_id, "action id", error)) {
		g_prefix_error(error, "bigfix: %s: ", what);
		return FALSE;
	}
	path = g_strdup_printf("/api/action/%s%s", action_id, suffix);
	reply = pae_bigfix_backend_request(self, method, path, NULL, NULL, cancellable, error);
	if (reply == NULL) {
		g_prefix_error(error, "bigfix: %s %s: ", what, action_id);
		return FALSE;
	}
	return TRUE;
}

static gboolean
pae_bigfix_backend_stop_action(gpointer backend,
			       const gchar *action_id,
			       GCancellable *cancellable,
			       GError **error)
{
	return pae_bigfix_backend_action_request(
		backend, "POST", action_id, "/stop", "stop action", cancellable, error);
}

static gboolean
pae_bigfix_backend_delete_action(gpointer backend,
				 const gchar *action_id,
				 GCancellable *cancellable,
				 GError **error)
{
	return pae_bigfix_backend_action_request(
		backend, "DELETE", action_id, "", "delete action", cancellable, error);
}

static const PaePatchServerClass pae_bigfix_backend_vtable = {
	.name = "bigfix",
	.new = pae_bigfix_backend_new,
	.free = pae_bigfix_backend_free,
	.list_computers = pae_bigfix_backend_list_computers,
	.list_relevant = pae_bigfix_backend_list_relevant,
	.get_patch_info = pae_bigfix_backend_get_patch_info,
	.create_action = pae_bigfix_backend_create_action,
	.find_actions = pae_bigfix_backend_find_actions,
	.get_action_states = pae_bigfix_backend_get_action_states,
	.get_action_results = pae_bigfix_backend_get_action_results,
	.stop_action = pae_bigfix_backend_stop_action,
	.delete_action = pae_bigfix_backend_delete_action,
};

const PaeBackendInfo pae_backend_bigfix = {
	PAE_BACKEND_KIND_PATCH_SERVER,
	"bigfix",
	&pae_bigfix_backend_vtable,
};

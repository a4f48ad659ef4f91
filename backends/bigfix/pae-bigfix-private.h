/*
 * pae-bigfix-private: what the files of the BigFix backend share with each
 * other and with its tests; the core never includes this header
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <curl/curl.h>
#include <gio/gio.h>

#include "pae-clock.h"
#include "pae-patch-server.h"

G_BEGIN_DECLS

/* libcurl handles, freed by g_autoptr() */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CURL, curl_easy_cleanup)
typedef struct curl_slist PaeCurlSlist;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeCurlSlist, curl_slist_free_all)

/* pae-bigfix-request.c: one HTTPS request at a time */

typedef struct {
	gchar *base_url; /* https://host:port, without a trailing slash */
	gchar *user;
	gchar *password; /* never logged */
	gchar *ca_file;	 /* nullable: the system's CAs */
	gboolean insecure_skip_verify;
	GTimeSpan connect_timeout;
	GTimeSpan timeout;
	GTimeSpan low_speed_time;
	glong low_speed_limit; /* bytes per second */
	gsize max_reply_size;
} PaeBigfixTransport;

void
pae_bigfix_transport_clear(PaeBigfixTransport *transport);

typedef struct _PaeBigfixClient PaeBigfixClient;

PaeBigfixClient *
pae_bigfix_client_new(const PaeBigfixTransport *transport);
void
pae_bigfix_client_free(PaeBigfixClient *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeBigfixClient, pae_bigfix_client_free)
gsize
pae_bigfix_client_get_max_reply_size(PaeBigfixClient *self);
GBytes *
pae_bigfix_client_perform(PaeBigfixClient *self,
			  const gchar *method,
			  const gchar *path,
			  const gchar *content_type,
			  const gchar *body,
			  GCancellable *cancellable,
			  GError **error);
void
pae_bigfix_request_set_status_error(glong status, GBytes *reply, GError **error);
void
pae_bigfix_request_set_curl_error(CURLcode rc, const gchar *detail, GError **error);

/* pae-bigfix-config.c: the [bigfix] group */

typedef struct {
	PaeBigfixTransport transport;
	gchar *uuid_property;
	gchar **patch_sites;
	gchar *server_timezone;
	guint retries;
	GTimeSpan retry_min;
	GTimeSpan retry_max;
	guint breaker_threshold;
	GTimeSpan breaker_cooldown;
	guint ids_per_query;
} PaeBigfixConfig;

gboolean
pae_bigfix_config_load(PaeBigfixConfig *self, PaeConfigFile *config, GError **error);
void
pae_bigfix_config_clear(PaeBigfixConfig *self);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(PaeBigfixConfig, pae_bigfix_config_clear)

/* pae-bigfix-relevance.c: the session relevance the backend sends */

gboolean
pae_bigfix_relevance_check_id(const gchar *id, const gchar *what, GError **error);
gchar *
pae_bigfix_relevance_quote(const gchar *text);
gchar *
pae_bigfix_relevance_computers(const gchar *property);
gchar *
pae_bigfix_relevance_relevant(const gchar *const *sites);
gchar *
pae_bigfix_relevance_patch_info(GPtrArray *patches, guint start, guint count);
gchar *
pae_bigfix_relevance_actions_by_ids(GPtrArray *ids, guint start, guint count);
gchar *
pae_bigfix_relevance_actions_by_prefix(const gchar *prefix);
gchar *
pae_bigfix_relevance_results_by_ids(GPtrArray *ids, guint start, guint count);
gchar *
pae_bigfix_relevance_form_body(const gchar *relevance);

/* pae-bigfix-reply.c: what comes back */

GPtrArray *
pae_bigfix_reply_parse_query(
	const gchar *data, gsize len, gsize max_len, const gchar *columns, GError **error);
GPtrArray *
pae_bigfix_reply_parse_computers(const gchar *data, gsize len, gsize max_len, GError **error);
GPtrArray *
pae_bigfix_reply_parse_relevant(const gchar *data, gsize len, gsize max_len, GError **error);
GPtrArray *
pae_bigfix_reply_parse_patch_info(const gchar *data, gsize len, gsize max_len, GError **error);
GPtrArray *
pae_bigfix_reply_parse_action_infos(const gchar *data, gsize len, gsize max_len, GError **error);
GPtrArray *
pae_bigfix_reply_parse_action_results(const gchar *data, gsize len, gsize max_len, GError **error);
gchar *
pae_bigfix_reply_parse_created_action(const gchar *data, gsize len, gsize max_len, GError **error);
gboolean
pae_bigfix_reply_parse_time(const gchar *text, PaeTime *out);
gboolean
pae_bigfix_reply_parse_date(const gchar *text, PaeTime *out);
gchar *
pae_bigfix_reply_normalize_uuid(const gchar *text);

/* pae-bigfix-action.c: BES XML for POST /api/actions */

gchar *
pae_bigfix_action_build(const PaeActionRequest *request,
			PaeTime now,
			GTimeZone *server_tz,
			GError **error);
gchar *
pae_bigfix_action_format_offset(GTimeSpan span);

/* pae-bigfix-breaker.c: a circuit breaker, a pure state machine */

typedef enum {
	PAE_BIGFIX_BREAKER_CLOSED,
	PAE_BIGFIX_BREAKER_OPEN,
	PAE_BIGFIX_BREAKER_HALF_OPEN,
} PaeBigfixBreakerState;

typedef struct _PaeBigfixBreaker PaeBigfixBreaker;

PaeBigfixBreaker *
pae_bigfix_breaker_new(guint threshold, GTimeSpan cooldown);
void
pae_bigfix_breaker_free(PaeBigfixBreaker *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PaeBigfixBreaker, pae_bigfix_breaker_free)
gboolean
pae_bigfix_breaker_allow(PaeBigfixBreaker *self, PaeTime now, GError **error);
void
pae_bigfix_breaker_record_success(PaeBigfixBreaker *self);
void
pae_bigfix_breaker_record_failure(PaeBigfixBreaker *self, PaeTime now);
void
pae_bigfix_breaker_record_abandoned(PaeBigfixBreaker *self);
PaeBigfixBreakerState
pae_bigfix_breaker_get_state(PaeBigfixBreaker *self);
const gchar *
pae_bigfix_breaker_state_to_string(PaeBigfixBreakerState state);

G_END_DECLS
